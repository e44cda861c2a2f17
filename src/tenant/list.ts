/** `tenant list`: one row per tenant file, read leniently (a file with schema errors is still listed). */
import { loadTenantSync } from './load.js';
import { componentEnabled, enabledPlatforms } from './rules.js';
import { resolveTenantInputs, type ValidateOptions } from './validate.js';

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
};

export interface ListResult {
  tenants: TenantRow[];
  /** Files that could not be read or parsed. */
  problems: Array<{ file: string; message: string }>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function listTenants(inputs: string[], options: ValidateOptions = {}): Promise<ListResult> {
  const cwd = options.cwd ?? process.cwd();
  const tenants: TenantRow[] = [];
  const problems: ListResult['problems'] = [];
  for (const p of resolveTenantInputs(inputs, { ...options, cwd })) {
    const t = loadTenantSync(p, { cwd });
    if (!t.values) {
      const f = t.findings[0];
      problems.push({ file: t.file, message: f ? `${f.line}:${f.column} ${f.message} [${f.rule}]` : 'cannot be read' });
      continue;
    }
    const g = obj(t.values.global);
    const llm = obj(g.llm);
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
    });
  }
  return { tenants, problems };
}
