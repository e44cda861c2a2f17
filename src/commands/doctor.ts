import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'doctor', 'check the tools and machine logclaw needs');
}
