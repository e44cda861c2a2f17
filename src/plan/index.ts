/**
 * The release plan against a cluster: every release installed through helmfile (selecting that release in
 * its state file) as soon as the releases it needs are READY by the readiness engine; objects awaited on shared
 * watches; a failure or a timeout explained by src/diagnose. `--dry-run` records every command instead.
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { KubeApi } from '../kube/api.js';
import { currentRelease, decodeLatest, manifestObjects, recoverPending, releaseRevisions, stampRelease, STAMP_LABEL, type HelmRelease } from '../kube/helm-release.js';
import { apiReader } from '../diagnose/reader.js';
import type { WatchHub } from '../kube/watch.js';
import { diagnose, diagnoseHelmError, formatDiagnosis } from '../diagnose/index.js';
import { awaitRefs } from '../readiness/awaited.js';
import { refName, waitForReady, type AwaitRef, type ObjectState } from '../readiness/wait.js';
import { execLogPath, type DryRun } from '../tools/record.js';
import type { Helm } from '../tools/helm.js';
import { formatDuration } from '../duration.js';
import type { Helmfile } from '../tools/helmfile.js';
import type { PlanRelease } from './dag.js';
import { executePlan, type PlanEvent, type PlanResult, type ReleaseHooks } from './execute.js';
import { selectorOf, type LoadedRelease } from './load.js';

/** What a long step reports while it runs (the command renders it: listr2 on a TTY, lines otherwise). */
export interface Progress {
  /** A release or phase is waiting on objects: what it waits for now. */
  waiting?(release: string, text: string): void;
  /** A notable event (recovered a stuck release, refreshed CRDs…). */
  note?(text: string): void;
  event?(e: PlanEvent): void;
}

export interface ClusterPlanContext {
  cwd: string;
  kubeContext: string;
  kubeconfig?: string;
  helm: Helm;
  /** Its installs are recorded, not run, under --dry-run (constructed with the same DryRun). */
  helmfile: Helmfile;
  /** Under --dry-run: nothing is read from helm's storage, awaited or stamped. */
  dryRun?: DryRun;
  /** Absent under --dry-run when the cluster does not exist yet. */
  api?: KubeApi;
  hub?: WatchHub;
  environment?: string;
  stateValues?: string[];
  stateValuesFiles?: string[];
  env?: Record<string, string | undefined>;
  /** helmfile apply (needs helm-diff) or sync. */
  mode: 'apply' | 'sync';
  /** Absolute deadline (ms epoch) for the whole plan. */
  deadline: number;
  failGraceMs?: number;
  signal: AbortSignal;
  progress?: Progress;
  installConcurrency?: number;
  /** Releases whose charts ship CRDs to await (and refresh when stale): the operators. */
  crdReleases?: (r: PlanRelease) => boolean;
  /** Extra objects to await for a release (e.g. CRDs rendered from its chart). */
  extraAwait?: (r: PlanRelease) => Promise<AwaitRef[]>;
  /** Filled in: how many objects each release awaited. */
  awaited?: Map<string, number>;
}

const describeState = (s: ObjectState): string =>
  `${refName(s.ref)}: ${s.podProblem ? `pod ${s.podProblem.pod}: ${s.podProblem.message}` : s.verdict.message}`;

