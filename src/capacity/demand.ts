/**
 * What a tenant asks of a cluster, read from its rendered objects: per workload its pods (replicas), each pod's
 * CPU and memory requests and limits (containers summed, the largest init container if larger; a limit without a
 * request counts as the request, as the API server defaults it), its volumes' storage by class, and whether its
 * replicas must spread over zones. Workloads the operators create from custom resources (Strimzi node pools,
 * OpenSearch node pools, Flink job and task managers) are read from those resources.
 */
import type { KubeObject } from '../kube-object.js';
import { parseQuantity } from '../safety/quantity.js';

export type Tier = 'standard' | 'ha' | 'ultra-ha';

export interface Resources {
  /** cores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface Workload {
  component: string;
  /** `Kind name` (a node pool: `KafkaNodePool broker`). */
  name: string;
  replicas: number;
  requests: Resources;
  limits: Resources;
  /** Storage per replica, by storage class ('' = the cluster's default class). */
  storage: Array<{ storageClass: string; bytes: number }>;
  /** The pods spread over zones with DoNotSchedule (the charts' ha/ultra-ha topology spread). */
  zoneSpread: boolean;
}

export interface TenantDemand {
  tenant: string;
  tier: Tier;
  workloads: Workload[];
}

const zero = (): Resources => ({ cpu: 0, memory: 0 });
const q = (v: unknown): number => parseQuantity(v) ?? 0;

interface Container {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** Requests (limits standing in for missing requests) and limits of one container. */
function containerResources(c: Container): { requests: Resources; limits: Resources } {
  const r = c.resources ?? {};
  const lim = { cpu: q(r.limits?.cpu), memory: q(r.limits?.memory) };
  return { requests: { cpu: r.requests?.cpu !== undefined ? q(r.requests.cpu) : lim.cpu, memory: r.requests?.memory !== undefined ? q(r.requests.memory) : lim.memory }, limits: lim };
}

/** A pod's effective requests and limits: containers summed, or the largest init container when that is larger. */
export function podResources(spec: { containers?: Container[]; initContainers?: Container[] } | undefined): { requests: Resources; limits: Resources } {
  const sum = { requests: zero(), limits: zero() };
  for (const c of spec?.containers ?? []) {
    const r = containerResources(c);
    sum.requests.cpu += r.requests.cpu;
    sum.requests.memory += r.requests.memory;
    sum.limits.cpu += r.limits.cpu;
    sum.limits.memory += r.limits.memory;
  }
  for (const c of spec?.initContainers ?? []) {
    const r = containerResources(c);
    sum.requests.cpu = Math.max(sum.requests.cpu, r.requests.cpu);
    sum.requests.memory = Math.max(sum.requests.memory, r.requests.memory);
    sum.limits.cpu = Math.max(sum.limits.cpu, r.limits.cpu);
    sum.limits.memory = Math.max(sum.limits.memory, r.limits.memory);
  }
  return sum;
}

const zoneSpreadOf = (spec: { topologySpreadConstraints?: Array<{ topologyKey?: string; whenUnsatisfiable?: string }> } | undefined): boolean =>
  (spec?.topologySpreadConstraints ?? []).some((t) => t.topologyKey === 'topology.kubernetes.io/zone' && t.whenUnsatisfiable !== 'ScheduleAnyway');

function claimStorage(claims: Array<{ spec?: { storageClassName?: string; resources?: { requests?: { storage?: unknown } } } }> | undefined) {
  return (claims ?? []).map((c) => ({ storageClass: c.spec?.storageClassName ?? '', bytes: q(c.spec?.resources?.requests?.storage) })).filter((s) => s.bytes > 0);
}

/** Strimzi storage: persistent-claim, or jbod of them (ephemeral takes none). */
function strimziStorage(s: { type?: string; size?: string; class?: string; volumes?: unknown[] } | undefined): Workload['storage'] {
  if (!s) return [];
  if (s.type === 'jbod') return (s.volumes ?? []).flatMap((v) => strimziStorage(v as typeof s));
  if (s.type === 'persistent-claim' && s.size) return [{ storageClass: s.class ?? '', bytes: q(s.size) }];
  return [];
}

const simpleResources = (r: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined) => containerResources({ resources: r });

/** The workloads of one component's rendered objects. */
export function workloadsOf(component: string, objects: readonly KubeObject[]): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    const name = `${o.kind} ${o.metadata?.name ?? ''}`;
    const spec = o.spec ?? {};
    switch (o.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'ReplicaSet': {
        const pod = spec.template?.spec;
        out.push({ component, name, replicas: spec.replicas ?? 1, ...podResources(pod), storage: o.kind === 'StatefulSet' ? claimStorage(spec.volumeClaimTemplates) : [], zoneSpread: zoneSpreadOf(pod) });
        break;
      }
      case 'Job':
        out.push({ component, name, replicas: spec.parallelism ?? 1, ...podResources(spec.template?.spec), storage: [], zoneSpread: false });
        break;
      case 'PersistentVolumeClaim':
        out.push({ component, name, replicas: 0, requests: zero(), limits: zero(), storage: claimStorage([o as never]), zoneSpread: false });
        break;
      case 'KafkaNodePool':
        out.push({ component, name, replicas: spec.replicas ?? 1, ...simpleResources(spec.resources), storage: strimziStorage(spec.storage), zoneSpread: zoneSpreadOf(spec.template?.pod) || Boolean(spec.template?.pod?.affinity) });
        break;
      case 'OpenSearchCluster':
        for (const np of (spec.nodePools ?? []) as Array<{ component?: string; replicas?: number; resources?: never; diskSize?: string; persistence?: { pvc?: { storageClass?: string } }; topologySpreadConstraints?: never }>) {
          out.push({
            component,
            name: `${name} pool ${np.component ?? '?'}`,
            replicas: np.replicas ?? 1,
            ...simpleResources(np.resources),
            storage: np.diskSize ? [{ storageClass: np.persistence?.pvc?.storageClass ?? '', bytes: q(np.diskSize) }] : [],
            zoneSpread: zoneSpreadOf(np as never),
          });
        }
        break;
      case 'FlinkDeployment': {
        const res = (r: { cpu?: number; memory?: string } | undefined): Resources => ({ cpu: Number(r?.cpu ?? 0), memory: q(r?.memory) });
        const jm = res(spec.jobManager?.resource);
        const tm = res(spec.taskManager?.resource);
        out.push({ component, name: `${name} jobmanager`, replicas: spec.jobManager?.replicas ?? 1, requests: jm, limits: jm, storage: [], zoneSpread: false });
        const slots = Number(spec.flinkConfiguration?.['taskmanager.numberOfTaskSlots'] ?? 1) || 1;
        const parallelism = Number(spec.job?.parallelism ?? 1) || 1;
        out.push({ component, name: `${name} taskmanager`, replicas: spec.taskManager?.replicas ?? Math.ceil(parallelism / slots), requests: tm, limits: tm, storage: [], zoneSpread: false });
        break;
      }
      default:
    }
  }
  return out.filter((w) => w.replicas > 0 || w.storage.length);
}

