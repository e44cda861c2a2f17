/**
 * `logclaw diff`: what installing a tenant's current file would change in the cluster.
 *
 * 1. render the tenant as install does (the umbrella chart, release and namespace `logclaw-<tenantId>`, the
 *    tenant file as values), against the cluster's capabilities;
 * 2. for every rendered object, a server-side dry-run apply (live.ts) predicts the object after the upgrade;
 *    objects of the installed release that the new render no longer has are deleted by the upgrade;
 * 3. each change is classified by src/safety; the result carries one unified diff per object.
 *
 * Core only: returns data, prints nothing. Used by `diff` and `upgrade`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isNotFound, type KubeApi } from '../cluster/api.js';
import { currentRelease, decodeRelease, manifestObjects, releaseRevisions } from '../cluster/helm-release.js';
import { ensureDependencies } from '../charts/index.js';
import { releaseName, renderChart, requireTenantFile, tenantNamespace, umbrellaDir } from '../render/index.js';
import { assess, type FullAssessment } from '../safety/index.js';
import { objectKey, objectRef, type KubeObject } from '../safety/objects.js';
import type { TenantValues, Verdict } from '../safety/types.js';
import type { Helm } from '../tools/helm.js';
import { clusterCapabilities, type Capabilities } from './capabilities.js';
import { isNamespaced, predict } from './live.js';
import { maskSecretPair, stripServerFields, toYaml } from './normalize.js';
import { unifiedDiff } from './unified.js';

export type Action = 'create' | 'update' | 'delete' | 'unchanged';

export interface ObjectDiff {
  /** `Kind namespace/name` */
  ref: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  release: string;
  action: Action;
  verdict: Verdict;
  /** Unified diff of the object's YAML (Secret values masked unless showSecrets). */
  diff: string;
  /** The API server refused the update in the dry run (immutable field); the diff is a client-side preview. */
  serverError?: string;
  /** The cluster does not serve this kind yet (its operator's CRD is missing). */
  notServed?: boolean;
}

export interface ReleaseDiff {
  /** namespace/name */
  id: string;
  name: string;
  namespace: string;
  installed: boolean;
  revision?: number;
  changed: boolean;
  chartDir: string;
  valuesFiles: string[];
  /** Hooks the upgrade runs (not diffed: helm creates them fresh every time). */
  hooks: string[];
}

export interface TenantDiff {
  tenantId: string;
  namespace: string;
  context: string;
  kubeVersion: string;
  releases: ReleaseDiff[];
  /** Every object with a change (unchanged ones are only counted). */
  objects: ObjectDiff[];
  summary: { create: number; update: number; delete: number; unchanged: number };
  changed: boolean;
  assessment: FullAssessment;
  /** Predicted objects of changed StatefulSets by `StatefulSet/namespace/name` (not serialised: may hold secrets of other kinds later). */
  predicted?: Map<string, KubeObject>;
}

export interface DiffOptions {
  root: string;
  tenantId: string;
  api: KubeApi;
  helm: Helm;
  context: string;
  showSecrets?: boolean;
  signal?: AbortSignal;
  /** Called as phases start (progress on stderr). */
  onPhase?: (text: string) => void;
}

interface DesiredRelease {
  name: string;
  namespace: string;
  chartDir: string;
  valuesFiles: string[];
  values: TenantValues;
  objects: KubeObject[];
  hooks: KubeObject[];
}

const asKube = (o: unknown): KubeObject => o as KubeObject;

