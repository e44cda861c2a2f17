/**
 * `logclaw charts package`: build dependencies and package every chart (the library chart included)
 * in dependency order, into one folder (default .dist-charts/ at the repository root).
 */
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Helm } from '../tools/helm.js';
import { ensureDependencies, type DependencyBuildResult } from '../charts/index.js';
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
  const built = new Map<string, Promise<DependencyBuildResult[]>>();
  for (const [i, chart] of charts.entries()) {
    o.onChart?.(chart, i, charts.length);
    // src/charts builds file:// dependencies (cached by content) and explains a missing remote one
    if (chart.dependencies.length) await ensureDependencies(chart.dir, o.helm, built);
    const file = join(outDir, `${chart.name}-${chart.version}.tgz`);
    if (existsSync(file)) rmSync(file);
    await o.helm.package(chart.dir, outDir, { signal: o.signal });
    out.push({ name: chart.name, version: chart.version, type: chart.type, file, contentDigest: chartContentOfFile(file).digest });
  }
  return out;
}

