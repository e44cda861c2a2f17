/**
 * `logclaw diff --changed`: what a change (a pull request) does to every tenant it reaches, without a cluster.
 *
 * 1. the selection of `lint --changed` (src/lint/changed.ts): the tenants and umbrella ci cases the change can
 *    affect, plus tenants whose file the change removes;
 * 2. the merge base's tree is written from the object database into a temporary directory (base-tree.ts; the
 *    work tree and index are never touched), and each target is rendered there and in the work tree (HEAD plus
 *    uncommitted changes) with the same helm, Kubernetes version, CRDs and flags as lint, through the render
 *    cache (a base that was linted before renders from it);
 * 3. the two renders are compared object by object (created, deleted, changed fields; Secret values masked)
 *    and classified by change safety (src/safety), which reads only the two renders: what only the live
 *    cluster knows (savepoints, bound volumes, storage classes) is listed as unknown offline;
 * 4. tenants whose change is the same (tenant names aside) form one group, and a fleet summary counts them.
 *
 * Core only: returns data, prints nothing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { discoverCharts, ensureDependencies } from '../charts/index.js';
import { selectChanged, type ChangeSelection } from '../lint/changed.js';
import { DEFAULT_LINT_KUBE_VERSION } from '../lint/index.js';
import { runPool } from '../lint/pool.js';
import { KubeSchemas } from '../manifests/kube-schema.js';
import type { RenderCache } from '../render/cache.js';
import { listTenants, releaseName, renderChart, tenantNamespace, umbrellaDir, UMBRELLA_CHART } from '../render/index.js';
import { operatorApiVersions } from '../render/tenant.js';
import { assess } from '../safety/index.js';
import { changedPaths, deepEqual, objectKey, objectRef, type NamedKubeObject } from '../safety/objects.js';
import { verdictRank, VERDICTS, worst, type ObjectChange, type SafetyFinding, type TenantValues, type Verdict } from '../safety/types.js';
import { describeHelmError, HelmError, type Helm } from '../tools/helm.js';
import { Git } from '../tools/git.js';
import { objectDiff } from './normalize.js';
import { offlineUnknowns, type OfflineUnknown } from './offline.js';

export interface ChangedDiffOptions {
  root: string;
  helm: Helm;
  /** The ref the change is compared with (its merge base with HEAD); default as lint: origin/main, else main. */
  base?: string;
  crdDir?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  cache?: RenderCache;
  concurrency?: number;
  showSecrets?: boolean;
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

export type ChangeAction = 'create' | 'update' | 'delete';

export interface ObjectChangeRecord {
  /** `Kind namespace/name` */
  ref: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  action: ChangeAction;
  verdict: Verdict;
  /** Changed field paths (updates). */
  fields: string[];
  /** Unified diff of the object's YAML (Secret values masked unless showSecrets). */
  diff: string;
}

export interface TargetDiff {
  /** `tenant acme` or `ci case logclaw-tenant (ci/default-values.yaml)` */
  target: string;
  tenant?: string;
  /** The file to point at (the tenant file, the ci values file), relative to the repository root. */
  file: string;
  /** added/removed: the tenant (or ci file) exists only at HEAD / only at the base. */
  status: 'changed' | 'unchanged' | 'added' | 'removed' | 'error';
  /** A render that failed: which side and helm's message. */
  error?: { side: 'base' | 'head'; message: string };
  objects: ObjectChangeRecord[];
  unchanged: number;
  verdict: Verdict;
  findings: SafetyFinding[];
  /** Workloads whose pods roll, `Kind namespace/name`. */
  restarts: string[];
  unknownOffline: OfflineUnknown[];
  /** Index into ChangedDiff.groups (targets with changes only). */
  group?: number;
}

export interface ChangeGroup {
  id: number;
  verdict: Verdict;
  /** Targets (tenants, ci cases) whose change is this one. */
  targets: string[];
  /** The target shown: its objects, findings and diffs stand for the group's. */
  example: string;
  objects: ObjectChangeRecord[];
  findings: SafetyFinding[];
  restarts: string[];
  unknownOffline: OfflineUnknown[];
}

