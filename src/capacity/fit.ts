/**
 * Whether tenants fit a cluster: every pod placed on a node whose allocatable minus what is already requested
 * holds its requests (CPU, memory, pod count), replicas of a workload spread over the zones its tier requires
 * (maxSkew 1 between those zones, as the charts' topology spread asks); where a pod finds no node, the shortfall
 * by resource and zone. Offline, the same placement over nodes of one shape says how many nodes a fleet needs.
 */
import type { KubeObject } from '../kube-object.js';
import { parseQuantity } from '../safety/quantity.js';
import { zonesRequired, type Resources, type TenantDemand, type Workload } from './demand.js';

export interface NodeCapacity {
  name: string;
  zone: string;
  allocatable: Resources & { pods: number };
  /** Requested by the pods already on the node (and by pods placed by this check). */
  requested: Resources & { pods: number };
}

export interface Shortfall {
  tenant: string;
  workload: string;
  component: string;
  /** The zone the pod had to go to (spread), or '' when any zone would do. */
  zone: string;
  /** Which resources no node had enough of, with how much is missing on the best node. */
  resources: Array<{ resource: 'cpu' | 'memory' | 'pods'; needed: number; largestFree: number; short: number }>;
  reason: 'resources' | 'zones';
  message: string;
}

export interface TenantFit {
  tenant: string;
  tier: TenantDemand['tier'];
  fits: boolean;
  shortfalls: Shortfall[];
  /** Zones with schedulable nodes vs the most any workload needs. */
  zones: { available: string[]; required: number };
}

const GiB = 1024 ** 3;
export const formatMemory = (b: number): string => (b >= GiB ? `${+(b / GiB).toFixed(2)}Gi` : `${Math.round(b / 1024 ** 2)}Mi`);
export const formatCpu = (c: number): string => (Number.isInteger(c) ? String(c) : c < 1 ? `${Math.round(c * 1000)}m` : String(+c.toFixed(2)));

const free = (n: NodeCapacity) => ({ cpu: n.allocatable.cpu - n.requested.cpu, memory: n.allocatable.memory - n.requested.memory, pods: n.allocatable.pods - n.requested.pods });
const fitsOn = (n: NodeCapacity, r: Resources) => {
  const f = free(n);
  return f.cpu + 1e-9 >= r.cpu && f.memory >= r.memory && f.pods >= 1;
};

