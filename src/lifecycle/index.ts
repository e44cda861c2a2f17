/**
 * The lifecycle steps behind `dev up|down`, `operators install`, `install` and `uninstall`: each a function
 * that does one phase and reports through a PhaseControl. The commands put them in order.
 */
import { ExitCode, LogclawError } from '../errors.js';
import { isDryRun, recordDryRun } from '../tools/record.js';
import { kubectlEquivalent } from '../tools/kubectl.js';
import type { Helm } from '../tools/helm.js';
import type { Helmfile } from '../tools/helmfile.js';
import { Kind } from '../tools/kind.js';
import { loadPlan, operatorsFiles, prepareLocalCharts, selectorOf, type LoadedRelease } from '../plan/load.js';
import { select, type PlanRelease } from '../plan/dag.js';
import { planError, type ClusterPlanContext, type Progress } from '../plan/index.js';
import type { PlanResult } from '../plan/execute.js';
import type { PhaseControl } from '../plan/phases.js';
import type { KubeObject } from '../readiness/types.js';
import { connect, isConflict, isNotFound, type KubeApi } from '../kube/api.js';
import { WatchHub } from '../kube/watch.js';
import { kindConfig, KIND_NODE_IMAGE, ZONE_LABEL, DEFAULT_ZONES } from './kind-config.js';
import { parseKubeObjects } from '../manifests/yaml-kube.js';
import type { AwaitRef } from '../readiness/wait.js';

import { tenantNamespace } from '../tenant/id.js';
import { PLATFORM_ROLE_LABEL } from '../tenant/rules.js';
export { tenantNamespace };

export interface Session {
  kubeContext: string;
  kubeconfig?: string;
  api?: KubeApi;
  hub?: WatchHub;
  close(): Promise<void>;
}

/** Connect to the cluster (always an explicit context) and check that it answers. */
export async function openSession(kubeContext: string, kubeconfig: string | undefined, signal: AbortSignal): Promise<Session> {
  const api = await connect({ context: kubeContext, kubeconfig, signal });
  const hub = new WatchHub(api, signal);
  return {
    kubeContext,
    kubeconfig,
    api,
    hub,
    close: async () => {
      hub.stop();
      await api.close();
    },
  };
}

// ---------------------------------------------------------------- kind

export async function ensureKindCluster(kind: Kind, name: string, ctl: PhaseControl, o: { kubeconfig?: string; zones?: string[]; assumeAbsent?: boolean } = {}): Promise<{ created: boolean; context: string }> {
  const context = Kind.contextOf(name);
  if (!o.assumeAbsent && (await kind.exists(name, { signal: ctl.signal }))) {
    ctl.update(`kind cluster ${name} exists: reusing it`);
    // make sure the context is in the kubeconfig (it may have been removed or the file replaced)
    await kind.exportKubeconfig(name, { kubeconfig: o.kubeconfig }, { signal: ctl.signal });
    return { created: false, context };
  }
  ctl.update(`creating kind cluster ${name} (${KIND_NODE_IMAGE.split('@')[0]}, ${(o.zones ?? DEFAULT_ZONES).length} zones)`);
  await kind.create(name, { config: kindConfig(name, o.zones), image: KIND_NODE_IMAGE, kubeconfig: o.kubeconfig, waitSeconds: 120 }, { signal: ctl.signal, onLine: (l) => l.trim() && ctl.update(`kind: ${l.trim()}`) });
  return { created: true, context };
}

/** Nodes without a zone label get one (round robin): a dev cluster made elsewhere would leave spread pods Pending. */
export async function ensureZoneLabels(api: KubeApi, ctl: PhaseControl, zones = DEFAULT_ZONES): Promise<number> {
  const { items } = await api.list({ apiVersion: 'v1', kind: 'Node' }, { signal: ctl.signal });
  const missing = items.filter((n) => !n.metadata?.labels?.[ZONE_LABEL]);
  if (!missing.length) return 0;
  if (isDryRun()) {
    for (const [i, n] of missing.entries()) recordDryRun(kubectlEquivalent.labelNode(n.metadata!.name!, ZONE_LABEL, zones[i % zones.length]!));
    return missing.length;
  }
  for (const [i, n] of missing.entries()) {
    await api.patch({ apiVersion: 'v1', kind: 'Node', name: n.metadata!.name! }, { metadata: { labels: { [ZONE_LABEL]: zones[i % zones.length] } } }, { signal: ctl.signal });
  }
  ctl.note(`labelled ${missing.length} node(s) with ${ZONE_LABEL}`);
  return missing.length;
}

