/**
 * What every step of `logclaw verify` shares: the step type (a runner Step over the verify environment),
 * the environment and the state steps hand to later ones, the time budget, and the port-forward to a
 * catalog Service. Steps talk to the cluster only through the API server: port-forwards (HTTP hops) and
 * exec in pods (Kafka hops).
 */
import { LogclawError } from '../../errors.js';
import { catalog, discover, schemeFor } from '../../portforward/catalog.js';
import type { ForwardManager } from '../../portforward/forwarder.js';
import type { KubeObject } from '../../kube-object.js';
import type { Kube, V1Service } from '../../portforward/kube.js';
import type { IncidentSeverity } from '../../tenant/types.js';
import type { ExecResult, ExecSessions } from '../exec.js';
import type { HttpResponse } from '../http.js';
import { TIMEOUT_EXIT, type Broker, type TopicWatch } from '../kafka.js';
import type { KafkaProblem } from '../kafka-errors.js';
import type { Closer, Step, StepContext } from '../runner.js';
import type { TenantInfo } from '../tenant.js';
import type { StepOutcome } from '../types.js';

export const RAW_TOPIC = 'raw-logs';
export const ANOMALY_TOPIC = 'anomaly-events';
/** How long to wait for a consumer's exec session to open before sending the marker anyway. */
export const EXEC_OPEN_WAIT_MS = 10_000;

export interface VerifyEnv {
  kube: Kube;
  tenant: TenantInfo;
  namespace: string;
  marker: string;
  startedAt: string;
  sessions: ExecSessions;
  forwards: ForwardManager;
  /** Marker data to remove at the end (unless --keep-data). */
  data: Closer;
  keepData: boolean;
  state: VerifyState;
}

export interface VerifyState {
  services?: V1Service[];
  broker?: Broker;
  brokerError?: unknown;
  rawWatch?: TopicWatch;
  rawGroup?: string;
  /** The KafkaUser the raw-logs consumer reads as (outside dev). */
  rawUser?: string;
  ingest?: { url: string };
  anomaly?: { severity: IncidentSeverity; seen: boolean };
  /** Data kept because of --keep-data (reported). */
  kept: string[];
}

/** One verify step: an id, a title, the hop it reports when it throws, and run(ctx) → pass / fail / skip. */
export type VerifyStep = Step<VerifyEnv>;

/** What a step's run() gets: the verify environment and the runner's deadline, signal and results. */
export type Ctx = VerifyEnv & StepContext;

export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** A share of the time left, at least `min` ms (and never past the deadline). */
export const budget = (ctx: Ctx, share: number, min = 3000) => Math.min(ctx.remaining(), Math.max(min, ctx.remaining() * share));

export const firstLine = (s: string): string => s.split('\n')[0]!.trim();

export const errText = (e: unknown): string => {
  const body = (e as { body?: unknown })?.body;
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return e instanceof Error ? e.message : String(e);
};

/** A failed outcome from an error a step caught: its text, the hop, and the LogclawError's hint when it has one. */
export const failedWith = (e: unknown, hop: string): StepOutcome => ({
  status: 'fail',
  summary: errText(e),
  hop,
  ...(e instanceof LogclawError && e.hint ? { hint: e.hint } : {}),
});

/** True when a console producer or consumer exec failed (its own `timeout` ending it is not a failure). */
export const execFailed = (r: ExecResult): boolean => Boolean(r.error) || (r.exitCode > 0 && r.exitCode !== TIMEOUT_EXIT);

/** "the console consumer in pod P failed: first line of the error" (or "(exit N)"). */
export const consoleFailure = (tool: 'consumer' | 'producer', pod: string, r: ExecResult): string =>
  `the console ${tool} in pod ${pod} failed${r.error ? `: ${firstLine(r.error)}` : ` (exit ${r.exitCode})`}`;

export const consumerGroup = (prefix: string | undefined, marker: string): string => {
  const p = prefix ?? 'logclaw-';
  return `${p}${p === '' || /[-._]$/.test(p) ? '' : '-'}verify-${marker}`;
};

