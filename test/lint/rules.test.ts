/**
 * Every lint rule fires on a fixture made to break it, under helm 3 and helm 4, with the real operator CRDs.
 * test/fixtures/lint/repo: one tenant file per rule (tenant-<rule>.yaml flips one `breaks.*` value);
 * test/fixtures/lint/broken: charts, helmfile.d and tenant schema broken once per chart/helmfile rule.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/manifests/rules.js';
import type { Finding, WaivedFinding } from '../../src/manifests/types.js';
import { runCli } from '../helpers/cli.js';
import { crdDir, helms, repoRoot } from '../helpers/tools.js';

interface LintJson {
  errors: number;
  warnings: number;
  findings: Finding[];
  exceptions: WaivedFinding[];
  stats: { renders: number; helmLints: number; objects: number };
  notes: string[];
}

const fixtures = join(repoRoot, 'test', 'fixtures', 'lint');
const tenantIds = readdirSync(join(fixtures, 'repo', 'gitops', 'tenants'))
  .map((f) => /^tenant-(.+)\.yaml$/.exec(f)?.[1])
  .filter((r): r is string => Boolean(r));
/** Tenants named after the rule they break. */
const tenantRules = tenantIds.filter((id) => id in RULES);

const BROKEN_REPO_RULES = [
  'chart-yaml',
  'chart-version',
  'chart-version-bump',
  'chart-kube-version',
  'chart-dependency',
  'chart-dependency-unavailable',
  'helm-lint',
  'helmfile-parse',
  'helmfile-chart',
  'helmfile-values',
  'helmfile-version',
  'helmfile-needs',
  'helmfile-duplicate',
  'operator-crds-unavailable',
  'release-name-too-long',
  'template-name-collision',
];

async function lint(dir: string, helm: string, extra: string[] = []): Promise<LintJson> {
  const r = await runCli(['lint', '--crds', crdDir, '--format', 'json', ...extra], { cwd: dir, env: { LOGCLAW_HELM: helm } });
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout) as LintJson;
}

