import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  const charts = program.command('charts').description('package, version-check and publish the charts');
  stub(charts, 'package', 'build dependencies and package every chart');
  stub(charts, 'check-versions', 'check changed charts have a higher version than at a git ref');
  stub(charts, 'push', 'push packaged charts to an OCI registry');
}
