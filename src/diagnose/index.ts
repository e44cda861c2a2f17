/**
 * Diagnosis: when an object fails or a wait times out, name it and walk down to the cause —
 * Deployment → ReplicaSet → Pod → container state (CrashLoopBackOff with the last log lines, ImagePullBackOff with
 * the image, OOMKilled with the limit, Pending with the scheduler's event), a custom resource's conditions and
 * the warning events about it — then recognise known problems and give their fix.
 * Reads the cluster through a small reader interface (src/diagnose/reader.ts), so it is tested on recorded objects.
 */
import type { ObjectRef } from '../kube/api.js';
import { conditions } from '../readiness/conditions.js';
import { isErrorWaitingReason } from '../readiness/builtin.js';
import type { KubeObject, Verdict } from '../readiness/types.js';
import { verdict as verdictOf } from '../readiness/verdict.js';
import { isCustomResource, podBelongsTo, refName } from '../readiness/wait.js';
import { recognise, type Evidence, type KnownProblem } from './known.js';

export interface ClusterReader {
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(ref: { apiVersion: string; kind: string; namespace?: string }, o?: { labelSelector?: string }): Promise<KubeObject[]>;
  logs(namespace: string, pod: string, o: { container?: string; previous?: boolean; tailLines?: number }): Promise<string>;
}

export interface Cause {
  /** Deployment x → ReplicaSet y → Pod z → container c */
  path: string[];
  summary: string;
  logs?: string[];
}

export interface Diagnosis {
  object: string;
  verdict: Verdict;
  causes: Cause[];
  /** Conditions of a custom resource that are not True (and Warnings that are). */
  conditions: string[];
  /** Latest warning events about the object and its pods. */
  events: string[];
  known: KnownProblem[];
}

const LOG_LINES = 15;
const MAX_PODS = 3;

const selectorOf = (obj: KubeObject): string | undefined => {
  const m = obj.spec?.selector?.matchLabels as Record<string, string> | undefined;
  return m ? Object.entries(m).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
};

const owned = (o: KubeObject, kind: string, name: string) => (o.metadata?.ownerReferences ?? []).some((r) => r.kind === kind && r.name === name);

interface ContainerState {
  name: string;
  image?: string;
  restartCount?: number;
  ready?: boolean;
  state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: string }; terminated?: { reason?: string; exitCode?: number; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; message?: string } };
}

function memoryLimit(pod: KubeObject, container: string): string | undefined {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])] as Array<{ name: string; resources?: { limits?: { memory?: string } } }>;
  return all.find((c) => c.name === container)?.resources?.limits?.memory;
}

const eventLine = (e: KubeObject): string => {
  const ev = e as KubeObject & { reason?: string; message?: string; count?: number; involvedObject?: { kind?: string; name?: string } };
  return `${ev.involvedObject?.kind ?? ''} ${ev.involvedObject?.name ?? ''}: ${ev.reason ?? ''}: ${(ev.message ?? '').trim()}${ev.count && ev.count > 1 ? ` (×${ev.count})` : ''}`;
};

const eventTime = (e: KubeObject): number => {
  const ev = e as KubeObject & { lastTimestamp?: string; eventTime?: string };
  return Date.parse(ev.lastTimestamp ?? ev.eventTime ?? e.metadata?.creationTimestamp ?? '') || 0;
};

/** The pods an object runs (directly, through its ReplicaSet, or through its operator's labels). */
async function podsOf(reader: ClusterReader, obj: KubeObject, ref: ObjectRef): Promise<{ pods: KubeObject[]; via: string[] }> {
  const ns = ref.namespace;
  if (!ns) return { pods: [], via: [] };
  const selector = selectorOf(obj);
  switch (ref.kind) {
    case 'Deployment': {
      const rss = (await reader.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: ns }, { labelSelector: selector })).filter((r) => owned(r, 'Deployment', ref.name));
      const rev = (r: KubeObject) => Number(r.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      const latest = rss.sort((a, b) => rev(b) - rev(a))[0];
      if (!latest) return { pods: [], via: [] };
      const pods = (await reader.list({ apiVersion: 'v1', kind: 'Pod', namespace: ns }, { labelSelector: selector })).filter((p) => owned(p, 'ReplicaSet', latest.metadata!.name!));
      return { pods, via: [`ReplicaSet ${latest.metadata!.name}`] };
    }
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicaSet': {
      const pods = (await reader.list({ apiVersion: 'v1', kind: 'Pod', namespace: ns }, { labelSelector: selector })).filter((p) => owned(p, ref.kind, ref.name));
      return { pods, via: [] };
    }
    default: {
      const pods = (await reader.list({ apiVersion: 'v1', kind: 'Pod', namespace: ns })).filter((p) => podBelongsTo(p, ref));
      return { pods, via: [] };
    }
  }
}