/** Render the tenant the way install does. */
async function renderTenant(o: DiffOptions, caps: Capabilities): Promise<DesiredRelease[]> {
  const file = requireTenantFile(o.root, o.tenantId);
  const values = (parse(readFileSync(file, 'utf8')) ?? {}) as TenantValues;
  const chartDir = umbrellaDir(o.root);
  await ensureDependencies(chartDir, o.helm);
  const name = releaseName(o.tenantId);
  const namespace = tenantNamespace(o.tenantId);
  const r = await renderChart({
    helm: o.helm,
    root: o.root,
    chartDir,
    release: name,
    namespace,
    valuesFiles: [file],
    kubeVersion: caps.kubeVersion,
    apiVersions: caps.apiVersions,
    signal: o.signal,
  });
  const objects: KubeObject[] = [];
  const hooks: KubeObject[] = [];
  for (const ro of r.objects) {
    const obj = asKube(ro.obj);
    if (obj.metadata.annotations?.['helm.sh/hook']) hooks.push(obj);
    else objects.push(obj);
  }
  return [{ name, namespace, chartDir, valuesFiles: [file], values, objects, hooks }];
}

async function withNamespace(api: KubeApi, o: KubeObject, namespace: string): Promise<KubeObject> {
  if (o.metadata.namespace || !(await isNamespaced(api, o))) return o;
  return { ...o, metadata: { ...o.metadata, namespace } };
}

/** What helm (3 and 4) adds to every object it installs: the release annotations and the managed-by label. */
function asHelmApplies(o: KubeObject, release: string, namespace: string): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      labels: { ...o.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { ...o.metadata.annotations, 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace },
    },
  };
}

/** The values the installed release was given (helm's `config`), when it is installed. */
async function installedValues(api: KubeApi, namespace: string, name: string, signal?: AbortSignal): Promise<TenantValues | undefined> {
  const [latest] = await releaseRevisions(api, namespace, name, signal);
  if (!latest?.data) return undefined;
  return ((decodeRelease(latest.data) as { config?: TenantValues }).config ?? {}) as TenantValues;
}

async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const withoutManagedFields = (o: KubeObject): KubeObject => {
  const c = structuredClone(o);
  delete c.metadata.managedFields;
  return c;
};

