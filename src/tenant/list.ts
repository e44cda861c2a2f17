/**
 * `tenant list`: one row per tenant file, read leniently (a file with schema errors is still listed, marked
 * invalid, and its errors are returned as problems: the command exits 1).
 */
import { loadTenantSync, type LoadedTenant } from './load.js';
import { componentEnabled, enabledPlatforms } from './rules.js';
import { loadTenantSchema } from './schema.js';
import { checkTenants, resolveTenantInputs, type ValidateOptions } from './validate.js';
import { asRecord } from '../object.js';

export type TenantRow = {
  id: string | undefined;
  name: string | undefined;
  environment: string;
  tier: string;
  cloud: string | undefined;
  /** Enabled ticketing platforms; empty when the agent is off. */
  ticketing: string[];
  llm: string;
  airGapped: boolean;
  file: string;
  /** No schema or rule errors (`logclaw tenant validate` passes; warnings allowed). */
  valid: boolean;
};

export interface ListResult {
  tenants: TenantRow[];
  /** Files that could not be read or parsed, and every error of the listed files (`line:column message [rule]`). */
  problems: Array<{ file: string; message: string }>;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function listTenants(inputs: string[], options: ValidateOptions = {}): Promise<ListResult> {
  const cwd = options.cwd ?? process.cwd();
  const tenants: TenantRow[] = [];
  const problems: ListResult['problems'] = [];
  const loaded: LoadedTenant[] = [];
  for (const p of resolveTenantInputs(inputs, { ...options, cwd })) {
    const t = loadTenantSync(p, { cwd });
    if (!t.values) {
      const f = t.findings[0];
      problems.push({ file: t.file, message: f ? `${f.line}:${f.column} ${f.message} [${f.rule}]` : 'cannot be read' });
      continue;
    }
    loaded.push(t);
    const g = asRecord(t.values.global);
    const llm = asRecord(g.llm);
    const provider = str(llm.provider) ?? 'disabled';
    tenants.push({
      id: str(g.tenantId),
      name: str(g.tenantName),
      environment: str(g.environment) ?? 'production',
      tier: str(g.tier) ?? 'standard',
      cloud: str(g.cloudProvider),
      ticketing: componentEnabled(t.values, 'ticketingAgent') ? enabledPlatforms(t.values) : [],
      llm: provider !== 'disabled' && str(llm.model) ? `${provider} ${str(llm.model)}` : provider,
      airGapped: g.airGapped === true,
      file: t.file,
      valid: true,
    });
  }
  if (loaded.length) {
    const checked = await checkTenants(loaded, await loadTenantSchema(options.schemaFile));
    for (const f of checked.findings) {
      if (f.severity !== 'error') continue;
      problems.push({ file: f.file, message: `${f.line}:${f.column} ${f.message} [${f.rule}]` });
      const row = tenants.find((r) => r.file === f.file);
      if (row) row.valid = false;
    }
  }
  return { tenants, problems };
}
