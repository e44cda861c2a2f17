import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  const dev = program.command('dev').description('a local LogClaw stack on kind');
  stub(dev, 'up', 'create a kind cluster and install the dev tenant');
  stub(dev, 'down', 'remove the dev tenant (and the cluster with --delete-cluster)');
}