/** Evidence and a cause line for one pod that is not ready. */
async function examinePod(reader: ClusterReader, pod: KubeObject, path: string[], events: KubeObject[]): Promise<{ cause: Cause; evidence: Evidence } | undefined> {
  const ns = pod.metadata!.namespace!;
  const name = pod.metadata!.name!;
  const here = [...path, `Pod ${name}`];
  const base: Evidence = { object: path[0]!, kind: '', name: '', pod: name, podLabels: pod.metadata?.labels };
  const podEvents = events.filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === name).map((e) => (e as { message?: string }).message ?? '');
  const st = pod.status ?? {};
  const sched = (st.conditions ?? []).find((c: { type: string }) => c.type === 'PodScheduled');
  if (st.phase === 'Pending' && sched?.status === 'False') {
    const msg = podEvents.filter(Boolean).pop() ?? sched.message ?? 'not scheduled';
    const nodes = await reader.list({ apiVersion: 'v1', kind: 'Node' }).catch(() => []);
    return {
      cause: { path: here, summary: `Pending, not scheduled: ${msg}` },
      evidence: { ...base, reason: 'Unschedulable', message: `${sched.message ?? ''}\n${msg}`, events: podEvents, nodeLabels: nodes.map((n) => n.metadata?.labels ?? {}) },
    };
  }
  const statuses: ContainerState[] = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
  const initNames = new Set(((st.initContainerStatuses ?? []) as ContainerState[]).map((c) => c.name));
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    const term = c.state?.terminated ?? c.lastState?.terminated;
    const where = [...here, `container ${c.name}`];
    if (term?.reason === 'OOMKilled') {
      const limit = memoryLimit(pod, c.name);
      const logs = await reader.logs(ns, name, { container: c.name, previous: !c.state?.terminated, tailLines: LOG_LINES });
      return {
        cause: { path: where, summary: `OOMKilled (memory limit ${limit ?? 'none'}), restarted ${c.restartCount ?? 0} times`, logs: lines(logs) },
        evidence: { ...base, container: c.name, reason: 'OOMKilled', memoryLimit: limit, logs, events: podEvents },
      };
    }
    if (waiting && isErrorWaitingReason(waiting.reason)) {
      if (/ImagePull|ErrImage|InvalidImageName/.test(waiting.reason!)) {
        return {
          cause: { path: where, summary: `${waiting.reason}: image ${c.image ?? '?'}${waiting.message ? ` (${waiting.message})` : ''}` },
          evidence: { ...base, container: c.name, reason: waiting.reason, message: `${c.image ?? ''} ${waiting.message ?? ''}`, events: podEvents },
        };
      }
      const logs = await reader.logs(ns, name, { container: c.name, previous: true, tailLines: LOG_LINES });
      const last = c.lastState?.terminated;
      return {
        cause: {
          path: where,
          summary: `${waiting.reason}${last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : ''}, restarted ${c.restartCount ?? 0} times${waiting.reason === 'CreateContainerConfigError' && waiting.message ? `: ${waiting.message}` : ''}`,
          logs: lines(logs),
        },
        evidence: { ...base, container: c.name, reason: waiting.reason, message: waiting.message, logs, events: podEvents },
      };
    }
    if (initNames.has(c.name) && (c.state?.running || waiting)) {
      const logs = await reader.logs(ns, name, { container: c.name, tailLines: LOG_LINES });
      return {
        cause: { path: where, summary: `init container has not finished${waiting?.reason ? ` (${waiting.reason})` : ''}`, logs: lines(logs) },
        evidence: { ...base, container: c.name, reason: 'InitNotFinished', message: waiting?.message, logs, events: podEvents },
      };
    }
  }
  const notReady = statuses.find((c) => !c.ready && c.state?.running);
  if (notReady) {
    const probe = podEvents.filter((m) => /probe failed/i.test(m)).pop();
    const logs = await reader.logs(ns, name, { container: notReady.name, tailLines: LOG_LINES });
    return {
      cause: { path: [...here, `container ${notReady.name}`], summary: `running but not ready${probe ? `: ${probe}` : ''}`, logs: lines(logs) },
      evidence: { ...base, container: notReady.name, reason: 'NotReady', message: probe, logs, events: podEvents },
    };
  }
  if (st.phase === 'Failed') {
    return { cause: { path: here, summary: `Failed: ${st.message ?? st.reason ?? ''}` }, evidence: { ...base, reason: st.reason ?? 'Failed', message: st.message, events: podEvents } };
  }
  return undefined;
}