async function services(ctx: Ctx): Promise<V1Service[]> {
  ctx.state.services ??= (await ctx.kube.api.list<V1Service & KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: ctx.namespace })).items;
  return ctx.state.services;
}

export interface Forwarded {
  /** What the node last reported about a connection through the forward (refused, reset...). */
  lastError(): string | undefined;
  base: string;
  service: string;
  servicePort: number;
  pod: string | undefined;
  label: string;
}

/** Forward the Service a catalog entry finds (on any free local port). */
export async function forwardTo(ctx: Ctx, key: string): Promise<Forwarded> {
  const entry = catalog.find((e) => e.key === key)!;
  const found = discover(await services(ctx), [key])[0];
  if (!found) {
    throw new LogclawError(`no ${entry.title} Service in ${ctx.namespace} (looked for logclaw.io/component=${entryComponentLabel(key)} with port ${entry.ports.join(' or ')})`, {
      hint: `Is the ${entry.component} component installed? logclaw status --tenant ${ctx.tenant.id}`,
    });
  }
  const fwd = await ctx.forwards.add({
    name: `verify-${key}`,
    namespace: ctx.namespace,
    service: found.service,
    servicePort: found.port.port,
    localPort: 0,
    scheme: schemeFor(entry, ctx.tenant.environment),
  });
  const info = fwd.info();
  if (!info.pod) {
    throw new LogclawError(`cannot forward to svc/${found.service}:${found.port.port}: ${info.message ?? 'no ready pod'}`, {
      hint: `kubectl -n ${ctx.namespace} get pods shows why no pod behind ${found.service} is ready.`,
    });
  }
  const scheme = schemeFor(entry, ctx.tenant.environment) === 'https' ? 'https' : 'http';
  return { lastError: () => fwd.info().lastError, base: `${scheme}://127.0.0.1:${info.localPort}`, service: found.service, servicePort: found.port.port, pod: info.pod, label: `svc/${found.service}:${found.port.port}` };
}

const entryComponentLabel = (key: string): string => {
  const c = catalog.find((e) => e.key === key)!.component;
  return c === 'mlEngine' ? 'ml-engine' : c === 'ticketingAgent' ? 'ticketing-agent' : c;
};

/**
 * Wait for a watch to see the marker, to end, or for the time to pass (then it is stopped). The marker is sent
 * once: the consumer reads from before it started (see consumerCommand), so a late consumer still finds it.
 */
export async function awaitWatch(watch: TopicWatch, waitMs: number, signal: AbortSignal) {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    watch.result,
    new Promise<'time'>((resolve) => {
      timer = setTimeout(() => resolve('time'), Math.max(0, waitMs));
      signal.addEventListener('abort', () => resolve('time'), { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (r !== 'time') return r;
  watch.stop();
  return watch.result;
}

/** A failed outcome for a console client the broker refused: the cause read from its stderr, shown as evidence. */
export function refusedOutcome(problem: KafkaProblem, r: ExecResult, hop: string, hint: string, where: string): StepOutcome {
  return {
    status: 'fail',
    summary: problem.summary,
    hop,
    evidence: [
      where,
      `$ ${r.command}`,
      r.stopped ? 'stopped by verify once its stderr showed this (the console tools keep retrying or exit 0 when the broker refuses them)' : `exit code ${r.exitCode}: the console tools exit 0 when the broker refuses them`,
      ...stderrLines(r.stderr),
    ],
    hint,
  };
}

/** The tool's stderr lines that matter (errors and warnings, stack frames dropped), at most 6. */
export function stderrLines(stderr: string): string[] {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l && !/^\s+at |^\s*\.\.\. \d+ more|^Processed a total of/.test(l));
  const seen = new Set<string>();
  const unique = lines.filter((l) => {
    const key = l.replace(/^\[[^\]]*\] /, '').replace(/correlation id \d+/, 'correlation id N');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.slice(0, 6).map((l) => `stderr: ${l.length > 300 ? `${l.slice(0, 299)}…` : l}`);
}
