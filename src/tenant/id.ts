/**
 * The tenant id, defined once: its pattern (the same as `global.tenantId` in schemas/tenant.base.schema.json,
 * a test keeps them equal), the namespace `logclaw-<id>` and the umbrella release name every command uses.
 * Loaded on the start-up path of every command: imports nothing heavy.
 */
import { usageError } from '../errors.js';

/** A DNS label starting with a letter, so that `logclaw-<id>` is a valid namespace and release name. */
export const TENANT_ID_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
export const TENANT_ID_MAX_LENGTH = 40;
const TENANT_ID_RE = new RegExp(TENANT_ID_PATTERN);

export const isTenantId = (id: string): boolean => id.length <= TENANT_ID_MAX_LENGTH && TENANT_ID_RE.test(id);

/** The namespace of a tenant. */
export const tenantNamespace = (id: string): string => `logclaw-${id}`;

/** The release name of a tenant's umbrella chart (lint, render, diff). */
export const releaseName = (id: string): string => `logclaw-${id}`;

/** The value of --tenant, checked: a usage error (exit 2) when it is missing or not a tenant id. */
export function requireTenantId(id: string | undefined, flag = '--tenant'): string {
  if (!id) throw usageError(`${flag} is required`, 'Name the tenant: --tenant acme (its file is gitops/tenants/tenant-acme.yaml).');
  if (!isTenantId(id)) {
    throw usageError(
      `"${id}" is not a tenant id (a DNS label of at most ${TENANT_ID_MAX_LENGTH} characters: lowercase letters, digits and hyphens, starting with a letter)`,
      '`logclaw tenant list` shows the tenants.',
    );
  }
  return id;
}
