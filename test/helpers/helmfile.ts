/**
 * The helmfile binary of the helmfile suites, found once: the pinned build of test/cluster/build.mjs, else
 * $LOGCLAW_HELMFILE. Those suites are in vitest's cluster project, whose global setup builds helmfile: a
 * missing helmfile fails them, so a broken build cannot turn them green by skipping.
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

/** A tool a suite needs: its path; when missing, an error saying how to get it. */
export function requiredTool(name: string, path: string | undefined, how: string): string {
  if (path) return path;
  throw new Error(`${name} is required, and it is missing: ${how}`);
}

/** helmfile for a suite: an error without it. */
export async function helmfileForSuite(suite: string): Promise<string> {
  return requiredTool('helmfile', await findHelmfile(), `${suite} needs it; ${HELMFILE_HOW}`);
}