function lines(text: string): string[] | undefined {
  const l = text.trimEnd().split('\n').filter((x) => x.trim());
  return l.length ? l.slice(-LOG_LINES) : undefined;
}

/**
 * Who should be updating a custom resource nobody updates: its CRD, the helm release that installed the CRD
 * (meta.helm.sh/release-name/-namespace) and that release's Deployments. Names the missing piece: no CRD owner
 * (applied by hand: nothing installs its controller), no Deployment, or Deployments that are not available.
 */
async function controllerCause(reader: ClusterReader, ref: ObjectRef, object: string): Promise<Cause> {
  const group = ref.apiVersion.split('/')[0]!;
  const crds = await reader.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }).catch(() => [] as KubeObject[]);
  const crd = crds.find((c) => c.spec?.group === group && c.spec?.names?.kind === ref.kind);
  const path = [object];
  if (!crd) return { path, summary: `no CustomResourceDefinition serves ${ref.kind}.${group} any more: install its operator (logclaw operators install)` };
  const crdName = crd.metadata!.name!;
  path.push(`CustomResourceDefinition ${crdName}`);
  const release = crd.metadata?.annotations?.['meta.helm.sh/release-name'];
  const ns = crd.metadata?.annotations?.['meta.helm.sh/release-namespace'];
  if (!release || !ns) {
    return { path, summary: `no controller: CRD ${crdName} is not part of a helm release, so nothing logclaw installed runs a controller for ${ref.kind} (install its operator: logclaw operators install)` };
  }
  path.push(`release ${ns}/${release}`);
  const deployments = await reader.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns }).catch(() => [] as KubeObject[]);
  if (!deployments.length) return { path, summary: `no controller: release ${ns}/${release} installed CRD ${crdName} but runs no Deployment in ${ns}` };
  const shown = deployments.map((x) => `${x.metadata!.name} (${verdictOf(x).status})`).join(', ');
  const down = deployments.filter((x) => verdictOf(x).status !== 'ready');
  return {
    path,
    summary: down.length
      ? `its controller is not available: Deployments in ${ns}: ${shown}`
      : `the controller Deployments in ${ns} are available (${shown}) but none has written a status on ${ref.kind} ${ref.name}: the operator does not handle this kind (or not in this namespace), or is stuck — see its logs (kubectl -n ${ns} logs deploy/${deployments[0]!.metadata!.name})`,
  };
}

