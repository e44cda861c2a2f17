/**
 * Official (upstream) chart archives for offline use: the charts a wrapper chart depends on from an http(s)/oci
 * repository (zammad, airflow), taken from a local folder of packaged charts when the wrapper's `charts/` lacks
 * them, as `helm dependency build` would vendor them with network.
 *
 * The folder: LOGCLAW_UPSTREAM_CHARTS (set to the empty string: none, on purpose), else `../shared/upstream-charts`
 * beside the logclaw checkout when that folder exists. Archives are named as helm packages them,
 * `<name>-<version>.tgz`. They are never copied into the repository's tracked files: the wrapper's `charts/`
 * is build output (git-ignored).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

export interface UpstreamChartsSource {
  /** Absolute directory, or undefined when there is none. */
  dir?: string;
  /** LOGCLAW_UPSTREAM_CHARTS, `../shared/upstream-charts` beside the logclaw checkout, or none. */
  from: 'env' | 'shared' | 'none';
}

/** The logclaw package (checkout) this module belongs to: dist/charts/upstream.js → ../../. */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export const UPSTREAM_CHARTS_ENV = 'LOGCLAW_UPSTREAM_CHARTS';

export function resolveUpstreamChartsDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), checkout?: string): UpstreamChartsSource {
  const set = env[UPSTREAM_CHARTS_ENV];
  if (set !== undefined) return set ? { dir: resolve(cwd, set), from: 'env' } : { from: 'none' };
  // beside the repository worked on, else beside this installation of logclaw (a checkout runs from its own dist/)
  for (const root of [checkout, packageRoot]) {
    if (!root) continue;
    const shared = resolve(root, '..', 'shared', 'upstream-charts');
    if (existsSync(shared) && statSync(shared).isDirectory()) return { dir: shared, from: 'shared' };
  }
  return { from: 'none' };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The archive of chart `name` at `version` (exact, or the highest satisfying a range) in `dir`, or undefined.
 */
export function findArchive(dir: string | undefined, name: string, version: string): string | undefined {
  if (!dir || !existsSync(dir)) return undefined;
  const exact = join(dir, `${name}-${version}.tgz`);
  if (existsSync(exact)) return exact;
  if (!semver.validRange(version)) return undefined;
  const re = new RegExp(`^${escape(name)}-(.+)\\.tgz$`);
  const found = readdirSync(dir)
    .map((f) => ({ f, v: re.exec(f)?.[1] }))
    .filter((x): x is { f: string; v: string } => Boolean(x.v && semver.valid(x.v) && semver.satisfies(x.v, version)))
    .sort((a, b) => semver.rcompare(a.v, b.v));
  return found[0] ? join(dir, found[0].f) : undefined;
}

/** The upstream archive for a dependency, from the folder of `resolveUpstreamChartsDir` (`checkout`: the repository). */
export function upstreamArchive(name: string, version: string, checkout?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findArchive(resolveUpstreamChartsDir(env, process.cwd(), checkout).dir, name, version);
}

/** True when the two files hold the same bytes. */
export function sameContent(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false;
  return readFileSync(a).equals(readFileSync(b));
}
