/**
 * `lint --changed`: which tenants, charts and checks a change selects (real git repositories made from the
 * lint fixture), and the CLI with real helm renders: exit codes, formats, --explain.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dependencyEnabled, onlyVersionPinsChanged, selectChanged } from '../../src/lint/changed.js';
import { runCli } from '../helpers/cli.js';
import { crdDir, HELM3, repoRoot } from '../helpers/tools.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'lint', 'repo');
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

/** A git repository of the lint fixture with one more tenant that switches flink off; `main` is the base. */
function makeRepo(prefix: string): string {
  const repo = join(mkdtempSync(join(tmpdir(), prefix)), 'repo');
  cpSync(fixture, repo, { recursive: true });
  writeFileSync(join(repo, '.gitignore'), 'charts/*/charts/\ncharts/*/Chart.lock.hash\ncharts/*/Chart.lock\n'); // the fixture tracks no Chart.lock: the ones dependency builds write are output
  writeFileSync(join(repo, 'README.md'), '# fixture\n');
  writeFileSync(
    join(repo, 'gitops', 'tenants', 'tenant-no-flink.yaml'),
    'global:\n  tenantId: no-flink\n  environment: production\n  objectStorage:\n    provider: s3\n    bucket: logclaw-no-flink\nticketingAgent:\n  enabled: false\nflink:\n  enabled: false\n',
  );
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(repo, 'checkout', '-qb', 'feature');
  return repo;
}

const ids = (xs: string[]) => xs.map((x) => x.split('/').pop());

