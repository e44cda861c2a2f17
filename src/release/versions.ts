/**
 * `logclaw charts check-versions`: what chart-testing checks before a release, plus the umbrella's pins.
 * - a chart with any file changed since the merge base of --base and HEAD (working tree included, as
 *   `ct lint` diffs) must have a higher semver `version` than its Chart.yaml has at --base; a chart that does
 *   not exist at --base is new and passes;
 * - the umbrella chart (a chart no other chart depends on) pins each local subchart at exactly the subchart's
 *   version; other local (file://) dependencies must be satisfied by the local chart's version, as helm requires.
 */
import { join, relative, resolve } from 'node:path';
import semver from 'semver';
import { STAMP_FILE } from '../charts/index.js';
import { Git } from '../tools/git.js';
import { discoverCharts, parseChartYaml, rootCharts, type ChartInfo } from './charts.js';

export type VersionStatus = 'unchanged' | 'bumped' | 'new' | 'needs-bump' | 'invalid';

export interface ChartVersionCheck {
  name: string;
  /** Chart directory relative to the repository root. */
  path: string;
  version: string;
  baseVersion?: string;
  changedFiles: string[];
  status: VersionStatus;
  ok: boolean;
  message: string;
}

export interface DependencyCheck {
  chart: string;
  dependency: string;
  /** What the dependent chart's Chart.yaml asks for. */
  requested: string;
  /** The local chart's version. */
  actual: string;
  exact: boolean;
  ok: boolean;
  message: string;
}

export interface VersionReport {
  base: string;
  mergeBase: string;
  charts: ChartVersionCheck[];
  dependencies: DependencyCheck[];
  ok: boolean;
}

export interface CheckVersionsOptions {
  cwd: string;
  chartsDir: string;
  /** The ref to compare against; default origin/main, else main. */
  base?: string;
}

const isBuildOutput = (f: string): boolean => /\/charts\/[^/]+\.tgz$/.test(f) || f.endsWith(`/${STAMP_FILE}`);

export async function defaultBase(git: Git): Promise<string> {
  for (const ref of ['origin/main', 'main', 'origin/master', 'master']) if (await git.hasRef(ref)) return ref;
  return 'HEAD';
}

export async function checkVersions(o: CheckVersionsOptions): Promise<VersionReport> {
  const git = await Git.open(o.cwd);
  const base = o.base ?? (await defaultBase(git));
  await git.resolve(base);
  const mergeBase = await git.mergeBase(base, 'HEAD');
  const chartsDir = resolve(o.chartsDir);
  const chartsRel = relative(git.root, chartsDir) || '.';
  // untracked dependency archives and build stamps are what `helm dependency build` writes, not changes
  const untracked = (await git.untrackedFiles([chartsRel])).filter((f) => !isBuildOutput(f));
  const changed = [...(await git.changedFiles(mergeBase, [chartsRel])), ...untracked];
  const charts = discoverCharts(chartsDir);

  const results: ChartVersionCheck[] = [];
  for (const chart of charts) {
    const path = relative(git.root, chart.dir);
    const files = [...new Set(changed.filter((f) => f.startsWith(`${path}/`)))].sort();
    const baseText = await git.show(base, `${path}/Chart.yaml`);
    const baseVersion = baseText === undefined ? undefined : String(parseChartYaml(baseText, `${base}:${path}/Chart.yaml`).version ?? '');
    results.push(judge(chart, path, files, baseVersion, base));
  }
  const dependencies = checkDependencies(charts);
  return { base, mergeBase, charts: results, dependencies, ok: results.every((r) => r.ok) && dependencies.every((d) => d.ok) };
}

function judge(chart: ChartInfo, path: string, files: string[], baseVersion: string | undefined, base: string): ChartVersionCheck {
  const r = { name: chart.name, path, version: chart.version, changedFiles: files } as ChartVersionCheck;
  if (baseVersion !== undefined) r.baseVersion = baseVersion;
  if (!semver.valid(chart.version)) return { ...r, status: 'invalid', ok: false, message: `version ${chart.version} is not semver (x.y.z)` };
  if (files.length === 0) return { ...r, status: 'unchanged', ok: true, message: 'no changes' };
  if (baseVersion === undefined) return { ...r, status: 'new', ok: true, message: `new chart (not at ${base})` };
  if (!semver.valid(baseVersion)) return { ...r, status: 'bumped', ok: true, message: `version at ${base} (${baseVersion}) is not semver; ${chart.version} accepted` };
  if (semver.gt(chart.version, baseVersion)) return { ...r, status: 'bumped', ok: true, message: `${baseVersion} → ${chart.version}` };
  return {
    ...r,
    status: 'needs-bump',
    ok: false,
    message: `${files.length} file(s) changed since ${base} but version is still ${chart.version} (was ${baseVersion}): bump it to ${semver.inc(baseVersion, 'patch')} or higher`,
  };
}

/** The umbrella pins its subcharts' exact versions; every other local pin must match what helm would accept. */
export function checkDependencies(charts: ChartInfo[]): DependencyCheck[] {
  const byDir = new Map(charts.map((c) => [c.dir, c]));
  const roots = new Set(rootCharts(charts).map((c) => c.dir));
  const out: DependencyCheck[] = [];
  for (const c of charts) {
    for (const d of c.dependencies) {
      if (!d.localDir) continue;
      const local = byDir.get(d.localDir);
      const exact = roots.has(c.dir);
      const label = d.alias ? `${d.name} (alias ${d.alias})` : d.name;
      if (!local) {
        out.push({ chart: c.name, dependency: label, requested: d.version, actual: '-', exact, ok: false, message: `${d.repository} is not a chart in ${join(c.dir, '..')}` });
        continue;
      }
      if (local.name !== d.name) {
        out.push({ chart: c.name, dependency: label, requested: d.version, actual: local.version, exact, ok: false, message: `${d.repository} holds chart ${local.name}, not ${d.name}` });
        continue;
      }
      const ok = exact ? d.version === local.version : semver.satisfies(local.version, d.version || '*');
      out.push({
        chart: c.name,
        dependency: label,
        requested: d.version,
        actual: local.version,
        exact,
        ok,
        message: ok
          ? 'ok'
          : exact
            ? `pins ${d.name} ${d.version} but charts/${local.dir.split('/').pop()} is ${local.version}: set the dependency version to ${local.version}`
            : `asks for ${d.name} ${d.version} but the local chart is ${local.version}`,
      });
    }
  }
  return out;
}
