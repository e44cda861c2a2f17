import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  stub(program, 'lint', 'lint charts, helmfile.d and every tenant render');
}
