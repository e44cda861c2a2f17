/**
 * What `logclaw --version` and `logclaw version` print: logclaw's version and commit, the umbrella chart's
 * version and the Kubernetes versions it supports and is validated against, the helm majors it drives.
 * Read from a handful of small files with plain fs calls (no YAML parser, no git process), so `--version`
 * stays close to the cost of `node -e 0`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface VersionInfo {
  version: string;
  /** The commit of the checkout logclaw runs from (short), when it runs from a git clone. */
  commit?: string;
  node: string;
  chart: { name: string; version?: string; appVersion?: string; kubeVersion?: string };
  /** Kubernetes minor versions whose schemas lint validates rendered objects against. */
  kubernetesSchemas: string[];
  /** The helm versions logclaw works with. */
  helmSupported: string;
}

export const HELM_SUPPORTED = '3.14+ or 4.x';

const read = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

/** A top-level scalar of a Chart.yaml, without a YAML parser (version, appVersion, kubeVersion are plain scalars). */
const chartField = (text: string | undefined, key: string): string | undefined => {
  const m = text?.match(new RegExp(`^${key}:[ \\t]*["']?([^"'#\\n]*?)["']?[ \\t]*(?:#.*)?$`, 'm'));
  return m?.[1] || undefined;
};

/** The commit HEAD names in the git checkout at `dir` (a worktree's `.git` file followed), else undefined. */
export function gitCommit(dir: string): string | undefined {
  let gitDir = join(dir, '.git');
  const file = read(gitDir);
  if (file?.startsWith('gitdir:')) gitDir = resolve(dir, file.slice(7).trim());
  const head = read(join(gitDir, 'HEAD'))?.trim();
  if (!head) return undefined;
  if (!head.startsWith('ref:')) return head.slice(0, 12);
  const ref = head.slice(4).trim();
  const common = read(join(gitDir, 'commondir'))?.trim();
  for (const d of [gitDir, ...(common ? [resolve(gitDir, common)] : [])]) {
    const loose = read(join(d, ref))?.trim();
    if (loose) return loose.slice(0, 12);
    const packed = read(join(d, 'packed-refs'))?.split('\n').find((l) => l.endsWith(` ${ref}`));
    if (packed) return packed.slice(0, 12);
  }
  return undefined;
}

/** Version facts of the logclaw installed at `packageDir` (the directory of its package.json). */
export function versionInfo(packageDir: string): VersionInfo {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const chartYaml = read(join(packageDir, 'charts', 'logclaw-tenant', 'Chart.yaml'));
  let kubernetesSchemas: string[] = [];
  try {
    kubernetesSchemas = readdirSync(join(packageDir, 'schemas', 'kubernetes'))
      .map((f) => f.match(/^v(\d+\.\d+)\.json$/)?.[1])
      .filter((v): v is string => Boolean(v))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  } catch {
    kubernetesSchemas = [];
  }
  return {
    version: pkg.version,
    // a clone's HEAD; a packed copy has the commit `npm pack` wrote (prepack) instead
    commit: gitCommit(packageDir) ?? read(join(packageDir, 'dist', 'commit'))?.trim().slice(0, 12),
    node: process.version,
    chart: { name: 'logclaw-tenant', version: chartField(chartYaml, 'version'), appVersion: chartField(chartYaml, 'appVersion'), kubeVersion: chartField(chartYaml, 'kubeVersion') },
    kubernetesSchemas,
    helmSupported: HELM_SUPPORTED,
  };
}

/** The lines of `logclaw --version`; `extra` lines (what `logclaw version` found on this machine) are added at the end. */
export function formatVersion(v: VersionInfo, extra: string[] = []): string {
  const chart = v.chart.version ? `${v.chart.name} ${v.chart.version}${v.chart.appVersion ? ` (app ${v.chart.appVersion})` : ''}` : `${v.chart.name} (not found)`;
  const kube = [v.chart.kubeVersion ? `charts need ${v.chart.kubeVersion}` : undefined, v.kubernetesSchemas.length ? `lint validates against ${v.kubernetesSchemas.join(' and ')}` : undefined].filter(Boolean).join('; ');
  return [
    `logclaw ${v.version}${v.commit ? ` (commit ${v.commit})` : ''}`,
    `  chart:      ${chart}`,
    `  kubernetes: ${kube || 'unknown'}`,
    `  helm:       ${v.helmSupported}`,
    `  node:       ${v.node}`,
    ...extra,
  ].join('\n');
}
