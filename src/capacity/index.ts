/**
 * Capacity: what tenants request (from their renders, ./demand.ts) against what a cluster has (allocatable minus
 * what its pods already request, per node and zone, ./fit.ts), or, offline, the nodes of one shape a fleet needs.
 * `capacity`, and `install`, `upgrade` and `dev up` before they install anything, use checkCapacity.
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { KubeObject } from '../kube-object.js';
import type { KubeApi } from '../kube/api.js';
import { totals, tierOf, workloadsOf, type TenantDemand, type Tier, type Totals, type Workload } from './demand.js';
import { fitTenants, formatCpu, formatMemory, nodesFrom, nodesNeeded, type FleetPlan, type NodeCapacity, type NodeShape, type TenantFit } from './fit.js';

export { podResources, totals, tierOf, workloadsOf, zonesRequired, type TenantDemand, type Tier, type Totals, type Workload, type Resources } from './demand.js';
export { fitTenants, formatCpu, formatMemory, nodesFrom, nodesNeeded, parseNodeShape, type FleetPlan, type NodeCapacity, type NodeShape, type Shortfall, type TenantFit } from './fit.js';

/** A tenant's rendered releases (as install renders them) and its file's values. */
export interface RenderedTenant {
  tenant: string;
  values: { global?: { tier?: string } } | undefined;
  releases: Array<{ name: string; objects: readonly KubeObject[] }>;
}

/** The component of a rendered object: its subchart (umbrella: `helm.sh/chart: logclaw-kafka-0.1.0` → kafka), else the release. */
function componentOf(release: string, o: KubeObject): string {
  const chart = o.metadata?.labels?.['helm.sh/chart'];
  const m = chart ? /^(?:logclaw-)?(.+?)-\d+\.\d+\.\d+.*$/.exec(chart) : undefined;
  return m && m[1] !== 'tenant' ? m[1]! : release.replace(/^logclaw-/, '');
}

export function demandOf(t: RenderedTenant): TenantDemand {
  const byComponent = new Map<string, KubeObject[]>();
  for (const r of t.releases) {
    for (const o of r.objects) {
      const c = componentOf(r.name, o);
      if (!byComponent.has(c)) byComponent.set(c, []);
      byComponent.get(c)!.push(o);
    }
  }
  const workloads: Workload[] = [];
  for (const [c, objs] of [...byComponent].sort(([a], [b]) => a.localeCompare(b))) workloads.push(...workloadsOf(c, objs));
  return { tenant: t.tenant, tier: tierOf(t.values), workloads };
}

export interface ClusterState {
  context: string;
  nodes: NodeCapacity[];
  /** Storage classes the cluster has, and its default. */
  storageClasses: string[];
  defaultStorageClass?: string;
  /** kind: the docker engine's memory, which all kind nodes share (as `doctor` reads it). */
  dockerMemory?: number;
}

/**
 * Nodes with what is already requested on them; the pods of `exclude` namespaces are left out (a tenant being
 * upgraded gives its own pods' requests back: the check fits its new render in their place).
 */
