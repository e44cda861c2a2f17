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
import type { Closer, Step, StepContext } from '../runner.js';
import type { TenantInfo } from '../tenant.js';
import type { StepOutcome } from '../types.js';

export const RAW_TOPIC = 'raw-logs';
export const ANOMALY_TOPIC = 'anomaly-events';
/** Re-send the marker when it has not shown up after this long (a consumer that started at "latest" may have joined after it). */
export const RESEND_AFTER_MS = 8000;
export const MAX_SENDS = 3;
/** Time given to a just-started console consumer before the marker is sent. */
export const CONSUMER_SETTLE_MS = 500;

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
  ingest?: { send(): Promise<HttpResponse>; sends: number; url: string };
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

/** Wait for a watch, re-sending every RESEND_AFTER_MS (up to MAX_SENDS in all) while it has not seen the marker. */
export async function awaitWatch(watch: TopicWatch, waitMs: number, resend: () => Promise<unknown>, sends: () => number, signal: AbortSignal) {
  const until = Date.now() + waitMs;
  let timer: NodeJS.Timeout | undefined;
  for (;;) {
    const left = until - Date.now();
    const tick = new Promise<'tick'>((r) => (timer = setTimeout(() => r('tick'), Math.max(0, Math.min(left, RESEND_AFTER_MS)))));
    const r = await Promise.race([watch.result, tick]);
    clearTimeout(timer);
    if (r !== 'tick') return r;
    if (Date.now() >= until || signal.aborted) {
      watch.stop();
      return watch.result;
    }
    if (sends() < MAX_SENDS) await resend().catch(() => undefined);
  }
}