describe('selectChanged', () => {
  let repo: string;
  const all = () => execFileSync('ls', [join(repo, 'gitops', 'tenants')], { encoding: 'utf8' }).split('\n').map((f) => /^tenant-(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean).sort() as string[];
  const select = () => selectChanged({ root: repo, base: 'main' });
  beforeAll(() => {
    repo = makeRepo('logclaw-changed-');
  });
  beforeEach(() => {
    git(repo, 'checkout', '-q', '--', '.');
    git(repo, 'clean', '-qfd');
    git(repo, 'reset', '-q', '--hard', 'main');
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('nothing changed: nothing selected', async () => {
    const s = await select();
    expect(s.files).toEqual([]);
    expect(s.scope).toMatchObject({ tenants: [], validateTenants: [], charts: [], ciCases: [], longestTenantId: false, helmfile: false, gitops: false, chartVersions: false });
  });

  it('a tenant file (uncommitted) selects that tenant only; a committed one and an untracked new one too', async () => {
    appendFileSync(join(repo, 'gitops', 'tenants', 'tenant-good.yaml'), '# edited\n');
    let s = await select();
    expect(s.scope.tenants).toEqual(['good']);
    expect(s.scope.validateTenants).toEqual(['good']);
    expect(s.scope.charts).toEqual([]);
    expect(s.selected).toEqual([{ item: 'tenant good', reasons: ['gitops/tenants/tenant-good.yaml changed'] }]);

    git(repo, 'commit', '-qam', 'edit good');
    cpSync(join(repo, 'gitops', 'tenants', 'tenant-good.yaml'), join(repo, 'gitops', 'tenants', 'tenant-fresh.yaml'));
    appendFileSync(join(repo, 'README.md'), 'more\n');
    s = await select();
    expect(s.scope.tenants).toEqual(['fresh', 'good']);
    expect(s.ignored).toEqual([{ file: 'README.md', reason: 'not a lint input' }]);
  });

  it('a removed tenant selects nothing and says so', async () => {
    git(repo, 'rm', '-q', 'gitops/tenants/tenant-good.yaml');
    const s = await select();
    expect(s.scope.tenants).toEqual([]);
    expect(s.ignored).toEqual([{ file: 'gitops/tenants/tenant-good.yaml', reason: 'tenant good was removed: nothing to lint' }]);
  });

  it('a subchart selects it, the umbrella, and every tenant and ci case that renders it (not those switching it off)', async () => {
    appendFileSync(join(repo, 'charts', 'fx-flink', 'templates', 'flinkdeployment.yaml'), '# edited\n');
    const s = await select();
    expect(ids(s.scope.charts)).toEqual(['fx-flink', 'logclaw-tenant']);
    expect(s.scope.tenants).toEqual(all().filter((t) => t !== 'no-flink'));
    expect(ids(s.scope.ciCases)).toEqual(['default-values.yaml']);
    expect(s.scope.longestTenantId).toBe(true);
    expect(s.scope.chartVersions).toBe(true);
    expect(s.notRendered).toEqual([{ reason: 'flink.enabled is false', tenants: 1 }]);
    const good = s.selected.find((i) => i.item === 'tenant good')!;
    expect(good.reasons).toEqual(['renders fx-flink (changed) as flink (flink.enabled is not false)']);
    expect(s.selected.find((i) => i.item === 'chart logclaw-tenant')!.reasons).toEqual(['depends on fx-flink (changed)']);
  });

  it('the common library reaches everything, transitively through the subcharts', async () => {
    appendFileSync(join(repo, 'charts', 'fx-common', 'templates', '_helpers.tpl'), '{{/* edited */}}\n');
    const s = await select();
    expect(ids(s.scope.charts)).toEqual(['fx-app', 'fx-common', 'fx-flink', 'fx-kafka', 'fx-opensearch', 'fx-secrets', 'logclaw-tenant']);
    expect(s.scope.tenants).toEqual(all());
    expect(s.selected.find((i) => i.item === 'tenant no-flink')!.reasons.join('\n')).toMatch(/renders fx-common \(changed\) as app/);
  });

  it("the umbrella's own files select every render; a Chart.yaml change only in version pins only its ci cases", async () => {
    const chartYaml = join(repo, 'charts', 'logclaw-tenant', 'Chart.yaml');
    const text = readFileSync(chartYaml, 'utf8');
    writeFileSync(chartYaml, text.replace('version: 0.1.0\nappVersion', 'version: 0.1.1\nappVersion').replace(/(name: fx-flink\n {4}alias: flink\n {4}version: )0\.1\.0/, '$10.1.1'));
    let s = await select();
    expect(s.scope.tenants).toEqual([]);
    expect(ids(s.scope.ciCases)).toEqual(['default-values.yaml']);
    expect(s.selected.find((i) => i.item.startsWith('ci case'))!.reasons[0]).toMatch(/changed only in version pins/);
    // with the subchart change the pins belong to: the tenants rendering it
    appendFileSync(join(repo, 'charts', 'fx-flink', 'values.yaml'), '# edited\n');
    s = await select();
    expect(s.scope.tenants).toEqual(all().filter((t) => t !== 'no-flink'));
    // anything else in the umbrella: every tenant
    appendFileSync(join(repo, 'charts', 'logclaw-tenant', 'values.yaml'), '# edited\n');
    s = await select();
    expect(s.scope.tenants).toEqual(all());
    expect(s.selected.find((i) => i.item === 'tenant no-flink')!.reasons[0]).toMatch(/^chart logclaw-tenant changed/);
  });

  it('the tenant schema re-validates every tenant file (no renders); Kubernetes schemas re-validate every render', async () => {
    appendFileSync(join(repo, 'schemas', 'tenant.schema.json'), '\n');
    let s = await select();
    expect(s.scope.validateTenants).toEqual(all());
    expect(s.scope.tenants).toEqual([]);
    expect(s.scope.longestTenantId).toBe(true);
    git(repo, 'checkout', '-q', '--', '.');
    writeFileSync(join(repo, 'schemas', 'kubernetes.json'), '{}'); // not under schemas/kubernetes/
    writeFileSync(join(repo, 'schemas', 'VALUES.md'), 'docs\n');
    s = await select();
    expect(s.scope.tenants).toEqual([]);
    expect(s.ignored.map((i) => i.reason)).toEqual(['documentation, not read by lint', 'documentation, not read by lint']);
    execFileSync('mkdir', ['-p', join(repo, 'schemas', 'kubernetes')]);
    writeFileSync(join(repo, 'schemas', 'kubernetes', 'v1.27.json'), '{}');
    s = await select();
    expect(s.scope.tenants).toEqual(all());
    expect(s.scope.ciCases.length).toBe(1);
  });

  it('helmfile.d selects its checks; the operators file every render too; gitops/ its manifest checks', async () => {
    appendFileSync(join(repo, 'helmfile.d', '10-tenants.yaml'), '# edited\n');
    let s = await select();
    expect(s.scope).toMatchObject({ helmfile: true, tenants: [], gitops: false });
    appendFileSync(join(repo, 'helmfile.d', '00-operators.yaml'), '# edited\n');
    s = await select();
    expect(s.scope.helmfile).toBe(true);
    expect(s.scope.tenants).toEqual(all());
    expect(s.selected.find((i) => i.item === 'tenant good')!.reasons[0]).toMatch(/pinned operators/);
    git(repo, 'checkout', '-q', '--', '.');
    appendFileSync(join(repo, 'gitops', 'argocd', 'applicationset.yaml'), '# edited\n');
    s = await select();
    expect(s.scope).toMatchObject({ gitops: true, helmfile: false, tenants: [] });
  });

  it('an unknown --base is a usage error', async () => {
    await expect(selectChanged({ root: repo, base: 'no-such-ref' })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('condition and Chart.yaml helpers', () => {
  it('dependencyEnabled: first bool of the condition paths wins, values over defaults over the subchart; only false switches off', () => {
    expect(dependencyEnabled('kafka.enabled', 'kafka', [{ kafka: { enabled: false } }, { kafka: { enabled: true } }], {})).toBe(false);
    expect(dependencyEnabled('kafka.enabled', 'kafka', [{}, { kafka: { enabled: false } }], {})).toBe(false);
    expect(dependencyEnabled('kafka.enabled', 'kafka', [{}, {}], { enabled: false })).toBe(false);
    expect(dependencyEnabled('kafka.enabled', 'kafka', [{ kafka: { enabled: 'no' } }], {})).toBe(true);
    expect(dependencyEnabled('kafka.enabled', 'kafka', [{}], {})).toBe(true);
    expect(dependencyEnabled('a.on,kafka.enabled', 'kafka', [{ kafka: { enabled: false } }], {})).toBe(false);
    expect(dependencyEnabled('a.on,kafka.enabled', 'kafka', [{ a: { on: true }, kafka: { enabled: false } }], {})).toBe(true);
    expect(dependencyEnabled(undefined, 'kafka', [{ kafka: { enabled: false } }], {})).toBe(true);
  });

  it('onlyVersionPinsChanged', () => {
    const a = 'apiVersion: v2\nname: u\nversion: 0.1.0\ndependencies:\n  - name: k\n    version: 0.1.0\n    repository: file://../k\n';
    expect(onlyVersionPinsChanged(a, a.replace('version: 0.1.0\ndep', 'version: 0.2.0\ndep').replace('    version: 0.1.0', '    version: 0.1.1'))).toBe(true);
    expect(onlyVersionPinsChanged(a, a.replace('file://../k', 'file://../j'))).toBe(false);
    expect(onlyVersionPinsChanged(a, a + 'kubeVersion: ">=1.27.0-0"\n')).toBe(false);
    expect(onlyVersionPinsChanged(a, ': : bad')).toBe(false);
  });
});

describe('logclaw lint --changed (CLI, helm 3)', () => {
  let repo: string;
  const lint = (args: string[]) => runCli(['lint', '--crds', crdDir, '--changed', '--base', 'main', ...args], { cwd: repo, env: { LOGCLAW_HELM: HELM3, LOGCLAW_CACHE_DIR: join(repo, '..', 'cache') } });
  beforeAll(() => {
    repo = makeRepo('logclaw-changed-cli-');
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('a change to a clean tenant: exit 0, one render, though other tenants have defects', async () => {
    appendFileSync(join(repo, 'gitops', 'tenants', 'tenant-good.yaml'), '# edited\n');
    const r = await lint(['--explain']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^changed since main \(merge base [0-9a-f]{12}\): 1 file\(s\); linting 1 tenant render\(s\), 1 tenant file\(s\), 0 chart\(s\), 0 ci case\(s\)$/m);
    expect(r.stdout).toMatch(/^ {2}tenant good\n {6}because gitops\/tenants\/tenant-good\.yaml changed$/m);
    expect(r.stdout).toMatch(/no errors, 0 warning\(s\): .* 1 tenant\(s\), 0 helm lint\(s\), 1 render\(s\)/);
    // the same again: the render comes from the cache
    const again = await lint(['--format', 'json']);
    const j = JSON.parse(again.stdout) as { stats: { renders: number; cachedRenders: number }; changed: { scope: { tenants: string[] } } };
    expect(j.stats).toMatchObject({ renders: 1, cachedRenders: 1 });
    expect(j.changed.scope.tenants).toEqual(['good']);
  });

  it('a change to a tenant with a defect: exit 1 and the finding, in github format (selection on stderr)', async () => {
    appendFileSync(join(repo, 'gitops', 'tenants', 'tenant-pss-privileged.yaml'), '# edited\n');
    const r = await lint(['--format', 'github', '--explain']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=charts\/fx-app\/templates\/deployment\.yaml,title=pss-privileged \(tenant pss-privileged\)::/m);
    expect(r.stdout).not.toMatch(/tenant good\)/);
    expect(r.stderr).toMatch(/tenant pss-privileged\n\s+because gitops\/tenants\/tenant-pss-privileged\.yaml changed/);
  });

  it('a subchart change without a version bump: chart-version-bump, helm lint of the chart and its dependents', async () => {
    git(repo, 'checkout', '-q', '--', '.');
    appendFileSync(join(repo, 'charts', 'fx-secrets', 'values.yaml'), '# edited\n');
    const r = await lint(['--format', 'junit']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/<testsuite name="chart fx-secrets"/);
    expect(r.stdout).toMatch(/chart-version-bump/);
    const j = JSON.parse((await lint(['--format', 'json'])).stdout) as { stats: { helmLints: number; tenants: number }; findings: Array<{ rule: string; chart?: string }> };
    expect(j.stats.helmLints).toBe(2); // fx-secrets (no ci file: one lint) and the umbrella (its one ci case)
    expect(j.findings.filter((f) => f.rule === 'chart-version-bump').map((f) => f.chart)).toEqual(['fx-secrets']);
  });

  it('usage errors: --changed with --tenant, --explain without --changed', async () => {
    expect((await lint(['--tenant', 'good'])).code).toBe(2);
    const r = await runCli(['lint', '--explain'], { cwd: repo, env: { LOGCLAW_HELM: HELM3 } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--explain needs --changed/);
  });
});
