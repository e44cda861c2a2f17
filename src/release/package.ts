/**
 * `logclaw charts package`: build dependencies and package every chart (the library chart included)
 * in dependency order, into one folder (default .dist-charts/ at the repository root).
 */
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Helm } from '../tools/helm.js';
import { commandFailed } from '../tools/exec.js';
import { chartContentOfFile } from './content.js';
import { discoverCharts, type ChartInfo } from './charts.js';
import { checkDependencies } from './versions.js';
import { LogclawError } from '../errors.js';

export const DEFAULT_PACKAGE_DIR = '.dist-charts';

export interface PackagedChart {
  name: string;
  version: string;
  type: ChartInfo['type'];
  /** Absolute path of the .tgz. */
  file: string;
  /** Content digest (see content.ts): equal for equal chart content whatever helm packed it. */
  contentDigest: string;
}

export interface PackageOptions {
  chartsDir: string;
  outDir: string;
  helm: Helm;
  signal?: AbortSignal;
  /** Called before each chart is built (progress). */
  onChart?: (chart: ChartInfo, index: number, total: number) => void;
}

export async function packageCharts(o: PackageOptions): Promise<PackagedChart[]> {
  const charts = discoverCharts(resolve(o.chartsDir));
  const badPins = checkDependencies(charts).filter((d) => !d.ok);
  if (badPins.length) {
    throw new LogclawError(`${badPins.length} local dependency pin(s) do not match their charts`, {
      details: badPins.map((d) => `${d.chart} → ${d.dependency}: ${d.message}`),
      hint: 'fix the versions (logclaw charts check-versions shows them all), then package again',
    });
  }
  const outDir = resolve(o.outDir);
  mkdirSync(outDir, { recursive: true });
  const out: PackagedChart[] = [];
  for (const [i, chart] of charts.entries()) {
    o.onChart?.(chart, i, charts.length);
    if (chart.dependencies.length) await buildDependencies(o.helm, chart, o.signal);
    const file = join(outDir, `${chart.name}-${chart.version}.tgz`);
    if (existsSync(file)) rmSync(file);
    await o.helm.package(chart.dir, outDir, { signal: o.signal });
    out.push({ name: chart.name, version: chart.version, type: chart.type, file, contentDigest: chartContentOfFile(file).digest });
  }
  return out;
}

/**
 * `helm dependency build`; when Chart.lock is missing or out of sync with Chart.yaml and every dependency is local
 * (file://), the lock is only derived data: `helm dependency update` regenerates it. Remote dependencies with a
 * stale lock are an error for the chart's owner to fix (the lock pins what gets shipped).
 */
async function buildDependencies(helm: Helm, chart: ChartInfo, signal?: AbortSignal): Promise<void> {
  const r = await helm.exec(['dependency', 'build', chart.dir, '--skip-refresh'], { signal, reject: false });
  if (r.exitCode === 0) return;
  const allLocal = chart.dependencies.every((d) => d.localDir);
  if (allLocal && /out of sync|Chart\.lock|no such file/i.test(r.stderr)) {
    await helm.exec(['dependency', 'update', chart.dir, '--skip-refresh'], { signal });
    return;
  }
  throw commandFailed(r, `could not build the dependencies of ${chart.name}`, allLocal ? undefined : 'run `helm dependency update` for the chart and commit its Chart.lock');
}