/** Schedulable nodes (Ready, not cordoned, no NoSchedule/NoExecute taint) with what their pods already request. */
export function nodesFrom(nodes: KubeObject[], pods: KubeObject[]): NodeCapacity[] {
  const out = new Map<string, NodeCapacity>();
  for (const n of nodes) {
    const ready = ((n.status?.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === 'Ready' && c.status === 'True');
    const tainted = ((n.spec?.taints ?? []) as Array<{ effect?: string }>).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    if (!ready || tainted || n.spec?.unschedulable) continue;
    const a = n.status?.allocatable ?? {};
    out.set(n.metadata!.name!, {
      name: n.metadata!.name!,
      zone: n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? '',
      allocatable: { cpu: parseQuantity(a.cpu) ?? 0, memory: parseQuantity(a.memory) ?? 0, pods: parseQuantity(a.pods) ?? 110 },
      requested: { cpu: 0, memory: 0, pods: 0 },
    });
  }
  for (const p of pods) {
    const node = out.get(p.spec?.nodeName ?? '');
    if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const containers = (p.spec?.containers ?? []) as Array<{ resources?: { requests?: Record<string, unknown> } }>;
    const inits = (p.spec?.initContainers ?? []) as typeof containers;
    const req = (k: 'cpu' | 'memory') => Math.max(containers.reduce((s, c) => s + (parseQuantity(c.resources?.requests?.[k]) ?? 0), 0), ...inits.map((c) => parseQuantity(c.resources?.requests?.[k]) ?? 0));
    node.requested.cpu += req('cpu');
    node.requested.memory += req('memory');
    node.requested.pods += 1;
  }
  return [...out.values()].sort((a, b) => a.zone.localeCompare(b.zone) || a.name.localeCompare(b.name));
}

/** Best fit: the node with the least memory left that still holds the pod. */
function pick(nodes: NodeCapacity[], r: Resources): NodeCapacity | undefined {
  return nodes.filter((n) => fitsOn(n, r)).sort((a, b) => free(a).memory - free(b).memory || free(a).cpu - free(b).cpu)[0];
}

function place(n: NodeCapacity, r: Resources): void {
  n.requested.cpu += r.cpu;
  n.requested.memory += r.memory;
  n.requested.pods += 1;
}

function shortOf(tenant: string, w: Workload, zone: string, candidates: NodeCapacity[]): Shortfall {
  const best = (k: 'cpu' | 'memory' | 'pods') => Math.max(0, ...candidates.map((n) => free(n)[k]));
  const needed = { cpu: w.requests.cpu, memory: w.requests.memory, pods: 1 };
  const resources = (['cpu', 'memory', 'pods'] as const)
    .filter((k) => best(k) + (k === 'cpu' ? 1e-9 : 0) < needed[k])
    .map((k) => ({ resource: k, needed: needed[k], largestFree: best(k), short: needed[k] - best(k) }));
  // a pod may fail with each resource fitting on some node, none holding all: name what the roomiest node lacks
  if (!resources.length) {
    const roomiest = [...candidates].sort((a, b) => free(b).memory - free(a).memory)[0];
    if (roomiest) {
      const f = free(roomiest);
      for (const k of ['cpu', 'memory', 'pods'] as const) if (f[k] < needed[k]) resources.push({ resource: k, needed: needed[k], largestFree: f[k], short: needed[k] - f[k] });
    }
  }
  const fmt = (k: string, v: number) => (k === 'memory' ? formatMemory(v) : k === 'cpu' ? `${formatCpu(v)} CPU` : `${v} pod(s)`);
  const where = zone ? `on a node in zone ${zone}` : 'on any node';
  const message = `${w.component}: ${w.name} needs ${formatCpu(w.requests.cpu)} CPU and ${formatMemory(w.requests.memory)} per pod; ${resources.map((r) => `${r.resource} short by ${fmt(r.resource, r.short)} (at most ${fmt(r.resource, r.largestFree)} free ${where})`).join(', ') || (zone ? `no schedulable node in zone ${zone}` : 'no schedulable node')}`;
  return { tenant, workload: w.name, component: w.component, zone, resources, reason: 'resources', message };
}

/**
 * Place the tenants' pods on the nodes, one tenant after the other (the nodes keep what earlier tenants took):
 * a workload needing k zones places its replicas round-robin over the k zones with the most room, never more than
 * one replica ahead in any of them.
 */
export function fitTenants(demands: readonly TenantDemand[], nodes: NodeCapacity[]): TenantFit[] {
  const zones = [...new Set(nodes.map((n) => n.zone))].sort();
  return demands.map((d) => {
    const shortfalls: Shortfall[] = [];
    let required = 1;
    const order = [...d.workloads].filter((w) => w.replicas > 0).sort((a, b) => b.requests.memory - a.requests.memory || b.requests.cpu - a.requests.cpu);
    for (const w of order) {
      const k = zonesRequired(d.tier, w);
      required = Math.max(required, k);
      if (k > 1 && zones.length < k) {
        shortfalls.push({
          tenant: d.tenant,
          workload: w.name,
          component: w.component,
          zone: '',
          resources: [],
          reason: 'zones',
          message: `${w.component}: ${w.name} (${w.replicas} replicas, tier ${d.tier}) needs ${k} zones; the cluster's schedulable nodes are in ${zones.length} (${zones.join(', ') || 'none'})`,
        });
        continue;
      }
      if (k === 1) {
        for (let i = 0; i < w.replicas; i++) {
          const n = pick(nodes, w.requests);
          if (n) place(n, w.requests);
          else shortfalls.push(shortOf(d.tenant, w, '', nodes));
        }
        continue;
      }
      // a topology spread counts every zone (the scheduler keeps the skew over all of them); a tier's requirement
      // alone (operator-made pods) the k zones with the most free memory
      const room = (z: string) => nodes.filter((n) => n.zone === z).reduce((s, n) => s + Math.max(0, free(n).memory), 0);
      const chosen = w.zoneSpread ? zones : [...zones].sort((a, b) => room(b) - room(a)).slice(0, k);
      const count = new Map(chosen.map((z) => [z, 0]));
      for (let i = 0; i < w.replicas; i++) {
        const min = Math.min(...count.values());
        const eligible = chosen.filter((z) => count.get(z) === min);
        let placed = false;
        for (const z of eligible) {
          const n = pick(nodes.filter((x) => x.zone === z), w.requests);
          if (n) {
            place(n, w.requests);
            count.set(z, count.get(z)! + 1);
            placed = true;
            break;
          }
        }
        if (!placed) {
          const z = eligible[0]!;
          shortfalls.push(shortOf(d.tenant, w, z, nodes.filter((x) => x.zone === z)));
          count.set(z, count.get(z)! + 1);
        }
      }
    }
    return { tenant: d.tenant, tier: d.tier, fits: !shortfalls.length, shortfalls, zones: { available: zones, required } };
  });
}

export interface NodeShape {
  cpu: number;
  memory: number;
  pods: number;
}

/** "8,32Gi" (CPU, memory; optionally ",110" pods). */
export function parseNodeShape(text: string): NodeShape | undefined {
  const [cpu, memory, pods] = text.split(',').map((s) => s.trim());
  const c = parseQuantity(cpu);
  const m = parseQuantity(memory);
  const p = pods === undefined ? 110 : parseQuantity(pods);
  if (!c || !m || !p || c <= 0 || m <= 0) return undefined;
  return { cpu: c, memory: m, pods: p };
}

export interface FleetPlan {
  shape: NodeShape;
  /** Nodes per zone. */
  zones: Record<string, number>;
  nodes: number;
  /** Pods larger than one node of the shape. */
  tooLarge: string[];
}

/** The nodes of one shape a fleet needs: as few as the placement above packs them on, over the zones the tiers need. */
export function nodesNeeded(demands: readonly TenantDemand[], shape: NodeShape): FleetPlan {
  const zoneCount = Math.max(1, ...demands.flatMap((d) => d.workloads.map((w) => zonesRequired(d.tier, w))));
  const zones = Array.from({ length: zoneCount }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
  const nodes: NodeCapacity[] = [];
  const add = (zone: string) => {
    const n: NodeCapacity = { name: `node-${nodes.length + 1}`, zone, allocatable: { ...shape }, requested: { cpu: 0, memory: 0, pods: 0 } };
    nodes.push(n);
    return n;
  };
  for (const z of zones) add(z);
  const tooLarge: string[] = [];
  for (const d of demands) {
    const order = [...d.workloads].filter((w) => w.replicas > 0).sort((a, b) => b.requests.memory - a.requests.memory || b.requests.cpu - a.requests.cpu);
    for (const w of order) {
      if (w.requests.cpu > shape.cpu || w.requests.memory > shape.memory) {
        tooLarge.push(`${d.tenant}: ${w.component} ${w.name} needs ${formatCpu(w.requests.cpu)} CPU and ${formatMemory(w.requests.memory)} per pod, more than a node of ${formatCpu(shape.cpu)} CPU / ${formatMemory(shape.memory)}`);
        continue;
      }
      const k = zonesRequired(d.tier, w);
      for (let i = 0; i < w.replicas; i++) {
        const z = k > 1 ? zones[i % k]! : undefined;
        const pool = z ? nodes.filter((n) => n.zone === z) : nodes;
        const n = pick(pool, w.requests) ?? add(z ?? zones[nodes.length % zones.length]!);
        place(n, w.requests);
      }
    }
  }
  const perZone: Record<string, number> = {};
  for (const n of nodes) perZone[n.zone] = (perZone[n.zone] ?? 0) + 1;
  return { shape, zones: perZone, nodes: nodes.length, tooLarge };
}
