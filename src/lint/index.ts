/**
 * `logclaw lint`: everything CI checks before a cluster is touched, in parallel up to the number of cores.
 *
 * 1. tenant validation (src/tenant validateTenantFiles) of gitops/tenants/*.yaml;
 * 2. Chart.yaml checks of every chart; helmfile.d checks;
 * 3. `helm dependency build` of charts with file:// dependencies (cached by content hash);
 * 4. `helm lint --strict` of every chart with each of its ci/*-values.yaml;
 * 5. a render of the umbrella for every tenant file and every umbrella ci/*-values.yaml, plus one with the
 *    longest tenantId the schema allows (name limits only);
 * 6. validation of every rendered object (src/manifests).
 * Helm runs as child processes (the parallel part); YAML is parsed once per render and validation reuses
 * schemas loaded once per process.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkChart, ciValuesFiles, discoverCharts, ensureDependencies, type ChartInfo, type DependencyBuildResult } from '../charts/index.js';
import { ExitCode, LogclawError } from '../errors.js';
import { checkHelmfile, loadHelmfile } from '../helmfile/index.js';
import { CrdCatalog, noCrdsWarning } from '../manifests/crds.js';
import { KubeSchemas } from '../manifests/kube-schema.js';
import { SCHEMA_RULES, validateRender } from '../manifests/index.js';
import { parseRender } from '../manifests/parse.js';
import { RELEASE_NAME_LIMIT } from '../manifests/domain/names.js';
import { OperatorCatalog } from '../manifests/operators.js';
import { type Finding, type WaivedFinding } from '../manifests/types.js';
import { listTenants, releaseName, renderChart, sourceResolver, tenantNamespace, umbrellaDir, UMBRELLA_CHART } from '../render/index.js';
import { describeHelmError, HelmError, parseHelmLint, type Helm } from '../tools/helm.js';
import { runPool } from './pool.js';
import { isPositionedFinding } from '../findings.js';
import { validateTenantFiles } from '../tenant/validate.js';
import type { RenderCache } from '../render/cache.js';
import type { LintScope } from './changed.js';
import { isRecord } from '../object.js';

export interface LintOptions {
  root: string;
  helm: Helm;
  /** Only these tenants (and no chart lint/ci renders). */
  tenants?: string[];
  crdDir?: string;
  /** Kubernetes version helm renders for (default: the oldest supported, 1.27.0). */
  kubeVersion?: string;
  apiVersions?: string[];
  concurrency?: number;
  /** Git ref chart versions are compared with (`charts check-versions`); default origin/main, else main. */
  baseRef?: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** Only what a change affects (`lint --changed`, src/lint/changed.ts); default everything. */
  scope?: LintScope;
  /** helm's output through this cache (src/render/cache.ts); none: every render runs helm. */
  cache?: RenderCache;
}

export interface LintStats {
  charts: number;
  tenants: number;
  renders: number;
  objects: number;
  helmLints: number;
  dependencyBuilds: number;
  ms: number;
  renderMs: number[];
  /** Renders whose helm output came from the render cache. */
  cachedRenders: number;
  concurrency: number;
  /** CPU time of logclaw itself (main thread, user + system), without the helm children. */
  cpuMs: number;
}

export interface LintResult {
  findings: Finding[];
  waived: WaivedFinding[];
  stats: LintStats;
  notes: string[];
}

export const DEFAULT_LINT_KUBE_VERSION = '1.27.0';

/** The longest tenantId global.tenantId's schema allows (maxLength, and a value that fits its pattern). */
export function longestTenantId(root: string): string {
  let max = 40;
  try {
    const schema = JSON.parse(readFileSync(join(root, 'schemas', 'tenant.schema.json'), 'utf8')) as Record<string, unknown>;
    const p = (schema as { properties?: { global?: { properties?: { tenantId?: { maxLength?: number } } } } }).properties?.global?.properties?.tenantId;
    if (typeof p?.maxLength === 'number') max = p.maxLength;
  } catch {
    /* schema not there: the contract says 40 */
  }
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = 't';
  for (let i = 1; id.length < max; i++) id += chars[i % chars.length];
  return id;
}

interface TenantEnv {
  environment?: string;
  objectStorageProvider?: string;
  airGapped?: boolean;
}

