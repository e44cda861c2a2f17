/**
 * The one typed wrapper around git (read-only calls used by `charts check-versions`).
 * Argument arrays through src/tools/exec.ts, version checked with semver.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, LogclawError } from '../errors.js';
import { run, type RunOptions } from './exec.js';
import { parseVersion, requireMinVersion } from './version.js';

export const GIT_MIN_VERSION = '2.20.0';

export class Git {
  private constructor(
    readonly bin: string,
    readonly version: string,
    /** The working tree's top-level directory. */
    readonly root: string,
  ) {}

  /** Find git (LOGCLAW_GIT, else `git` on PATH), check its version and that `cwd` is inside a work tree. */
  static async open(cwd: string, bin = process.env.LOGCLAW_GIT || 'git', options?: RunOptions): Promise<Git> {
    const v = await run(bin, ['--version'], options);
    const version = requireMinVersion('git', parseVersion(v.stdout), GIT_MIN_VERSION);
    const top = await run(bin, ['-C', cwd, 'rev-parse', '--show-toplevel'], { ...options, reject: false });
    if (top.exitCode !== 0) {
      throw new LogclawError(`${cwd} is not inside a git work tree`, {
        exitCode: ExitCode.missingPrerequisite,
        hint: 'run this from a clone of the repository',
      });
    }
    return new Git(bin, version, top.stdout.trim());
  }

  private git(args: string[], options?: RunOptions) {
    return run(this.bin, ['-C', this.root, ...args], options);
  }

  /** Whether `ref` names a commit. */
  async hasRef(ref: string): Promise<boolean> {
    const r = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { reject: false });
    return r.exitCode === 0;
  }

  /** The full commit id `ref` points at. */
  async resolve(ref: string): Promise<string> {
    const r = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { reject: false });
    if (r.exitCode !== 0) {
      throw new LogclawError(`git ref ${ref} does not exist`, { exitCode: ExitCode.usage, hint: 'fetch it first (git fetch origin main) or pass --base with an existing ref' });
    }
    return r.stdout.trim();
  }

  /** `git merge-base a b`: the best common ancestor (what chart-testing diffs against). */
  async mergeBase(a: string, b = 'HEAD'): Promise<string> {
    const r = await this.git(['merge-base', a, b], { reject: false });
    if (r.exitCode !== 0) {
      throw new LogclawError(`${a} and ${b} have no common ancestor`, { exitCode: ExitCode.usage, hint: 'fetch the full history (git fetch --unshallow) or pass another --base' });
    }
    return r.stdout.trim();
  }

  /** Files (relative to the top level) that differ between `commit` and the working tree, under `paths`. */
  async changedFiles(commit: string, paths: string[]): Promise<string[]> {
    const r = await this.git(['diff', '--find-renames', '--name-only', commit, '--', ...paths]);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /** Untracked (not ignored) files under `paths`: new files count as changes too. */
  async untrackedFiles(paths: string[]): Promise<string[]> {
    const r = await this.git(['ls-files', '--others', '--exclude-standard', '--', ...paths]);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /** A file's content at `ref` (path relative to the top level), or undefined when it does not exist there. */
  async show(ref: string, path: string): Promise<string | undefined> {
    const r = await this.git(['show', `${ref}:${path}`], { reject: false });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  /**
   * Write the tree of `commit` into `dir` (which must not hold files of its own) from the object database:
   * `git read-tree` into a temporary index file inside `dir`, then `git checkout-index --prefix`. Neither the
   * repository's index nor its work tree is touched, and no worktree is registered. Returns the top level there.
   */
  async exportTree(commit: string, dir: string): Promise<string> {
    const top = join(resolve(dir), 'tree');
    mkdirSync(top, { recursive: true });
    const env = { GIT_INDEX_FILE: join(resolve(dir), 'index') };
    try {
      await this.git(['read-tree', commit], { env });
      await this.git(['checkout-index', '--all', '--force', `--prefix=${top}/`], { env });
    } finally {
      rmSync(env.GIT_INDEX_FILE, { force: true });
    }
    return top;
  }

  // Writes (logclaw gitops onboard): a branch, a commit of named files, a push only when asked.

  /** The checked-out branch (undefined when HEAD is detached). */
  async currentBranch(): Promise<string | undefined> {
    const r = await this.git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { reject: false });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Create `branch` at HEAD and check it out (fails when it exists). */
  async createBranch(branch: string): Promise<void> {
    await this.git(['switch', '--quiet', '--create', branch]);
  }

  /** Stage exactly these files and commit them (other staged changes are left out); returns the commit id. */
  async commitFiles(paths: string[], message: string): Promise<string> {
    await this.git(['add', '--', ...paths]);
    await this.git(['commit', '--quiet', '--message', message, '--', ...paths]);
    return (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
  }

  /** `git push --set-upstream <remote> <branch>`. */
  async push(remote: string, branch: string): Promise<void> {
    await this.git(['push', '--quiet', '--set-upstream', remote, branch]);
  }

  /** The URL of a remote, or undefined. */
  async remoteUrl(remote = 'origin'): Promise<string | undefined> {
    const r = await this.git(['remote', 'get-url', remote], { reject: false });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }
}
