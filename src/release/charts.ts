/**
 * The charts of the repository as data: Chart.yaml metadata, local (file://) dependencies, and the order
 * they must be built in (a chart after every chart it depends on; the library chart first).
 */
import { existsSync } from 'node:fs';
import { discoverCharts as discoverChartDirs, readChart as readChartInfo } from '../charts/index.js';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { ExitCode, LogclawError } from '../errors.js';

export interface ChartDependency {
  name: string;
  version: string;
  repository?: string;
  alias?: string;
  /** Absolute directory of a file:// dependency. */
  localDir?: string;
}

export interface ChartInfo {
  name: string;
  version: string;
  type: 'application' | 'library';
  /** Absolute chart directory. */
  dir: string;
  dependencies: ChartDependency[];
}

export interface ChartMeta {
  name?: unknown;
  version?: unknown;
  type?: unknown;
  dependencies?: unknown;
}

export function parseChartYaml(text: string, where: string): ChartMeta {
  try {
    const meta = parse(text) as ChartMeta | null;
    if (!meta || typeof meta !== 'object') throw new Error('not a mapping');
    return meta;
  } catch (e) {
    throw new LogclawError(`${where} does not parse: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Read one chart directory (Chart.yaml parsing is src/charts' readChart; problems become errors here). */
export function readChart(dir: string): ChartInfo {
  const c = readChartInfo(resolve(dir));
  if (c.problems.length || !c.name || !c.version) {
    throw new LogclawError(`${join(dir, 'Chart.yaml')}: ${c.problems[0] ?? 'needs a name and a version'}`);
  }
  return {
    name: c.name,
    version: c.version,
    type: c.type,
    dir: resolve(dir),
    dependencies: c.dependencies.map((d) => {
      const dep: ChartDependency = { name: d.name, version: d.version };
      if (d.repository) dep.repository = d.repository;
      if (d.alias) dep.alias = d.alias;
      if (d.path) dep.localDir = d.path;
      return dep;
    }),
  };
}

/** Every chart directly under `chartsDir` (directories holding a Chart.yaml), in dependency order. */
export function discoverCharts(chartsDir: string): ChartInfo[] {
  if (!existsSync(chartsDir)) {
    throw new LogclawError(`no charts directory at ${chartsDir}`, { exitCode: ExitCode.usage, hint: 'run from the repository root or pass --charts DIR' });
  }
  return dependencyOrder(discoverChartDirs(chartsDir).map((c) => readChart(c.dir)));
}

/** Topological order over local dependencies; ties broken by name so the order is stable. */
export function dependencyOrder(charts: ChartInfo[]): ChartInfo[] {
  const byDir = new Map(charts.map((c) => [c.dir, c]));
  const out: ChartInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: ChartInfo, path: string[]) => {
    const s = state.get(c.dir);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new LogclawError(`charts depend on each other in a cycle: ${[...path, c.name].join(' → ')}`);
    }
    state.set(c.dir, 'visiting');
    for (const d of [...c.dependencies].sort((a, b) => a.name.localeCompare(b.name))) {
      const dep = d.localDir ? byDir.get(d.localDir) : undefined;
      if (dep) visit(dep, [...path, c.name]);
    }
    state.set(c.dir, 'done');
    out.push(c);
  };
  // library charts first among equals, then by name
  const sorted = [...charts].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'library' ? -1 : 1));
  for (const c of sorted) visit(c, []);
  return out;
}

/** Charts no other chart depends on (the umbrella), given the full set. */
export function rootCharts(charts: ChartInfo[]): ChartInfo[] {
  const used = new Set(charts.flatMap((c) => c.dependencies.map((d) => d.localDir).filter((x): x is string => !!x)));
  return charts.filter((c) => !used.has(c.dir) && c.dependencies.some((d) => d.localDir));
}

export const relativeTo = (root: string, p: string): string => relative(root, p) || '.';