/** A YAML values file as a mapping ({} when missing or not a mapping). */
export function readValues(file: string): Record<string, unknown> {
  try {
    const v = parseYaml(readFileSync(file, 'utf8')) as unknown;
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

function tenantEnv(files: string[], umbrellaValues: Record<string, unknown>): TenantEnv {
  let env: TenantEnv = {};
  for (const v of [umbrellaValues, ...files.map(readValues)]) {
    const g = isRecord(v.global) ? v.global : {};
    env = {
      environment: typeof g.environment === 'string' ? g.environment : env.environment,
      objectStorageProvider: isRecord(g.objectStorage) && typeof g.objectStorage.provider === 'string' ? g.objectStorage.provider : env.objectStorageProvider,
      airGapped: typeof g.airGapped === 'boolean' ? g.airGapped : env.airGapped,
    };
  }
  return env;
}

/** Tenant validation (src/tenant/validate.ts), its findings as lint reports them (rule `tenant`). */
async function tenantValidation(root: string, files: string[]): Promise<Finding[]> {
  if (!files.length) return [];
  // The repository's own tenant schema (the package's is the default when the repo has none).
  const schemaFile = join(root, 'schemas', 'tenant.schema.json');
  const out = await validateTenantFiles(files, { cwd: root, schemaFile: existsSync(schemaFile) ? schemaFile : undefined });
  return out.findings.map((f) => {
    if (!isPositionedFinding(f)) throw new LogclawError(`tenant validation returned a finding lint cannot place: ${JSON.stringify(f)}`, { exitCode: ExitCode.checkFailed });
    const id = /tenant-(.+)\.ya?ml$/.exec(basename(f.file))?.[1];
    return {
      rule: 'tenant',
      severity: f.severity,
      message: `${f.rule}: ${f.message}`,
      file: relative(root, join(root, f.file)),
      line: f.line,
      column: f.column,
      path: f.path || undefined,
      tenant: id,
      target: id ? `tenant ${id}` : 'tenants',
    } satisfies Finding;
  });
}

export async function runLint(o: LintOptions): Promise<LintResult> {
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  const root = o.root;
  const findings: Finding[] = [];
  const waived: WaivedFinding[] = [];
  const notes: string[] = [];
  const concurrency = Math.max(1, o.concurrency ?? availableParallelism());
  const stats: LintStats = { charts: 0, tenants: 0, renders: 0, objects: 0, helmLints: 0, dependencyBuilds: 0, ms: 0, renderMs: [], cachedRenders: 0, concurrency, cpuMs: 0 };
  const progress = o.onProgress ?? (() => {});
  const kubeVersion = o.kubeVersion ?? DEFAULT_LINT_KUBE_VERSION;
  const scope = o.scope;
  const chartInScope = (c: ChartInfo) => !scope || scope.charts.includes(c.dir);

  // Charts, helmfile, CRDs, tenants: cheap, synchronous checks first.
  const charts = discoverCharts(join(root, 'charts'));
  stats.charts = charts.length;
  for (const c of charts.filter(chartInScope)) findings.push(...checkChart(c, root));
  const operatorReleases = helmfileOperators(root, !scope || scope.helmfile, findings, notes);
  const crds = o.crdDir ? CrdCatalog.load(o.crdDir) : undefined;
  if (!crds) notes.push(noCrdsWarning(join(root, 'charts')));
  const operators = new OperatorCatalog(crds, operatorReleases);
  const apiVersions = [...operators.apiVersions(), ...(o.apiVersions ?? [])];
  const kube = new KubeSchemas();

  const { tenants, validated } = lintTenants(root, o.tenants, scope);
  stats.tenants = validated.length;
  findings.push(...(await tenantValidation(root, validated.map((t) => t.file))));

  findings.push(...(await import('../gitops/clusters.js')).gitopsClusterFindings(root, tenants.map((t) => t.file))); // GitOps: named clusters exist
  if (!o.tenants?.length && (!scope || scope.gitops)) findings.push(...gitopsManifestFindings(root, kube, crds));

  // Chart versions against the base ref (git, in parallel with the renders): a changed chart needs a higher version.
  const versions = o.tenants?.length || (scope && !scope.chartVersions) ? undefined : chartVersionFindings(root, o.baseRef, notes);
  versions?.catch(() => undefined); // awaited after the renders; handled here so an early rejection is not "unhandled"

  // Dependencies (depth first, shared between charts).
  const umbrella = umbrellaDir(root);
  const rendersUmbrella = !scope || scope.tenants.length > 0 || scope.ciCases.length > 0 || scope.longestTenantId;
  const needDeps = o.tenants?.length ? charts.filter((c) => c.dir === umbrella) : charts.filter((c) => chartInScope(c) || (c.dir === umbrella && rendersUmbrella));
  const { broken, built } = await buildDependencies(needDeps, o.helm, root, findings);
  stats.dependencyBuilds = built;

  // Named templates: one table per release, so a define of two charts rendered together is a bug (smallest trees
  // first, so a collision is reported at the chart that brings both files together).
  const treeCharts = charts.filter((c) => chartInScope(c) && !c.problems.length && !broken.has(c.dir)).sort((a, b) => a.dependencies.length - b.dependencies.length || a.name.localeCompare(b.name));
  findings.push(...(await import('./template-names.js')).collisionFindings(treeCharts, root));

  const jobs: Array<() => Promise<void>> = [];
  const umbrellaChart = charts.find((c) => c.dir === umbrella);
  const umbrellaValues = existsSync(join(umbrella, 'values.yaml')) ? readValues(join(umbrella, 'values.yaml')) : {};

  const render = async (label: string, tenant: string | undefined, release: string, namespace: string, valuesFiles: string[], set: string[], onlyRules?: Set<string>) => {
    const env = tenantEnv(valuesFiles, umbrellaValues);
    if (release.length > RELEASE_NAME_LIMIT) {
      // helm refuses to render it at all; say why in our words.
      findings.push({ rule: 'release-name-too-long', severity: 'error', message: `release name "${release}" is ${release.length} characters; helm allows ${RELEASE_NAME_LIMIT} (tenantId may be at most ${RELEASE_NAME_LIMIT - releaseName('').length} characters)`, file: relative(root, join(root, 'schemas', 'tenant.schema.json')), target: label, tenant });
      return;
    }
    try {
      const r = await renderChart({ helm: o.helm, root, chartDir: umbrella, release, namespace, valuesFiles, set, kubeVersion, apiVersions, cache: o.cache, signal: o.signal });
      stats.renders++;
      if (r.cached) stats.cachedRenders++;
      stats.renderMs.push(r.ms);
      stats.objects += r.objects.length;
      for (const f of r.findings) findings.push({ ...f, target: label, tenant });
      const v = validateRender(r.objects, { namespace, release, kube, crds, operators, environment: env.environment, objectStorageProvider: env.objectStorageProvider, airGapped: env.airGapped, target: label, tenant, onlyRules });
      findings.push(...v.findings);
      waived.push(...v.waived);
      progress(`${label}: ${r.objects.length} objects, ${v.findings.length} finding(s)`);
    } catch (e) {
      if (!(e instanceof HelmError)) throw e;
      const file = e.info.template ? sourceResolver(root, umbrella)(e.info.template) : undefined;
      findings.push({ rule: 'helm-template', severity: 'error', message: describeHelmError(e.info), file: file?.file ?? relative(root, join(umbrella, 'Chart.yaml')), line: e.info.line, chart: file?.chart ?? e.info.chart ?? UMBRELLA_CHART, target: label, tenant });
    }
  };

  if (umbrellaChart && umbrellaChart.type !== 'library' && !broken.has(umbrella)) {
    for (const t of tenants) jobs.push(() => render(`tenant ${t.id}`, t.id, releaseName(t.id), tenantNamespace(t.id), [t.file], []));
    if (!o.tenants?.length) {
      const ci = ciValuesFiles(umbrella);
      for (const f of scope ? ci.filter((x) => scope.ciCases.includes(x)) : ci) jobs.push(() => render(`chart ${UMBRELLA_CHART} (${relative(umbrella, f)})`, undefined, releaseName('ci'), tenantNamespace('ci'), [f], [`global.tenantId=ci`]));
      const base = ci[0] ?? tenants[0]?.file;
      if (base && (!scope || scope.longestTenantId)) {
        const id = longestTenantId(root);
        jobs.push(() => render(`longest tenantId (${id.length} characters)`, undefined, releaseName(id), tenantNamespace(id), [base], [`global.tenantId=${id}`], new Set(['name-too-long', 'release-name-too-long'])));
      }
    }
  } else if (!umbrellaChart) notes.push(`no charts/${UMBRELLA_CHART}: tenant renders skipped`);

  if (!o.tenants?.length) {
    for (const c of charts.filter(chartInScope)) {
      if (broken.has(c.dir) || c.problems.length) continue;
      const ci = ciValuesFiles(c.dir);
      for (const values of ci.length ? ci : [undefined]) jobs.push(() => helmLint(c, values));
    }
  }

  async function helmLint(c: ChartInfo, values: string | undefined): Promise<void> {
    const label = `chart ${c.name}${values ? ` (${relative(c.dir, values)})` : ''}`;
    const r = await o.helm.lint(c.dir, { strict: true, valuesFiles: values ? [values] : [], kubeVersion, namespace: tenantNamespace('ci') }, { signal: o.signal });
    stats.helmLints++;
    findings.push(...helmLintFindings(r, c, label, root));
    progress(`${label}: helm lint ${r.exitCode === 0 ? 'ok' : 'failed'}`);
  }

  await runPool(jobs, concurrency, o.signal);
  if (versions) findings.push(...(await versions));
  stats.ms = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  stats.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  return { findings: sortFindings(findings), waived, stats, notes };
}

/** helmfile.d's own checks (when in scope) and the pinned operators' releases (undefined without 00-operators*). */
function helmfileOperators(root: string, check: boolean, findings: Finding[], notes: string[]) {
  const helmfileDir = join(root, 'helmfile.d');
  if (!existsSync(helmfileDir)) {
    notes.push('no helmfile.d/: operator checks of custom resources skipped');
    return undefined;
  }
  const hf = loadHelmfile(helmfileDir);
  if (check) findings.push(...checkHelmfile(hf, root));
  if (!hf.files.some((f) => basename(f).startsWith('00-operators'))) {
    notes.push('no helmfile.d/00-operators*.yaml: custom resources are not checked against installed operators');
    return undefined;
  }
  return hf.releases.filter((r) => basename(r.file).startsWith('00-operators'));
}

/** The tenants rendered and the tenants validated: all, those --tenant names (each must exist), or the change's scope. */
function lintTenants(root: string, only: string[] | undefined, scope: LintScope | undefined) {
  let tenants = listTenants(root);
  if (only?.length) {
    const missing = only.filter((t) => !tenants.some((x) => x.id === t));
    if (missing.length) throw new LogclawError(`no tenant file for ${missing.join(', ')} in gitops/tenants/`, { exitCode: ExitCode.usage, hint: `Tenants: ${tenants.map((t) => t.id).join(', ') || 'none'}.` });
    tenants = tenants.filter((t) => only.includes(t.id));
  }
  const validated = scope ? tenants.filter((t) => scope.validateTenants.includes(t.id)) : tenants;
  if (scope) tenants = tenants.filter((t) => scope.tenants.includes(t.id));
  return { tenants, validated };
}

/** Manifests applied from gitops/ as they are (Argo CD ApplicationSet, AppProject...): schemas only. */
function gitopsManifestFindings(root: string, kube: KubeSchemas, crds: CrdCatalog | undefined): Finding[] {
  const findings: Finding[] = [];
  for (const file of gitopsManifests(root)) {
    const rel = relative(root, file);
    const parsed = parseRender(readFileSync(file, 'utf8'), () => ({ chart: '', file: rel }));
    for (const f of parsed.findings) findings.push({ ...f, chart: undefined, target: 'gitops' });
    if (!parsed.objects.length) continue;
    const v = validateRender(parsed.objects, { namespace: '', release: '', kube, crds, target: 'gitops', onlyRules: new Set(SCHEMA_RULES) });
    findings.push(...v.findings.map((f) => ({ ...f, chart: undefined })));
  }
  return findings;
}

/**
 * `helm dependency build` for the charts that need it, depth first and shared between charts. A chart whose
 * dependencies cannot be built is broken (one chart-dependency finding, unless one says so already).
 */
async function buildDependencies(charts: ChartInfo[], helm: Helm, root: string, findings: Finding[]): Promise<{ broken: Set<string>; built: number }> {
  const done = new Map<string, Promise<DependencyBuildResult[]>>();
  const broken = new Set<string>();
  await Promise.all(
    charts
      .filter((c) => c.dependencies.length && !c.problems.length)
      .map(async (c) => {
        try {
          await ensureDependencies(c.dir, helm, done);
        } catch (e) {
          broken.add(c.dir);
          if (!findings.some((f) => (f.rule === 'chart-dependency-unavailable' || f.rule === 'chart-dependency') && f.chart === c.name)) {
            findings.push({ rule: 'chart-dependency', severity: 'error', chart: c.name, target: `chart ${c.name}`, file: relative(root, join(c.dir, 'Chart.yaml')), message: (e as Error).message });
          }
        }
      }),
  );
  const builds = (await Promise.allSettled(done.values())).flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  return { broken, built: new Set(builds.filter((r) => r.built).map((r) => r.chart)).size };
}

/** What `helm lint --strict` said about one chart and values file, each message at its source file and line. */
function helmLintFindings(r: { stdout: string; stderr: string; exitCode: number }, c: ChartInfo, label: string, root: string): Finding[] {
  const messages = parseHelmLint(`${r.stdout}\n${r.stderr}`).filter((m) => m.severity !== 'info');
  const findings: Finding[] = messages.map((m) => ({
    rule: 'helm-lint',
    severity: 'error',
    message: m.error ? describeHelmError(m.error) : m.message.replace(/\n+/g, ' '),
    file: m.error?.template ? sourceResolver(root, c.dir)(m.error.template).file : relative(root, join(c.dir, m.path.replace(/\/$/, ''))),
    line: m.error?.line,
    chart: c.name,
    target: label,
  }));
  if (r.exitCode !== 0 && !messages.length) {
    findings.push({ rule: 'helm-lint', severity: 'error', message: (r.stderr || r.stdout).trim().split('\n').filter(Boolean).pop() ?? `helm lint exited ${r.exitCode}`, file: relative(root, join(c.dir, 'Chart.yaml')), chart: c.name, target: label });
  }
  return findings;
}

/**
 * `charts check-versions` as lint findings: every chart changed since the base ref has a higher version
 * (chart-version-bump). Outside a git work tree there is nothing to compare: a note says so.
 */
async function chartVersionFindings(root: string, baseRef: string | undefined, notes: string[]): Promise<Finding[]> {
  const { checkVersions } = await import('../release/versions.js');
  let report;
  try {
    report = await checkVersions({ cwd: root, chartsDir: join(root, 'charts'), base: baseRef });
  } catch (e) {
    // an explicit --base that does not resolve is the user's error; no git work tree is only a note
    if (baseRef || !(e instanceof LogclawError) || e.exitCode !== ExitCode.missingPrerequisite) throw e;
    notes.push(`chart versions not compared with a base ref: ${e.message}`);
    return [];
  }
  return report.charts
    .filter((c) => c.status === 'needs-bump')
    .map((c) => ({
      rule: 'chart-version-bump',
      severity: 'error' as const,
      message: `${c.message} (${c.changedFiles.slice(0, 3).join(', ')}${c.changedFiles.length > 3 ? ', …' : ''})`,
      file: `${c.path}/Chart.yaml`,
      chart: c.name,
      target: `chart ${c.name}`,
    }));
}

/** YAML files under gitops/ except the tenant values files (gitops/tenants/). */
function gitopsManifests(root: string): string[] {
  const dir = join(root, 'gitops');
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (p !== join(dir, 'tenants') && !e.name.startsWith('.')) walk(p);
      } else if (/\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const sevRank = (s: string) => (s === 'error' ? 0 : 1);
export function sortFindings(f: Finding[]): Finding[] {
  return [...f].sort(
    (a, b) =>
      (a.target ?? '').localeCompare(b.target ?? '') ||
      (a.chart ?? '').localeCompare(b.chart ?? '') ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      sevRank(a.severity) - sevRank(b.severity) ||
      a.rule.localeCompare(b.rule) ||
      (a.line ?? 0) - (b.line ?? 0),
  );
}
