/**
 * Waiting for objects to be ready, on shared watches (src/kube/watch.ts): one watch per kind and namespace,
 * plus one Pod watch per namespace so that a workload whose pods crash or cannot pull their image is reported
 * in seconds, not after the controller's progress deadline. Verdicts come from ./verdict.ts.
 *
 * A custom resource no controller is updating (no status written, or the latest generation never observed, the
 * object unchanged and none of its pods seen, for the stall grace: LOGCLAW_STALL_GRACE, default 30 s) fails the
 * wait then, not at the timeout: its operator is missing, stopped, or does not play that kind.
 */
import type { ObjectRef } from '../kube/api.js';
import type { WatchHub } from '../kube/watch.js';
import type { KubeObject, Verdict } from './types.js';
import { pod as podVerdict } from './builtin.js';
import { verdict } from './verdict.js';
import { formatDuration } from '../duration.js';

/** An object to wait for: the API's object reference. */
export type AwaitRef = ObjectRef;

export interface ObjectState {
  ref: AwaitRef;
  verdict: Verdict;
  /** When the current status started (ms epoch). */
  since: number;
  /** When it became ready (ms epoch). */
  readyAt?: number;
  /** A pod of this workload that is failing (crash loop, image pull, OOM) even though the workload is still progressing. */
  podProblem?: { pod: string; message: string; since: number };
  /** Since when no controller has touched this custom resource (no status, same resourceVersion, no pods). */
  stalledSince?: number;
  /** Set when the wait gave up on the object because no controller updated it within the stall grace. */
  stalled?: boolean;
}

export interface WaitOptions {
  timeoutMs: number;
  /** How long a failed verdict (or failing pod) must persist before the wait gives up on it. */
  failGraceMs?: number;
  /** How long a custom resource may go without any controller updating it (default: LOGCLAW_STALL_GRACE, else 30 s). */
  stallMs?: number;
  signal?: AbortSignal;
  /** Called whenever an object's verdict or message changes. */
  onChange?: (s: ObjectState) => void;
}

export interface WaitResult {
  ok: boolean;
  timedOut: boolean;
  interrupted: boolean;
  states: ObjectState[];
  /** The objects that made the wait fail (failed past the grace period, or not ready at the timeout). */
  culprits: ObjectState[];
  ms: number;
}

export const refName = (r: AwaitRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

const MISSING: Verdict = { status: 'progressing', message: 'not created yet' };

export const DEFAULT_STALL_MS = 30_000;

/** LOGCLAW_STALL_GRACE ("30s", "2m", "500ms" or seconds), else 30 s. */
export function stallGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const t = env.LOGCLAW_STALL_GRACE?.trim();
  if (!t) return DEFAULT_STALL_MS;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(t);
  return m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms'] : DEFAULT_STALL_MS;
}

/** A kind served by a CRD (its group has a dot and is not one of Kubernetes' own `*.k8s.io` groups). */
export function isCustomResource(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  return group.includes('.') && !group.endsWith('.k8s.io');
}


/**
 * Does this pod belong to the awaited object? Owner references for built-in workloads; the labels operators
 * put on their pods for custom resources (Strimzi, OpenSearch operator, Flink operator, KServe).
 */
export function podBelongsTo(p: KubeObject, ref: AwaitRef): boolean {
  const labels = p.metadata?.labels ?? {};
  const owners = p.metadata?.ownerReferences ?? [];
  switch (ref.kind) {
    case 'Deployment': {
      const hash = labels['pod-template-hash'];
      return owners.some((o) => o.kind === 'ReplicaSet' && hash !== undefined && o.name === `${ref.name}-${hash}`);
    }
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicaSet':
      return owners.some((o) => o.kind === ref.kind && o.name === ref.name);
    case 'Kafka':
      return labels['strimzi.io/cluster'] === ref.name;
    case 'KafkaNodePool':
      return labels['strimzi.io/pool-name'] === ref.name;
    case 'OpenSearchCluster':
      return labels['opster.io/opensearch-cluster'] === ref.name;
    case 'FlinkDeployment':
      return labels['app'] === ref.name && labels['type'] === 'flink-native-kubernetes';
    case 'InferenceService':
      return labels['serving.kserve.io/inferenceservice'] === ref.name;
    default:
      return false;
  }
}

