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
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isNotFound, type KubeApi } from '../kube/api.js';
import { currentRelease, decodeRelease, manifestObjects, releaseNames, releaseRevisions } from '../kube/helm-release.js';
import { ensureDependencies } from '../charts/index.js';
import { releaseName, renderChart, requireTenantFile, tenantNamespace, umbrellaDir } from '../render/index.js';
import { parseRender } from '../manifests/parse.js';
import { loadPlan, OPERATORS_FILE, operatorsFiles, prepareLocalCharts, selectorOf, stateFiles, tenantInputs, type LoadedRelease } from '../plan/load.js';
import type { Helmfile } from '../tools/helmfile.js';
import { assess, type FullAssessment } from '../safety/index.js';
import { objectKey, objectRef, type NamedKubeObject } from '../safety/objects.js';
import type { TenantValues, Verdict } from '../safety/types.js';
import type { Helm } from '../tools/helm.js';
import { clusterCapabilities, type Capabilities } from './capabilities.js';
import { isNamespaced, predict } from './live.js';
import { objectDiff, stripServerFields, toYaml } from './normalize.js';

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
  /** The tenant file no longer enables it: the upgrade uninstalls it. */
  removed?: boolean;
  chartDir: string;
  valuesFiles: string[];
  /** helmfile mode: the state file that declares the release (installs select it there). */
  stateFile?: string;
  /** Hooks the upgrade runs (not diffed: helm creates them fresh every time). */
  hooks: string[];
}

export interface TenantDiff {
  /** helmfile: one release per component from helmfile.d (as install does); umbrella: charts/logclaw-tenant as one release. */
  mode: 'helmfile' | 'umbrella';
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
  /** Predicted objects of changed StatefulSets by `StatefulSet/namespace/name` (not serialised). */
  predicted?: Map<string, NamedKubeObject>;
  /** helmfile mode: the loaded plan releases and the tenant's helmfile inputs (not serialised). */
  plan?: { releases: LoadedRelease[]; helmfile: Helmfile; stateValues: string[]; stateValuesFiles: string[]; env: Record<string, string>; dir: string };
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
  stateFile?: string;
  objects: NamedKubeObject[];
  hooks: NamedKubeObject[];
}

interface Desired {
  mode: TenantDiff['mode'];
  releases: DesiredRelease[];
  /** The tenant file's values. */
  values: TenantValues;
  plan?: TenantDiff['plan'];
}

const splitHooks = (objs: NamedKubeObject[]): { objects: NamedKubeObject[]; hooks: NamedKubeObject[] } => ({
  objects: objs.filter((o) => !o.metadata.annotations?.['helm.sh/hook']),
  hooks: objs.filter((o) => Boolean(o.metadata.annotations?.['helm.sh/hook'])),
});

const asKube = (o: unknown): NamedKubeObject => o as NamedKubeObject;

/** Render the tenant the way install does: helmfile.d's tenant releases when the repository has them, else the umbrella. */
async function renderTenant(o: DiffOptions, caps: Capabilities): Promise<Desired> {
  const file = requireTenantFile(o.root, o.tenantId);
  const values = (parse(readFileSync(file, 'utf8')) ?? {}) as TenantValues;
  const dir = join(o.root, 'helmfile.d');
  if (existsSync(dir) && stateFiles(dir).some((f) => !OPERATORS_FILE.test(basename(f)))) return renderWithHelmfile(o, caps, values, dir);
  const chartDir = umbrellaDir(o.root);
  await ensureDependencies(chartDir, o.helm);
  const name = releaseName(o.tenantId);
  const namespace = tenantNamespace(o.tenantId);
  const r = await renderChart({ helm: o.helm, root: o.root, chartDir, release: name, namespace, valuesFiles: [file], kubeVersion: caps.kubeVersion, apiVersions: caps.apiVersions, signal: o.signal });
  return { mode: 'umbrella', values, releases: [{ name, namespace, chartDir, valuesFiles: [file], ...splitHooks(r.objects.map((x) => asKube(x.obj))) }] };
}

