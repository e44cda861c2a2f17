/**
 * An invalid tenant is reported with file:line where the user meets it.
 * - `render` of a tenant with a bad tier names the file, line and column (not helm's raw schema error);
 * - `tenant list` marks an invalid tenant and exits 1;
 * - the wizard's prompts show whole first sentences of the schema descriptions, never cut mid-sentence.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { brief } from '../../src/tenant/init.js';
import schema from '../../schemas/tenant.schema.json' with { type: 'json' };
import { tempDir } from '../helpers/temp.js';

const goldTier = join(repoRoot, 'test', 'fixtures', 'tenants', 'broken', 'tenant-tier-gold.yaml');

describe('an invalid tenant file', () => {
  let dir: string;
  beforeAll(() => {
    // the repository's charts and schemas, with one more tenant file whose tier is not one of the allowed
    dir = tempDir('logclaw-tenant-');
    for (const d of ['charts', 'schemas', 'helmfile.d']) symlinkSync(join(repoRoot, d), join(dir, d));
    mkdirSync(join(dir, 'gitops', 'tenants'), { recursive: true });
    copyFileSync(join(repoRoot, 'gitops', 'tenants', 'tenant-dev-local.yaml'), join(dir, 'gitops', 'tenants', 'tenant-dev-local.yaml'));
    copyFileSync(goldTier, join(dir, 'gitops', 'tenants', 'tenant-tier-gold.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('render names file:line:column of the bad tier and exits 1', async () => {
    const r = await runCli(['render', '--tenant', 'tier-gold'], { cwd: dir, env: { LOGCLAW_HELM: HELM3 } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error: tenant file gitops\/tenants\/tenant-tier-gold\.yaml is invalid: 1 error\(s\)/);
    expect(r.stderr).toMatch(/gitops\/tenants\/tenant-tier-gold\.yaml:4:9 error global\.tier must be one of standard, ha, ultra-ha \(got "gold"\) \[schema\]/);
    expect(r.stdout).toBe('');
  });

  it('tenant list shows it as invalid, warns with the line, and exits 1', async () => {
    const r = await runCli(['tenant', 'list', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; tier: string; valid: boolean }>;
    expect(rows.map((x) => [x.id, x.tier, x.valid])).toEqual([['dev-local', 'standard', true], ['tier-gold', 'gold', false]]);
    expect(r.stderr).toContain('warning: gitops/tenants/tenant-tier-gold.yaml: 4:9 global.tier must be one of standard, ha, ultra-ha (got "gold") [schema]');
    const pretty = await runCli(['tenant', 'list'], { cwd: dir });
    expect(pretty.code).toBe(1);
    expect(pretty.stdout.split('\n')[0]).toMatch(/FILE\s+VALID$/);
    expect(pretty.stdout).toMatch(/^tier-gold .*gold .*false$/m);
    expect(pretty.stderr).toContain('1 of 2 tenant file(s) invalid');
  });
});

describe('wizard prompt messages', () => {
  const descriptions: Array<[string, string]> = [];
  (function walk(n: unknown, path: string): void {
    if (!n || typeof n !== 'object') return;
    const d = (n as { description?: unknown }).description;
    if (typeof d === 'string') descriptions.push([path, d]);
    for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
  })(schema, '');

  it('are whole first sentences of every schema description', () => {
    expect(descriptions.length).toBeGreaterThan(100);
    const bad: string[] = [];
    for (const [path, d] of descriptions) {
      const text = d.trim().replace(/\s+/g, ' ');
      const b = brief(d, 'x');
      const next = text.slice(b.length);
      const ok = text.startsWith(b) && !b.endsWith('...') && (next === '' || /^[.;]( |$)|^ /.test(next) || /[!?]$/.test(b))
        && b.split('(').length === b.split(')').length && !/\b(e\.g|i\.e)$/.test(b);
      if (!ok) bad.push(`${path}: ${JSON.stringify(b)}`);
    }
    expect(bad).toEqual([]);
  });

  it('keep "e.g." examples and parentheses whole (what the old 110-character cut broke)', () => {
    expect(brief('AWS region of the secrets, e.g. us-east-1 (required with provider aws). Other text.', 'x')).toBe('AWS region of the secrets, e.g. us-east-1 (required with provider aws)');
    const long = 'dev is the local kind profile (plain Kafka listener, single-node OpenSearch, Flink jobs off, secrets created by `logclaw dev up`). More.';
    expect(brief(long, 'x')).toBe(long.slice(0, long.indexOf('). More') + 1));
    expect(brief(undefined, 'fallback')).toBe('fallback');
  });
});
