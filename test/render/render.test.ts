/**
 * `logclaw render` with real helm 3 and helm 4 on the fixture repo: stdout and --out, release and namespace,
 * the dependency-build cache, helm errors naming chart/template/line, offline dependency errors, exit codes.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../helpers/render.js';
import { runCli } from '../helpers/cli.js';
import { crdDir, helms, repoRoot } from '../helpers/tools.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'lint', 'repo');

describe.each(helms)('logclaw render under $name', (h) => {
  let repo: string;
  const env = () => ({ LOGCLAW_HELM: h.bin });
  const tgzMtimes = () => {
    const dir = join(repo, 'charts', 'logclaw-tenant', 'charts');
    return Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
  };

  beforeAll(() => {
    repo = join(mkdtempSync(join(tmpdir(), `logclaw-render-${h.name}-`)), 'repo');
    cpSync(fixture, repo, { recursive: true });
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('renders the tenant with release and namespace logclaw-<tenantId>, custom resources with --crds', async () => {
    const r = await runCli(['render', '--tenant', 'good', '--crds', crdDir, '--kube-version', '1.27.0'], { cwd: repo, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const objs = parseManifests(r.stdout);
    const kinds = objs.map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'NetworkPolicy', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'FlinkDeployment', 'OpenSearchCluster', 'ExternalSecret']));
    for (const o of objs) expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe('logclaw-good');
    expect(objs.find((o) => o.kind === 'Deployment')!.metadata.name).toBe('logclaw-good-app');
    // without any CRDs (LOGCLAW_CRD_DIR set empty, no default), the operators' API versions are unknown and Capabilities-gated CRs are left out
    const plain = parseManifests((await runCli(['render', '--tenant', 'good'], { cwd: repo, env: { ...env(), LOGCLAW_CRD_DIR: '' } })).stdout);
    expect(plain.some((o) => o.kind === 'Kafka')).toBe(false);
    expect(plain.length).toBeGreaterThan(4);
  });

  it('--out writes one file per chart and kind, holding the same objects', async () => {
    const out = join(repo, '..', 'out');
    const r = await runCli(['render', '--tenant', 'good', '--crds', crdDir, '--out', out, '--json'], { cwd: repo, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { release: string; namespace: string; objects: number; files: string[] };
    expect(res).toMatchObject({ release: 'logclaw-good', namespace: 'logclaw-good', objects: 17 });
    expect(readdirSync(out).sort()).toEqual(['fx-app', 'fx-flink', 'fx-kafka', 'fx-opensearch', 'fx-secrets']);
    expect(readdirSync(join(out, 'fx-kafka')).sort()).toEqual(['kafka.yaml', 'kafkanodepool.yaml', 'kafkatopic.yaml']);
    const pools = parseManifests(readFileSync(join(out, 'fx-kafka', 'kafkanodepool.yaml'), 'utf8'));
    expect(pools.map((p) => p.metadata.name).sort()).toEqual(['broker', 'controller']);
    expect(readFileSync(join(out, 'fx-kafka', 'kafkanodepool.yaml'), 'utf8')).toContain('# Source: logclaw-tenant/charts/kafka/templates/kafka.yaml');
    const total = res.files.reduce((n, f) => n + parseManifests(readFileSync(join(repo, f), 'utf8')).length, 0);
    expect(total).toBe(17);
  });

  it('builds file:// dependencies once, and again only when a dependency changes', async () => {
    const stamp = join(repo, 'charts', 'logclaw-tenant', 'Chart.lock.hash');
    expect(existsSync(stamp)).toBe(true);
    const before = tgzMtimes();
    expect(Object.keys(before).sort()).toEqual(['fx-app-0.1.0.tgz', 'fx-flink-0.1.0.tgz', 'fx-kafka-0.1.0.tgz', 'fx-opensearch-0.1.0.tgz', 'fx-secrets-0.1.0.tgz']);
    expect((await runCli(['render', '--tenant', 'good'], { cwd: repo, env: env() })).code).toBe(0);
    expect(tgzMtimes()).toEqual(before);
    // a change in the library chart two levels down rebuilds the subcharts and the umbrella
    appendFileSync(join(repo, 'charts', 'fx-common', 'templates', '_helpers.tpl'), '\n{{/* changed */}}\n');
    const oldStamp = readFileSync(stamp, 'utf8');
    expect((await runCli(['render', '--tenant', 'good'], { cwd: repo, env: env() })).code).toBe(0);
    const after = tgzMtimes();
    for (const f of Object.keys(before)) expect(after[f]).toBeGreaterThan(before[f]!);
    expect(readFileSync(stamp, 'utf8')).not.toBe(oldStamp);
  });

  it('a template error names the chart, template file and line', async () => {
    const r = await runCli(['render', '--tenant', 'helm-template'], { cwd: repo, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/helm failed: chart app, templates\/deployment\.yaml line \d+: at <\.Values\.nope\.deeper>: nil pointer/);
  });

  it('a dependency that needs the network and is missing is a clear error (exit 3)', async () => {
    const copy = join(repo, '..', 'netdep');
    cpSync(repo, copy, { recursive: true });
    const chartYaml = join(copy, 'charts', 'logclaw-tenant', 'Chart.yaml');
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8') + '  - name: zammad\n    version: 14.2.0\n    repository: https://zammad.github.io/zammad-helm\n');
    const r = await runCli(['render', '--tenant', 'good'], { cwd: copy, env: env() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/dependency zammad 14\.2\.0 from https:\/\/zammad\.github\.io\/zammad-helm is not available offline/);
    expect(r.stderr).toMatch(/helm pull zammad --repo https:\/\/zammad\.github\.io\/zammad-helm --version 14\.2\.0/);
  });

  it('a Chart.lock out of sync with Chart.yaml is an error naming the fix; the lock is left as it is', async () => {
    const copy = join(repo, '..', 'stale-lock');
    cpSync(repo, copy, { recursive: true });
    const lock = join(copy, 'charts', 'logclaw-tenant', 'Chart.lock');
    expect(existsSync(lock)).toBe(true); // written by the first dependency build
    // fx-app bumped and pinned in the umbrella, the lock not updated
    for (const f of [join(copy, 'charts', 'fx-app', 'Chart.yaml'), join(copy, 'charts', 'logclaw-tenant', 'Chart.yaml')]) {
      const text = readFileSync(f, 'utf8');
      writeFileSync(f, f.includes('fx-app') ? text.replace(/^version: 0\.1\.0$/m, 'version: 0.1.1') : text.replace(/(- name: fx-app\n\s+alias: app\n\s+version: )0\.1\.0/, '$10.1.1'));
    }
    const before = readFileSync(lock, 'utf8');
    const r = await runCli(['render', '--tenant', 'good'], { cwd: copy, env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('chart logclaw-tenant: Chart.lock is out of sync with the dependencies in Chart.yaml');
    expect(r.stderr).toMatch(/hint: Run `helm dependency update charts\/logclaw-tenant --skip-refresh` and commit the new Chart\.lock\./);
    expect(readFileSync(lock, 'utf8')).toBe(before);
  });

  it('an unknown tenant is a usage error (exit 2) listing the tenants', async () => {
    const r = await runCli(['render', '--tenant', 'nobody'], { cwd: repo, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no tenant "nobody"[\s\S]*Tenants: .*good/);
  });
});

describe('render and lint without helm', () => {
  it('exit 3 and how to install helm', async () => {
    for (const args of [['render', '--tenant', 'good'], ['lint']]) {
      const r = await runCli(args, { cwd: fixture, env: { LOGCLAW_HELM: '/nonexistent/helm' } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/helm was not found[\s\S]*hint: Install helm/);
    }
  });
});
