/**
 * Rendering a tenant: the umbrella chart charts/logclaw-tenant with the tenant's file
 * gitops/tenants/tenant-<id>.yaml as its values.
 *
 * Names (the one place they are decided; install/upgrade/gitops use the same):
 * - namespace: `logclaw-<tenantId>`
 * - Helm release: `logclaw-<tenantId>` as well. Release names are per namespace in Helm, so a fixed name would
 *   work too, but putting the tenant in the release makes `app.kubernetes.io/instance` identify the tenant in
 *   cluster-wide queries (metrics, logs, `kubectl get -A -l app.kubernetes.io/instance=logclaw-acme`).
 *   With tenantId at most 40 characters, the release is at most 48 (helm allows 53).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { readChart, type ChartInfo } from '../charts/index.js';
import { parseRender, type SourceResolver } from '../manifests/parse.js';
import type { Finding, RenderedObject } from '../manifests/types.js';
import { HelmError, parseHelmError, type Helm, type HelmTemplateOptions } from '../tools/helm.js';
import { usageError } from '../errors.js';
import { renderKey, type RenderCache } from './cache.js';

export const UMBRELLA_CHART = 'logclaw-tenant';
export { releaseName, tenantNamespace } from '../tenant/id.js';
export const tenantsDir = (root: string): string => join(root, 'gitops', 'tenants');
export const tenantFile = (root: string, tenantId: string): string => join(tenantsDir(root), `tenant-${tenantId}.yaml`);
export const umbrellaDir = (root: string): string => join(root, 'charts', UMBRELLA_CHART);

/** Tenant files of the repository: `gitops/tenants/tenant-<id>.yaml`, sorted by id. */
export function listTenants(root: string): Array<{ id: string; file: string }> {
  const dir = tenantsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^tenant-(.+)\.ya?ml$/.exec(f))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => ({ id: m[1]!, file: join(dir, m[0]) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The tenant file for an id, or a usage error that lists the tenants there are. */
export function requireTenantFile(root: string, tenantId: string): string {
  const f = tenantFile(root, tenantId);
  if (existsSync(f)) return f;
  const known = listTenants(root).map((t) => t.id);
  throw usageError(`no tenant "${tenantId}": ${relative(process.cwd(), f) || f} does not exist`, known.length ? `Tenants: ${known.join(', ')}.` : 'Create one with `logclaw tenant init <id>`.');
}

/**
 * Map helm's `# Source:` paths to repository files: `logclaw-tenant/charts/kafka/templates/x.yaml` →
 * (chart logclaw-kafka, charts/logclaw-kafka/templates/x.yaml), following aliases and file:// dependencies.
 */
const resolvers = new Map<string, SourceResolver>();

/** One resolver per (root, chart) per process: Chart.yaml files are read once, not per render. */
export function sourceResolver(root: string, chartDir: string): SourceResolver {
  const key = `${resolve(root)}\0${resolve(chartDir)}`;
  let r = resolvers.get(key);
  if (!r) resolvers.set(key, (r = newSourceResolver(root, chartDir)));
  return r;
}

function newSourceResolver(root: string, chartDir: string): SourceResolver {
  const charts = new Map<string, ChartInfo>();
  const chartAt = (dir: string) => {
    let c = charts.get(dir);
    if (!c) charts.set(dir, (c = readChart(dir)));
    return c;
  };
  const memo = new Map<string, { chart: string; file: string }>();
  return (source) => {
    const hit = memo.get(source);
    if (hit) return hit;
    const parts = source.split('/');
    let dir = resolve(chartDir);
    let chart = chartAt(dir);
    let i = 1;
    let result: { chart: string; file: string } | undefined;
    while (parts[i] === 'charts' && i + 2 < parts.length) {
      const alias = parts[i + 1]!;
      const dep = chart.dependencies.find((d) => (d.alias ?? d.name) === alias);
      if (!dep?.path || !existsSync(join(dep.path, 'Chart.yaml'))) {
        result = { chart: dep?.name ?? alias, file: relative(root, join(dir, ...parts.slice(i))) };
        break;
      }
      dir = dep.path;
      chart = chartAt(dir);
      i += 2;
    }
    result ??= { chart: chart.name || parts[0]!, file: relative(root, join(dir, ...parts.slice(i))) };
    memo.set(source, result);
    return result;
  };
}

/** What to render: helm's own template options plus where the chart is. */
export interface RenderRequest extends Pick<HelmTemplateOptions, 'release' | 'namespace' | 'valuesFiles' | 'set' | 'kubeVersion' | 'apiVersions'> {
  helm: Helm;
  root: string;
  chartDir: string;
  keepText?: boolean;
  signal?: AbortSignal;
  /** Content-addressed cache of helm's output (src/render/cache.ts); none: always run helm. */
  cache?: RenderCache;
}

export interface RenderResult {
  text: string;
  /** helm's output came from the render cache. */
  cached: boolean;
  objects: RenderedObject[];
  /** Documents that are not objects. */
  findings: Finding[];
  ms: number;
}

/** helm template + parse; throws HelmError (naming chart, template, line) when helm fails. */
export async function renderChart(req: RenderRequest): Promise<RenderResult> {
  const started = Date.now();
  const options = { release: req.release, namespace: req.namespace, valuesFiles: req.valuesFiles, set: req.set, kubeVersion: req.kubeVersion, apiVersions: req.apiVersions };
  const key = req.cache ? renderKey({ ...options, chartDir: req.chartDir, helmVersion: req.helm.version }) : undefined;
  const hit = key ? req.cache!.get(key) : undefined;
  let text: string;
  if (hit && !hit.ok) {
    // a failed render is cached as helm's stderr: the same inputs fail the same way
    const command = `helm ${req.helm.templateArgs(req.chartDir, options).join(' ')} (cached)`;
    throw new HelmError(parseHelmError(hit.text), { command, exitCode: 1, stdout: '', stderr: hit.text, durationMs: 0, timedOut: false });
  }
  if (hit) text = hit.text;
  else {
    try {
      text = await req.helm.template(req.chartDir, options, { signal: req.signal });
    } catch (e) {
      if (key && e instanceof HelmError && !e.result.timedOut && !req.signal?.aborted) req.cache!.put(key, { ok: false, text: e.result.stderr || e.result.stdout });
      throw e;
    }
    if (key) req.cache!.put(key, { ok: true, text });
  }
  const parsed = parseRender(text, sourceResolver(req.root, req.chartDir), { keepText: req.keepText });
  return { text, cached: Boolean(hit), objects: parsed.objects, findings: parsed.findings, ms: Date.now() - started };
}

/** Write one file per chart and kind: DIR/<chart>/<kind>.yaml (kind lower-cased). Returns the files written. */
export function writeRenderOut(outDir: string, objects: RenderedObject[]): string[] {
  const groups = new Map<string, RenderedObject[]>();
  for (const o of objects) {
    const key = join(o.chart, `${o.obj.kind.toLowerCase()}.yaml`);
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const written: string[] = [];
  for (const [rel, objs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(outDir, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    const body = objs.map((o) => `---\n${o.text ?? `# Source: ${o.source}\n${stringify(o.obj, { lineWidth: 0 })}`}`.replace(/\n*$/, '\n')).join('');
    writeFileSync(file, body);
    written.push(file);
  }
  return written;
}
