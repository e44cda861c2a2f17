/**
 * The tenant schema's quality bar (item 3), the generated values reference and template (item 8),
 * and the example tenants (item 4).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deref, type JsonSchema } from '../../src/tenant/schema.js';
import { fieldRows } from '../../src/tenant/reference.js';
import { repoRoot } from '../helpers/tools.js';
import { runCli } from '../helpers/cli.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = (...p: string[]) => readFileSync(join(repoRoot, ...p), 'utf8');
const schema = JSON.parse(read('schemas', 'tenant.schema.json')) as JsonSchema;
const base = JSON.parse(read('schemas', 'tenant.base.schema.json')) as JsonSchema;

/** Every schema node under properties/items/definitions with its path. */
function nodes(root: JsonSchema): Array<[string, JsonSchema]> {
  const out: Array<[string, JsonSchema]> = [];
  const walk = (n: JsonSchema, path: string) => {
    for (const [k, v] of Object.entries(n.properties ?? {})) {
      out.push([`${path}${path ? '.' : ''}${k}`, v]);
      walk(v, `${path}${path ? '.' : ''}${k}`);
    }
    if (n.items && typeof n.items === 'object') walk(n.items, `${path}[]`);
  };
  walk(root, '');
  return out;
}

describe('tenant schema', () => {
  it('is draft-07 and generated from the base and the charts', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-schemas.mjs'), '--check'], { cwd: repoRoot }).status).toBe(0);
  });

  it('the base schema compiles in ajv strict mode', async () => {
    const { compileSchema } = await import('../../src/tenant/compile.js');
    await expect(compileSchema(base, { strict: true })).resolves.toBeDefined();
  });

  it('has a description on every field and no unknown keys anywhere (base schema)', () => {
    for (const [path, n] of nodes(base)) {
      const d = deref(base, n)!;
      expect(d.description ?? n.description, path).toBeTruthy();
      if (d.type === 'object') expect(d.additionalProperties, path).toBe(false);
    }
    expect(base.additionalProperties).toBe(false);
  });

  it('says what item 3 asks of global and the toggles', () => {
    const g = schema.properties!.global!;
    expect(g.required).toEqual(expect.arrayContaining(['tenantId', 'tenantName', 'tier', 'cloudProvider', 'environment']));
    const p = g.properties!;
    expect(p.tenantId).toMatchObject({ maxLength: 40, pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$' });
    expect(p.tier!.enum).toEqual(['standard', 'ha', 'ultra-ha']);
    expect(p.cloudProvider!.enum).toEqual(['aws', 'gcp', 'azure', 'onprem']);
    expect(p.environment!.enum).toEqual(['dev', 'staging', 'production']);
    expect(p.objectStorage!.properties!.provider!.enum).toEqual(['s3', 'gcs', 'azure']);
    expect(Object.keys(p.objectStorage!.properties!)).toEqual(expect.arrayContaining(['bucket', 'region', 'endpoint']));
    expect(p.secretStore!.properties!.provider!.enum).toEqual(['aws', 'gcp', 'vault', 'azure']);
    expect(p.llm!.properties!.provider!.enum).toEqual(['claude', 'openai', 'ollama', 'vllm', 'disabled']);
    expect(p.airGapped!.type).toBe('boolean');
    for (const c of ['platform', 'ingestion', 'kafka', 'flink', 'opensearch', 'mlEngine', 'airflow', 'ticketingAgent', 'zammad']) {
      expect(schema.properties![c]!.properties!.enabled!.type, c).toBe('boolean');
    }
    const t = schema.properties!.ticketingAgent!.properties!.config!.properties!;
    expect(Object.keys(t.platforms!.properties!)).toEqual(expect.arrayContaining(['pagerduty', 'jira', 'servicenow', 'opsgenie', 'slack', 'zammad']));
    for (const sev of ['critical', 'high', 'medium', 'low']) expect(deref(schema, t.routing!.properties![sev])!.items!.enum).toContain('zammad');
  });
});

describe('values reference and template', () => {
  it('are not stale (npm run gen:reference)', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-values-reference.mjs'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stderr + r.stdout, 'run `npm run gen:reference`').toBe('');
    expect(r.status).toBe(0);
  });

  it('the reference lists every field with type, default, allowed values and description', () => {
    const md = read('schemas', 'VALUES.md');
    const rows = fieldRows(schema);
    expect(rows.length).toBeGreaterThan(60);
    for (const r of rows) expect(md, r.path).toContain(`| \`${r.path}\` |`);
    expect(md).toContain('| `global.tier` | string | `"standard"` | `standard`, `ha`, `ultra-ha` | Sizing tier');
    expect(md).toContain('| `global.tenantId` | string | *required* |');
    expect(md).toContain('| `air-gapped-egress` |');
  });

  it('the template has the modeline first, every base field, and is schema-valid', async () => {
    const text = read('gitops', 'tenants', '_template.yaml');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/tenant.schema.json');
    for (const [path] of nodes(base)) {
      const key = path.split('.').pop()!.replace('[]', '');
      expect(text, path).toMatch(new RegExp(`^\\s*(# )?${key}:`, 'm'));
    }
    const values = parse(text) as Obj;
    const { loadTenantSchema } = await import('../../src/tenant/schema.js');
    const v = await (await loadTenantSchema()).validator();
    expect(v(values), JSON.stringify(v.errors)).toBe(true);
    // every key line carries a comment just above it
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      if (/^\s*[A-Za-z][\w-]*:/.test(l)) expect(lines[i - 1], `line ${i + 1}`).toMatch(/^\s*#/);
    });
  });
});

