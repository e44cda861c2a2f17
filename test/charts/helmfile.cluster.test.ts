/**
 * helmfile.d of charts part 1: 00-operators (five operators at pinned chart versions, each in its
 * namespace, a `test` environment on the local stand-ins) and 10-tenant (platform, kafka, opensearch,
 * ingestion in the tenant namespace, the tenant file's `global` + component key as values, real
 * `needs:` - in one file because helmfile resolves needs only within a state file). Static checks always; the real helmfile (built by
 * test/cluster/build.mjs, or $LOGCLAW_HELMFILE) renders them when it is available.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

  it('declares one release per part-1 component in the tenant phase, with its local chart', () => {
    const phases = hf.releases.filter((r) => basename(r.file) === TENANT);
    expect(phases.map((r) => `${r.name}:${r.chart}`)).toEqual((Object.keys(PHASES) as Phase[]).map((k) => `${k}:../charts/logclaw-${k}`));
  });

  it('has no finding in the part-1 files', () => {
    expect(checkHelmfile(hf, repoRoot).filter((f) => mine.some((m) => f.file?.endsWith(m)))).toEqual([]);
  });

  it('every phase file declares the environments default and test', () => {
    for (const f of mine) {
      const first = parseAllDocuments(readFileSync(join(DIR, f), 'utf8').split('\n---\n')[0]!)[0]!.toJS() as { environments: Record<string, unknown> };
      expect(Object.keys(first.environments), f).toEqual(['default', 'test']);
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
async function build(file: string, env: Record<string, string> = {}, environment = 'test'): Promise<Built[]> {
  const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, file), '--environment', environment, '--helm-binary', HELM3, 'build'], { env: { ...process.env, ...env }, maxBuffer: 32 << 20 });
  return parseAllDocuments(stdout).flatMap((d) => (d.toJS() as { releases?: Built[] } | null)?.releases ?? []);
}

describe('rendered by the real helmfile', () => {
  it('00-operators: pinned charts by default, the stand-ins of test/fixtures/operators in `test`', async () => {
    const prod = await build(OPERATORS, {}, 'default');
    const test = await build(OPERATORS, {}, 'test');
    for (const [name, p] of Object.entries(PINNED)) {
      expect(prod.find((r) => r.name === name)).toMatchObject({ namespace: p.namespace, chart: p.chart, version: p.version });
      const t = test.find((r) => r.name === name)!;
      expect(t.chart).toBe(`../test/fixtures/operators/${name}`);
      expect(existsSync(join(DIR, t.chart, 'Chart.yaml'))).toBe(true);
      const standIn = readValues(join(DIR, t.chart, 'Chart.yaml'));
      expect(standIn.version).toBe(p.version);
    }
    expect(prod.find((r) => r.name === 'flink-kubernetes-operator')!.needs).toEqual(['cert-manager/cert-manager']);
  });

  it('00-operators in `test` renders offline: every stand-in with the real CRDs', async () => {
    await execFileP(process.execPath, [join(repoRoot, 'test', 'fixtures', 'operators', 'prepare.mjs')]);
    const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, OPERATORS), '--environment', 'test', '--helm-binary', HELM3, 'template', '--include-crds', '--skip-deps'], { maxBuffer: 256 << 20 });
    const objs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } } | null).filter(Boolean);
    const crds = objs.filter((o) => o!.kind === 'CustomResourceDefinition').map((o) => o!.metadata.name);
    expect(crds).toEqual(expect.arrayContaining(['kafkas.kafka.strimzi.io', 'kafkanodepools.kafka.strimzi.io', 'opensearchclusters.opensearch.opster.io', 'secretstores.external-secrets.io', 'certificates.cert-manager.io', 'flinkdeployments.flink.apache.org']));
    const deployments = objs.filter((o) => o!.kind === 'Deployment').map((o) => `${o!.metadata.namespace}/${o!.metadata.name}`);
    expect(deployments).toEqual(expect.arrayContaining(['strimzi/strimzi-cluster-operator', 'cert-manager/cert-manager']));
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

