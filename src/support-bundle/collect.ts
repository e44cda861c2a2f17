/**
 * What goes into a support bundle, gathered from the cluster through KubeApi: every step is recorded in the
 * manifest as collected or failed (RBAC denied, timeout, not found, error) and never aborts the others.
 * Everything is redacted (./redact.ts) before it becomes an entry, unless the caller turned redaction off.
 */
import { ExitCode, LogclawError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { KubeObject } from '../kube-object.js';
import { ApiError, type KubeApi, type ObjectRef } from '../kube/api.js';
import { redactObject, redactString, redactValue } from './redact.js';

export type FailureReason = 'forbidden' | 'timeout' | 'not-found' | 'error';

export interface Failure {
  what: string;
  reason: FailureReason;
  message: string;
}

/** One file of the bundle; lower priority numbers are kept first when the size limit cuts. */
export interface Entry {
  path: string;
  content: string;
  priority: number;
  /** Logs: when the limit falls inside, their newest lines (the tail) are kept. */
  tail?: boolean;
}

export const PRIORITY = { summary: 1, helm: 2, objects: 3, operators: 4, operatorLogs: 5, podLogs: 6 } as const;

export function classify(e: unknown, timedOut: boolean): FailureReason {
  if (timedOut) return 'timeout';
  if (e instanceof ApiError) return e.status === 403 || e.status === 401 ? 'forbidden' : e.status === 404 ? 'not-found' : 'error';
  if (e instanceof LogclawError && e.exitCode === ExitCode.timeout) return 'timeout';
  const name = (e as Error)?.name;
  return name === 'TimeoutError' ? 'timeout' : 'error';
}

/** Entries and failures of one run; each step is bounded by its own timeout and the caller's signal. */
export class Collector {
  readonly entries: Entry[] = [];
  readonly failures: Failure[] = [];
  constructor(
    readonly api: KubeApi,
    readonly redact: boolean,
    readonly signal: AbortSignal | undefined,
    readonly stepTimeoutMs: number,
  ) {}

  text(s: string): string {
    return this.redact ? redactString(s) : s;
  }
  object(o: KubeObject): KubeObject {
    return this.redact ? redactObject(o) : o;
  }
  value(v: unknown): unknown {
    return this.redact ? redactValue(v) : v;
  }

  add(path: string, content: string, priority: number, tail = false): void {
    this.entries.push({ path, content, priority, tail });
  }

  /** Run one step; a failure is recorded (and the step's result is undefined), an interruption is not caught. */
  async step<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const timeout = AbortSignal.timeout(this.stepTimeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    try {
      return await fn(signal);
    } catch (e) {
      if (this.signal?.aborted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
      const reason = classify(e, timeout.aborted);
      const message = reason === 'timeout' && timeout.aborted ? `no answer within ${formatDuration(this.stepTimeoutMs)}` : (e as Error)?.message ?? String(e);
      this.failures.push({ what, reason, message: this.text(message) });
      return undefined;
    }
  }

  /** GET with one retry (the bundle is taken from clusters in trouble: it does not wait long for any answer). */
  get<T>(path: string, signal: AbortSignal): Promise<T> {
    return this.api.request<T>('GET', path, { signal, retries: 1 });
  }

  list(ref: { apiVersion: string; kind: string; namespace?: string }, signal: AbortSignal, labelSelector?: string): Promise<KubeObject[]> {
    return this.api.list(ref, { signal, labelSelector }).then((r) => r.items);
  }

  /** A container's log (raw text); errors are thrown, not swallowed (RBAC on pods/log is recorded). */
  async logs(namespace: string, pod: string, o: { container: string; previous?: boolean; tailLines: number; sinceSeconds?: number }, signal: AbortSignal): Promise<string> {
    const q = new URLSearchParams({ container: o.container, tailLines: String(o.tailLines), timestamps: 'true' });
    if (o.previous) q.set('previous', 'true');
    if (o.sinceSeconds) q.set('sinceSeconds', String(o.sinceSeconds));
    return this.api.request<string>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`, { raw: true, signal, retries: 1 });
  }
}

export interface ResourceType {
  apiVersion: string;
  group: string;
  kind: string;
  plural: string;
}

/** Every namespaced kind the server lists (discovery of /api/v1 and each group's preferred version). */
export async function namespacedKinds(c: Collector, signal: AbortSignal): Promise<ResourceType[]> {
  type Doc = { resources: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }> };
  const out: ResourceType[] = [];
  const take = (apiVersion: string, group: string, doc: Doc) => {
    for (const r of doc.resources ?? []) {
      if (r.name.includes('/') || !r.namespaced || !(r.verbs ?? []).includes('list')) continue;
      out.push({ apiVersion, group, kind: r.kind, plural: r.name });
    }
  };
  take('v1', '', await c.get<Doc>('/api/v1', signal));
  const groups = await c.get<{ groups: Array<{ name: string; preferredVersion?: { groupVersion: string }; versions: Array<{ groupVersion: string }> }> }>('/apis', signal);
  for (const g of groups.groups ?? []) {
    // events.k8s.io repeats the core Events; metrics are not objects
    if (g.name === 'events.k8s.io' || g.name === 'metrics.k8s.io') continue;
    const gv = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    if (!gv) continue;
    const doc = await c.step(`discovery ${gv}`, (s) => c.get<Doc>(`/apis/${gv}`, s));
    if (doc) take(gv, g.name, doc);
  }
  return out;
}

/** Groups served by CRDs rather than by Kubernetes itself. */
export const isCustomGroup = (group: string): boolean => group.includes('.') && !/(^|\.)k8s\.io$|(^|\.)kubernetes\.io$/.test(group);

export const refOf = (o: KubeObject): ObjectRef => ({ apiVersion: o.apiVersion!, kind: o.kind!, namespace: o.metadata?.namespace, name: o.metadata!.name! });

interface EventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  involvedObject?: { kind?: string; name?: string };
  series?: { count?: number; lastObservedTime?: string };
}

export const eventTime = (e: EventObject): string => e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';

/** Events as lines, oldest first: time, type, object, reason, message (×count). */
export function eventLines(events: KubeObject[]): string[] {
  return (events as EventObject[])
    .slice()
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    .map((e) => {
      const count = e.count ?? e.series?.count;
      return `${eventTime(e) || '-'}  ${e.type ?? '-'}  ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}  ${e.reason ?? ''}: ${(e.message ?? '').trim()}${count && count > 1 ? ` (×${count})` : ''}`;
    });
}

/** Conditions of an object as lines (`type=status reason: message`). */
export function conditionLines(o: KubeObject): string[] {
  const cs = (o.status?.conditions ?? []) as Array<{ type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }>;
  return cs.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}${c.lastTransitionTime ? ` [${c.lastTransitionTime}]` : ''}`);
}
