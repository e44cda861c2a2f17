import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'status', "show the readiness of a tenant's components");
}