describe('example tenants', () => {
  const load = (id: string) => parse(read('gitops', 'tenants', `tenant-${id}.yaml`)) as Obj;
  it('all carry the modeline and validate (exit 0)', async () => {
    for (const id of ['dev-local', 'example-corp', 'airgapped']) expect(read('gitops', 'tenants', `tenant-${id}.yaml`).split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/tenant.schema.json');
    const r = await runCli(['tenant', 'validate']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toBe('✔ 3 tenant files valid\n');
  });

  it('dev-local: dev, standard, kind storage class standard, Ollama, Zammad', () => {
    const v = load('dev-local');
    expect(v.global).toMatchObject({ tenantId: 'dev-local', environment: 'dev', tier: 'standard', storageClass: 'standard', llm: { provider: 'ollama' } });
    expect(v.zammad.enabled).toBe(true);
    expect(v.ticketingAgent.config.platforms.zammad.enabled).toBe(true);
  });

  it('example-corp: aws, ha, s3, aws secrets, PagerDuty + Jira + Slack with routing', () => {
    const v = load('example-corp');
    expect(v.global).toMatchObject({ cloudProvider: 'aws', tier: 'ha', objectStorage: { provider: 's3' }, secretStore: { provider: 'aws', aws: { region: 'us-east-1' } } });
    const p = v.ticketingAgent.config.platforms;
    expect(Object.keys(p).filter((k) => p[k].enabled).sort()).toEqual(['jira', 'pagerduty', 'slack']);
    expect(v.ticketingAgent.config.routing.critical).toEqual(['pagerduty', 'slack']);
  });

  it('airgapped: onprem, Vault, MinIO, only Zammad + Ollama, airGapped', () => {
    const v = load('airgapped');
    expect(v.global).toMatchObject({ cloudProvider: 'onprem', airGapped: true, secretStore: { provider: 'vault' }, llm: { provider: 'ollama' } });
    expect(v.global.objectStorage.endpoint).toMatch(/^http:\/\/minio\.minio\.svc/);
    const p = v.ticketingAgent.config.platforms;
    expect(Object.keys(p).filter((k) => p[k].enabled)).toEqual(['zammad']);
    expect(v.zammad.enabled).toBe(true);
  });

  void execFileSync;
});