/** The tenant's objects per release (hooks left out), rendered as install renders them: what capacity reads. */
export async function renderForInstall(o: Pick<DiffOptions, 'root' | 'tenantId' | 'helm' | 'signal'>, caps: Capabilities): Promise<{ values: TenantValues; releases: Array<{ name: string; namespace: string; objects: NamedKubeObject[] }> }> {
  const d = await renderTenant(o as DiffOptions, caps);
  return { values: d.values, releases: d.releases.map((r) => ({ name: r.name, namespace: r.namespace, objects: r.objects })) };
}

/** One release per component, read and rendered by helmfile itself (helmfile template, selecting the release). */
async function renderWithHelmfile(o: DiffOptions, caps: Capabilities, values: TenantValues, dir: string): Promise<Desired> {
  const { Helmfile } = await import('../tools/helmfile.js');
  const helmfile = await Helmfile.detect(undefined, { signal: o.signal });
  const { stateValues, stateValuesFiles, env } = tenantInputs(o.root, o.tenantId);
  const releases = await loadPlan(helmfile, { dir, cwd: o.root, excludeFiles: operatorsFiles(o.root, dir), stateValues, stateValuesFiles, helmBinary: o.helm.bin, env });
  await prepareLocalCharts({ cwd: o.root, helm: o.helm }, releases);
  const out: DesiredRelease[] = [];
  await pool(releases, 3, async (r) => {
    const chartDir = resolve(o.root, dirname(r.file), r.chart);
    // as the lifecycle renders a release, plus the cluster's capabilities (what helm upgrade sees)
    const rendered = await helmfile.template(
      { file: r.file, helmBinary: o.helm.bin, stateValues, stateValuesFiles },
      { selectors: [selectorOf(r)], helmArgs: [`--kube-version=${caps.kubeVersion}`, `--api-versions=${caps.apiVersions.join(',')}`] },
      { cwd: o.root, env, signal: o.signal },
    );
    const objs = parseRender(rendered).objects.map((x) => asKube(x.obj));
    out.push({ name: r.name, namespace: r.namespace, chartDir, valuesFiles: [], stateFile: r.file, ...splitHooks(objs) });
  });
  out.sort((a, b) => releases.findIndex((r) => r.name === a.name && r.namespace === a.namespace) - releases.findIndex((r) => r.name === b.name && r.namespace === b.namespace));
  return { mode: 'helmfile', values, releases: out, plan: { releases, helmfile, stateValues, stateValuesFiles, env, dir } };
}

async function withNamespace(api: KubeApi, o: NamedKubeObject, namespace: string): Promise<NamedKubeObject> {
  if (o.metadata.namespace || !(await isNamespaced(api, o))) return o;
  return { ...o, metadata: { ...o.metadata, namespace } };
}

