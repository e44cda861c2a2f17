import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'verify', "prove a tenant's pipeline works end to end");
}
