/**
 * The generated fleet (test/fixtures/fleet.mjs) against this repository's charts: every generated tenant is valid and
 * renders clean; every planted defect is reported with the rule it names. Real helm renders (helm 3).
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crdDir, HELM3, repoRoot } from '../helpers/tools.js';
import { execFileSync } from 'node:child_process';
import { tempDir } from '../helpers/temp.js';

interface Fleet {
  tenants: Array<{ id: string; tier: string; cloud: string; environment: string; airGapped: boolean; llm: string; ticketing: string }>;
  planted: Array<{ id: string; rules: string[]; what: string }>;
}
const { generateFleet } = (await import(join(repoRoot, 'test', 'fixtures', 'fleet.mjs'))) as { generateFleet: (dir: string, o: { count: number; defects?: boolean }) => Fleet };

describe('generated fleet', () => {
  let repo: string;
  let fleet: Fleet;
  beforeAll(() => {
    repo = join(tempDir('logclaw-fleet-'), 'repo');
    cpSync(repoRoot, repo, { recursive: true, filter: (src) => !/^(node_modules|dist|\.git|\.tools|coverage)(\/|$)/.test(relative(repoRoot, src)) && !/^charts\/[^/]+\/charts(\/|$)/.test(relative(repoRoot, src)) });
    execFileSync(process.execPath, [join(repo, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')], { cwd: repo, env: { ...process.env, LOGCLAW_HELM3: HELM3 }, stdio: 'ignore' });
    const dir = join(repo, 'gitops', 'tenants');
    for (const f of readdirSync(dir)) if (f.startsWith('tenant-')) rmSync(join(dir, f));
    fleet = generateFleet(dir, { count: 40 });
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('covers every tier, cloud, environment, LLM provider and ticketing combination', () => {
    const values = (k: keyof Fleet['tenants'][number]) => [...new Set(fleet.tenants.map((t) => String(t[k])))].sort();
    expect(values('tier')).toEqual(['ha', 'standard', 'ultra-ha']);
    expect(values('cloud')).toEqual(['aws', 'azure', 'gcp', 'onprem']);
    expect(values('environment')).toEqual(['production', 'staging']);
    expect(values('llm')).toEqual(['claude', 'disabled', 'ollama', 'openai', 'vllm']);
    expect(values('airGapped')).toEqual(['false', 'true']);
    expect(values('ticketing').length).toBeGreaterThanOrEqual(4);
    const big = generateFleet(join(repo, '..', 'big'), { count: 1000, defects: false });
    expect(big.tenants).toHaveLength(1000);
    expect(new Set(big.tenants.map((t) => t.ticketing)).size).toBe(8);
  });

  it('lint: generated tenants are clean, every planted defect is reported with its rule', async () => {
    const r = await runCli(['lint', '--crds', crdDir, '--format', 'json', '--no-cache'], { cwd: repo, env: { LOGCLAW_HELM: HELM3 }, timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout) as { findings: Array<{ rule: string; tenant?: string; severity: string }>; stats: { renders: number } };
    const planted = new Set(fleet.planted.map((p) => p.id));
    // besides the planted defects, only the umbrella ci case that runs the node agent: its privileged namespace is warned about
    const others = j.findings.filter((f) => !f.tenant || !planted.has(f.tenant));
    expect(others.map((f) => [f.severity, f.rule, (f as { target?: string }).target])).toEqual([['warning', 'pss-namespace-level', 'chart logclaw-tenant (ci/onprem-airgapped-values.yaml)']]);
    for (const p of fleet.planted) {
      const rules = j.findings.filter((f) => f.tenant === p.id && f.severity === 'error').map((f) => f.rule);
      for (const rule of p.rules) expect(rules, `${p.id}: ${p.what}`).toContain(rule);
    }
    expect(j.stats.renders).toBeGreaterThanOrEqual(44);
  }, 600_000);
});
