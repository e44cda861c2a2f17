import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'upgrade', 'upgrade a tenant, refusing changes that lose data');
}