describe.each(helms)('lint rules under $name', (h) => {
  let tmp: string;
  let good: LintJson;
  let broken: LintJson;
  let longest: LintJson;
  const forTenant = (id: string) => good.findings.filter((f) => f.tenant === id);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), `logclaw-lint-${h.name}-`));
    for (const d of ['repo', 'broken']) cpSync(join(fixtures, d), join(tmp, d), { recursive: true });
    // A third copy whose tenant ids fit a release name but make object names too long.
    cpSync(join(fixtures, 'broken'), join(tmp, 'longest'), { recursive: true });
    const schemaFile = join(tmp, 'longest', 'schemas', 'tenant.schema.json');
    writeFileSync(schemaFile, readFileSync(schemaFile, 'utf8').replace('"maxLength": 50', '"maxLength": 45'));
    // The broken repo is a git repository whose umbrella changed after the commit on main without a version bump.
    const git = (...args: string[]) => execFileSync('git', ['-C', join(tmp, 'broken'), '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const values = join(tmp, 'broken', 'charts', 'logclaw-tenant', 'values.yaml');
    writeFileSync(values, `${readFileSync(values, 'utf8')}\n# changed after main\n`);
    [good, broken, longest] = await Promise.all([lint(join(tmp, 'repo'), h.bin), lint(join(tmp, 'broken'), h.bin), lint(join(tmp, 'longest'), h.bin, ['--concurrency', '1'])]);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('renders every tenant and the umbrella ci values, and lints every chart', () => {
    // every tenant, the umbrella's ci values and the longest tenantId; the helm-template tenant does not render
    expect(good.stats.renders).toBe(tenantIds.length + 2 - 1);
    expect(good.stats.helmLints).toBe(7);
    expect(good.notes).toEqual([expect.stringMatching(/^chart versions not compared with a base ref: .* is not inside a git work tree$/)]);
  });

  it('the good tenant, the umbrella ci render, the longest tenantId, every chart and helmfile.d are clean', () => {
    const clean = good.findings.filter((f) => !f.tenant || f.tenant === 'good');
    expect(clean).toEqual([]);
  });

  it.each(tenantRules)('tenant-%s breaks exactly its rule', (rule) => {
    const fs = forTenant(rule);
    expect(fs.map((f) => f.rule)).toContain(rule);
    const errors = [...new Set(fs.filter((f) => f.severity === 'error').map((f) => f.rule))];
    expect(errors).toEqual(RULES[rule as keyof typeof RULES].severity === 'error' ? [rule] : []);
    for (const f of fs.filter((x) => x.rule === rule)) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.target).toBe(`tenant ${rule}`);
      if (rule !== 'tenant' && rule !== 'release-name-too-long') expect(f.file).toMatch(/^charts\/fx-[a-z]+\/templates\/[a-z]+\.yaml$/);
    }
  });

  it('names object, field path and template for object findings', () => {
    const [f] = forTenant('pss-privileged');
    expect(f).toMatchObject({
      rule: 'pss-privileged',
      chart: 'fx-app',
      file: 'charts/fx-app/templates/deployment.yaml',
      object: { kind: 'Deployment', name: 'logclaw-pss-privileged-app' },
      path: 'spec.template.spec.containers[0].securityContext.privileged',
    });
    const [crd] = forTenant('crd-schema');
    expect(crd).toMatchObject({ object: { kind: 'Kafka', name: 'kafka' }, path: 'spec.kafka.bogusField' });
    expect(crd!.message).toMatch(/unknown field "bogusField".*Kafka v1 schema, strimzi-0\.50\.1/);
    const [served] = forTenant('crd-version-not-served');
    expect(served!.message).toMatch(/external-secrets\.io\/v1 is not served.*serves v1alpha1, v1beta1/);
    const [tpl] = forTenant('helm-template');
    expect(tpl).toMatchObject({ chart: 'fx-app', file: 'charts/fx-app/templates/deployment.yaml' });
    expect(tpl!.line).toBeGreaterThan(30);
    expect(tpl!.message).toMatch(/nil pointer/);
  });

  it('a namespace weaker than restricted is a warning that says whether any pod needs it', () => {
    const [w] = forTenant('pss-namespace-level');
    expect(w).toMatchObject({ severity: 'warning', object: { kind: 'Namespace' }, path: 'metadata.labels["pod-security.kubernetes.io/enforce"]' });
    expect(w!.message).toMatch(/enforces Pod Security "privileged", so any pod created in it is admitted at that level .*no pod of the render needs it: set platform.podSecurity.enforce: restricted/);
  });

  it('dev relaxes min.insync.replicas and the cluster-manager quorum', () => {
    expect(forTenant('dev-relaxed')).toEqual([]);
  });

  it('a policy exception waives its rule and is listed', () => {
    expect(forTenant('exception-valid')).toEqual([]);
    expect(good.exceptions.map((w) => [w.tenant, w.rule, w.reason])).toEqual([
      ['exception-valid', 'pss-privileged', 'the fixture needs a privileged init step'],
      ['pss-namespace-level', 'cluster-scoped-object', "the tenant's own namespace, rendered to carry its Pod Security labels"],
    ]);
  });

  it('the broken repo: each chart and helmfile rule names its file and line', () => {
    const by = (rule: string) => broken.findings.filter((f) => f.rule === rule);
    for (const rule of BROKEN_REPO_RULES) expect(by(rule).length, rule).toBeGreaterThan(0);
    expect(by('chart-version')[0]).toMatchObject({ file: 'charts/bad-version/Chart.yaml', line: 5 });
    expect(by('chart-version-bump')).toEqual([
      expect.objectContaining({ chart: 'logclaw-tenant', file: 'charts/logclaw-tenant/Chart.yaml', message: expect.stringMatching(/changed since main but version is still 0\.1\.0 .*bump it to 0\.1\.1 or higher \(charts\/logclaw-tenant\/values\.yaml\)/) }),
    ]);
    expect(by('chart-dependency-unavailable')[0]!.message).toMatch(/redis 17\.11\.3 from https:\/\/charts\.bitnami\.com\/bitnami.*helm pull/);
    expect(by('helmfile-needs').map((f) => f.message).join('\n')).toMatch(/cycle: tools\/first → tools\/second → tools\/first[\s\S]*|tools\/nobody/);
    expect(by('helmfile-needs').some((f) => /tools\/nobody/.test(f.message))).toBe(true);
    expect(by('helmfile-parse')[0]).toMatchObject({ file: 'helmfile.d/99-broken.yaml' });
    expect(by('helm-lint')[0]!.message).toMatch(/port/);
    expect(by('operator-crds-unavailable')[0]!.message).toMatch(/v1\.17\.0.*cert-manager-v1\.16\.1/);
    expect(by('release-name-too-long')[0]!.target).toBe('longest tenantId (50 characters)');
    expect(by('template-name-collision')).toEqual([
      expect.objectContaining({ chart: 'collide', file: 'charts/collide/templates/_helpers.tpl', line: 1, message: expect.stringContaining('chart collide (charts/collide/templates/_helpers.tpl) and chart inner (charts/collide/charts/inner/templates/_helpers.tpl) both define template "names.fullname"') }),
    ]);
    // manifests applied from gitops/ as they are: schema-checked against the Argo CD CRDs
    expect(by('crd-schema')).toEqual([expect.objectContaining({ target: 'gitops', file: 'gitops/argocd/appproject.yaml', path: 'spec.destination', object: expect.objectContaining({ kind: 'AppProject' }) })]);
  });

  it('the longest tenantId render reports names that only short ids fit', () => {
    const names = longest.findings.filter((f) => f.target === 'longest tenantId (45 characters)');
    expect(names.map((f) => f.rule)).toEqual(['name-too-long']);
    expect(names[0]!.message).toMatch(/Service name "logclaw-t[a-z0-9]{44}-search-gateway" is 68 characters; the limit is 63/);
  });

  it('every rule id is proven by a fixture', () => {
    const proven = new Set([...good.findings, ...broken.findings, ...longest.findings].map((f) => f.rule));
    const unproven = Object.keys(RULES).filter((r) => !proven.has(r));
    expect(unproven).toEqual([]);
  });
});
