/**
 * The helmfile binary of the helmfile suites, found once: the pinned build of test/cluster/build.mjs, else
 * $LOGCLAW_HELMFILE. A missing helmfile skips those suites on a workstation; in CI (process.env.CI set) it
 * fails the run instead, so a broken build cannot turn the suites green by skipping them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools.js';

export const HELMFILE_HOW = 'build it with `node test/cluster/build.mjs` (or set LOGCLAW_HELMFILE to a helmfile binary)';

/** The path, or undefined when there is none. */
export async function findHelmfile(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    const { binPath } = (await import(join(repoRoot, 'test', 'cluster', 'versions.mjs'))) as { binPath: (b: string) => string };
    const p = binPath('helmfile');
    if (existsSync(p)) return p;
  } catch {
    /* not built */
  }
  return env.LOGCLAW_HELMFILE && existsSync(env.LOGCLAW_HELMFILE) ? env.LOGCLAW_HELMFILE : undefined;
}

/** A tool a suite needs: its path; when missing, undefined (the suite skips) — or, in CI, an error. */
export function requiredTool(name: string, path: string | undefined, how: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (path) return path;
  if (env.CI) throw new Error(`${name} is required when CI is set, and it is missing: ${how}`);
  console.warn(`[skip] ${name} is missing: ${how}`);
  return undefined;
}

/** helmfile for a suite: skip without it, fail in CI. */
export async function helmfileForSuite(suite: string): Promise<string | undefined> {
  return requiredTool('helmfile', await findHelmfile(), `${suite} needs it; ${HELMFILE_HOW}`);
}