/** Wait for refs; on failure or timeout, diagnose the culprits and throw with the explanation. */
export async function awaitOrExplain(pc: ClusterPlanContext, label: string, refs: AwaitRef[]): Promise<void> {
  if (!pc.hub || !pc.api || !refs.length) return;
  const pending = new Map<string, ObjectState>();
  let lastShown = 0;
  const started = Date.now();
  const show = () => {
    const open = [...pending.values()].filter((s) => s.verdict.status !== 'ready');
    if (!open.length) return;
    lastShown = Date.now();
    const first = open[0]!;
    const waited = Math.round((Date.now() - started) / 1000);
    pc.progress?.waiting?.(label, `${describeState(first)}${open.length > 1 ? ` (+${open.length - 1} more)` : ''}${waited >= 10 ? ` [${formatDuration(waited * 1000)}]` : ''}`);
  };
  // never silent for more than 10 s: repeat what is awaited
  const heartbeat = setInterval(() => Date.now() - lastShown >= 8000 && show(), 2000);
  try {
    const result = await waitForReady(pc.hub, refs, {
      timeoutMs: Math.max(1000, pc.deadline - Date.now()),
      failGraceMs: pc.failGraceMs,
      signal: pc.signal,
      onChange: (s) => {
        pending.set(refName(s.ref), s);
        show();
      },
    });
    if (result.ok) return;
    if (result.interrupted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
    const reader = apiReader(pc.api, pc.signal);
    const details: string[] = [];
    for (const s of result.culprits.slice(0, 5)) {
      const d = await diagnose(reader, s.ref, s.verdict).catch(() => undefined);
      details.push(...(d ? formatDiagnosis(d) : [describeState(s)]));
    }
    if (result.culprits.length > 5) details.push(`… and ${result.culprits.length - 5} more not ready`);
    const store = result.culprits.find((s) => s.ref.kind === 'SecretStore' || s.ref.kind === 'ClusterSecretStore');
    const storeHint = store
      ? `The tenant's SecretStore (${refName(store.ref)}) must be Ready: every credential of the tenant comes through it. Check global.secretStore in the tenant file and the store's access to the secret manager.`
      : undefined;
    if (result.timedOut) {
      throw new LogclawError(`not ready before the timeout: ${result.culprits.map((s) => refName(s.ref)).join(', ')}`, {
        exitCode: ExitCode.timeout,
        details,
        hint: storeHint ?? 'Fix the cause above and re-run: what is ready is skipped. A slow cluster may need a longer --timeout.',
      });
    }
    const why = (s: ObjectState) => (s.podProblem && s.verdict.status !== 'failed' ? ` (pod ${s.podProblem.pod}: ${s.podProblem.message.split(' (')[0]})` : s.verdict.status === 'failed' ? ` (${s.verdict.message})` : '');
    throw new LogclawError(`${result.culprits.map((s) => `${refName(s.ref)} failed${why(s)}`).join('; ')}`, {
      exitCode: ExitCode.checkFailed,
      details,
      hint: storeHint ?? 'Fix the cause above and re-run: what is ready is skipped.',
    });
  } finally {
    clearInterval(heartbeat);
  }
}

export function releaseHooks(pc: ClusterPlanContext): ReleaseHooks & { revisionsBefore(id: string): HelmRelease[] | undefined } {
  const target = (r: PlanRelease) => ({
    file: r.file,
    kubeContext: pc.kubeContext,
    kubeconfig: pc.kubeconfig,
    helmBinary: pc.helm.bin,
    environment: pc.environment,
    stateValues: pc.stateValues,
    stateValuesFiles: pc.stateValuesFiles,
  });
  // what helm's storage said about each release: read once before the install, once after (the new revision)
  const before = new Map<string, HelmRelease[]>();
  const after = new Map<string, HelmRelease>();
  return {
    revisionsBefore: (id) => before.get(id),
    isCurrent: async (r, signal) => {
      if (!pc.api || pc.dryRun) return false;
      const revisions = await releaseRevisions(pc.api, r.namespace, r.name, signal).catch(() => undefined);
      if (!revisions) return false;
      before.set(r.id, revisions);
      const [latest] = revisions;
      const current = latest?.status === 'deployed' && latest.labels[STAMP_LABEL] === (r as LoadedRelease).inputs;
      if (current) after.set(r.id, decodeLatest(revisions)!);
      return current;
    },
    install: async (r, signal) => {
      if (pc.api && !pc.dryRun) {
        const recovered = await recoverPending(pc.api, r.namespace, r.name, signal, before.get(r.id));
        if (recovered) pc.progress?.note?.(recovered);
      }
      try {
        await pc.helmfile.sync(target(r), { selectors: [selectorOf(r)], mode: pc.mode }, { cwd: pc.cwd, env: pc.env, signal, onLine: (line) => pc.progress?.waiting?.(r.id, `helmfile: ${line.trim().slice(0, 160)}`) });
      } catch (e) {
        if (!(e instanceof LogclawError) || e.exitCode === ExitCode.interrupted || signal.aborted) throw e;
        const stderr = e.details.join('\n');
        const known = await diagnoseHelmError(pc.api ? apiReader(pc.api, signal) : undefined, stderr).catch(() => []);
        throw new LogclawError(`installing ${r.id} (${r.file}) failed`, {
          exitCode: e.exitCode,
          details: [...e.details, ...known.flatMap((k) => [`known problem: ${k.title}`, `fix: ${k.fix}`])],
          hint: known.length ? undefined : `See the full helmfile output in ${execLogPath() ?? 'the log'}.`,
          cause: e,
        });
      }
    },
    await: async (r, signal) => {
      if (!pc.api || pc.dryRun) return;
      const known = after.get(r.id);
      const rel = known?.manifest !== undefined ? known : decodeLatest(await releaseRevisions(pc.api, r.namespace, r.name, signal));
      if (rel) after.set(r.id, rel);
      if (!rel) throw new LogclawError(`release ${r.id} is not installed after helmfile ran`, { hint: `See ${execLogPath() ?? 'the log'}.` });
      const refs = await awaitRefs(pc.api, manifestObjects(rel.manifest), r.namespace);
      if (pc.extraAwait) refs.push(...(await pc.extraAwait(r)));
      pc.awaited?.set(r.id, refs.length);
      await awaitOrExplain(pc, r.id, refs);
    },
    done: async (r, signal) => {
      if (!pc.api || pc.dryRun) return;
      const rel = after.get(r.id) ?? (await currentRelease(pc.api, r.namespace, r.name, signal));
      if (rel && rel.labels[STAMP_LABEL] !== (r as LoadedRelease).inputs) await stampRelease(pc.api, rel, (r as LoadedRelease).inputs, signal);
    },
  };
}

export async function runReleases(pc: ClusterPlanContext, releases: LoadedRelease[]): Promise<PlanResult> {
  return executePlan(releases, releaseHooks(pc), {
    signal: pc.signal,
    installConcurrency: pc.installConcurrency,
    onEvent: (e) => pc.progress?.event?.(e),
  });
}

/** One error for a plan that did not finish: the first failure's explanation, the others named. */
export function planError(result: PlanResult): LogclawError {
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  const blocked = result.outcomes.filter((o) => o.status === 'blocked');
  const first = failed[0]?.error;
  const details: string[] = [];
  let exitCode: LogclawError['exitCode'] = ExitCode.checkFailed;
  for (const f of failed) {
    const e = f.error instanceof LogclawError ? f.error : undefined;
    details.push(`✗ ${f.id}: ${f.message ?? 'failed'}`, ...(e?.details ?? []).map((d) => `  ${d}`));
    if (e?.exitCode === ExitCode.timeout) exitCode = ExitCode.timeout;
  }
  if (blocked.length) details.push(`not installed (they need a failed release): ${blocked.map((b) => b.id).join(', ')}`);
  return new LogclawError(`${failed.length} release${failed.length === 1 ? '' : 's'} did not become ready: ${failed.map((f) => f.id).join(', ')}`, {
    exitCode,
    details,
    hint: first instanceof LogclawError && first.hint ? first.hint : 'Fix the cause above and re-run: releases that are ready are skipped.',
  });
}