export async function readCluster(api: KubeApi, context: string, o: { exclude?: string[]; signal?: AbortSignal } = {}): Promise<ClusterState> {
  const [nodes, pods, classes] = await Promise.all([
    api.list({ apiVersion: 'v1', kind: 'Node' }, { signal: o.signal }).then((r) => r.items),
    api.list({ apiVersion: 'v1', kind: 'Pod' }, { signal: o.signal, fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }).then((r) => r.items),
    api.list({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' }, { signal: o.signal }).then((r) => r.items).catch(() => [] as KubeObject[]),
  ]);
  const exclude = new Set(o.exclude ?? []);
  const def = classes.find((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  return {
    context,
    nodes: nodesFrom(nodes, pods.filter((p) => !exclude.has(p.metadata?.namespace ?? ''))),
    storageClasses: classes.map((c) => c.metadata!.name!).sort(),
    defaultStorageClass: def?.metadata?.name,
  };
}

export interface TenantCapacity {
  tenant: string;
  tier: Tier;
  workloads: Workload[];
  totals: Totals;
}

export interface CapacityReport {
  tenants: TenantCapacity[];
  /** Against a cluster. */
  cluster?: { context: string; nodes: NodeCapacity[]; dockerMemory?: number };
  fit?: TenantFit[];
  /** Storage classes the renders name that the cluster does not have. */
  missingStorageClasses?: Array<{ tenant: string; storageClass: string }>;
  /** Offline, for --node-shape. */
  fleet?: FleetPlan;
  fits: boolean;
}

/** The report for these tenants: against the cluster when one is given, else the nodes of `shape` they need. */
export function checkCapacity(demands: TenantDemand[], o: { cluster?: ClusterState; shape?: NodeShape }): CapacityReport {
  const tenants = demands.map((d) => ({ tenant: d.tenant, tier: d.tier, workloads: d.workloads, totals: totals(d.workloads) }));
  const report: CapacityReport = { tenants, fits: true };
  if (o.cluster) {
    const nodes = o.cluster.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable }, requested: { ...n.requested } }));
    const before = nodes.map((n) => ({ ...n, requested: { ...n.requested } }));
    const fit = fitTenants(demands, nodes);
    if (o.cluster.dockerMemory) dockerFit(fit, demands, before, o.cluster.dockerMemory);
    const missing: Array<{ tenant: string; storageClass: string }> = [];
    for (const t of tenants) {
      for (const sc of Object.keys(t.totals.storage)) {
        const name = sc || o.cluster.defaultStorageClass;
        if (!name || !o.cluster.storageClasses.includes(name)) missing.push({ tenant: t.tenant, storageClass: sc || '(default)' });
      }
    }
    for (const m of missing) {
      const f = fit.find((x) => x.tenant === m.tenant)!;
      f.fits = false;
      f.shortfalls.push({ tenant: m.tenant, workload: '', component: '', zone: '', resources: [], reason: 'resources', message: `storage: the cluster has no StorageClass ${m.storageClass === '(default)' ? 'marked default' : m.storageClass} (it has ${o.cluster.storageClasses.join(', ') || 'none'}); its volumes would stay Pending` });
    }
    report.cluster = { context: o.cluster.context, nodes: before, dockerMemory: o.cluster.dockerMemory };
    report.fit = fit;
    report.missingStorageClasses = missing;
    report.fits = fit.every((f) => f.fits);
  }
  if (o.shape) {
    report.fleet = nodesNeeded(demands, o.shape);
    if (report.fleet.tooLarge.length) report.fits = false;
  }
  return report;
}

/** kind: every node reports the host's memory, but all share docker's: the sum of requests must fit in it. */
function dockerFit(fit: TenantFit[], demands: TenantDemand[], nodes: NodeCapacity[], dockerMemory: number): void {
  let used = nodes.reduce((s, n) => s + n.requested.memory, 0);
  for (const d of demands) {
    const need = totals(d.workloads).requests.memory;
    const f = fit.find((x) => x.tenant === d.tenant)!;
    if (used + need > dockerMemory) {
      f.fits = false;
      f.shortfalls.push({
        tenant: d.tenant,
        workload: '',
        component: '',
        zone: '',
        resources: [{ resource: 'memory', needed: need, largestFree: Math.max(0, dockerMemory - used), short: used + need - dockerMemory }],
        reason: 'resources',
        message: `memory: docker's engine has ${formatMemory(dockerMemory)} (as doctor reads it) for every kind node; ${formatMemory(used)} is requested already and tenant ${d.tenant} requests ${formatMemory(need)}: short by ${formatMemory(used + need - dockerMemory)}`,
      });
    }
    used += need;
  }
}

/** The error install, upgrade and dev up stop with (exit 1) when a tenant does not fit. */
export function capacityError(report: CapacityReport, command: string, tenant: string, context: string): LogclawError | undefined {
  if (report.fits) return undefined;
  const f = report.fit?.find((x) => !x.fits);
  const shortfalls = f?.shortfalls ?? [];
  return new LogclawError(`${command} refused: tenant ${tenant} does not fit on ${context} (${shortfalls.length} shortfall${shortfalls.length === 1 ? '' : 's'}); nothing was installed`, {
    exitCode: ExitCode.checkFailed,
    details: shortfalls.map((s) => `  ${s.message}`),
    hint: `See \`logclaw capacity --tenant ${tenant} --kube-context ${context}\`; add nodes (or zones), lower the tier or the replicas, or re-run with --skip-capacity-check.`,
  });
}

