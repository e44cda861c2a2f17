/**
 * A tenant as it is in the cluster: its helm releases (from helm's storage) and one row per component with the
 * worst verdict of the objects it runs (`status`, verify's components step). Uninstalling is src/lifecycle/uninstall.ts.
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { KubeObject, ReadinessStatus } from '../readiness/types.js';
import { verdict } from '../readiness/verdict.js';
import { awaitRefs } from '../readiness/awaited.js';
import { isNotFound, type KubeApi } from '../kube/api.js';
import { decodeRelease, manifestObjects, type HelmRelease } from '../kube/helm-release.js';
import { watchChanges, type Informer, type WatchHub } from '../kube/watch.js';
import type { AwaitRef } from '../readiness/wait.js';
import { refName } from '../readiness/wait.js';

export interface ComponentRow {
  component: string;
  release: string;
  status: ReadinessStatus | 'missing';
  message: string;
  /** Seconds since the release's current revision was installed. */
  ageSeconds: number;
  revision: number;
  helmStatus: string;
  objects: number;
}

export interface TenantReleases {
  namespace: string;
  releases: Array<HelmRelease & { installedAt: number; refs: AwaitRef[] }>;
}

const rank: Record<string, number> = { failed: 0, missing: 1, progressing: 2, ready: 3 };

/** The latest revision of every helm release in the namespace, with the objects to judge it by. */
export async function tenantReleases(api: KubeApi, namespace: string, signal?: AbortSignal): Promise<TenantReleases> {
  let items: KubeObject[];
  try {
    items = (await api.list({ apiVersion: 'v1', kind: 'Secret', namespace }, { labelSelector: 'owner=helm', signal })).items;
  } catch (e) {
    if (isNotFound(e)) items = [];
    else throw e;
  }
  const latest = new Map<string, KubeObject>();
  for (const s of items) {
    const name = s.metadata?.labels?.name ?? '';
    const rev = Number(s.metadata?.labels?.version ?? 0);
    const cur = latest.get(name);
    if (!cur || Number(cur.metadata?.labels?.version ?? 0) < rev) latest.set(name, s);
  }
  const releases: TenantReleases['releases'] = [];
  for (const [name, s] of latest) {
    const data = (s as KubeObject & { data?: { release?: string } }).data?.release;
    const j = data ? decodeRelease(data) : {};
    const manifest = j.manifest ?? '';
    releases.push({
      name,
      namespace,
      revision: Number(s.metadata?.labels?.version ?? 0),
      status: s.metadata?.labels?.status ?? 'unknown',
      secretName: s.metadata!.name!,
      labels: s.metadata?.labels ?? {},
      manifest,
      chart: j.chart?.metadata?.name,
      chartVersion: j.chart?.metadata?.version,
      installedAt: Date.parse(s.metadata?.creationTimestamp ?? '') || Date.now(),
      refs: await awaitRefs(api, manifestObjects(manifest), namespace),
    });
  }
  releases.sort((a, b) => a.name.localeCompare(b.name));
  return { namespace, releases };
}

/** The component a release is: its name without the logclaw- or tenant prefix (acme-kafka → kafka). */
export const componentOf = (r: { name: string; namespace?: string }): string => {
  const tenant = r.namespace?.replace(/^logclaw-/, '');
  return r.name.replace(/^logclaw-/, '').replace(tenant ? new RegExp(`^${tenant.replace(/[-.]/g, '\\$&')}-`) : /^$/, '') || r.name;
};

