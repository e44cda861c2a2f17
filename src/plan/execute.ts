/**
 * Runs a release DAG: each release is installed as soon as every release it needs is READY (by the readiness
 * engine, not merely installed), independent releases in parallel. Installing and waiting are injected, so the
 * scheduling is tested without a cluster; src/plan/index.ts wires helmfile and the watches in.
 * A failed release blocks only what depends on it; independent branches finish, then all failures are reported.
 */
import type { PlanRelease } from './dag.js';
import { validate } from './dag.js';

export type ReleaseStatus = 'ready' | 'current' | 'failed' | 'blocked' | 'interrupted' | 'planned';

export interface ReleaseOutcome {
  id: string;
  status: ReleaseStatus;
  /** Wall-clock ms from the plan's start. */
  startedAt?: number;
  installedAt?: number;
  readyAt?: number;
  installMs?: number;
  waitMs?: number;
  /** Why it failed / what blocked it. */
  message?: string;
  error?: unknown;
}

export interface ReleaseHooks {
  /** True when the release is installed from the same inputs (resume): it is only awaited, not installed again. */
  isCurrent?: (r: PlanRelease, signal: AbortSignal) => Promise<boolean>;
  /** Install or upgrade it (helmfile sync/apply selecting this release). */
  install: (r: PlanRelease, signal: AbortSignal) => Promise<void>;
  /** Wait until everything it created is ready; throw (LogclawError with the diagnosis) when it is not. */
  await: (r: PlanRelease, signal: AbortSignal) => Promise<void>;
  /** After READY (record the inputs, for the next resume). */
  done?: (r: PlanRelease, signal: AbortSignal) => Promise<void>;
}

export type PlanEvent =
  | { type: 'start'; release: PlanRelease; at: number }
  | { type: 'installed'; release: PlanRelease; at: number; ms: number }
  | { type: 'ready'; release: PlanRelease; at: number; waitMs: number }
  | { type: 'current'; release: PlanRelease; at: number }
  | { type: 'failed'; release: PlanRelease; at: number; message: string; error: unknown }
  | { type: 'blocked'; release: PlanRelease; at: number; by: string };

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** At most this many installs (helmfile processes) at once; waits are not limited. Default 3. */
  installConcurrency?: number;
  onEvent?: (e: PlanEvent) => void;
  now?: () => number;
}

export interface PlanResult {
  ok: boolean;
  interrupted: boolean;
  outcomes: ReleaseOutcome[];
  ms: number;
  /** When the plan started (ms epoch); outcome times are relative to it. */
  startedAt: number;
}

/** Settle with `p`, or reject as soon as `signal` aborts (a hook that ignores the signal cannot hang the plan). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolvePromise(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

export async function executePlan(releases: PlanRelease[], hooks: ReleaseHooks, o: ExecuteOptions = {}): Promise<PlanResult> {
  const order = validate(releases);
  const now = o.now ?? Date.now;
  const t0 = now();
  const at = () => now() - t0;
  const controller = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, controller.signal]) : controller.signal;
  const outcomes = new Map<string, ReleaseOutcome>(order.map((r) => [r.id, { id: r.id, status: 'planned' }]));
  const dependents = new Map<string, PlanRelease[]>();
  for (const r of order) for (const n of r.needs) dependents.set(n, [...(dependents.get(n) ?? []), r]);
  const limit = Math.max(1, o.installConcurrency ?? 3);
  let installing = 0;
  const installQueue: Array<() => void> = [];
  const acquire = () =>
    new Promise<void>((r) => {
      if (installing < limit) {
        installing++;
        r();
      } else installQueue.push(() => (installing++, r()));
    });
  const release = () => {
    installing--;
    installQueue.shift()?.();
  };

  const running = new Set<Promise<void>>();
  const emit = (e: PlanEvent) => o.onEvent?.(e);
  const isDone = (id: string) => ['ready', 'current'].includes(outcomes.get(id)!.status);

  const block = (r: PlanRelease, by: string) => {
    const out = outcomes.get(r.id)!;
    if (out.status !== 'planned') return;
    out.status = 'blocked';
    out.message = `not installed: it needs ${by}, which failed`;
    emit({ type: 'blocked', release: r, at: at(), by });
    for (const d of dependents.get(r.id) ?? []) block(d, by);
  };

  const runOne = async (r: PlanRelease): Promise<void> => {
    const out = outcomes.get(r.id)!;
    out.status = 'interrupted';
    out.startedAt = at();
    emit({ type: 'start', release: r, at: out.startedAt });
    try {
      if (hooks.isCurrent && (await abortable(hooks.isCurrent(r, signal), signal))) {
        // installed from the same inputs: only make sure it is still ready
        out.installedAt = at();
        await abortable(hooks.await(r, signal), signal);
        out.status = 'current';
        out.readyAt = at();
        out.waitMs = out.readyAt - out.installedAt;
        emit({ type: 'current', release: r, at: out.readyAt });
      } else {
        await acquire();
        const i0 = at();
        try {
          await abortable(hooks.install(r, signal), signal);
        } finally {
          release();
        }
        out.installedAt = at();
        out.installMs = out.installedAt - i0;
        emit({ type: 'installed', release: r, at: out.installedAt, ms: out.installMs });
        await abortable(hooks.await(r, signal), signal);
        out.readyAt = at();
        out.waitMs = out.readyAt - out.installedAt;
        if (hooks.done) await abortable(hooks.done(r, signal), signal);
        out.status = 'ready';
        emit({ type: 'ready', release: r, at: out.readyAt, waitMs: out.waitMs });
      }
    } catch (e) {
      if (signal.aborted) {
        out.status = 'interrupted';
        out.message = 'interrupted';
        return;
      }
      out.status = 'failed';
      out.error = e;
      out.message = e instanceof Error ? e.message : String(e);
      emit({ type: 'failed', release: r, at: at(), message: out.message, error: e });
      for (const d of dependents.get(r.id) ?? []) block(d, r.id);
      return;
    }
    for (const d of dependents.get(r.id) ?? []) maybeStart(d);
  };

  const maybeStart = (r: PlanRelease) => {
    if (signal.aborted || outcomes.get(r.id)!.status !== 'planned') return;
    if (!r.needs.every(isDone)) return;
    const p = runOne(r).finally(() => running.delete(p));
    running.add(p);
  };

  for (const r of order) maybeStart(r);
  while (running.size) await Promise.race(running);
  const interrupted = Boolean(o.signal?.aborted);
  const all = order.map((r) => outcomes.get(r.id)!);
  return { ok: !interrupted && all.every((x) => x.status === 'ready' || x.status === 'current'), interrupted, outcomes: all, ms: at(), startedAt: t0 };
}
