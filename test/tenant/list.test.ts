/** `logclaw tenant list`: the fleet as a table or JSON. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

describe('tenant list', () => {
  it('lists the example tenants with every column', async () => {
    const r = await runCli(['tenant', 'list']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['ID', 'NAME', 'ENV', 'TIER', 'CLOUD', 'TICKETING', 'LLM', 'AIR-GAPPED', 'FILE', 'VALID']);
    expect(rows).toHaveLength(3);
    const corp = rows.find((l) => l.startsWith('example-corp'))!.split(/\s{2,}/);
    expect(corp).toEqual(['example-corp', 'Example Corp', 'production', 'ha', 'aws', 'pagerduty,jira,slack', 'claude claude-sonnet-4-5', 'false', join('gitops', 'tenants', 'tenant-example-corp.yaml'), 'true']);
    const gapped = rows.find((l) => l.startsWith('airgapped'))!.split(/\s{2,}/);
    expect(gapped.slice(2, 8)).toEqual(['production', 'standard', 'onprem', 'zammad', 'ollama llama3.1:8b', 'true']);
  });

  it('--json gives one record per tenant', async () => {
    const r = await runCli(['tenant', 'list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.find((x) => x.id === 'dev-local')).toEqual({
      id: 'dev-local',
      name: 'Local development',
      environment: 'dev',
      tier: 'standard',
      cloud: 'onprem',
      ticketing: ['zammad'],
      llm: 'ollama llama3.2:1b',
      airGapped: false,
      file: join('gitops', 'tenants', 'tenant-dev-local.yaml'),
      valid: true,
    });
  });

  it('lists files with schema errors, warns about unreadable ones (exit 1), takes paths', async () => {
    const dir = tempDir('logclaw-list-');
    try {
      mkdirSync(join(dir, 't'));
      copyFileSync(join(repoRoot, 'test', 'fixtures', 'tenants', 'broken', 'tenant-tier-gold.yaml'), join(dir, 't', 'tenant-tier-gold.yaml'));
      writeFileSync(join(dir, 't', 'tenant-broken.yaml'), 'global: [\n');
      const r = await runCli(['tenant', 'list', '--json', 't'], { cwd: dir });
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as Array<{ id: string; tier: string }>).map((x) => [x.id, x.tier])).toEqual([['tier-gold', 'gold']]);
      expect(r.stderr).toContain(`warning: ${join('t', 'tenant-broken.yaml')}: 1:`);
      expect(r.stderr).toContain('[yaml-syntax]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has help with examples', async () => {
    const r = await runCli(['tenant', 'list', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});