export async function diagnose(reader: ClusterReader, ref: ObjectRef, known?: Verdict): Promise<Diagnosis> {
  const object = refName(ref);
  const obj = await reader.get(ref);
  if (!obj) {
    return { object, verdict: { status: 'progressing', message: 'does not exist' }, causes: [{ path: [object], summary: 'was never created (did its release install?)' }], conditions: [], events: [], known: [] };
  }
  const v = known ?? verdictOf(obj);
  const d: Diagnosis = { object, verdict: v, causes: [], conditions: [], events: [], known: [] };
  const evidence: Evidence[] = [{ object, kind: ref.kind, name: ref.name, message: v.message }];

  const builtin = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'Pod'].includes(ref.kind);
  if (!builtin) {
    for (const c of conditions(obj)) {
      if (c.status !== 'True' || c.type === 'Warning' || c.type === 'NotReady') {
        if (c.type === 'Ready' && c.status === 'True') continue;
        d.conditions.push(`${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
      }
    }
  }

  const events = ref.namespace ? await reader.list({ apiVersion: 'v1', kind: 'Event', namespace: ref.namespace }).catch(() => []) : [];
  let pods: KubeObject[] = [];
  if (ref.kind === 'Pod') pods = [obj];
  else {
    const r = await podsOf(reader, obj, ref);
    pods = r.pods;
    const path = [object, ...r.via];
    const bad = pods.filter((p) => verdictOf(p).status !== 'ready');
    // the pods that explain most first: crashing/failing, then pending, then the rest
    const rank = (p: KubeObject) => ({ failed: 0, progressing: 1, ready: 2 })[verdictOf(p).status];
    for (const p of bad.sort((a, b) => rank(a) - rank(b)).slice(0, MAX_PODS)) {
      const found = await examinePod(reader, p, path, events);
      if (found) {
        d.causes.push(found.cause);
        evidence.push({ ...found.evidence, object, kind: ref.kind, name: ref.name });
      }
    }
    if (!pods.length && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(ref.kind)) {
      d.causes.push({ path, summary: 'no pods were created (see the events below: quota, admission or a missing ServiceAccount)' });
    }
  }
  if (!builtin && isCustomResource(ref.apiVersion) && (v.reason === 'NoStatus' || v.reason === 'NotObserved') && !pods.length) {
    d.causes.push(await controllerCause(reader, ref, object));
  }
  if (ref.kind === 'Pod') {
    const found = await examinePod(reader, obj, [], events);
    if (found) {
      d.causes.push(found.cause);
      evidence.push({ ...found.evidence, object, kind: ref.kind, name: ref.name });
    }
  }

  const names = new Set([ref.name, ...pods.map((p) => p.metadata!.name!)]);
  d.events = events
    .filter((e) => (e as { type?: string }).type === 'Warning' && names.has((e as { involvedObject?: { name?: string } }).involvedObject?.name ?? ''))
    .sort((a, b) => eventTime(a) - eventTime(b))
    .slice(-5)
    .map(eventLine);
  evidence[0]!.events = d.events;
  evidence[0]!.message = [v.message, ...d.conditions].join('\n');

  const seen = new Set<string>();
  for (const e of evidence) {
    for (const k of recognise(e)) {
      if (!seen.has(k.id)) (seen.add(k.id), d.known.push(k));
    }
  }
  return d;
}

/** Known problems in a failed helm/helmfile run (CRDs missing or stale, a locked release, immutable fields). */
export async function diagnoseHelmError(reader: ClusterReader | undefined, stderr: string): Promise<KnownProblem[]> {
  const e: Evidence = { object: '', kind: '', name: '', helmError: stderr };
  const m = /no matches for kind "(\w+)" in version "([\w.-]+)\/(\w+)"/.exec(stderr);
  if (m && reader) {
    const crds = await reader.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }).catch(() => []);
    const crd = crds.find((c) => c.spec?.group === m[2] && c.spec?.names?.kind === m[1]);
    if (crd) e.crdServedVersions = (crd.spec.versions as Array<{ name: string; served: boolean }>).filter((v) => v.served).map((v) => v.name);
  }
  return recognise(e);
}

/** Lines for people: the object, the walk down, conditions, events, known problems with their fix. */
export function formatDiagnosis(d: Diagnosis): string[] {
  const out = [`${d.object}: ${d.verdict.status} — ${d.verdict.message}`];
  for (const c of d.causes) {
    out.push(`  └ ${c.path.slice(1).join(' → ')}${c.path.length > 1 ? ': ' : ''}${c.summary}`);
    if (c.logs?.length) {
      out.push('    last log lines:');
      for (const l of c.logs) out.push(`      ${l}`);
    }
  }
  if (d.conditions.length) out.push('  conditions:', ...d.conditions.map((c) => `    ${c}`));
  if (d.events.length) out.push('  warning events:', ...d.events.map((e) => `    ${e}`));
  for (const k of d.known) out.push(`  known problem: ${k.title}`, `  fix: ${k.fix}`);
  return out;
}