/** The tier of a tenant file's values (global.tier, default standard). */
export const tierOf = (values: { global?: { tier?: string } } | undefined): Tier => {
  const t = values?.global?.tier;
  return t === 'ha' || t === 'ultra-ha' ? t : 'standard';
};

/**
 * How many distinct zones a workload's replicas need under the tier: one for standard; for ha and ultra-ha as many
 * as it has replicas, up to three (a quorum of three survives the loss of one zone).
 */
export function zonesRequired(tier: Tier, w: Pick<Workload, 'replicas' | 'zoneSpread'>): number {
  if (w.replicas <= 1) return 1;
  if (tier === 'standard' && !w.zoneSpread) return 1;
  return Math.min(w.replicas, 3);
}

export interface Totals {
  requests: Resources;
  limits: Resources;
  storage: Record<string, number>;
  pods: number;
}

export function totals(workloads: readonly Workload[]): Totals {
  const t: Totals = { requests: zero(), limits: zero(), storage: {}, pods: 0 };
  for (const w of workloads) {
    t.pods += w.replicas;
    t.requests.cpu += w.requests.cpu * w.replicas;
    t.requests.memory += w.requests.memory * w.replicas;
    t.limits.cpu += w.limits.cpu * w.replicas;
    t.limits.memory += w.limits.memory * w.replicas;
    for (const s of w.storage) t.storage[s.storageClass] = (t.storage[s.storageClass] ?? 0) + s.bytes * Math.max(1, w.replicas);
  }
  return t;
}