export async function diffTenant(o: DiffOptions): Promise<TenantDiff> {
  const { api } = o;
  o.onPhase?.('reading the cluster capabilities');
  const caps = await clusterCapabilities(api, o.signal);
  o.onPhase?.('rendering the tenant');
  const desired = await renderTenant(o, caps);

  type Row = { release: DesiredRelease; desired?: KubeObject; live?: KubeObject; predicted?: KubeObject; serverError?: string; notServed?: boolean };
  const rows: Row[] = [];
  const releases: ReleaseDiff[] = [];
  let beforeValues: TenantValues | undefined;
  for (const rel of desired) {
    o.onPhase?.(`comparing ${rel.objects.length} objects of ${rel.namespace}/${rel.name} with the cluster (server-side dry run)`);
    const current = await currentRelease(api, rel.namespace, rel.name, o.signal).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    if (current) beforeValues = (await installedValues(api, rel.namespace, rel.name, o.signal)) ?? beforeValues;
    const previous = new Map<string, KubeObject>();
    for (const p of manifestObjects(current?.manifest)) {
      const obj = await withNamespace(api, asKube(p), rel.namespace);
      previous.set(objectKey(obj), obj);
    }
    const objs = await Promise.all(rel.objects.map(async (x) => asHelmApplies(await withNamespace(api, x, rel.namespace), rel.name, rel.namespace)));
    const predictions = await pool(objs, 8, (x) => predict(api, x, previous.get(objectKey(x)), o.signal));
    objs.forEach((x, i) => {
      const p = predictions[i]!;
      rows.push({ release: rel, desired: x, live: p.live, predicted: p.predicted, serverError: p.serverError, notServed: p.notServed });
    });
    const wanted = new Set(objs.map(objectKey));
    const gone = [...previous.values()].filter((p) => !wanted.has(objectKey(p)));
    const goneLive = await pool(gone, 8, async (p) => {
      try {
        return (await api.get({ apiVersion: p.apiVersion, kind: p.kind, namespace: p.metadata.namespace, name: p.metadata.name }, o.signal)) as KubeObject | undefined;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });
    goneLive.forEach((l) => l && rows.push({ release: rel, live: l }));
    releases.push({
      id: `${rel.namespace}/${rel.name}`,
      name: rel.name,
      namespace: rel.namespace,
      installed: Boolean(current),
      revision: current?.revision,
      changed: false,
      chartDir: rel.chartDir,
      valuesFiles: rel.valuesFiles,
      hooks: rel.hooks.map((h) => objectRef({ kind: h.kind, metadata: { ...h.metadata, namespace: h.metadata.namespace ?? rel.namespace } })),
    });
  }

  // classify
  const actionOf = (r: Row): Action => {
    if (!r.live) return 'create';
    if (!r.predicted) return 'delete';
    return toYaml(stripServerFields(r.live)) === toYaml(stripServerFields(r.predicted)) ? 'unchanged' : 'update';
  };
  const changedRows = rows.map((r) => ({ row: r, action: actionOf(r) })).filter((x) => x.action !== 'unchanged');
  const unchanged = rows.length - changedRows.length;
  const afterValues = desired[0]?.values;
  const tenantIdAfter = typeof afterValues?.global?.tenantId === 'string' ? afterValues.global.tenantId : o.tenantId;
  const tenantIdBefore = typeof beforeValues?.global?.tenantId === 'string' ? beforeValues.global.tenantId : undefined;
  const assessment = assess(
    changedRows.map(({ row }) => ({ before: row.live ? withoutManagedFields(row.live) : undefined, after: row.predicted ? withoutManagedFields(row.predicted) : undefined })),
    {
      tenant: {
        before: beforeValues ? { tenantId: tenantIdBefore, namespace: tenantNamespace(tenantIdBefore ?? o.tenantId), values: beforeValues } : undefined,
        after: { tenantId: tenantIdAfter, namespace: tenantNamespace(tenantIdAfter), values: afterValues },
      },
      desired: rows.flatMap((r) => (r.predicted ? [r.predicted] : [])),
      live: rows.flatMap((r) => (r.live ? [r.live] : [])),
    },
  );
  const verdictOf = new Map(assessment.objects.map((v) => [v.object, v.verdict]));
  const objects: ObjectDiff[] = changedRows.map(({ row, action }) => {
    const obj = (row.predicted ?? row.live)!;
    const before = row.live ? stripServerFields(row.live) : undefined;
    const after = row.predicted ? stripServerFields(row.predicted) : undefined;
    const [mb, ma] = o.showSecrets ? [before, after] : maskSecretPair(before, after);
    const ref = objectRef(obj);
    const d: ObjectDiff = {
      ref,
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      release: `${row.release.namespace}/${row.release.name}`,
      action,
      verdict: verdictOf.get(ref) ?? 'safe',
      diff: unifiedDiff(toYaml(mb), toYaml(ma)),
    };
    if (obj.metadata.namespace) d.namespace = obj.metadata.namespace;
    if (row.serverError) d.serverError = row.serverError;
    if (row.notServed) d.notServed = true;
    return d;
  });
  const kindOrder = (d: ObjectDiff) => `${d.release}\0${d.kind}\0${d.namespace ?? ''}\0${d.name}`;
  objects.sort((a, b) => kindOrder(a).localeCompare(kindOrder(b)));
  for (const r of releases) r.changed = objects.some((x) => x.release === r.id) || !r.installed;
  const count = (a: Action) => objects.filter((x) => x.action === a).length;
  const summary = { create: count('create'), update: count('update'), delete: count('delete'), unchanged };
  const predicted = new Map<string, KubeObject>();
  for (const { row } of changedRows) {
    if (row.predicted?.kind === 'StatefulSet') predicted.set(`StatefulSet/${row.predicted.metadata.namespace}/${row.predicted.metadata.name}`, row.predicted);
  }
  const result: TenantDiff = {
    tenantId: o.tenantId,
    namespace: tenantNamespace(o.tenantId),
    context: o.context,
    kubeVersion: caps.kubeVersion,
    releases,
    objects,
    summary,
    changed: objects.length > 0,
    assessment,
  };
  Object.defineProperty(result, 'predicted', { value: predicted, enumerable: false });
  return result;
}