export interface FleetSummary {
  /** Targets rendered (tenants and ci cases the change selects, tenants it removes). */
  targets: number;
  tenantsSelected: number;
  tenantsChanged: number;
  ciCasesChanged: number;
  /** Changed targets by their worst verdict. */
  byVerdict: Record<Verdict, number>;
  /** Objects (tenant names as `<tenant>`) by the number of targets they change in, most first. */
  topObjects: Array<{ object: string; action: ChangeAction; verdict: Verdict; targets: number }>;
  groups: number;
  errors: number;
}

export interface ChangedDiff {
  base: string;
  mergeBase: string;
  selection: ChangeSelection;
  helmVersion: string;
  kubeVersion: string;
  targets: TargetDiff[];
  groups: ChangeGroup[];
  summary: FleetSummary;
  /** Worst verdict over every target. */
  verdict: Verdict;
  /** helm renders per side and how many came from the render cache. */
  renders: { base: { total: number; cached: number }; head: { total: number; cached: number } };
  ms: number;
}

/** A side that cannot render at all (its chart dependencies fail to build). */
class RenderFailure extends Error {}

interface Side {
  root: string;
  apiVersions: string[];
  ok: boolean;
  error?: string;
}

interface Target {
  label: string;
  tenant?: string;
  /** Relative to the repository root (the same at base and head). */
  file: string;
  release: string;
  namespace: string;
  set: string[];
}

/** Built-in kinds that are cluster-scoped (helm leaves every object's namespace empty; install puts namespaced ones in the release's). */
let kubeSchemas: KubeSchemas | undefined;
const clusterScoped = (o: NamedKubeObject): boolean => (kubeSchemas ??= new KubeSchemas()).isClusterScoped(o.apiVersion, o.kind);

/** Objects of a render by identity, hooks and tests left out (helm creates them fresh every time), namespaced ones in the release namespace. */
function byKey(objs: Array<{ obj: unknown }>, namespace: string): Map<string, NamedKubeObject> {
  const out = new Map<string, NamedKubeObject>();
  for (const { obj } of objs) {
    const o = obj as NamedKubeObject;
    if (!o?.kind || !o.metadata?.name || o.metadata.annotations?.['helm.sh/hook']) continue;
    const withNs = o.metadata.namespace || clusterScoped(o) ? o : { ...o, metadata: { ...o.metadata, namespace } };
    out.set(objectKey(withNs), withNs);
  }
  return out;
}

const rel = (root: string, f: string): string => relative(root, f).split(sep).join('/');

function readTenantValues(file: string): TenantValues | undefined {
  try {
    return (parseYaml(readFileSync(file, 'utf8')) ?? {}) as TenantValues;
  } catch {
    return undefined;
  }
}

/**
 * Remote dependencies are vendored archives (git-ignored, not in the object database): the base tree gets the
 * work tree's archive of each remote dependency its charts name, when there is one.
 */
function copyVendored(headRoot: string, baseRoot: string): void {
  const charts = join(baseRoot, 'charts');
  if (!existsSync(charts)) return;
  for (const c of discoverCharts(charts)) {
    const remote = c.dependencies.filter((d) => !d.path);
    if (!remote.length) continue;
    const from = join(headRoot, 'charts', basename(c.dir), 'charts');
    if (!existsSync(from)) continue;
    for (const d of remote) {
      for (const f of readdirSync(from).filter((x) => x.startsWith(`${d.name}-`) && x.endsWith('.tgz'))) {
        mkdirSync(join(c.dir, 'charts'), { recursive: true });
        copyFileSync(join(from, f), join(c.dir, 'charts', f));
      }
    }
  }
}

