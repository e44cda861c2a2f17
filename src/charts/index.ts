/**
 * Charts of the repository: discovery, Chart.yaml checks, and `helm dependency build` for file:// dependencies,
 * cached by a content hash of the dependency charts so an unchanged tree is never rebuilt.
 *
 * The stamp is `<chart>/Chart.lock.hash` (git-ignored, like the built `<chart>/charts/`). A dependency that
 * would need the network (an http(s)/oci repository) must already be present as `charts/<name>-<version>.tgz`,
 * or in the folder of upstream chart archives (./upstream.ts), from which it is vendored there; otherwise the
 * build fails with a message naming the chart, version and repository and the command that provides it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import semver from 'semver';
import { LineCounter, parseDocument } from 'yaml';
import { ExitCode, LogclawError } from '../errors.js';
import { cacheDir, writeAtomic } from '../manifests/cache.js';
import type { Finding } from '../manifests/types.js';
import type { Helm } from '../tools/helm.js';
import { findArchive, resolveUpstreamChartsDir, sameContent, UPSTREAM_CHARTS_ENV, upstreamArchive } from './upstream.js';

export interface ChartDependency {
  name: string;
  version: string;
  repository: string;
  alias?: string;
  condition?: string;
  /** Absolute directory for file:// dependencies. */
  path?: string;
  line?: number;
}

export interface ChartInfo {
  dir: string;
  name: string;
  version: string;
  apiVersion: string;
  type: 'application' | 'library';
  kubeVersion?: string;
  description?: string;
  dependencies: ChartDependency[];
  /** Parse problems of Chart.yaml (the chart is still returned with what could be read). */
  problems: string[];
  /** Line of each top-level key, for findings. */
  lines: Record<string, number>;
}

export const STAMP_FILE = 'Chart.lock.hash';
/** Kubernetes versions every chart must admit (the oldest supported one and the newest bundled). */
export const SUPPORTED_KUBE_VERSIONS = ['1.27.0', '1.37.0'];