const POD_AWARE = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'Kafka', 'KafkaNodePool', 'OpenSearchCluster', 'FlinkDeployment', 'InferenceService']);

export async function waitForReady(hub: WatchHub, refs: AwaitRef[], o: WaitOptions): Promise<WaitResult> {
  return new ReadinessWait(refs, o).run(hub);
}

const stateKey = (r: { kind?: string; namespace?: string; name?: string }) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

/**
 * One wait: the objects' states, updated from their informers and their pods', settled once all are ready, one
 * has failed past its grace (or stalled: a custom resource no controller touches), the timeout passed or the
 * signal fired.
 */
class ReadinessWait {
  private readonly started = Date.now();
  private readonly grace: number;
  private readonly stallMs: number;
  private readonly states = new Map<string, ObjectState>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private graceTimer: NodeJS.Timeout | undefined;
  private settled = false;
  private resolve: (r: WaitResult) => void = () => undefined;
  /** The resourceVersion a custom resource had when it was last seen untouched. */
  private readonly stallVersion = new Map<ObjectState, string | undefined>();
  /** Objects whose controller is at work (it made pods). */
  private readonly working = new Set<ObjectState>();

  constructor(private readonly refs: AwaitRef[], private readonly o: WaitOptions) {
    this.grace = o.failGraceMs ?? 20_000;
    this.stallMs = o.stallMs ?? stallGraceMs();
    for (const ref of refs) this.states.set(stateKey(ref), { ref, verdict: MISSING, since: this.started });
  }

  run(hub: WatchHub): Promise<WaitResult> {
    return new Promise<WaitResult>((resolve) => {
      this.resolve = resolve;
      const { o } = this;
      if (o.signal?.aborted) return this.finish('interrupted');
      o.signal?.addEventListener('abort', () => this.finish('interrupted'), { once: true });
      this.timers.push(setTimeout(() => this.finish('timeout'), o.timeoutMs));
      if (!this.refs.length) return this.finish('ok');
      this.watchObjects(hub);
      this.watchPods(hub);
    });
  }

  private finish(why: 'ok' | 'failed' | 'timeout' | 'interrupted'): void {
    if (this.settled) return;
    this.settled = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    for (const u of this.unsubscribe) u();
    const all = [...this.states.values()];
    const now = Date.now();
    const culprits = why === 'ok' ? [] : all.filter((s) => s.verdict.status !== 'ready' && (why !== 'failed' || this.isFailing(s, now)));
    for (const s of culprits) {
      if (!this.isStalled(s, now)) continue;
      s.stalled = true;
      const group = s.ref.apiVersion.split('/')[0];
      s.verdict = {
        ...s.verdict,
        status: 'failed',
        message: `${s.verdict.message}: no controller has updated it in ${formatDuration(now - s.stalledSince!)} (is the operator serving ${group} installed and running, and does it handle ${s.ref.kind}?)`,
      };
    }
    this.resolve({ ok: why === 'ok', timedOut: why === 'timeout', interrupted: why === 'interrupted', states: all, culprits, ms: now - this.started });
  }

  private isStalled(s: ObjectState, now: number): boolean {
    return s.stalledSince !== undefined && s.verdict.status !== 'ready' && now - s.stalledSince >= this.stallMs;
  }

  private isFailing(s: ObjectState, now: number): boolean {
    return (s.verdict.status === 'failed' && now - s.since >= this.grace) || (!!s.podProblem && now - s.podProblem.since >= this.grace) || this.isStalled(s, now);
  }

  private evaluate(): void {
    if (this.settled) return;
    const all = [...this.states.values()];
    if (all.every((s) => s.verdict.status === 'ready')) return this.finish('ok');
    const now = Date.now();
    if (all.some((s) => this.isFailing(s, now))) return this.finish('failed');
    // re-check when the earliest failure's grace period ends
    const pending = all
      .flatMap((s) => [
        s.verdict.status === 'failed' ? s.since + this.grace : undefined,
        s.podProblem ? s.podProblem.since + this.grace : undefined,
        s.stalledSince !== undefined ? s.stalledSince + this.stallMs : undefined,
      ])
      .filter((t): t is number => t !== undefined)
      .map((t) => t - now);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = pending.length ? setTimeout(() => this.evaluate(), Math.max(0, Math.min(...pending)) + 5) : undefined;
  }