// ---------------------------------------------------------------- plans

export interface PlanOptions {
  cwd: string;
  helmfileDir: string;
  helm: Helm;
  helmfile: Helmfile;
  helmDiff: boolean;
  session: Session;
  deadline: number;
  failGraceMs?: number;
  env?: Record<string, string | undefined>;
  stateValues?: string[];
  stateValuesFiles?: string[];
  environment?: string;
  installConcurrency?: number;
  /** Filled in: objects awaited per release (for the summary and the benchmark). */
  awaited?: Map<string, number>;
}

function progressFor(ctl: PhaseControl): Progress {
  const inFlight = new Map<string, string>();
  const show = () => {
    const lines = [...inFlight.entries()].map(([k, v]) => `${k}: ${v}`);
    if (lines.length) ctl.update(lines.length === 1 ? lines[0]! : `${lines[0]} (+${lines.length - 1} more in parallel)`);
  };
  return {
    waiting: (release, text) => {
      inFlight.set(release, text);
      show();
    },
    note: (t) => ctl.note(t),
    event: (e) => {
      if (e.type === 'start') inFlight.set(e.release.id, 'installing');
      else if (e.type === 'installed') inFlight.set(e.release.id, `installed in ${(e.ms / 1000).toFixed(1)} s, waiting for readiness`);
      else if (e.type === 'ready' || e.type === 'current') {
        inFlight.delete(e.release.id);
        ctl.note(isDryRun() ? `${e.release.id}: would be installed` : `${e.release.id} ${e.type === 'current' ? 'already installed and ready' : 'ready'} at ${(e.at / 1000).toFixed(1)} s`);
      } else if (e.type === 'failed' || e.type === 'blocked') {
        inFlight.delete(e.release.id);
        ctl.note(`${e.release.id} ${e.type === 'failed' ? `failed: ${e.message}` : `not installed (needs ${e.by})`}`);
      }
      show();
    },
  };
}

