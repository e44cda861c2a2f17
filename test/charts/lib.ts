/**
 * Shared by the chart tests: a private copy of charts/ with dependencies built (so concurrent test
 * files and other work in the tree do not race on charts/<chart>/charts/), the API versions the operators
 * serve, cached renders, and accessors for rendered objects.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { loadAll } from 'js-yaml';
import { parse as parseYaml, stringify } from 'yaml';
import { ensureDependencies } from '../../src/charts/index.js';
import { Helm } from '../../src/tools/helm.js';
import { helmTemplate, type K8sObject, type RenderOptions } from '../helpers/render.js';
import { crdDir, HELM3, repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const execFileP = promisify(execFile);

export type { K8sObject };

/** The core charts (helmfile phase 10-tenant), by the umbrella key of each: namespace, Kafka, ingestion, OpenSearch. */
export const CORE = { platform: 'logclaw-platform', kafka: 'logclaw-kafka', ingestion: 'logclaw-ingestion', opensearch: 'logclaw-opensearch' } as const;
/** The intelligence charts (helmfile phase 40-intelligence): stream jobs, ML engine, Airflow, ticketing agent, Zammad. */
export const INTELLIGENCE = ['logclaw-flink', 'logclaw-ml-engine', 'logclaw-airflow', 'logclaw-ticketing-agent', 'logclaw-zammad'] as const;
/** Every application chart (the library logclaw-common aside), the umbrella included. */
export const APPLICATION_CHARTS = ['logclaw-tenant', ...Object.values(CORE), ...INTELLIGENCE] as const;

/** Operator CRDs every non-dev tenant needs; their served versions go into --api-versions. */
export const OPERATOR_CRD_DIRS = ['strimzi-0.50.1', 'opensearch-operator-2.6.1', 'external-secrets-0.10.3', 'cert-manager-v1.16.1', 'flink-operator-1.9.0'];
/** Optional CRDs (VPA, Prometheus operator, KServe): rendered with and without them. */
export const OPTIONAL_CRD_DIRS = ['vpa-1.7.1', 'prometheus-operator-v0.89.0', 'kserve-0.13.0'];

