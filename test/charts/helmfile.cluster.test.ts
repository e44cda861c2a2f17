/**
 * helmfile.d's first phases: 00-operators (five operators at pinned chart versions, each in its
 * namespace, from their upstream repositories or the one chart mirror LOGCLAW_CHART_MIRROR names) and 10-tenant (platform, kafka, opensearch,
 * ingestion in the tenant namespace, the tenant file's `global` + component key as values, real
 * `needs:` - in one file because helmfile resolves needs only within a state file). Static checks always; the real helmfile (built by
 * test/cluster/build.mjs, or $LOGCLAW_HELMFILE) renders them when it is available.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDependencies } from '../../src/charts/index.js';
import { checkHelmfile, loadHelmfile } from '../../src/helmfile/index.js';
import { Helm } from '../../src/tools/helm.js';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { helmfileForSuite } from '../helpers/helmfile.js';
import { ciFile, readValues } from './lib.js';
import { tempDir } from '../helpers/temp.js';

const execFileP = promisify(execFile);
const DIR = join(repoRoot, 'helmfile.d');
const OPERATORS = '00-operators.yaml.gotmpl';
const TENANT = '10-tenant.yaml.gotmpl';
const PHASES = { platform: TENANT, kafka: TENANT, opensearch: TENANT, ingestion: TENANT } as const;
type Phase = keyof typeof PHASES;
const PINNED = {
  'cert-manager': { namespace: 'cert-manager', chart: 'jetstack/cert-manager', version: 'v1.16.1' },
  'external-secrets': { namespace: 'external-secrets', chart: 'external-secrets/external-secrets', version: '0.10.3' },
  'strimzi-kafka-operator': { namespace: 'strimzi', chart: 'strimzi/strimzi-kafka-operator', version: '0.50.1' },
  'flink-kubernetes-operator': { namespace: 'flink-operator', chart: 'flink-operator/flink-kubernetes-operator', version: '1.9.0' },
  'opensearch-operator': { namespace: 'opensearch-operator', chart: 'opensearch-operator/opensearch-operator', version: '2.6.1' },
};

describe('static checks (logclaw lint)', () => {
  const hf = loadHelmfile(DIR);
  const mine = [OPERATORS, TENANT];

  it('declares the five operators at their pinned versions, each in its namespace, values under helmfile.d/values', () => {
    const ops = hf.releases.filter((r) => basename(r.file) === OPERATORS);
    expect(Object.fromEntries(ops.map((r) => [r.name, { namespace: r.namespace, version: r.version }]))).toEqual(
      Object.fromEntries(Object.entries(PINNED).map(([n, p]) => [n, { namespace: p.namespace, version: p.version }])),
    );
    for (const r of ops) expect(r.values).toEqual([join(DIR, 'values', `${r.name}.yaml`)]);
    const strimzi = readValues(join(DIR, 'values', 'strimzi-kafka-operator.yaml'));
    expect(strimzi.watchAnyNamespace).toBe(true);
    expect(readValues(join(DIR, 'values', 'cert-manager.yaml')).crds.enabled).toBe(true);
    // the platform's NetworkPolicy lets exactly these operator namespaces in
    const platform = readValues(join(repoRoot, 'charts', 'logclaw-platform', 'values.yaml'));
    expect(platform.networkPolicy.operatorNamespaces).toEqual(['strimzi', 'flink-operator', 'opensearch-operator']);
  });

  it('declares one release per core component in the tenant phase, with its local chart', () => {
    const phases = hf.releases.filter((r) => basename(r.file) === TENANT);
    expect(phases.map((r) => `${r.name}:${r.chart}`)).toEqual((Object.keys(PHASES) as Phase[]).map((k) => `${k}:../charts/logclaw-${k}`));
  });

  it('has no finding in the operators and tenant phase files', () => {
    expect(checkHelmfile(hf, repoRoot).filter((f) => mine.some((m) => f.file?.endsWith(m)))).toEqual([]);
  });

  it('every phase file declares only the environment default (nothing a cluster or a test could switch to)', () => {
    for (const f of readdirSync(DIR).filter((n) => n.endsWith('.gotmpl'))) {
      const text = readFileSync(join(DIR, f), 'utf8');
      const first = parseAllDocuments(text.split('\n---\n')[0]!)[0]!.toJS() as { environments: Record<string, unknown> };
      expect(Object.keys(first.environments), f).toEqual(['default']);
      expect(text, f).not.toMatch(/test\/|\.Environment\.Name/);
    }
  });
});

const helmfile = await helmfileForSuite('test/charts/helmfile.cluster.test.ts');

interface Built {
  name: string;
  namespace: string;
  chart: string;
  version?: string;
  installed?: boolean;
  needs?: string[];
  values?: unknown[];
}
async function build(file: string, env: Record<string, string> = {}, environment = 'default'): Promise<Built[]> {
  const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, file), '--environment', environment, '--helm-binary', HELM3, 'build'], { env: { ...process.env, ...env }, maxBuffer: 32 << 20 });
  return parseAllDocuments(stdout).flatMap((d) => (d.toJS() as { releases?: Built[] } | null)?.releases ?? []);
}

describe('rendered by the real helmfile', () => {
  it('00-operators: the pinned charts of the upstream repositories, or every repository on LOGCLAW_CHART_MIRROR', async () => {
    const repos = async (env: Record<string, string>) => {
      const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, OPERATORS), '--helm-binary', HELM3, 'build'], { env: { ...process.env, LOGCLAW_CHART_MIRROR: '', ...env }, maxBuffer: 32 << 20 });
      return Object.fromEntries(parseAllDocuments(stdout).flatMap((d) => (d.toJS() as { repositories?: Array<{ name: string; url: string }> } | null)?.repositories ?? []).map((r) => [r.name, r.url]));
    };
    const prod = await build(OPERATORS, { LOGCLAW_CHART_MIRROR: '' });
    for (const [name, p] of Object.entries(PINNED)) expect(prod.find((r) => r.name === name)).toMatchObject({ namespace: p.namespace, chart: p.chart, version: p.version });
    expect(prod.find((r) => r.name === 'flink-kubernetes-operator')!.needs).toEqual(['cert-manager/cert-manager']);
    expect(await repos({})).toEqual({
      jetstack: 'https://charts.jetstack.io', 'external-secrets': 'https://charts.external-secrets.io', strimzi: 'https://strimzi.io/charts/',
      'flink-operator': 'https://downloads.apache.org/flink/flink-kubernetes-operator-1.9.0/', 'opensearch-operator': 'https://opensearch-project.github.io/opensearch-k8s-operator/',
    });
    const mirrored = await repos({ LOGCLAW_CHART_MIRROR: 'https://charts.internal.example/logclaw/' });
    expect(Object.keys(mirrored).sort()).toEqual(['external-secrets', 'flink-operator', 'jetstack', 'opensearch-operator', 'strimzi']);
    expect(new Set(Object.values(mirrored))).toEqual(new Set(['https://charts.internal.example/logclaw/']));
  });

  it('00-operators renders the official charts from a chart mirror: their CRDs, webhooks and operator Deployments', async () => {
    const { startChartRepository } = await import('../cluster/chart-repository.ts');
    const repo = await startChartRepository();
    const home = tempDir('logclaw-mirror-');
    const env = { ...process.env, LOGCLAW_CHART_MIRROR: repo.url, HELM_REPOSITORY_CONFIG: join(home, 'repositories.yaml'), HELM_REPOSITORY_CACHE: join(home, 'cache') };
    try {
      await execFileP(helmfile!, ['--file', join(DIR, OPERATORS), '--helm-binary', HELM3, 'repos'], { env });
      const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, OPERATORS), '--helm-binary', HELM3, 'template', '--include-crds', '--skip-deps'], { env, maxBuffer: 256 << 20 });
      const objs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } } | null).filter(Boolean);
      const crds = objs.filter((o) => o!.kind === 'CustomResourceDefinition').map((o) => o!.metadata.name);
      expect(crds).toEqual(expect.arrayContaining(['kafkas.kafka.strimzi.io', 'kafkanodepools.kafka.strimzi.io', 'opensearchclusters.opensearch.opster.io', 'secretstores.external-secrets.io', 'certificates.cert-manager.io', 'flinkdeployments.flink.apache.org']));
      // (opensearch-operator's templates leave the namespace to helm)
      const deployments = objs.filter((o) => o!.kind === 'Deployment').map((o) => `${o!.metadata.namespace ?? 'opensearch-operator'}/${o!.metadata.name}`);
      expect(deployments).toEqual(expect.arrayContaining(['strimzi/strimzi-cluster-operator', 'cert-manager/cert-manager', 'cert-manager/cert-manager-webhook',
        'external-secrets/external-secrets-webhook', 'flink-operator/flink-kubernetes-operator', 'opensearch-operator/opensearch-operator-controller-manager']));
      expect(objs.filter((o) => o!.kind === 'ValidatingWebhookConfiguration').map((o) => o!.metadata.name).sort()).toEqual(
        ['cert-manager-webhook', 'externalsecret-validate', 'flink-operator-flink-operator-webhook-configuration', 'secretstore-validate']);
    } finally {
      await repo.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  describe.each(['ha-aws', 'dev', 'onprem-airgapped'])('tenant phases for ci/%s-values.yaml', (c) => {
    const file = ciFile('logclaw-tenant', `${c}-values.yaml`);
    const t = readValues(file);
    const ns = `logclaw-${t.global.tenantId}`;
    const releases = new Map<Phase, Built>();
    beforeAll(async () => {
      // `helmfile template --skip-deps` below renders the charts in place: build their file://
      // dependencies first, as logclaw does before it runs helmfile (a fresh clone has none).
      const helm = await Helm.detect(HELM3);
      for (const phase of Object.keys(PHASES) as Phase[]) await ensureDependencies(join(repoRoot, 'charts', `logclaw-${phase}`), helm);
      const built = await build(TENANT, { LOGCLAW_TENANT: t.global.tenantId, LOGCLAW_TENANT_FILE: file });
      for (const phase of Object.keys(PHASES) as Phase[]) releases.set(phase, built.find((x) => x.name === phase)!);
    });

    it('one release per component in logclaw-<tenantId>, values = global + the component key', () => {
      for (const [phase, r] of releases) {
        expect(r.namespace).toBe(ns);
        expect(r.chart).toBe(`../charts/logclaw-${phase}`);
        expect(r.installed ?? true).toBe(t[phase]?.enabled !== false);
        expect(r.values).toEqual([{ global: t.global }, t[phase] ?? {}]);
      }
    });

    it('needs state the real dependencies: ingestion needs kafka, opensearch does not', () => {
      expect(releases.get('platform')!.needs ?? []).toEqual([]);
      expect(releases.get('kafka')!.needs).toEqual([`${ns}/platform`]);
      expect(releases.get('opensearch')!.needs).toEqual([`${ns}/platform`]);
      expect(releases.get('ingestion')!.needs).toEqual([`${ns}/platform`, `${ns}/kafka`]);
    });

    it('helmfile template renders the four charts of the tenant in dependency order', async () => {
      const { stdout, stderr } = await execFileP(helmfile!, ['--file', join(DIR, TENANT), '--helm-binary', HELM3, 'template', '--skip-deps', '--args', `--kube-version=1.34.0`], {
        env: { ...process.env, LOGCLAW_TENANT: t.global.tenantId, LOGCLAW_TENANT_FILE: file },
        maxBuffer: 64 << 20,
      });
      const order = [...stderr.matchAll(/Templating release=(\S+),/g)].map((m) => m[1]);
      expect(order.indexOf('kafka')).toBeLessThan(order.indexOf('ingestion'));
      expect(order[0]).toBe('platform');
      const objs = parseAllDocuments(stdout).map((d) => d.toJS() as { metadata?: { namespace?: string; labels?: Record<string, string> } } | null).filter(Boolean);
      expect(objs.length).toBeGreaterThan(10);
      for (const o of objs) expect(o!.metadata?.labels?.['logclaw.io/tenant']).toBe(t.global.tenantId);
    });
  });
});

