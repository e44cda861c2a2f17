/**
 * The capacity check `install`, `upgrade` and `dev up` run before they install anything: the tenant rendered as
 * they install it (the plan's releases, --only included), its requests placed on the cluster's nodes (its own pods
 * left out: an installed tenant's pods make room for their replacements), and on kind docker's memory as `doctor`
 * reads it. A tenant that does not fit stops the command with exit 1 naming the shortfall.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { capacityError, checkCapacity, demandOf, readCluster, totals, type CapacityReport, type TenantDemand } from '../capacity/index.js';
import type { LogclawError } from '../errors.js';
import type { KubeApi } from '../kube/api.js';
import type { KubeObject } from '../kube-object.js';
import { tenantFile, tenantNamespace } from '../render/index.js';
import type { LoadedRelease } from '../plan/load.js';
import type { Helm } from '../tools/helm.js';
import { manifestObjects } from '../kube/helm-release.js';
import { tenantReleases } from '../status/index.js';

const tenantValues = (root: string, tenant: string) => (parse(readFileSync(tenantFile(root, tenant), 'utf8')) ?? {}) as { global?: { tier?: string } };

/** The plan's rendered releases (install and dev up render them anyway) against the cluster. */
export async function planCapacity(o: {
  root: string;
  tenant: string;
  context: string;
  api: KubeApi;
  releases: LoadedRelease[];
  rendered: Map<string, KubeObject[]>;
  dockerMemory?: number;
  signal?: AbortSignal;
}): Promise<CapacityReport> {
  const demand = demandOf({ tenant: o.tenant, values: tenantValues(o.root, o.tenant), releases: o.releases.map((r) => ({ name: r.name, objects: o.rendered.get(r.id) ?? [] })) });
  const cluster = await readCluster(o.api, o.context, { exclude: [tenantNamespace(o.tenant)], signal: o.signal });
  return checkCapacity([demand], { cluster: { ...cluster, dockerMemory: o.dockerMemory } });
}

/** Stop (the error to throw) when the tenant does not fit; undefined when it does. */
export const refusal = (r: CapacityReport, command: string, tenant: string, context: string): LogclawError | undefined => capacityError(r, command, tenant, context);

/** A one-line summary of a check that passed. */
export function fitSummary(r: CapacityReport): string {
  const t = r.tenants[0]!;
  const nodes = r.cluster?.nodes.length ?? 0;
  const zones = new Set(r.cluster?.nodes.map((n) => n.zone)).size;
  return `fits: ${t.totals.pods} pod(s), ${+t.totals.requests.cpu.toFixed(2)} CPU and ${+(t.totals.requests.memory / 1024 ** 3).toFixed(2)} GiB requested, on ${nodes} node(s) in ${zones} zone(s)`;
}

/** Does the new demand ask for more than the installed one (a workload with more replicas or larger requests, or a new one)? */
export function grows(next: TenantDemand, installed: TenantDemand): boolean {
  const key = (w: { component: string; name: string }) => `${w.component}|${w.name}`;
  const before = new Map(installed.workloads.map((w) => [key(w), w]));
  return next.workloads.some((w) => {
    const b = before.get(key(w));
    if (!b) return w.replicas > 0;
    return w.replicas > b.replicas || w.requests.cpu > b.requests.cpu + 1e-9 || w.requests.memory > b.requests.memory;
  }) || totals(next.workloads).pods > totals(installed.workloads).pods;
}

/**
 * For `upgrade`: when the new render asks for more than the installed releases (replicas or requests grow), the
 * same check as install; undefined when nothing grows or the tenant fits.
 */
export async function upgradeCapacity(o: { root: string; tenant: string; context: string; api: KubeApi; helm: Helm; signal?: AbortSignal }): Promise<{ report?: CapacityReport; error?: LogclawError }> {
  const { clusterCapabilities } = await import('../diff/capabilities.js');
  const { renderForInstall } = await import('../diff/index.js');
  const ns = tenantNamespace(o.tenant);
  const rendered = await renderForInstall({ root: o.root, tenantId: o.tenant, helm: o.helm, signal: o.signal }, await clusterCapabilities(o.api, o.signal));
  const next = demandOf({ tenant: o.tenant, values: rendered.values as never, releases: rendered.releases });
  const state = await tenantReleases(o.api, ns, o.signal);
  const installed = demandOf({ tenant: o.tenant, values: rendered.values as never, releases: state.releases.map((r) => ({ name: r.name, objects: manifestObjects(r.manifest) })) });
  if (!grows(next, installed)) return {};
  const cluster = await readCluster(o.api, o.context, { exclude: [ns], signal: o.signal });
  const report = checkCapacity([next], { cluster });
  return { report, error: capacityError(report, 'upgrade', o.tenant, o.context) };
}
