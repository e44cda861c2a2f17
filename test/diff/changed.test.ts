/**
 * `diff --changed` on real git repositories (test/diff/changed-repo.ts) with real helm renders: what a change
 * does to every tenant it reaches, its change-safety verdicts and exit codes, the formats, the render cache at
 * the base, and that the work tree is never touched.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatChangedMarkdown } from '../../src/diff/changed-format.js';
import type { ChangedDiff } from '../../src/diff/changed.js';
import { runCli } from '../helpers/cli.js';
import { crdDir, helms, HELM3 } from '../helpers/tools.js';
import { edit, git, makeChangedRepo } from './changed-repo.js';
import { tempDir } from '../helpers/temp.js';

let repo: string;
let cacheHome: string;
const dirs: string[] = [];

const diff = (args: string[], helm = HELM3, cache = cacheHome) =>
  runCli(['diff', '--changed', '--base', 'main', '--crds', crdDir, ...args], { cwd: repo, env: { LOGCLAW_HELM: helm, LOGCLAW_CACHE_DIR: cache }, timeoutMs: 180_000 });
const diffJson = async (args: string[] = [], helm = HELM3): Promise<{ code: number; d: ChangedDiff & { failing: string[]; passed: boolean } }> => {
  const r = await diff(['--format', 'json', ...args], helm);
  if (r.code !== 0 && r.code !== 1) throw new Error(`diff --changed exited ${r.code}: ${r.stderr}`);
  return { code: r.code, d: JSON.parse(r.stdout) };
};
const target = (d: ChangedDiff, name: string) => d.targets.find((t) => t.target === name)!;

beforeAll(() => {
  repo = makeChangedRepo();
  cacheHome = tempDir('logclaw-diff-changed-cache-');
  dirs.push(join(repo, '..'), cacheHome);
});
beforeEach(() => {
  git(repo, 'checkout', '-q', 'feature');
  git(repo, 'reset', '-q', '--hard', 'main');
  git(repo, 'clean', '-qfd');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// each test runs the CLI several times, each with real helm renders at both sides
describe('diff --changed', { timeout: 400_000 }, () => {
  it.each(helms)('a tenant tier change (uncommitted): that tenant only, restart and disruptive, the workloads that roll; --fail-on moves the bar ($name)', async ({ bin }) => {
    edit(repo, 'gitops/tenants/tenant-alpha.yaml', 'tier: standard', 'tier: ha');
    const { code, d } = await diffJson([], bin);
    expect(code).toBe(0);
    expect(d.targets.map((t) => t.target)).toEqual(['tenant alpha']);
    const alpha = target(d, 'tenant alpha');
    expect(alpha.status).toBe('changed');
    expect(alpha.verdict).toBe('disruptive');
    const byObject = Object.fromEntries(alpha.objects.map((o) => [o.ref, [o.action, o.verdict]]));
    expect(byObject).toMatchObject({
      'StatefulSet logclaw-alpha/store': ['update', 'disruptive'],
      'Deployment logclaw-alpha/app': ['update', 'restart'],
      'ConfigMap logclaw-alpha/app-config': ['update', 'restart'],
      'KafkaNodePool logclaw-alpha/broker': ['update', 'safe'],
    });
    expect(alpha.findings.find((f) => f.object === 'StatefulSet logclaw-alpha/store')!.message).toMatch(/its only pod restarts/);
    expect(alpha.restarts.sort()).toEqual(['Deployment app', 'StatefulSet store']);
    expect(alpha.objects.find((o) => o.kind === 'Deployment')!.fields).toEqual(expect.arrayContaining(['spec.replicas']));
    // Secret values are masked as `diff` masks them
    const secret = alpha.objects.find((o) => o.kind === 'Secret')!;
    expect(secret.diff).toContain('-  token: "*** (before)"');
    expect(secret.diff).not.toMatch(/[0-9a-f]{64}/);
    expect(d.summary).toMatchObject({ tenantsSelected: 1, tenantsChanged: 1, groups: 1, byVerdict: { disruptive: 1 } });
    expect(d.passed).toBe(true);

    for (const [bar, exit] of [['disruptive', 1], ['restart', 1], ['immutable', 0], ['data-loss', 0]] as const) {
      const r = await diff(['--format', 'json', '--fail-on', bar], bin);
      expect(r.code, `--fail-on ${bar}`).toBe(exit);
    }
  });

  it('a Kafka storage shrink in a subchart default: data-loss for every tenant using the default (one group), none for the one overriding it', async () => {
    edit(repo, 'charts/fx-kafka/values.yaml', '10Gi', '5Gi');
    git(repo, 'commit', '-qam', 'smaller kafka volumes');
    const { code, d } = await diffJson();
    expect(code).toBe(1);
    // delta switches kafka off: not selected at all
    expect(d.targets.map((t) => t.target)).toEqual(['tenant alpha', 'tenant beta', 'tenant gamma', 'ci case logclaw-tenant (ci/default-values.yaml)']);
    expect(d.selection.notRendered).toEqual([{ reason: 'kafka.enabled is false', tenants: 1 }]);
    for (const t of ['tenant alpha', 'tenant beta']) {
      const x = target(d, t);
      expect(x.verdict).toBe('data-loss');
      expect(x.objects.map((o) => `${o.action} ${o.ref} ${o.verdict}`)).toEqual([`update KafkaNodePool logclaw-${t.split(' ')[1]}/broker data-loss`]);
      expect(x.findings[0]!.message).toContain('storage size 10Gi → 5Gi');
      expect(x.unknownOffline[0]!.what).toMatch(/size of the bound volumes/);
    }
    expect(target(d, 'tenant gamma')).toMatchObject({ status: 'unchanged', objects: [], verdict: 'safe' });
    expect(target(d, 'tenant gamma').unchanged).toBeGreaterThan(3);
    // tenants with the same change are one group; the ci case (other replicas) another
    expect(d.groups.map((g) => g.targets)).toEqual([['tenant alpha', 'tenant beta'], ['ci case logclaw-tenant (ci/default-values.yaml)']]);
    expect(d.summary).toMatchObject({ tenantsSelected: 3, tenantsChanged: 2, ciCasesChanged: 1, byVerdict: { 'data-loss': 3, safe: 0 } });
    expect(d.summary.topObjects[0]).toEqual({ object: 'KafkaNodePool logclaw-<tenant>/broker', action: 'update', verdict: 'data-loss', targets: 2 });
    expect(d.failing).toEqual(['tenant alpha', 'tenant beta', 'ci case logclaw-tenant (ci/default-values.yaml)']);

    // pretty: the fleet summary first, then the groups
    const p = await diff([]);
    expect(p.code).toBe(1);
    const out = p.stdout;
    expect(out.indexOf('Fleet: 2 tenants of 3 selected change, 1 of 1 ci case; 2 groups of identical change')).toBeLessThan(out.indexOf('Group 1: data-loss, 2 targets: alpha, beta'));
    expect(out).toContain('  2  update  KafkaNodePool logclaw-<tenant>/broker  (data-loss)');
    expect(out).toContain('Summary: verdict data-loss; 3 targets at or above immutable: check fails');

    // github: annotations on the tenant files
    const g = await diff(['--format', 'github']);
    expect(g.code).toBe(1);
    const lines = g.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('::error file=gitops/tenants/tenant-')).map((l) => l.slice(0, l.indexOf(','))).sort()).toEqual(['::error file=gitops/tenants/tenant-alpha.yaml', '::error file=gitops/tenants/tenant-beta.yaml']);
    expect(lines.find((l) => l.includes('tenant-alpha'))).toContain('title=logclaw diff%3A data-loss (tenant alpha)::0 to create, 1 to change, 0 to delete (group 1 of 2)%0Adata-loss KafkaNodePool logclaw-alpha/broker: storage size 10Gi → 5Gi');
    expect(lines.some((l) => l.startsWith('::error file=charts/logclaw-tenant/ci/default-values.yaml'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^logclaw diff --changed: 2 tenants of 3 selected change/);
    expect(g.stderr).toContain('changed since main');

    // junit: a testcase per target, failures for those at the bar
    const j = await diff(['--format', 'junit']);
    expect(j.stdout).toContain('<testsuites name="logclaw diff --changed" tests="4" failures="3"');
    expect(j.stdout).toMatch(/<testcase classname="tenant" name="tenant gamma">\s*<system-out>no change/);
    expect(j.stdout).toMatch(/<testcase classname="tenant" name="tenant alpha">\s*<failure message="data-loss: KafkaNodePool|<failure message="data-loss: storage size 10Gi → 5Gi/);

    // markdown: a pull-request comment with collapsed groups; and, cut to a small limit, a note of what was cut
    const m = await diff(['--format', 'markdown', '--output', 'diff.md']);
    expect(m.code).toBe(1);
    expect(m.stderr).toContain('wrote diff.md: 2 tenant(s) change, verdict data-loss');
    const text = readFileSync(join(repo, 'diff.md'), 'utf8');
    expect(text).toMatch(/^### ❌ logclaw diff: 🔴 data-loss\n/);
    expect(text.match(/<details>/g)).toHaveLength(2);
    expect(text).toContain('```diff\n# KafkaNodePool logclaw-alpha/broker (data-loss)\n');
    expect(text).not.toContain('Cut to fit');
    rmSync(join(repo, 'diff.md'));
    const { d: full } = await diffJson();
    const whole = formatChangedMarkdown(full);
    expect(whole).not.toContain('Cut to fit');
    const limit = whole.length - 100;
    const small = formatChangedMarkdown(full, 'immutable', limit);
    expect(small.length).toBeLessThanOrEqual(limit);
    expect(small).toMatch(new RegExp(`Cut to fit a comment \\(${limit.toLocaleString('en-US')} characters\\):\\*\\* .+ left out; \`logclaw diff --changed --format json\` has everything`));
    expect(small).toContain('<summary>🔴 <b>data-loss</b>, group 1: 2 targets (alpha, beta)</summary>');
  });

  it('a StatefulSet volumeClaimTemplates change: immutable for every tenant, with the --recreate hint and what only the cluster knows', async () => {
    edit(repo, 'charts/fx-app/values.yaml', '1Gi', '2Gi');
    const { code, d } = await diffJson();
    expect(code).toBe(1);
    expect(d.targets.filter((t) => t.tenant).map((t) => t.tenant)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    for (const t of d.targets) {
      const f = t.findings.find((x) => x.field === 'spec.volumeClaimTemplates')!;
      expect(f.verdict).toBe('immutable');
      expect(f.message).toContain('data storage 1Gi → 2Gi');
      expect(f.fix).toContain('logclaw upgrade --recreate');
      expect(f.recreate).toMatchObject({ kind: 'StatefulSet', name: 'store' });
      expect(t.unknownOffline.map((u) => u.what)).toEqual([expect.stringMatching(/StorageClass allows expansion/)]);
    }
    // the tenants' change is one (tenant names aside); the ci case renders tier ha, its own group
    expect(d.groups.map((g) => g.targets)).toEqual([['tenant alpha', 'tenant beta', 'tenant delta', 'tenant gamma'], ['ci case logclaw-tenant (ci/default-values.yaml)']]);
    const p = await diff(['--fail-on', 'data-loss']);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('Summary: verdict immutable; nothing at or above data-loss: check passes');
  });

  it('a subchart default every tenant reads: one group for the whole fleet although each tenant\'s config checksum differs', async () => {
    edit(repo, 'charts/fx-app/values.yaml', 'logLevel: info', 'logLevel: debug');
    const { code, d } = await diffJson();
    expect(code).toBe(0);
    const alpha = target(d, 'tenant alpha');
    expect(alpha.objects.map((o) => `${o.ref} ${o.verdict}`)).toEqual(['ConfigMap logclaw-alpha/app-config restart', 'Deployment logclaw-alpha/app restart']);
    const sums = d.targets.map((t) => t.objects.find((o) => o.kind === 'Deployment')!.diff.match(/\+\s+checksum\/config: ([0-9a-f]{64})/)![1]);
    expect(new Set(sums).size).toBe(5);
    expect(d.groups.map((g) => g.targets.length)).toEqual([4, 1]);
    expect(d.summary).toMatchObject({ tenantsChanged: 4, groups: 2, byVerdict: { restart: 5 } });
    expect(d.summary.topObjects.slice(0, 2)).toEqual([
      { object: 'ConfigMap logclaw-<tenant>/app-config', action: 'update', verdict: 'restart', targets: 4 },
      { object: 'Deployment logclaw-<tenant>/app', action: 'update', verdict: 'restart', targets: 4 },
    ]);
  });

  it('a chart change that touches no rendered object: the tenants are rendered, nothing changes, exit 0', async () => {
    edit(repo, 'charts/fx-kafka/templates/nodepool.yaml', 'the broker pool', 'the broker pool of the tenant');
    const { code, d } = await diffJson();
    expect(code).toBe(0);
    expect(d.summary).toMatchObject({ targets: 4, tenantsChanged: 0, ciCasesChanged: 0, groups: 0 });
    expect(d.targets.every((t) => t.status === 'unchanged' && t.objects.length === 0)).toBe(true);
    const p = await diff(['--explain']);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('because renders fx-kafka (changed) as kafka (kafka.enabled is not false)');
    expect(p.stdout).toContain('Summary: no change to any rendered object; nothing at or above immutable: check passes');
    const m = await diff(['--format', 'markdown']);
    expect(m.stdout).toMatch(/^### ✅ logclaw diff: no rendered object changes/);
  });

  it('a change to no render input (the README): nothing selected, nothing rendered, exit 0', async () => {
    appendFileSync(join(repo, 'README.md'), 'more\n');
    const { code, d } = await diffJson();
    expect(code).toBe(0);
    expect(d.targets).toEqual([]);
    expect(d.selection.ignored).toEqual([{ file: 'README.md', reason: 'not a lint input' }]);
    expect(d.renders).toEqual({ base: { total: 0, cached: 0 }, head: { total: 0, cached: 0 } });
  });

  it('a removed tenant: everything it had is deleted (data-loss for its volumes); a new one: everything is created', async () => {
    git(repo, 'rm', '-q', 'gitops/tenants/tenant-beta.yaml');
    appendFileSync(join(repo, 'gitops', 'tenants', 'tenant-omega.yaml'), 'global:\n  tenantId: omega\n  tier: ha\n');
    const { code, d } = await diffJson();
    expect(code).toBe(1);
    const beta = target(d, 'tenant beta');
    expect(beta.status).toBe('removed');
    expect(beta.objects.every((o) => o.action === 'delete')).toBe(true);
    expect(beta.findings.find((f) => f.object === 'StatefulSet logclaw-beta/store')!.verdict).toBe('data-loss');
    expect(beta.findings.find((f) => f.object === 'KafkaNodePool logclaw-beta/broker')!.verdict).toBe('data-loss');
    const omega = target(d, 'tenant omega');
    expect(omega).toMatchObject({ status: 'added', verdict: 'safe' });
    expect(omega.objects.map((o) => o.action)).toEqual(omega.objects.map(() => 'create'));
    expect(omega.objects.length).toBeGreaterThan(3);
  });

  it('a change that breaks the render at HEAD fails (exit 1) and names the tenant and helm\'s error; a failing base render alone does not', async () => {
    edit(repo, 'charts/fx-app/templates/app.yaml', 'image: registry.example.com/app:1.0.0', 'image: {{ required "app.image is required" .Values.image }}');
    const r = await diff([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ tenant alpha: the change does not render: .*app\.image is required/);
    const { d } = await diffJson();
    expect(d.targets).toHaveLength(5);
    expect(d.targets.every((t) => t.status === 'error' && t.error?.side === 'head')).toBe(true);
    expect(d.summary.errors).toBe(5);
    const g = await diff(['--format', 'github']);
    expect(g.stdout).toContain('::error file=gitops/tenants/tenant-alpha.yaml,title=logclaw diff%3A tenant alpha does not render at the change::');
    // main broken, the change fixes it: only the base fails to render, which is not the change's fault
    git(repo, 'checkout', '-q', '--', '.');
    git(repo, 'checkout', '-q', 'main');
    edit(repo, 'charts/fx-app/templates/app.yaml', 'image: registry.example.com/app:1.0.0', 'image: {{ required "app.image is required" .Values.image }}');
    git(repo, 'commit', '-qam', 'broken on main');
    git(repo, 'checkout', '-q', 'feature');
    git(repo, 'reset', '-q', '--hard', 'main');
    try {
      edit(repo, 'charts/fx-app/templates/app.yaml', 'image: {{ required "app.image is required" .Values.image }}', 'image: registry.example.com/app:1.0.0');
      const { code, d: fixed } = await diffJson();
      expect(code).toBe(0);
      expect(fixed.targets).toHaveLength(5);
      expect(fixed.targets.every((t) => t.status === 'error' && t.error?.side === 'base')).toBe(true);
    } finally {
      git(repo, 'checkout', '-q', '--', '.');
      git(repo, 'checkout', '-q', 'main');
      git(repo, 'reset', '-q', '--hard', 'HEAD~1');
    }
  });

  it('a base that does not exist: exit 2', async () => {
    const r = await runCli(['diff', '--changed', '--base', 'no-such-branch', '--crds', crdDir], { cwd: repo, env: { LOGCLAW_HELM: HELM3, LOGCLAW_CACHE_DIR: cacheHome } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('git ref no-such-branch does not exist');
  });

  it('base renders come from the render cache when the base was linted; the work tree, index and worktree list are untouched', async () => {
    const cache = tempDir('logclaw-diff-changed-lint-cache-');
    dirs.push(cache);
    git(repo, 'checkout', '-q', 'main');
    const lint = await runCli(['lint', '--crds', crdDir], { cwd: repo, env: { LOGCLAW_HELM: HELM3, LOGCLAW_CACHE_DIR: cache }, timeoutMs: 180_000 });
    expect([0, 1]).toContain(lint.code);
    git(repo, 'checkout', '-q', 'feature');
    edit(repo, 'charts/fx-kafka/values.yaml', '10Gi', '5Gi');
    git(repo, 'add', 'charts/fx-kafka/values.yaml');
    edit(repo, 'gitops/tenants/tenant-alpha.yaml', 'tier: standard', 'tier: ha');
    const status = git(repo, 'status', '--porcelain');
    const index = git(repo, 'diff', '--cached', '--stat');
    const r = await diff(['--format', 'json'], HELM3, cache);
    const d = JSON.parse(r.stdout) as ChangedDiff;
    expect(d.renders.base).toEqual({ total: 4, cached: 4 });
    expect(d.renders.head.total).toBe(4);
    expect(git(repo, 'status', '--porcelain')).toBe(status);
    expect(git(repo, 'diff', '--cached', '--stat')).toBe(index);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});