export function servedApis(dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    for (const f of readdirSync(join(crdDir, d))) {
      if (!/\.ya?ml$/.test(f)) continue;
      for (const doc of loadAll(readFileSync(join(crdDir, d, f), 'utf8'))) {
        const crd = doc as { kind?: string; spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] } } | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions) if (v.served) out.push(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`);
      }
    }
  }
  return out;
}
export const operatorApis = servedApis(OPERATOR_CRD_DIRS);
export const optionalApis = servedApis(OPTIONAL_CRD_DIRS);

interface ChartMeta {
  dependencies?: { name: string; repository?: string; alias?: string }[];
}

let prepared: Promise<string> | undefined;

/**
 * Copy charts/ to a temp dir and build every chart's file:// dependencies there, leaves first.
 * Charts with a non-file:// dependency (official charts) get them as lint does (ensureDependencies): the real
 * zammad chart from the upstream chart archives (../shared/upstream-charts), the airflow stand-in that
 * test/fixtures/upstream-charts/prepare.mjs puts into charts/logclaw-airflow/charts/.
 */
export function prepareCharts(): Promise<string> {
  prepared ??= (async () => {
    const standIn = join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs');
    const charts = readdirSync(join(repoRoot, 'charts')).filter((c) => existsSync(join(repoRoot, 'charts', c, 'Chart.yaml')));
    const meta = new Map<string, ChartMeta>(charts.map((c) => [c, parseYaml(readFileSync(join(repoRoot, 'charts', c, 'Chart.yaml'), 'utf8')) as ChartMeta]));
    const external = charts.filter((c) => (meta.get(c)!.dependencies ?? []).some((d) => !d.repository?.startsWith('file://')));
    if (external.length && existsSync(standIn)) {
      await execFileP(process.execPath, [standIn], { env: { ...process.env, LOGCLAW_HELM3: HELM3 } });
    }
    const root = tempDir('logclaw-charts-');
    cpSync(join(repoRoot, 'charts'), join(root, 'charts'), { recursive: true });
    const done = new Set<string>();
    const build = async (c: string): Promise<void> => {
      if (done.has(c)) return;
      done.add(c);
      const deps = meta.get(c)!.dependencies ?? [];
      for (const d of deps) {
        const m = d.repository?.match(/^file:\/\/\.\.\/(.+)$/);
        if (m && meta.has(m[1]!)) await build(m[1]!);
      }
      if (deps.length && deps.every((d) => d.repository?.startsWith('file://'))) {
        await execFileP(HELM3, ['dependency', 'update', join(root, 'charts', c), '--skip-refresh']);
      } else if (deps.length) {
        await ensureDependencies(join(root, 'charts', c), await Helm.detect(HELM3));
      }
    };
    for (const c of charts) await build(c);
    return join(root, 'charts');
  })();
  return prepared;
}

const renders = new Map<string, Promise<K8sObject[]>>();

/** At most this many helm processes at once per test file (2 shared cores). */
const MAX_HELM = 3;
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_HELM) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Render a chart of the prepared copy (cached per argument set). */
export async function render(helm: string, chart: string, o: RenderOptions = {}): Promise<K8sObject[]> {
  const dir = join(await prepareCharts(), chart);
  const key = JSON.stringify([helm, chart, o]);
  let p = renders.get(key);
  if (!p) renders.set(key, (p = limited(() => helmTemplate(helm, dir, o))));
  return p;
}

const valueFiles = new Map<string, string>();
let valuesDir: string | undefined;
/** One folder per test file for the inline values files, removed after the file's tests. */
const valuesFolder = (): string => (valuesDir ??= tempDir('logclaw-values-'));
afterAll(() => {
  if (valuesDir) rmSync(valuesDir, { recursive: true, force: true });
  valuesDir = undefined;
  valueFiles.clear();
});
/** Render with inline values (written to a temp file; the same values reuse the same file and render). */
export async function renderValues(helm: string, chart: string, values: unknown, o: RenderOptions = {}): Promise<K8sObject[]> {
  const text = stringify(values);
  let file = valueFiles.get(text);
  if (!file) {
    file = join(valuesFolder(), `values-${valueFiles.size}.yaml`);
    writeFileSync(file, text);
    valueFiles.set(text, file);
  }
  return render(helm, chart, { ...o, values: [...(o.values ?? []), file] });
}

/** helm template failing is a result too: its stderr. */
export async function renderError(helm: string, chart: string, values: unknown, o: RenderOptions = {}): Promise<string> {
  try {
    await renderValues(helm, chart, values, o);
    return '';
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
}

export const ciFile = (chart: string, name: string): string => join(repoRoot, 'charts', chart, 'ci', name);
export const ciCases = (chart: string): string[] =>
  existsSync(join(repoRoot, 'charts', chart, 'ci')) ? readdirSync(join(repoRoot, 'charts', chart, 'ci')).filter((f) => f.endsWith('-values.yaml')).sort() : [];
export const tenantFiles = (): string[] =>
  readdirSync(join(repoRoot, 'gitops', 'tenants'))
    .filter((f) => /^tenant-.+\.ya?ml$/.test(f))
    .sort();
export const readValues = (file: string): Record<string, any> => parseYaml(readFileSync(file, 'utf8')) as Record<string, any>;

// ---- object accessors -------------------------------------------------------------------------

export const kindOf = (objs: K8sObject[], kind: string): K8sObject[] => objs.filter((o) => o.kind === kind);
export const named = (objs: K8sObject[], kind: string, name: string): any => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered; have: ${objs.filter((x) => x.kind === kind).map((x) => x.metadata.name).join(', ') || 'none'}`);
  return o;
};
export const maybe = (objs: K8sObject[], kind: string, name: string): any => objs.find((x) => x.kind === kind && x.metadata.name === name);

/** Objects made by the core charts (labelled logclaw.io/component platform|kafka|ingestion|opensearch). */
export const coreObjects = (objs: K8sObject[]): K8sObject[] =>
  objs.filter((o) => ['platform', 'kafka', 'ingestion', 'opensearch'].includes(o.metadata.labels?.['logclaw.io/component'] ?? ''));

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
/** Pod specs of built-in workloads. */
export function podSpecs(objs: K8sObject[]): { owner: K8sObject; spec: any }[] {
  return objs
    .filter((o) => WORKLOAD_KINDS.includes(o.kind))
    .map((o: any) => ({ owner: o, spec: o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec }));
}

/** Count objects per kind: { Deployment: 1, ... } sorted by kind. */
export function countKinds(objs: K8sObject[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of [...objs].sort((a, b) => a.kind.localeCompare(b.kind))) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
}
