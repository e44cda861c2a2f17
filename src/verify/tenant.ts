/**
 * What verify and port-forward need from a tenant file (gitops/tenants/tenant-<id>.yaml, read with the
 * tenant module's loader): environment, which components are enabled, the ticketing routing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, LogclawError } from '../errors.js';
import { tenantNamespace } from '../tenant/id.js';
import { DEFAULT_TENANT_DIR, loadTenant } from '../tenant/index.js';
import { componentEnabled, enabledPlatforms } from '../tenant/rules.js';
import { SEVERITIES, type IncidentSeverity } from '../tenant/types.js';
import { asRecord } from '../object.js';

export const COMPONENTS = ['platform', 'ingestion', 'kafka', 'flink', 'opensearch', 'mlEngine', 'airflow', 'ticketingAgent', 'zammad'] as const;

export interface TenantInfo {
  id: string;
  file: string;
  namespace: string;
  environment: string;
  enabled: Record<string, boolean>;
  /** Severity → platforms named by ticketingAgent.config.routing. */
  routing: Record<IncidentSeverity, string[]>;
  platforms: string[];
}

type Obj = Record<string, unknown>;

export const tenantFile = (cwd: string, id: string): string => join(cwd, DEFAULT_TENANT_DIR, `tenant-${id}.yaml`);

export function tenantInfoFromValues(id: string, file: string, values: Obj): TenantInfo {
  const g = asRecord(values.global);
  const routingValues = asRecord(asRecord(asRecord(values.ticketingAgent).config).routing);
  const routing = Object.fromEntries(
    SEVERITIES.map((s) => [s, Array.isArray(routingValues[s]) ? (routingValues[s] as unknown[]).map(String) : []]),
  ) as Record<IncidentSeverity, string[]>;
  return {
    id,
    file,
    namespace: tenantNamespace(id),
    environment: typeof g.environment === 'string' ? g.environment : 'production',
    enabled: Object.fromEntries(COMPONENTS.map((c) => [c, componentEnabled(values, c)])),
    routing,
    platforms: enabledPlatforms(values),
  };
}

/** Read the tenant file; `required: false` returns undefined when it does not exist. */
export async function readTenant(cwd: string, id: string, required = true): Promise<TenantInfo | undefined> {
  const path = tenantFile(cwd, id);
  if (!existsSync(path)) {
    if (!required) return undefined;
    throw new LogclawError(`no tenant file for "${id}": ${join(DEFAULT_TENANT_DIR, `tenant-${id}.yaml`)} is missing under ${cwd}`, {
      exitCode: ExitCode.usage,
      hint: 'Run logclaw in the repository root (or set LOGCLAW_ROOT); `logclaw tenant list` shows the tenants.',
    });
  }
  const t = await loadTenant(path, { cwd });
  if (!t.values) {
    const f = t.findings[0];
    throw new LogclawError(`cannot read ${t.file}${f ? `: ${f.message}` : ''}`, {
      exitCode: ExitCode.usage,
      hint: `Check it with: logclaw tenant validate ${t.file}`,
    });
  }
  return tenantInfoFromValues(id, t.file, t.values);
}