/** Replace whole-token occurrences of a tenant id, so tenants with the same change compare equal. */
function neutral(id: string | undefined): (s: string) => string {
  if (!id) return (s) => s;
  const re = new RegExp(`(?<![A-Za-z0-9])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
  return (s) => s.replace(re, '<tenant>');
}

/**
 * What makes two targets' changes the same: objects, actions, verdicts, changed lines and findings, with tenant
 * names and digests (checksum annotations differ per tenant whenever the config they hash does) set aside.
 */
function signature(t: TargetDiff): string {
  const n = neutral(t.tenant);
  return n(
    JSON.stringify([
      t.status,
      t.objects.map((o) => [o.ref, o.action, o.verdict, o.diff.split('\n').filter((l) => /^[-+]/.test(l)).map((l) => l.replace(/\b[0-9a-f]{32,}\b/g, '<digest>'))]),
      t.findings.map((f) => [f.verdict, f.object, f.message, f.fix ?? '']),
      t.error ?? null,
    ]),
  );
}

export async function diffChanged(o: ChangedDiffOptions): Promise<ChangedDiff> {
  const started = Date.now();
  const progress = o.onProgress ?? (() => {});
  const git = await Git.open(o.root);
  const selection = await selectChanged({ root: o.root, base: o.base, git });
  const kubeVersion = o.kubeVersion ?? DEFAULT_LINT_KUBE_VERSION;
  const umbrella = umbrellaDir(o.root);
  const headTenants = new Map(listTenants(o.root).map((t) => [t.id, t.file]));

  const targets: Target[] = selection.scope.tenants.map((id) => ({ label: `tenant ${id}`, tenant: id, file: rel(o.root, headTenants.get(id)!), release: releaseName(id), namespace: tenantNamespace(id), set: [] }));
  for (const f of selection.scope.ciCases) {
    targets.push({ label: `ci case ${UMBRELLA_CHART} (${rel(umbrella, f)})`, file: rel(o.root, f), release: releaseName('ci'), namespace: tenantNamespace('ci'), set: ['global.tenantId=ci'] });
  }

  const work = mkdtempSync(join(tmpdir(), 'logclaw-diff-base-'));
  try {
    // the merge base's tree, from the object database
    // tenants the change removes: only the base renders them (lint has nothing to check there)
    const removed = selection.files.filter((f) => {
      const id = /^gitops\/tenants\/tenant-(.+)\.ya?ml$/.exec(f)?.[1];
      return id !== undefined && !headTenants.has(id);
    });
    let baseRoot = join(work, 'tree');
    if (targets.length || removed.length) {
      progress(`writing the tree of ${selection.mergeBase.slice(0, 12)} (merge base with ${selection.base})`);
      baseRoot = join(await git.exportTree(selection.mergeBase, work), relative(git.root, o.root));
    }
    for (const f of removed) {
      const id = /^gitops\/tenants\/tenant-(.+)\.ya?ml$/.exec(f)![1]!;
      if (existsSync(join(baseRoot, f))) targets.push({ label: `tenant ${id}`, tenant: id, file: f, release: releaseName(id), namespace: tenantNamespace(id), set: [] });
    }
    targets.sort((a, b) => (a.tenant === undefined ? 1 : 0) - (b.tenant === undefined ? 1 : 0) || a.label.localeCompare(b.label));

    const extra = o.apiVersions ?? [];
    const sides: Record<'base' | 'head', Side> = {
      base: { root: baseRoot, apiVersions: [], ok: true },
      head: { root: o.root, apiVersions: [], ok: true },
    };
    const renders = { base: { total: 0, cached: 0 }, head: { total: 0, cached: 0 } };
    if (targets.length) {
      copyVendored(o.root, baseRoot);
      for (const [name, side] of Object.entries(sides) as Array<['base' | 'head', Side]>) {
        side.apiVersions = [...operatorApiVersions(side.root, o.crdDir), ...extra];
        try {
          if (!existsSync(join(umbrellaDir(side.root), 'Chart.yaml'))) throw new Error(`charts/${UMBRELLA_CHART}/Chart.yaml does not exist`);
          progress(`building chart dependencies (${name})`);
          await ensureDependencies(umbrellaDir(side.root), o.helm);
        } catch (e) {
          side.ok = false;
          side.error = (e as Error).message;
        }
      }
    }

    const render = async (side: 'base' | 'head', t: Target): Promise<Map<string, NamedKubeObject> | undefined> => {
      const s = sides[side];
      const values = join(s.root, t.file);
      if (!existsSync(values)) return undefined;
      if (!s.ok) throw new RenderFailure(s.error ?? 'chart dependencies failed');
      const r = await renderChart({ helm: o.helm, root: s.root, chartDir: umbrellaDir(s.root), release: t.release, namespace: t.namespace, valuesFiles: [values], set: t.set, kubeVersion, apiVersions: s.apiVersions, cache: o.cache, signal: o.signal });
      renders[side].total++;
      if (r.cached) renders[side].cached++;
      return byKey(r.objects, t.namespace);
    };

    const results: TargetDiff[] = new Array(targets.length);
    let done = 0;
    await runPool(
      targets.map((t, i) => async () => {
        results[i] = await diffTarget(t, render, sides, o.showSecrets === true);
        if (++done % 50 === 0 || done === targets.length) progress(`compared ${done}/${targets.length} render(s)`);
      }),
      Math.max(1, o.concurrency ?? availableParallelism()),
      o.signal,
    );

    const groups = groupTargets(results);
    const summary = summarize(results, groups);
    return {
      base: selection.base,
      mergeBase: selection.mergeBase,
      selection,
      helmVersion: o.helm.version,
      kubeVersion,
      targets: results,
      groups,
      summary,
      verdict: worst(results.map((t) => t.verdict)),
      renders,
      ms: Date.now() - started,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function diffTarget(
  t: Target,
  render: (side: 'base' | 'head', t: Target) => Promise<Map<string, NamedKubeObject> | undefined>,
  sides: Record<'base' | 'head', Side>,
  showSecrets: boolean,
): Promise<TargetDiff> {
  const out: TargetDiff = { target: t.label, file: t.file, status: 'unchanged', objects: [], unchanged: 0, verdict: 'safe', findings: [], restarts: [], unknownOffline: [] };
  if (t.tenant) out.tenant = t.tenant;
  const renderSide = async (side: 'base' | 'head') => {
    try {
      return await render(side, t);
    } catch (e) {
      if (!(e instanceof HelmError) && !(e instanceof RenderFailure)) throw e;
      out.status = 'error';
      out.error ??= { side, message: e instanceof HelmError ? describeHelmError(e.info) : e.message };
      return undefined;
    }
  };
  const before = await renderSide('base');
  const after = await renderSide('head');
  // a failing head render is the change's problem (it fails the check); a failing base render leaves nothing to compare with
  if (out.status === 'error') return out;
  if (!before && !after) return out;
  const b = before ?? new Map<string, NamedKubeObject>();
  const a = after ?? new Map<string, NamedKubeObject>();
  const changes: Array<ObjectChange & { key: string }> = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const x = b.get(key);
    const y = a.get(key);
    if (x && y && deepEqual(x, y)) out.unchanged++;
    else changes.push({ key, before: x, after: y });
  }
  const tenantOf = (root: string) => {
    const v = readTenantValues(join(root, t.file));
    const id = typeof v?.global?.tenantId === 'string' ? v.global.tenantId : t.tenant;
    return v && t.tenant ? { tenantId: id, namespace: tenantNamespace(id ?? t.tenant), values: v } : undefined;
  };
  const assessment = assess(changes, {
    tenant: { before: before ? tenantOf(sides.base.root) : undefined, after: after ? tenantOf(sides.head.root) : undefined },
    desired: [...a.values()],
    live: [...b.values()],
  });
  const verdictOf = new Map(assessment.objects.map((v) => [v.object, v.verdict]));
  out.objects = changes
    .map(({ before: x, after: y }) => {
      const obj = (y ?? x)!;
      const ref = objectRef(obj);
      const r: ObjectChangeRecord = {
        ref,
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        action: !x ? 'create' : !y ? 'delete' : 'update',
        verdict: verdictOf.get(ref) ?? 'safe',
        fields: x && y ? changedPaths(x, y) : [],
        diff: objectDiff(x, y, showSecrets),
      };
      if (obj.metadata.namespace) r.namespace = obj.metadata.namespace;
      return r;
    })
    .sort((p, q) => verdictRank(q.verdict) - verdictRank(p.verdict) || p.ref.localeCompare(q.ref));
  out.findings = assessment.findings;
  out.restarts = assessment.restarts;
  out.verdict = assessment.verdict;
  out.unknownOffline = offlineUnknowns(changes, assessment.findings);
  out.status = !before ? 'added' : !after ? 'removed' : changes.length ? 'changed' : 'unchanged';
  return out;
}

function groupTargets(targets: TargetDiff[]): ChangeGroup[] {
  const bySig = new Map<string, ChangeGroup>();
  const groups: ChangeGroup[] = [];
  for (const t of targets) {
    if (t.status === 'unchanged') continue;
    const sig = signature(t);
    let g = bySig.get(sig);
    if (!g) {
      g = { id: groups.length, verdict: t.verdict, targets: [], example: t.target, objects: t.objects, findings: t.findings, restarts: t.restarts, unknownOffline: t.unknownOffline };
      bySig.set(sig, g);
      groups.push(g);
    }
    g.targets.push(t.target);
    t.group = g.id;
  }
  // the worst first, tenants before ci cases, the largest first; ids follow the order shown
  const ci = (g: ChangeGroup) => (g.example.startsWith('tenant ') ? 0 : 1);
  groups.sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict) || ci(a) - ci(b) || b.targets.length - a.targets.length || a.example.localeCompare(b.example));
  groups.forEach((g, i) => (g.id = i));
  for (const t of targets) if (t.group !== undefined) t.group = groups.findIndex((g) => g.targets.includes(t.target));
  return groups;
}

function summarize(targets: TargetDiff[], groups: ChangeGroup[]): FleetSummary {
  const changed = targets.filter((t) => t.status !== 'unchanged' && t.status !== 'error');
  const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const t of changed) byVerdict[t.verdict]++;
  const top = new Map<string, { object: string; action: ChangeAction; verdict: Verdict; targets: number }>();
  for (const t of changed) {
    const n = neutral(t.tenant);
    for (const x of t.objects) {
      const k = `${n(x.ref)}\0${x.action}`;
      const e = top.get(k) ?? { object: n(x.ref), action: x.action, verdict: x.verdict, targets: 0 };
      e.targets++;
      e.verdict = worst([e.verdict, x.verdict]);
      top.set(k, e);
    }
  }
  return {
    targets: targets.length,
    tenantsSelected: targets.filter((t) => t.tenant).length,
    tenantsChanged: changed.filter((t) => t.tenant).length,
    ciCasesChanged: changed.filter((t) => !t.tenant).length,
    byVerdict,
    topObjects: [...top.values()].sort((a, b) => b.targets - a.targets || verdictRank(b.verdict) - verdictRank(a.verdict) || a.object.localeCompare(b.object)).slice(0, 10),
    groups: groups.length,
    errors: targets.filter((t) => t.status === 'error').length,
  };
}

/** The verdicts `--fail-on` accepts (safe would fail every change). */
export const FAIL_ON = ['restart', 'disruptive', 'immutable', 'data-loss'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Targets that fail the bar: a verdict at or above `failOn`, or a render that fails at HEAD. */
export function failing(d: ChangedDiff, failOn: FailOn = 'immutable'): TargetDiff[] {
  return d.targets.filter((t) => (t.status === 'error' && t.error?.side === 'head') || (t.status !== 'unchanged' && verdictRank(t.verdict) >= verdictRank(failOn)));
}