/** What helm (3 and 4) adds to every object it installs: the release annotations and the managed-by label. */
function asHelmApplies(o: NamedKubeObject, release: string, namespace: string): NamedKubeObject {
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

const withoutManagedFields = (o: NamedKubeObject): NamedKubeObject => {
  const c = structuredClone(o);
  delete c.metadata.managedFields;
  return c;
};

/** One object of a release: as rendered, as live, as the server's dry run predicts it after the upgrade. */
type Row = { release: { name: string; namespace: string }; desired?: NamedKubeObject; live?: NamedKubeObject; predicted?: NamedKubeObject; serverError?: string; notServed?: boolean };

/** Reads of the cluster the comparison makes: live objects, and the objects of a release's stored manifest. */
class LiveReader {
  constructor(private readonly api: KubeApi, private readonly signal?: AbortSignal) {}
  async live(p: NamedKubeObject): Promise<NamedKubeObject | undefined> {
    try {
      return (await this.api.get({ apiVersion: p.apiVersion, kind: p.kind, namespace: p.metadata.namespace, name: p.metadata.name }, this.signal)) as NamedKubeObject | undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  async previousObjects(manifest: string | undefined, namespace: string): Promise<Map<string, NamedKubeObject>> {
    const previous = new Map<string, NamedKubeObject>();
    for (const p of manifestObjects(manifest)) {
      const obj = await withNamespace(this.api, asKube(p), namespace);
      previous.set(objectKey(obj), obj);
    }
    return previous;
  }
}

export async function diffTenant(o: DiffOptions): Promise<TenantDiff> {
  const { api } = o;
  o.onPhase?.('reading the cluster capabilities');
  const caps = await clusterCapabilities(api, o.signal);
  o.onPhase?.('rendering the tenant');
  const desired = await renderTenant(o, caps);

  const rows: Row[] = [];
  const releases: ReleaseDiff[] = [];
  const configs = new Map<string, TenantValues>();
  const reader = new LiveReader(api, o.signal);
  for (const rel of desired.releases) releases.push(await compareRelease(o, reader, rel, rows, configs));
  // helmfile mode: releases of the tenant that are installed but no longer enabled are uninstalled by the upgrade
  if (desired.mode === 'helmfile') releases.push(...(await disabledReleases(o, reader, desired.releases, rows, configs)));

  // the tenant as installed (helm's stored values) and as the file says now; in helmfile mode a disabled
  // component is a release the upgrade uninstalls
  const afterValues: TenantValues = desired.values;
  let beforeValues: TenantValues | undefined;
  if (desired.mode === 'umbrella') beforeValues = configs.get(releaseName(o.tenantId));
  else {
    const global = [...configs.values()].map((c) => c.global).find((g) => g !== undefined);
    if (global) beforeValues = { global };
  }
  const removedComponents = releases
    .filter((r) => r.removed)
    .map((r) => ({ name: r.name, objects: rows.filter((x) => x.release.name === r.name && x.release.namespace === r.namespace && x.live).map((x) => withoutManagedFields(x.live!)) }));

  // classify
  const changedRows = rows.map((r) => ({ row: r, action: actionOf(r) })).filter((x) => x.action !== 'unchanged');
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
      removedComponents,
    },
  );
  const verdictOf = new Map(assessment.objects.map((v) => [v.object, v.verdict]));
  const objects = changedRows.map(({ row, action }) => objectDiffOf(row, action, verdictOf, o.showSecrets));
  const kindOrder = (d: ObjectDiff) => `${d.release}\0${d.kind}\0${d.namespace ?? ''}\0${d.name}`;
  objects.sort((a, b) => (kindOrder(a) < kindOrder(b) ? -1 : kindOrder(a) > kindOrder(b) ? 1 : 0));
  for (const r of releases) r.changed = r.removed === true || objects.some((x) => x.release === r.id) || !r.installed;
  const count = (a: Action) => objects.filter((x) => x.action === a).length;
  const summary = { create: count('create'), update: count('update'), delete: count('delete'), unchanged: rows.length - changedRows.length };
  const predicted = new Map<string, NamedKubeObject>();
  for (const { row } of changedRows) {
    if (row.predicted?.kind === 'StatefulSet') predicted.set(`StatefulSet/${row.predicted.metadata.namespace}/${row.predicted.metadata.name}`, row.predicted);
  }
  const result: TenantDiff = {
    mode: desired.mode,
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
  if (desired.plan) Object.defineProperty(result, 'plan', { value: desired.plan, enumerable: false });
  return result;
}

/**
 * One release as rendered against the cluster: each object's server-side dry run (rows), the objects of the
 * installed manifest the upgrade deletes, and the values it was installed with (configs).
 */
async function compareRelease(o: DiffOptions, reader: LiveReader, rel: DesiredRelease, rows: Row[], configs: Map<string, TenantValues>): Promise<ReleaseDiff> {
  const { api } = o;
  o.onPhase?.(`comparing ${rel.objects.length} objects of ${rel.namespace}/${rel.name} with the cluster (server-side dry run)`);
  const current = await currentRelease(api, rel.namespace, rel.name, o.signal).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  if (current) {
    const cfg = await installedValues(api, rel.namespace, rel.name, o.signal);
    if (cfg) configs.set(rel.name, cfg);
  }
  const previous = await reader.previousObjects(current?.manifest, rel.namespace);
  const objs = await Promise.all(rel.objects.map(async (x) => asHelmApplies(await withNamespace(api, x, rel.namespace), rel.name, rel.namespace)));
  const predictions = await pool(objs, 8, (x) => predict(api, x, previous.get(objectKey(x)), o.signal));
  objs.forEach((x, i) => {
    const p = predictions[i]!;
    rows.push({ release: rel, desired: x, live: p.live, predicted: p.predicted, serverError: p.serverError, notServed: p.notServed });
  });
  const wanted = new Set(objs.map(objectKey));
  const gone = [...previous.values()].filter((p) => !wanted.has(objectKey(p)));
  (await pool(gone, 8, (p) => reader.live(p))).forEach((l) => l && rows.push({ release: rel, live: l }));
  const r: ReleaseDiff = {
    id: `${rel.namespace}/${rel.name}`,
    name: rel.name,
    namespace: rel.namespace,
    installed: Boolean(current),
    changed: false,
    chartDir: rel.chartDir,
    valuesFiles: rel.valuesFiles,
    hooks: rel.hooks.map((h) => objectRef({ kind: h.kind, metadata: { ...h.metadata, namespace: h.metadata.namespace ?? rel.namespace } })),
  };
  if (current) r.revision = current.revision;
  if (rel.stateFile) r.stateFile = rel.stateFile;
  return r;
}

/** Releases of the tenant's namespace installed but no longer planned (helmfile mode): removed, their live objects deleted. */
async function disabledReleases(o: DiffOptions, reader: LiveReader, planned: DesiredRelease[], rows: Row[], configs: Map<string, TenantValues>): Promise<ReleaseDiff[]> {
  const { api } = o;
  const namespace = tenantNamespace(o.tenantId);
  const plannedNames = new Set(planned.map((r) => r.name));
  const out: ReleaseDiff[] = [];
  for (const name of (await releaseNames(api, namespace, o.signal)).filter((n) => !plannedNames.has(n))) {
    const current = await currentRelease(api, namespace, name, o.signal);
    if (!current || current.status === 'uninstalled') continue;
    const cfg = await installedValues(api, namespace, name, o.signal);
    if (cfg) configs.set(name, cfg);
    const previous = await reader.previousObjects(current.manifest, namespace);
    (await pool([...previous.values()], 8, (p) => reader.live(p))).forEach((l) => l && rows.push({ release: { name, namespace }, live: l }));
    out.push({ id: `${namespace}/${name}`, name, namespace, installed: true, revision: current.revision, changed: true, removed: true, chartDir: '', valuesFiles: [], hooks: [] });
  }
  return out;
}

function actionOf(r: Row): Action {
  if (!r.live) return 'create';
  if (!r.predicted) return 'delete';
  return toYaml(stripServerFields(r.live)) === toYaml(stripServerFields(r.predicted)) ? 'unchanged' : 'update';
}

/** A changed row as the diff shows it: fields before and after (server fields stripped, Secrets masked unless shown), with its verdict. */
function objectDiffOf(row: Row, action: Action, verdictOf: Map<string, Verdict>, showSecrets: boolean | undefined): ObjectDiff {
  const obj = (row.predicted ?? row.live)!;
  const before = row.live ? stripServerFields(row.live) : undefined;
  const after = row.predicted ? stripServerFields(row.predicted) : undefined;
  const ref = objectRef(obj);
  const d: ObjectDiff = {
    ref,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    release: `${row.release.namespace}/${row.release.name}`,
    action,
    verdict: verdictOf.get(ref) ?? 'safe',
    diff: objectDiff(before, after, showSecrets),
  };
  if (obj.metadata.namespace) d.namespace = obj.metadata.namespace;
  if (row.serverError) d.serverError = row.serverError;
  if (row.notServed) d.notServed = true;
  return d;
}
