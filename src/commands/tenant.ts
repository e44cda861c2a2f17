import type { Command } from 'commander';
import { stub } from './stub.js';

export function register(program: Command): void {
  const tenant = program.command('tenant').description('scaffold, validate and list tenant files (gitops/tenants/)');
  stub(tenant, 'init', 'scaffold a tenant file with a wizard or flags');
  stub(tenant, 'validate', 'validate tenant files against the schema and rules');
  stub(tenant, 'list', 'list the tenants of this repository');
}
