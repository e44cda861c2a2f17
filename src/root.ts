/**
 * The repository root, found as git finds its own: the directory holding both `charts/logclaw-tenant` and
 * `gitops/`, from the start directory up to the filesystem root; `LOGCLAW_ROOT` names it instead (trusted when
 * it is a directory). Commands that read charts or tenant files refuse to run elsewhere (exit 2, naming where they looked)
 * rather than report on an empty directory.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, LogclawError } from './errors.js';

/** What makes a directory a logclaw repository. */
export const ROOT_MARKERS = ['charts/logclaw-tenant', 'gitops'] as const;

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

export const isRepoRoot = (dir: string): boolean => ROOT_MARKERS.every((m) => isDir(join(dir, m)));

/** The nearest directory from `start` upwards that is a logclaw repository, else undefined. */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isRepoRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The directories `findRepoRoot(start)` looks at, nearest first. */
function searched(start: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(start);
  for (;;) {
    dirs.push(dir);
    const parent = dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

/** LOGCLAW_ROOT when set, else the nearest repository from `start`; a usage error (exit 2) saying where it looked otherwise. */
export function requireRepoRoot(start: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = env.LOGCLAW_ROOT;
  if (named) {
    // named on purpose (as GIT_DIR): trusted when it is a directory
    const dir = resolve(start, named);
    if (isDir(dir)) return dir;
    throw new LogclawError(`LOGCLAW_ROOT=${named} is not a directory (${dir})`, {
      exitCode: ExitCode.usage,
      hint: 'Point LOGCLAW_ROOT at your clone of the logclaw repository (the directory holding charts/logclaw-tenant and gitops/), or unset it to search upwards from the current directory.',
    });
  }
  const found = findRepoRoot(start);
  if (found) return found;
  const dirs = searched(start);
  throw new LogclawError(`not inside a logclaw repository: none of ${dirs.join(', ')} holds ${ROOT_MARKERS.join('/ and ')}/`, {
    exitCode: ExitCode.usage,
    hint: 'Run logclaw from your clone of the logclaw repository (or a directory inside it), or set LOGCLAW_ROOT to that clone.',
  });
}