  private update(s: ObjectState, v: Verdict, obj?: KubeObject): void {
    // a custom resource nobody writes to: no status (or the latest generation never observed), unchanged
    const untouched = obj && !this.working.has(s) && isCustomResource(s.ref.apiVersion) && (v.reason === 'NoStatus' || v.reason === 'NotObserved');
    const rv = obj?.metadata?.resourceVersion;
    if (!untouched) {
      s.stalledSince = undefined;
      this.stallVersion.delete(s);
    } else if (this.stallVersion.get(s) !== rv || s.stalledSince === undefined) {
      this.stallVersion.set(s, rv);
      s.stalledSince = Date.now();
    }
    const changed = v.status !== s.verdict.status || v.message !== s.verdict.message;
    if (v.status !== s.verdict.status) s.since = Date.now();
    s.verdict = v;
    if (v.status === 'ready') {
      s.readyAt ??= Date.now();
      s.podProblem = undefined;
    } else s.readyAt = undefined;
    if (changed) this.o.onChange?.(s);
  }

  /** One subscription per (apiVersion, kind, namespace). */
  private watchObjects(hub: WatchHub): void {
    const groups = new Map<string, AwaitRef[]>();
    for (const r of this.refs) {
      const g = `${r.apiVersion}|${r.kind}|${r.namespace ?? ''}`;
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    for (const [, members] of groups) {
      const first = members[0]!;
      const inf = hub.informer(first.apiVersion, first.kind, first.namespace);
      const names = new Set(members.map((m) => m.name));
      this.unsubscribe.push(
        inf.subscribe((e) => {
          const name = e.object.metadata?.name;
          if (!name || !names.has(name)) return;
          const s = this.states.get(stateKey({ kind: first.kind, namespace: first.namespace, name }))!;
          this.update(s, e.type === 'DELETED' ? MISSING : verdict(e.object), e.type === 'DELETED' ? undefined : e.object);
          this.evaluate();
        }),
      );
    }
  }

  /** One Pod watch per namespace that has pod-owning objects: a failing pod fails its owner after the grace. */
  private watchPods(hub: WatchHub): void {
    const podNamespaces = new Set(this.refs.filter((r) => POD_AWARE.has(r.kind) && r.namespace).map((r) => r.namespace!));
    for (const ns of podNamespaces) {
      const inf = hub.informer('v1', 'Pod', ns);
      const owners = [...this.states.values()].filter((s) => s.ref.namespace === ns && POD_AWARE.has(s.ref.kind));
      const problems = new Map<string, { owner: ObjectState; message: string }>();
      this.unsubscribe.push(
        inf.subscribe((e) => {
          const p = e.object;
          const podName = p.metadata?.name ?? '';
          const owner = owners.find((s) => podBelongsTo(p, s.ref));
          if (!owner) return;
          // its controller is at work: it made pods
          if (e.type !== 'DELETED') {
            this.working.add(owner);
            owner.stalledSince = undefined;
          }
          const v = e.type === 'DELETED' ? undefined : podVerdict(p);
          const bad = v && v.status === 'failed' && owner.verdict.status !== 'ready' ? v.message : undefined;
          if (bad) problems.set(podName, { owner, message: bad });
          else problems.delete(podName);
          const mine = [...problems.entries()].filter(([, x]) => x.owner === owner);
          if (mine.length) {
            const [podKey, x] = mine[0]!;
            if (!owner.podProblem || owner.podProblem.pod !== podKey) {
              owner.podProblem = { pod: podKey, message: x.message, since: Date.now() };
              this.o.onChange?.(owner);
            } else owner.podProblem.message = x.message;
          } else if (owner.podProblem) {
            owner.podProblem = undefined;
            this.o.onChange?.(owner);
          }
          this.evaluate();
        }),
      );
    }
  }
}
