import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'port-forward', 'forward every service of a tenant to localhost');
}
