import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  const operators = program.command('operators').description('the operators LogClaw needs (helmfile.d/00-operators.yaml)');
  stub(operators, 'install', 'install or refresh the pinned operators and their CRDs');
}