/** Lines for people: per tenant its workloads, totals and, against a cluster, whether it fits and what is short. */
export function formatCapacity(r: CapacityReport, table: (rows: Array<Record<string, unknown>>, cols: Array<[string, string]>) => string): string {
  const out: string[] = [];
  const res = (req: number, lim: number, f: (n: number) => string) => `${f(req)}/${f(lim)}`;
  const storage = (s: Record<string, number>) => Object.entries(s).map(([c, b]) => `${formatMemory(b)}${c ? ` ${c}` : ''}`).join(', ') || '-';
  for (const t of r.tenants) {
    out.push(`tenant ${t.tenant} (tier ${t.tier}): ${t.totals.pods} pods, CPU ${res(t.totals.requests.cpu, t.totals.limits.cpu, formatCpu)}, memory ${res(t.totals.requests.memory, t.totals.limits.memory, formatMemory)} (requests/limits), storage ${storage(t.totals.storage)}`);
    out.push(
      table(
        t.workloads.map((w) => ({
          component: w.component,
          workload: w.name,
          replicas: w.replicas,
          cpu: res(w.requests.cpu, w.limits.cpu, formatCpu),
          memory: res(w.requests.memory, w.limits.memory, formatMemory),
          storage: storage(Object.fromEntries(w.storage.map((s) => [s.storageClass, s.bytes]))),
          zones: w.zoneSpread ? 'spread' : '-',
        })),
        [['component', 'COMPONENT'], ['workload', 'WORKLOAD'], ['replicas', 'REPLICAS'], ['cpu', 'CPU REQ/LIM'], ['memory', 'MEMORY REQ/LIM'], ['storage', 'STORAGE/REPLICA'], ['zones', 'ZONES']],
      ),
      '',
    );
  }
  if (r.cluster) {
    out.push(`cluster ${r.cluster.context}: ${r.cluster.nodes.length} schedulable node(s) in ${new Set(r.cluster.nodes.map((n) => n.zone)).size} zone(s)${r.cluster.dockerMemory ? `; docker memory ${formatMemory(r.cluster.dockerMemory)}` : ''}`);
    out.push(
      table(
        r.cluster.nodes.map((n) => ({
          node: n.name,
          zone: n.zone || '-',
          cpu: `${formatCpu(n.requested.cpu)}/${formatCpu(n.allocatable.cpu)}`,
          memory: `${formatMemory(n.requested.memory)}/${formatMemory(n.allocatable.memory)}`,
          pods: `${n.requested.pods}/${n.allocatable.pods}`,
        })),
        [['node', 'NODE'], ['zone', 'ZONE'], ['cpu', 'CPU REQUESTED/ALLOCATABLE'], ['memory', 'MEMORY REQUESTED/ALLOCATABLE'], ['pods', 'PODS']],
      ),
      '',
    );
    for (const f of r.fit ?? []) {
      out.push(f.fits ? `✓ ${f.tenant} fits (tier ${f.tier}: ${f.zones.required} zone(s) needed, ${f.zones.available.length} available)` : `✗ ${f.tenant} does not fit (tier ${f.tier}: ${f.zones.required} zone(s) needed, ${f.zones.available.length} available: ${f.zones.available.join(', ') || 'none'})`);
      for (const s of f.shortfalls) out.push(`    ${s.message}`);
    }
  }
  if (r.fleet) {
    const z = Object.entries(r.fleet.zones).map(([k, v]) => `${v} in ${k}`).join(', ');
    out.push(`nodes of ${formatCpu(r.fleet.shape.cpu)} CPU / ${formatMemory(r.fleet.shape.memory)}: ${r.fleet.nodes} needed (${z})`);
    for (const t of r.fleet.tooLarge) out.push(`    ✗ ${t}`);
  }
  return out.join('\n');
}
