/**
 * `logclaw verify`: prove a tenant's pipeline works end to end. Sends a log with a unique marker through
 * Vector, finds it on Kafka and in OpenSearch, round-trips an anomaly event, asks the ticketing agent, and
 * reports each hop. Port-forwards and exec sessions are always closed (Ctrl-C included); marker data is
 * removed unless keepData.
 */
import { randomBytes } from 'node:crypto';
import { ExitCode } from '../errors.js';
import { ForwardManager } from '../portforward/forwarder.js';
import { connect, kubeBackend } from '../portforward/kube.js';
import { ExecSessions } from './exec.js';
import { Closer, runSteps, type Step } from './runner.js';
import { STEPS, type VerifyEnv, type VerifyState } from './steps/index.js';
import type { TenantInfo } from './tenant.js';
import type { StepResult, VerifyReport } from './types.js';

export { junit, pretty, prettyFooter, prettyHeader, prettyStep } from './report.js';
export type { VerifyReport, StepResult } from './types.js';

export interface VerifyOptions {
  tenant: TenantInfo;
  kubeContext?: string;
  /** Overall budget (ms). */
  timeoutMs: number;
  keepData?: boolean;
  signal?: AbortSignal;
  /** Progress: the run's identity once connected, then each step as it starts and ends. */
  onStart?: (v: Pick<VerifyReport, 'tenant' | 'namespace' | 'context' | 'environment' | 'marker'>) => void;
  onStepStart?: (n: number, step: { id: string; title: string }) => void;
  onStepEnd?: (r: StepResult) => void;
  /** Replace the steps (tests). */
  steps?: Step<VerifyEnv>[];
}

/** A marker unique to one run: lcv-<UTC yyyymmddhhmmss>-<6 hex>. */
export function newMarker(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `lcv-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const signal = options.signal ?? new AbortController().signal;
  // exit 4 when the API server cannot be reached (LogclawError from connect/probe)
  const kube = await connect({ context: options.kubeContext, signal, probeTimeoutMs: Math.min(10_000, options.timeoutMs) });
  const marker = newMarker(new Date(started));
  const namespace = options.tenant.namespace;
  const identity = { tenant: options.tenant.id, namespace, context: kube.context, environment: options.tenant.environment, marker };
  options.onStart?.(identity);

  const sessions = new ExecSessions(kube);
  const forwards = new ForwardManager(kubeBackend(kube));
  const data = new Closer();
  const state: VerifyState = { kept: [] };
  const env: VerifyEnv = { kube, tenant: options.tenant, namespace, marker, startedAt, sessions, forwards, data, keepData: Boolean(options.keepData), state };

  // Ctrl-C: close exec sessions at once, whatever the step is doing; forwards stay until the marker data
  // is removed (below), then close too.
  const onAbort = () => {
    state.rawWatch?.stop();
    sessions.closeAll();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let steps: StepResult[] = [];
  let interrupted = false;
  const cleanup = { removed: [] as string[], kept: [] as string[], problems: [] as string[] };
  try {
    const run = await runSteps(options.steps ?? STEPS, env, {
      signal,
      timeoutMs: options.timeoutMs,
      onStepStart: options.onStepStart,
      onStepEnd: options.onStepEnd,
    });
    steps = run.steps;
    interrupted = run.interrupted || signal.aborted;
  } finally {
    state.rawWatch?.stop();
    // marker data first (it may need the forwards), then the sessions and forwards themselves
    const removed = await data.run(signal.aborted ? 3000 : 20_000);
    cleanup.removed.push(...removed.done);
    cleanup.problems.push(...removed.problems);
    cleanup.kept.push(...state.kept);
    sessions.closeAll();
    await forwards.closeAll();
    await kube.api.close();
    signal.removeEventListener('abort', onAbort);
  }
  const failed = steps.filter((s) => s.status === 'fail').length;
  return {
    ...identity,
    startedAt,
    durationMs: Date.now() - started,
    failed,
    passed: steps.filter((s) => s.status === 'pass').length,
    skipped: steps.filter((s) => s.status === 'skip').length,
    interrupted,
    exitCode: interrupted ? ExitCode.interrupted : failed ? ExitCode.checkFailed : ExitCode.ok,
    steps,
    cleanup,
  };
}