export function readChart(dir: string): ChartInfo {
  const file = join(dir, 'Chart.yaml');
  const info: ChartInfo = { dir, name: basename(dir), version: '', apiVersion: '', type: 'application', dependencies: [], problems: [], lines: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    info.problems.push('Chart.yaml is missing');
    return info;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    info.problems.push(`Chart.yaml does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
    return info;
  }
  const js = (doc.toJS() ?? {}) as Record<string, unknown>;
  const contents = doc.contents as { items?: Array<{ key?: { value?: unknown; range?: number[] } }> } | null;
  for (const item of contents?.items ?? []) {
    if (item.key?.range) info.lines[String(item.key.value)] = lc.linePos(item.key.range[0]!).line;
  }
  info.name = typeof js.name === 'string' ? js.name : '';
  info.version = js.version === undefined ? '' : String(js.version);
  info.apiVersion = String(js.apiVersion ?? '');
  info.type = js.type === 'library' ? 'library' : 'application';
  info.kubeVersion = typeof js.kubeVersion === 'string' ? js.kubeVersion : undefined;
  info.description = typeof js.description === 'string' ? js.description : undefined;
  const depLine = info.lines.dependencies;
  for (const [i, d] of ((Array.isArray(js.dependencies) ? js.dependencies : []) as Array<Record<string, unknown>>).entries()) {
    const repository = String(d?.repository ?? '');
    info.dependencies.push({
      name: String(d?.name ?? ''),
      version: d?.version === undefined ? '' : String(d.version),
      repository,
      alias: typeof d?.alias === 'string' ? d.alias : undefined,
      condition: typeof d?.condition === 'string' ? d.condition : undefined,
      path: repository.startsWith('file://') ? resolve(dir, repository.slice('file://'.length)) : undefined,
      line: depLine ? depLine + 1 + i * 3 : undefined,
    });
  }
  return info;
}

/** Every chart directory directly under `chartsDir` (those holding a Chart.yaml), sorted by name. */
export function discoverCharts(chartsDir: string): ChartInfo[] {
  if (!existsSync(chartsDir)) return [];
  return readdirSync(chartsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(join(chartsDir, e.name, 'Chart.yaml')))
    .map((e) => readChart(join(chartsDir, e.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `ci/*-values.yaml` of a chart (absolute paths, sorted). */
export function ciValuesFiles(chartDir: string): string[] {
  const ci = join(chartDir, 'ci');
  if (!existsSync(ci)) return [];
  return readdirSync(ci).filter((f) => /-values\.ya?ml$/.test(f)).sort().map((f) => join(ci, f));
}

const isNetworkRepo = (repo: string): boolean => /^(https?|oci):\/\//.test(repo) || repo.startsWith('@') || repo.startsWith('alias:');

/** Chart.yaml checks of one chart (semver, kubeVersion, dependencies resolvable, file:// paths exist). */
export function checkChart(chart: ChartInfo, root: string): Finding[] {
  const file = relative(root, join(chart.dir, 'Chart.yaml'));
  const findings: Finding[] = [];
  const at = (key: string) => ({ file, line: chart.lines[key], chart: chart.name || basename(chart.dir), target: `chart ${chart.name || basename(chart.dir)}` });
  for (const p of chart.problems) findings.push({ ...at('apiVersion'), rule: 'chart-yaml', severity: 'error', message: p });
  if (chart.problems.length) return findings;
  if (chart.apiVersion !== 'v2') findings.push({ ...at('apiVersion'), rule: 'chart-yaml', severity: 'error', message: `apiVersion must be v2 (helm 3/4 charts), not "${chart.apiVersion}"` });
  if (!chart.name) findings.push({ ...at('name'), rule: 'chart-yaml', severity: 'error', message: 'name is missing' });
  else if (chart.name !== basename(chart.dir)) findings.push({ ...at('name'), rule: 'chart-yaml', severity: 'error', message: `name "${chart.name}" differs from its directory "${basename(chart.dir)}"` });
  if (!chart.description) findings.push({ ...at('name'), rule: 'chart-yaml', severity: 'error', message: 'description is missing' });
  if (!semver.valid(chart.version)) findings.push({ ...at('version'), rule: 'chart-version', severity: 'error', message: `version "${chart.version}" is not semver (e.g. 1.2.3)` });
  if (!chart.kubeVersion) {
    findings.push({ ...at('name'), rule: 'chart-kube-version', severity: 'error', message: `kubeVersion is missing; declare the supported range (e.g. ">=1.27.0-0")` });
  } else if (!semver.validRange(chart.kubeVersion)) {
    findings.push({ ...at('kubeVersion'), rule: 'chart-kube-version', severity: 'error', message: `kubeVersion "${chart.kubeVersion}" is not a valid semver range` });
  } else {
    for (const v of SUPPORTED_KUBE_VERSIONS) {
      if (!semver.satisfies(v, chart.kubeVersion, { includePrerelease: true }) && !semver.satisfies(`${v}-0`, chart.kubeVersion, { includePrerelease: true })) {
        findings.push({ ...at('kubeVersion'), rule: 'chart-kube-version', severity: 'error', message: `kubeVersion "${chart.kubeVersion}" excludes Kubernetes ${v}, which logclaw supports` });
      }
    }
  }
  for (const d of chart.dependencies) {
    const dat = { ...at('dependencies'), line: d.line ?? chart.lines.dependencies, path: `dependencies[${d.name}]` };
    if (!d.name) {
      findings.push({ ...dat, rule: 'chart-dependency', severity: 'error', message: 'a dependency has no name' });
      continue;
    }
    if (!d.version || !semver.validRange(d.version)) {
      findings.push({ ...dat, rule: 'chart-version', severity: 'error', message: `dependency ${d.name}: version "${d.version}" is not a semver version or range` });
    }
    if (d.path) {
      const depChart = join(d.path, 'Chart.yaml');
      if (!existsSync(depChart)) {
        findings.push({ ...dat, rule: 'chart-dependency', severity: 'error', message: `dependency ${d.name}: ${d.repository} (${relative(root, d.path) || '.'}) has no Chart.yaml` });
        continue;
      }
      const dep = readChart(d.path);
      if (dep.name !== d.name) findings.push({ ...dat, rule: 'chart-dependency', severity: 'error', message: `dependency ${d.name}: ${d.repository} holds chart "${dep.name}"` });
      else if (semver.valid(dep.version) && semver.validRange(d.version) && !semver.satisfies(dep.version, d.version, { includePrerelease: true })) {
        findings.push({ ...dat, rule: 'chart-dependency', severity: 'error', message: `dependency ${d.name}: version constraint "${d.version}" does not match ${d.repository} (version ${dep.version})` });
      }
    } else if (isNetworkRepo(d.repository) || d.repository === '') {
      if (!vendoredArchive(chart.dir, d) && !upstreamArchive(d.name, d.version, checkoutOf(chart.dir))) {
        findings.push({ ...dat, rule: 'chart-dependency-unavailable', severity: 'error', message: unavailableMessage(chart, d) });
      }
    }
  }
  return findings;
}

function vendoredArchive(chartDir: string, d: ChartDependency): string | undefined {
  return findArchive(join(chartDir, 'charts'), d.name, d.version);
}

/**
 * Vendor a remote dependency from the folder of upstream chart archives into `<chart>/charts/` when that folder
 * holds it and the chart's copy is missing or differs (a stale or hand-made archive); the folder's archive is the
 * pinned one. Returns the archive the chart will use, or undefined when neither has it.
 */
/** The repository a chart directory belongs to (`<root>/charts/<chart>`). */
const checkoutOf = (chartDir: string): string => resolve(chartDir, '..', '..');

function provideVendored(chartDir: string, d: ChartDependency): string | undefined {
  const have = vendoredArchive(chartDir, d);
  const upstream = upstreamArchive(d.name, d.version, checkoutOf(chartDir));
  if (!upstream) return have;
  if (have && basename(have) === basename(upstream) && sameContent(have, upstream)) return have;
  const target = join(chartDir, 'charts', basename(upstream));
  writeAtomic(target, readFileSync(upstream));
  if (have && have !== target) rmSync(have, { force: true });
  return target;
}

function unavailableMessage(chart: ChartInfo, d: ChartDependency): string {
  const src = resolveUpstreamChartsDir(process.env, process.cwd(), checkoutOf(chart.dir));
  const pull = `helm pull ${d.repository.startsWith('oci://') ? `${d.repository}/${d.name}` : `${d.name} --repo ${d.repository}`} --version ${d.version} -d ${relative(process.cwd(), join(chart.dir, 'charts')) || 'charts'}`;
  return (
    `dependency ${d.name} ${d.version} from ${d.repository || '(no repository)'} is not available offline: ` +
    `charts/${basename(chart.dir)}/charts/${d.name}-${d.version}.tgz is missing` +
    (src.dir ? ` and ${src.dir} (${src.from === 'env' ? UPSTREAM_CHARTS_ENV : 'upstream charts beside the checkout'}) has no ${d.name}-${d.version}.tgz` : '') +
    `. Provide it with \`${pull}\` (needs network once), or run \`helm dependency build ${relative(process.cwd(), chart.dir) || '.'}\` where the repository is reachable, ` +
    `or set ${UPSTREAM_CHARTS_ENV} to a folder of packaged upstream charts holding ${d.name}-${d.version}.tgz` +
    (STAND_INS.includes(d.name)
      ? `. With no network at all, in a clone of logclaw, run in order: \`npm run setup\` (helm 3 and 4), then \`npm run stand-ins\` (a local stand-in of ${STAND_INS.join(' and ')}: lint and render then check against it, not the upstream chart)`
      : '')
  );
}

/** Upstream charts a clone of logclaw can replace with local stand-ins offline (`npm run stand-ins`): only the
 * official Airflow chart, which cannot be obtained here; zammad comes from the upstream chart archives. */
const STAND_INS = ['airflow'];

// ---------------------------------------------------------------------------------------------
// dependency build, cached by content hash

const hashCache = new Map<string, string>();

function hashTree(dir: string, h: ReturnType<typeof createHash>, rel = ''): void {
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (!rel && (e.name === 'charts' || e.name === STAMP_FILE || e.name === 'Chart.lock')) continue;
    if (e.isDirectory()) hashTree(dir, h, p);
    else if (e.isFile()) {
      h.update(`${p}\0`);
      h.update(readFileSync(join(dir, p)));
      h.update('\0');
    }
  }
}

/** Content hash of a chart: its files (not its built charts/) plus, recursively, its file:// dependencies. */
export function chartContentHash(dir: string, seen: Set<string> = new Set()): string {
  const key = resolve(dir);
  const cached = hashCache.get(key);
  if (cached) return cached;
  if (seen.has(key)) throw new LogclawError(`file:// dependencies form a cycle through ${dir}`);
  seen.add(key);
  const h = createHash('sha256');
  hashTree(key, h);
  for (const d of readChart(key).dependencies) {
    if (d.path && existsSync(join(d.path, 'Chart.yaml'))) h.update(`dep:${d.name}:${chartContentHash(d.path, seen)}`);
  }
  const digest = h.digest('hex');
  hashCache.set(key, digest);
  return digest;
}

/** Forget memoized hashes (tests change files between calls). */
export const resetChartHashes = (): void => hashCache.clear();

/**
 * Feed the vendored archives of remote dependencies (charts/<name>-<version>.tgz) of a chart and, recursively, of
 * its file:// dependencies into `h`: chartContentHash leaves every built charts/ out.
 */
export function vendoredDigest(dir: string, h: ReturnType<typeof createHash>, seen: Set<string> = new Set()): void {
  const key = resolve(dir);
  if (seen.has(key)) return;
  seen.add(key);
  const chart = readChart(key);
  const built = join(key, 'charts');
  const files = existsSync(built) ? readdirSync(built).sort() : [];
  for (const d of chart.dependencies) {
    if (d.path) {
      if (existsSync(join(d.path, 'Chart.yaml'))) vendoredDigest(d.path, h, seen);
      continue;
    }
    for (const f of files.filter((x) => x.startsWith(`${d.name}-`) && x.endsWith('.tgz'))) {
      h.update(`vendored:${d.name}:${f}\0`);
      h.update(readFileSync(join(built, f)));
    }
  }
}

/**
 * What the stamp records: Chart.yaml plus the content of every file:// dependency, with the archives vendored in
 * them (a dependency packaged with a since-replaced upstream archive is stale).
 */
function dependencyStamp(chart: ChartInfo): string {
  const h = createHash('sha256');
  h.update(readFileSync(join(chart.dir, 'Chart.yaml')));
  for (const d of chart.dependencies) {
    h.update(`${d.name}@${d.version}@${d.repository}:`);
    if (d.path && existsSync(join(d.path, 'Chart.yaml'))) {
      h.update(chartContentHash(d.path));
      vendoredDigest(d.path, h);
    }
  }
  return h.digest('hex');
}

function builtArchivesPresent(chart: ChartInfo): boolean {
  const dir = join(chart.dir, 'charts');
  if (!existsSync(dir)) return false;
  const files = readdirSync(dir);
  return chart.dependencies.every((d) => files.some((f) => f.startsWith(`${d.name}-`) && f.endsWith('.tgz')));
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = cacheDir('locks', createHash('sha1').update(resolve(dir)).digest('hex'));
  mkdirSync(dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      if (Date.now() - started > 180_000) throw new LogclawError(`timed out waiting for another logclaw to finish building ${dir}`, { exitCode: ExitCode.timeout });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface DependencyBuildResult {
  chart: string;
  built: boolean;
  ms: number;
}

/**
 * Make `<chart>/charts/` hold every dependency, building file:// dependencies first (depth first) with
 * `helm dependency build`. Skipped when the stamp matches (nothing changed since the last build).
 */
export async function ensureDependencies(chartDir: string, helm: Helm, done: Map<string, Promise<DependencyBuildResult[]>> = new Map()): Promise<DependencyBuildResult[]> {
  const key = resolve(chartDir);
  const existing = done.get(key);
  if (existing) return existing;
  const p = (async () => {
    const chart = readChart(key);
    if (chart.problems.length) throw new LogclawError(`${relative(process.cwd(), key)}/Chart.yaml: ${chart.problems[0]}`);
    const results: DependencyBuildResult[] = [];
    for (const d of chart.dependencies) if (d.path && existsSync(join(d.path, 'Chart.yaml'))) results.push(...(await ensureDependencies(d.path, helm, done)));
    if (!chart.dependencies.length) return results;
    const missingLocal = chart.dependencies.find((d) => d.path && !existsSync(join(d.path, 'Chart.yaml')));
    if (missingLocal) {
      throw new LogclawError(`chart ${chart.name}: dependency ${missingLocal.name} points at ${missingLocal.repository}, which has no Chart.yaml`, {
        hint: `Fix the repository path in ${relative(process.cwd(), join(key, 'Chart.yaml'))}.`,
      });
    }
    const remote = chart.dependencies.filter((d) => !d.path);
    const started = Date.now();
    const built = await withLock(key, async () => {
      const unavailable = remote.find((d) => !provideVendored(key, d));
      if (unavailable) {
        throw new LogclawError(unavailableMessage(chart, unavailable), { exitCode: ExitCode.missingPrerequisite });
      }
      const stamp = dependencyStamp(chart);
      const stampFile = join(key, STAMP_FILE);
      if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp && builtArchivesPresent(chart)) return false;
      if (remote.length === 0) {
        const r = await helm.dependencyBuild(key, { reject: false });
        // a stale Chart.lock is the repository's to fix: never rewrite a (usually tracked) lock behind the user's back
        if (r.exitCode !== 0 && /out of sync/i.test(r.stderr)) {
          const rel = relative(process.cwd(), key) || '.';
          throw new LogclawError(`chart ${chart.name}: Chart.lock is out of sync with the dependencies in Chart.yaml`, {
            details: [`command: ${r.command}`, r.stderr.trim().split('\n').pop() ?? ''],
            hint: `Run \`helm dependency update ${rel} --skip-refresh\` and commit the new Chart.lock.`,
          });
        }
        if (r.exitCode !== 0) {
          throw new LogclawError(`helm dependency build failed for chart ${chart.name}: ${r.stderr.trim().split('\n').pop()}`, { details: [`command: ${r.command}`] });
        }
      } else {
        // Mixed: remote archives are vendored already; package the file:// ones next to them (no network).
        const out = join(key, 'charts');
        mkdirSync(out, { recursive: true });
        for (const d of chart.dependencies.filter((x) => x.path)) {
          for (const f of readdirSync(out)) if (f.startsWith(`${d.name}-`) && f.endsWith('.tgz') && /^\d/.test(f.slice(d.name.length + 1))) rmSync(join(out, f));
          await helm.package(d.path!, out);
        }
      }
      writeAtomic(stampFile, stamp + '\n');
      return true;
    });
    results.push({ chart: chart.name, built, ms: Date.now() - started });
    return results;
  })();
  done.set(key, p);
  return p;
}