/** Rows from a lookup of the current objects (an informer cache or a one-off list). */
export function rowsFrom(state: TenantReleases, lookup: (ref: AwaitRef) => KubeObject | undefined, now = Date.now()): ComponentRow[] {
  return state.releases.map((r) => {
    let worst: { status: ReadinessStatus | 'missing'; message: string } = { status: 'ready', message: `${r.refs.length} object(s) ready` };
    if (r.status !== 'deployed') worst = { status: r.status.startsWith('pending') ? 'progressing' : 'failed', message: `helm release ${r.status}` };
    else {
      for (const ref of r.refs) {
        const obj = lookup(ref);
        const v = obj ? verdict(obj) : ref.kind === 'Job' ? { status: 'ready' as const, message: 'completed (removed)' } : { status: 'missing' as const, message: 'not found' };
        if (rank[v.status]! < rank[worst.status]!) worst = { status: v.status, message: `${refName(ref)}: ${v.message}` };
      }
    }
    return {
      component: componentOf(r),
      release: r.name,
      status: worst.status,
      message: worst.message,
      ageSeconds: Math.max(0, Math.round((now - r.installedAt) / 1000)),
      revision: r.revision,
      helmStatus: r.status,
      objects: r.refs.length,
    };
  });
}

/** Shared informers for every (kind, namespace) the releases use; resolves when all have listed once. */
export async function informersFor(hub: WatchHub, state: TenantReleases): Promise<Map<string, Informer>> {
  const infs = new Map<string, Informer>();
  for (const r of state.releases) {
    for (const ref of r.refs) {
      const key = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`;
      if (!infs.has(key)) infs.set(key, hub.informer(ref.apiVersion, ref.kind, ref.namespace));
    }
  }
  const unsub = [...infs.values()].map((i) => i.subscribe(() => undefined));
  await Promise.all([...infs.values()].map((i) => Promise.race([i.synced, new Promise((r) => setTimeout(r, 15_000))])));
  for (const u of unsub) u();
  return infs;
}

export const lookupIn = (infs: Map<string, Informer>) => (ref: AwaitRef) => infs.get(`${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`)?.get(ref.name);

/** Rows with one list per (kind, namespace) (no watch). */
export async function tenantStatus(api: KubeApi, namespace: string, signal?: AbortSignal): Promise<{ state: TenantReleases; rows: ComponentRow[] }> {
  const state = await tenantReleases(api, namespace, signal);
  const cache = new Map<string, Map<string, KubeObject>>();
  for (const r of state.releases) {
    for (const ref of r.refs) {
      const key = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`;
      if (cache.has(key)) continue;
      const items = await api.list({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace }, { signal }).then((x) => x.items).catch((e) => (isNotFound(e) ? [] : Promise.reject(e)));
      cache.set(key, new Map(items.map((i) => [i.metadata!.name!, i])));
    }
  }
  return { state, rows: rowsFrom(state, (ref) => cache.get(`${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`)?.get(ref.name)) };
}

/**
 * `status --watch`: the rows of a tenant's components from shared informers, handed to `onChange` whenever a
 * component's verdict or message changes, until the signal aborts.
 */
export async function watchTenantStatus(o: { api: KubeApi; hub: WatchHub; namespace: string; context: string; signal: AbortSignal; onChange: (rows: ComponentRow[]) => void }): Promise<void> {
  const releases = await tenantReleases(o.api, o.namespace, o.signal);
  if (!releases.releases.length) throw noTenant(o.namespace, o.context);
  const infs = await informersFor(o.hub, releases);
  const lookup = lookupIn(infs);
  await watchChanges({
    read: () => rowsFrom(releases, lookup),
    key: (rows) => JSON.stringify(rows.map((r) => [r.component, r.status, r.message])),
    onChange: o.onChange,
    wake: (again) => {
      const unsubscribe = [...infs.values()].map((i) => i.subscribe(() => setImmediate(again)));
      return () => unsubscribe.forEach((u) => u());
    },
    signal: o.signal,
  });
}

/** Exit code for a status: 0 all ready, 4 something not ready, 1 something failed. */
export function statusExitCode(rows: ComponentRow[]): number {
  if (rows.some((r) => r.status === 'failed')) return ExitCode.checkFailed;
  if (rows.some((r) => r.status !== 'ready')) return ExitCode.timeout;
  return ExitCode.ok;
}

export function noTenant(namespace: string, context: string): LogclawError {
  return new LogclawError(`no LogClaw releases in namespace ${namespace} (context ${context})`, {
    exitCode: ExitCode.checkFailed,
    hint: 'Install it with `logclaw install` (or `logclaw dev up` locally).',
  });
}
