import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'uninstall', 'remove a tenant from a cluster');
}