function planContext(o: PlanOptions, ctl: PhaseControl, extra: Partial<ClusterPlanContext> = {}): ClusterPlanContext {
  return {
    cwd: o.cwd,
    kubeContext: o.session.kubeContext,
    kubeconfig: o.session.kubeconfig,
    helm: o.helm,
    helmfile: o.helmfile,
    api: o.session.api,
    hub: o.session.hub,
    environment: o.environment,
    stateValues: o.stateValues,
    stateValuesFiles: o.stateValuesFiles,
    env: o.env,
    mode: o.helmDiff ? 'apply' : 'sync',
    deadline: o.deadline,
    failGraceMs: o.failGraceMs,
    signal: ctl.signal,
    progress: progressFor(ctl),
    installConcurrency: o.installConcurrency,
    awaited: o.awaited,
    ...extra,
  };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The parts of a CRD that change between operator releases (served versions and their schemas). */
export function crdFingerprint(crd: KubeObject): string {
  const versions = ((crd.spec?.versions ?? []) as Array<Record<string, unknown>>)
    .map((v) => ({ name: v.name, served: v.served, storage: v.storage, schema: (v.schema as { openAPIV3Schema?: unknown } | undefined)?.openAPIV3Schema, subresources: v.subresources }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return canonical({ group: crd.spec?.group, names: crd.spec?.names?.kind, versions });
}

/** A CRD an operator chart ships, and whether the chart templates it (a release resource helm upgrades) or keeps it in crds/. */
export interface ChartCrd {
  crd: KubeObject;
  /** From templates/ (cert-manager's crds.enabled): helm owns and upgrades it; logclaw never applies it. */
  templated: boolean;
}

/** Split `helmfile template` output into documents with the template each came from (`# Source: chart/templates/x.yaml`). */
export function crdsWithSource(text: string): ChartCrd[] {
  const out: ChartCrd[] = [];
  for (const doc of text.split(/^---\s*$/m)) {
    const source = /^# Source: (\S+)/m.exec(doc)?.[1] ?? '';
    for (const o of parseKubeObjects(doc)) {
      if (o.kind === 'CustomResourceDefinition') out.push({ crd: o, templated: /(^|\/)templates\//.test(source) });
    }
  }
  return out;
}

/** CRDs an operator release's chart ships (helmfile template --include-crds of that release). */
async function chartCrds(o: PlanOptions, r: LoadedRelease, signal: AbortSignal): Promise<ChartCrd[]> {
  const rendered = await o.helmfile.template({ file: r.file, helmBinary: o.helm.bin, environment: o.environment }, { selectors: [selectorOf(r)], includeCrds: true }, { cwd: o.cwd, env: o.env, signal });
  return crdsWithSource(rendered);
}

/**
 * Install the operators (helmfile.d/00-operators.yaml) by the plan: CRDs the charts ship are compared with the
 * cluster's and re-applied (server-side) when missing or older — helm installs CRDs once and never upgrades
 * them — then every operator's Deployments Available and its CRDs Established.
 */
/** `--api-versions` for helm: every served group/version (and /Kind) of these CRDs. */
export function apiVersionsOf(crds: KubeObject[]): string[] {
  const out = new Set<string>();
  for (const c of crds) {
    for (const v of (c.spec?.versions ?? []) as Array<{ name: string; served?: boolean }>) {
      if (v.served === false) continue;
      out.add(`${c.spec.group}/${v.name}`);
      out.add(`${c.spec.group}/${v.name}/${c.spec.names?.kind}`);
    }
  }
  return [...out].sort();
}

export async function installOperators(
  o: PlanOptions,
  ctl: PhaseControl,
  hooks: { onCrds?: (crds: Promise<KubeObject[]>) => void } = {},
): Promise<{ result: PlanResult; refreshed: string[]; releases: LoadedRelease[] }> {
  const files = operatorsFiles(o.cwd, o.helmfileDir);
  if (!files.length) throw new LogclawError(`no operators file (00-operators.yaml) in ${o.helmfileDir}`, { exitCode: ExitCode.missingPrerequisite });
  ctl.update('reading the operators plan');
  // cluster-wide: no tenant state values
  const releases = await loadPlan(o.helmfile, { dir: o.helmfileDir, cwd: o.cwd, files, environment: o.environment, helmBinary: o.helm.bin, env: o.env });
  // the charts come from the repositories the operators files name (or the LOGCLAW_CHART_MIRROR they point them at):
  // every helmfile call below skips repository setup (--skip-deps), so add them to helm once here
  ctl.update('adding the operator chart repositories to helm');
  for (const f of [...new Set(releases.map((r) => r.file))]) {
    await o.helmfile.repos({ file: f, helmBinary: o.helm.bin, environment: o.environment }, { cwd: o.cwd, env: o.env, signal: ctl.signal });
  }
  await labelPlatformNamespaces(o, releases, ctl);
  const refreshed: string[] = [];
  // every operator chart's CRDs, rendered at once (the tenant render needs their API versions early)
  const crdsOf = new Map<string, Promise<ChartCrd[]>>(
    releases.map((r) => {
      const p = chartCrds(o, r, ctl.signal).then((crds) => {
        // an operator is ready only with its CRDs Established: a chart that renders none would be "ready" without them
        if (!crds.length) {
          throw new LogclawError(`operator release ${r.id} (chart ${r.chart}) renders no CustomResourceDefinition`, {
            exitCode: ExitCode.missingPrerequisite,
            hint: "Check the chart's values: its CRDs must be installed with it (e.g. cert-manager crds.enabled: true).",
          });
        }
        return crds;
      }).catch((e: unknown) => {
        // a dry run plans without the charts' repositories (it adds none to helm): the CRDs are read when it installs
        if (!isDryRun()) throw e;
        ctl.note(`${r.id}: the CRDs of chart ${r.chart} are read when it installs (a dry run could not render them: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
        return [] as ChartCrd[];
      });
      p.catch(() => undefined);
      return [r.id, p];
    }),
  );
  hooks.onCrds?.(Promise.all([...crdsOf.values()]).then((l) => l.flat().map((c) => c.crd)));
  const fresh = new Set<string>();
  const listCrds = () =>
    o.session.api!
      .list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, { signal: ctl.signal })
      .then((l) => new Map(l.items.map((c) => [c.metadata!.name!, c])));
  // the cluster's CRDs before any install, listed once for every installed operator release
  let live: Promise<Map<string, KubeObject>> | undefined;
  const liveCrds = () => (live ??= listCrds());
  const extraAwait = async (r: PlanRelease): Promise<AwaitRef[]> => {
    const crds = await (crdsOf.get(r.id) ?? Promise.resolve([]));
    if (fresh.has(r.id) && o.session.api) {
      // a first install: helm created the CRDs it did not find and skipped those that existed (maybe older)
      const stale = await refreshCrds(o, r as LoadedRelease, crds, ctl, await listCrds(), true);
      refreshed.push(...stale);
    }
    return crds.map((c) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: c.crd.metadata!.name! }));
  };
  const pc = planContext({ ...o, stateValues: undefined, stateValuesFiles: undefined }, ctl, { extraAwait });
  const baseHooks = (await import('../plan/index.js')).releaseHooks(pc);
  const { executePlan } = await import('../plan/execute.js');
  const result = await executePlan(releases, {
    ...baseHooks,
    isCurrent: async (r, signal) => {
      const current = await baseHooks.isCurrent!(r, signal);
      // rendered while helm installs (a first install) or before it upgrades (CRDs refreshed first)
      const crds = await crdsOf.get(r.id)!;
      const installed = (baseHooks.revisionsBefore(r.id) ?? []).length > 0;
      if (!installed || !o.session.api) {
        if (o.session.api) await adoptTemplatedCrds(o, r as LoadedRelease, crds, ctl, await liveCrds());
        fresh.add(r.id);
        return false;
      }
      const cluster = await liveCrds();
      const stale = await refreshCrds(o, r as LoadedRelease, crds, ctl, cluster, true);
      refreshed.push(...stale);
      // templated CRDs missing or different: helm's upgrade of the release brings them (logclaw does not apply them)
      const templatedStale = crds.filter((c) => c.templated && (!cluster.has(c.crd.metadata!.name!) || crdFingerprint(cluster.get(c.crd.metadata!.name!)!) !== crdFingerprint(c.crd)));
      if (templatedStale.length) {
        await adoptTemplatedCrds(o, r as LoadedRelease, crds, ctl, cluster);
        ctl.note(`${r.id}: ${templatedStale.length} CRD(s) its chart templates are missing or older in the cluster (${templatedStale.map((c) => c.crd.metadata!.name).join(', ')}): upgrading the release`);
      }
      return stale.length === 0 && templatedStale.length === 0 && current;
    },
  }, { signal: ctl.signal, installConcurrency: o.installConcurrency, onEvent: (e) => pc.progress?.event?.(e) });
  if (!result.ok && !result.interrupted) throw planError(result);
  if (result.interrupted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
  return { result, refreshed, releases };
}

/** Release label of the operators files: the platform role of the release's namespace (operators, monitoring). */
export const NAMESPACE_ROLE_LABEL = 'logclaw.io/namespace-role';

/**
 * The namespaces of releases whose label NAMESPACE_ROLE_LABEL names a role carry the platform-owned label
 * platform.logclaw.io/role=<role>: created with it before helm installs into them, or given it. Tenant
 * NetworkPolicies admit the operator and monitoring namespaces by that label and their name.
 */
async function labelPlatformNamespaces(o: PlanOptions, releases: LoadedRelease[], ctl: PhaseControl): Promise<void> {
  const roles = new Map<string, string>();
  for (const r of releases) {
    const role = r.labels[NAMESPACE_ROLE_LABEL];
    if (role) roles.set(r.namespace, role);
  }
  const api = o.session.api;
  for (const [name, role] of roles) {
    const ref = { apiVersion: 'v1', kind: 'Namespace', name };
    if (isDryRun()) {
      recordDryRun(kubectlEquivalent.labelNamespace(o.session.kubeContext, name, PLATFORM_ROLE_LABEL, role));
      continue;
    }
    if (!api) continue;
    ctl.update(`labelling namespace ${name} ${PLATFORM_ROLE_LABEL}=${role}`);
    const live = await api.get(ref, ctl.signal);
    if (!live) {
      try {
        await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [PLATFORM_ROLE_LABEL]: role } } }, ctl.signal);
        continue;
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    } else if (live.metadata?.labels?.[PLATFORM_ROLE_LABEL] === role) {
      continue;
    }
    await api.patch(ref, { metadata: { labels: { [PLATFORM_ROLE_LABEL]: role } } }, { signal: ctl.signal });
  }
}

/**
 * Templated CRDs (release resources) that exist in the cluster without an owning helm release — created by hand,
 * or by an earlier tool run — are adopted by this release (helm's ownership label and annotations), so helm
 * updates them instead of failing with "invalid ownership metadata". A CRD another release owns is left alone.
 */
async function adoptTemplatedCrds(o: PlanOptions, r: LoadedRelease, crds: ChartCrd[], ctl: PhaseControl, cluster: Map<string, KubeObject>): Promise<void> {
  const api = o.session.api;
  if (!api) return;
  for (const { crd } of crds.filter((c) => c.templated)) {
    const name = crd.metadata!.name!;
    const live = cluster.get(name);
    if (!live || live.metadata?.annotations?.['meta.helm.sh/release-name']) continue;
    const ref = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name };
    if (isDryRun()) {
      recordDryRun(kubectlEquivalent.annotateCrd(o.session.kubeContext, name, { 'meta.helm.sh/release-name': r.name, 'meta.helm.sh/release-namespace': r.namespace }));
      continue;
    }
    await api.patch(ref, { metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': r.name, 'meta.helm.sh/release-namespace': r.namespace } } }, { signal: ctl.signal });
    ctl.note(`${r.id}: CRD ${name} had no owning release: adopted by ${r.id} (helm upgrades it from now on)`);
  }
}

/**
 * Re-apply CRDs the chart keeps in crds/ (helm installs those once and never upgrades them) that are missing
 * (after a first install) or different in the cluster. Templated CRDs are helm's: never applied here.
 */
async function refreshCrds(o: PlanOptions, r: LoadedRelease, all: ChartCrd[], ctl: PhaseControl, cluster: Map<string, KubeObject>, installed: boolean): Promise<string[]> {
  const api = o.session.api;
  const crds = all.filter((c) => !c.templated).map((c) => c.crd);
  if (!api || !crds.length) return [];
  const stale: KubeObject[] = [];
  for (const crd of crds) {
    const live = cluster.get(crd.metadata!.name!);
    if (!live) {
      if (installed) stale.push(crd);
    } else if (crdFingerprint(live) !== crdFingerprint(crd)) stale.push(crd);
  }
  if (!stale.length) return [];
  const names = stale.map((c) => c.metadata!.name!);
  if (isDryRun()) {
    recordDryRun(kubectlEquivalent.applyServerSide(o.session.kubeContext, `<CRDs of ${r.chart}: ${names.join(', ')}>`));
    return names;
  }
  ctl.update(`${r.id}: refreshing ${names.length} CRD(s) older than the operator: ${names.join(', ')}`);
  for (const crd of stale) {
    const { status: _s, ...body } = crd as KubeObject & { status?: unknown };
    await api.apply({ ...body, apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, { force: true, signal: ctl.signal });
  }
  ctl.note(`refreshed ${names.length} CRD(s) of ${r.id} that were older than the operator chart: ${names.join(', ')}`);
  return names;
}

export interface TenantPlanOptions extends PlanOptions {
  tenant: string;
  only?: string[];
}

/** Load the tenant's releases (every helmfile.d file but the operators'), filtered by --only. */
export async function loadTenantPlan(o: TenantPlanOptions): Promise<LoadedRelease[]> {
  const operators = operatorsFiles(o.cwd, o.helmfileDir);
  const all = await loadPlan(o.helmfile, { dir: o.helmfileDir, cwd: o.cwd, excludeFiles: operators, environment: o.environment, stateValues: o.stateValues, stateValuesFiles: o.stateValuesFiles, helmBinary: o.helm.bin, env: o.env });
  const releases = select(all, o.only) as LoadedRelease[];
  await prepareLocalCharts(o, releases);
  return releases;
}

/** Render each release as helmfile would install it (helmfile template, selecting that release). */
export async function renderReleases(o: PlanOptions, releases: LoadedRelease[], signal: AbortSignal, concurrency = 3, apiVersions: string[] = []): Promise<Map<string, KubeObject[]>> {
  const out = new Map<string, KubeObject[]>();
  const queue = [...releases];
  // templates gated on .Capabilities.APIVersions render their custom resources only when told the CRDs exist
  const helmArgs = apiVersions.map((a) => `--api-versions=${a}`);
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const target = { file: r.file, helmBinary: o.helm.bin, environment: o.environment, stateValues: o.stateValues, stateValuesFiles: o.stateValuesFiles };
      out.set(r.id, parseKubeObjects(await o.helmfile.template(target, { selectors: [selectorOf(r)], helmArgs }, { cwd: o.cwd, env: o.env, signal })));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, releases.length) }, worker));
  return out;
}

export const DEV_SECRETS_STEP = '@dev-secrets';

/**
 * Put a step into the plan that runs once the tenant namespace exists and before every release that does
 * not lead to it: the release rendering the Namespace (and what it needs) first, then the step, then the rest.
 */
export function withStep(releases: LoadedRelease[], rendered: Map<string, KubeObject[]>, namespace: string): { releases: LoadedRelease[]; nsRelease?: string } {
  const creator = releases.find((r) => (rendered.get(r.id) ?? []).some((o) => o.kind === 'Namespace' && o.metadata?.name === namespace));
  const before = new Set<string>();
  const byId = new Map(releases.map((r) => [r.id, r]));
  const add = (id: string) => {
    if (before.has(id)) return;
    before.add(id);
    for (const n of byId.get(id)?.needs ?? []) add(n);
  };
  if (creator) add(creator.id);
  const step: LoadedRelease = { id: DEV_SECRETS_STEP, name: 'dev-secrets', namespace, chart: '', file: '', needs: creator ? [creator.id] : [], labels: {}, inputs: '' };
  return {
    nsRelease: creator?.id,
    releases: [...releases.map((r) => (before.has(r.id) ? r : { ...r, needs: [...r.needs, DEV_SECRETS_STEP] })), step],
  };
}

export async function installTenant(o: TenantPlanOptions, releases: LoadedRelease[], ctl: PhaseControl, step?: (ctl: PhaseControl) => Promise<void>): Promise<PlanResult> {
  const pc = planContext(o, ctl);
  const { releaseHooks } = await import('../plan/index.js');
  const { executePlan } = await import('../plan/execute.js');
  const hooks = releaseHooks(pc);
  const isStep = (id: string) => id === DEV_SECRETS_STEP;
  const result = await executePlan(
    releases,
    {
      isCurrent: async (r, signal) => (isStep(r.id) ? false : hooks.isCurrent!(r, signal)),
      install: async (r, signal) => (isStep(r.id) ? step?.({ ...ctl, signal }) : hooks.install(r, signal)),
      await: async (r, signal) => (isStep(r.id) ? undefined : hooks.await(r, signal)),
      done: async (r, signal) => (isStep(r.id) ? undefined : hooks.done!(r, signal)),
    },
    { signal: ctl.signal, installConcurrency: o.installConcurrency, onEvent: (e) => (isStep(e.release.id) ? undefined : pc.progress?.event?.(e)) },
  );
  if (result.interrupted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
  if (!result.ok) throw planError({ ...result, outcomes: result.outcomes.filter((x) => !isStep(x.id) || x.status === 'failed') });
  return { ...result, outcomes: result.outcomes.filter((x) => !isStep(x.id)) };
}

// ---------------------------------------------------------------- status

export interface ComponentStatus {
  component: string;
  release: string;
  status: 'ready' | 'progressing' | 'failed' | 'missing';
  message: string;
  /** Seconds since the release was last installed or upgraded. */
  ageSeconds?: number;
  objects: number;
  revision?: number;
  helmStatus?: string;
}

export { isNotFound };
