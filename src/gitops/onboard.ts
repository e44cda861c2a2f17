/**
 * `logclaw gitops onboard <id>`: `tenant init` (same flags, same validation), the GitOps checks (the named
 * cluster is a destination of AppProject logclaw), then a branch and a commit of exactly the tenant file;
 * never a push unless asked. Returns what to open as a pull request.
 */
import { existsSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import type { InitContext, InitInput } from '../tenant/init.js';
import { gitopsClusterFindings } from './clusters.js';

export interface OnboardInput extends InitInput {
  wave?: string;
  cluster?: string;
  branch?: string;
  push?: boolean;
  remote?: string;
  message?: string;
}

export interface OnboardResult {
  tenantId: string;
  file: string;
  branch: string;
  base?: string;
  commit: string;
  pushed: boolean;
  remote: string;
  remoteUrl?: string;
  /** a compare URL for GitHub/GitLab remotes */
  pullRequestUrl?: string;
  warnings: string[];
  nextSteps: string[];
}

/** https://github.com/org/repo(.git) or git@github.com:org/repo(.git) → a browser URL of the repository. */
export function webUrl(remote: string): string | undefined {
  const ssh = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(remote);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  const https = /^https:\/\/(?:[^@/]+@)?([^/]+)\/(.+?)(\.git)?$/.exec(remote);
  return https ? `https://${https[1]}/${https[2]}` : undefined;
}

export function pullRequestUrl(remote: string | undefined, base: string | undefined, branch: string): string | undefined {
  const web = remote && webUrl(remote);
  if (!web || !base) return undefined;
  if (/gitlab/.test(web)) return `${web}/-/merge_requests/new?merge_request[source_branch]=${encodeURIComponent(branch)}&merge_request[target_branch]=${encodeURIComponent(base)}`;
  return `${web}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1`;
}

export async function onboardTenant(input: OnboardInput, ctx: { cwd: string; interactive: boolean; signal?: AbortSignal; kubeApiCidrs?: InitContext['kubeApiCidrs'] }): Promise<OnboardResult> {
  if (!input.tenantId) throw usageError('logclaw gitops onboard needs the tenant id', 'e.g. logclaw gitops onboard acme --cloud aws');
  const { Git } = await import('../tools/git.js');
  const git = await Git.open(ctx.cwd);
  const branch = input.branch ?? `onboard/tenant-${input.tenantId}`;
  if (await git.hasRef(`refs/heads/${branch}`)) {
    throw usageError(`branch ${branch} already exists`, `Pass --branch NAME, or delete it (git branch -D ${branch}).`);
  }
  const base = await git.currentBranch();
  const set = [...(input.set ?? [])];
  if (input.wave) set.push(`global.rollout.wave=${input.wave}`);
  if (input.cluster) set.push(`global.rollout.cluster=${input.cluster}`);
  const { initTenant } = await import('../tenant/init.js');
  const init = await initTenant({ ...input, set }, { cwd: ctx.cwd, interactive: ctx.interactive, signal: ctx.signal, kubeApiCidrs: ctx.kubeApiCidrs });
  const clusterFindings = gitopsClusterFindings(git.root, [init.path]);
  if (clusterFindings.length) {
    // init never overwrites without --force: without it the file is new, and goes again
    if (!input.force && existsSync(init.path)) rmSync(init.path, { force: true });
    throw new LogclawError(clusterFindings[0]!.message, { exitCode: ExitCode.checkFailed, hint: 'Add the cluster to the destinations of AppProject logclaw (gitops/argocd/appproject.yaml), register it in Argo CD (argocd cluster add), or pass another --cluster.' });
  }
  const rel = relative(git.root, init.path);
  await git.createBranch(branch);
  const commit = await git.commitFiles([rel], input.message ?? `tenant ${init.tenantId}: onboard (logclaw gitops onboard)`);
  const remote = input.remote ?? 'origin';
  const remoteUrl = await git.remoteUrl(remote);
  let pushed = false;
  if (input.push) {
    if (!remoteUrl) throw new LogclawError(`there is no remote ${remote} to push to`, { exitCode: ExitCode.usage, hint: `Add it (git remote add ${remote} URL) or pass --remote NAME; the commit ${commit.slice(0, 12)} is on branch ${branch}.` });
    await git.push(remote, branch);
    pushed = true;
  }
  const pr = pullRequestUrl(remoteUrl, base, branch);
  const nextSteps = [
    ...(pushed ? [] : [`git push --set-upstream ${remote} ${branch}`]),
    pr ? `open a pull request: ${pr}` : `open a pull request from ${branch} into ${base ?? 'your main branch'}`,
    `once merged, Argo CD creates logclaw-tenant-${init.tenantId}: logclaw gitops status --tenant ${init.tenantId} --watch`,
  ];
  return { tenantId: init.tenantId, file: rel, branch, base, commit, pushed, remote, remoteUrl, pullRequestUrl: pr, warnings: init.warnings, nextSteps };
}
