/**
 * `logclaw upgrade`: the diff and its safety verdicts first; data-loss and immutable changes refused unless
 * --force; immutable StatefulSet changes carried out with --recreate (the documented procedure: delete the
 * StatefulSet with --cascade=orphan so its pods and PVCs keep running, then the upgrade re-creates it and it
 * adopts them); then only the releases whose render changed are upgraded, each gated on readiness of what it
 * renders (as install waits); ConfigMaps/Secrets read only at start get their workloads restarted.
 * Core: returns results, prints nothing; the command asks for confirmation before calling applyUpgrade.
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { KubeApi } from '../kube/api.js';
import { WatchHub } from '../kube/watch.js';
import { awaitRefs } from '../readiness/awaited.js';
import { awaitOrExplain, planError, releaseHooks, type ClusterPlanContext, type Progress } from '../plan/index.js';
import { executePlan, type PlanResult, type ReleaseHooks } from '../plan/execute.js';
import type { Helmfile } from '../tools/helmfile.js';
import type { PlanRelease } from '../plan/dag.js';
import type { DryRun } from '../tools/record.js';
import type { Helm } from '../tools/helm.js';
import { Kubectl } from '../tools/kubectl.js';
import { type NamedKubeObject } from '../safety/objects.js';
import { parseQuantity } from '../safety/quantity.js';
import type { SafetyFinding } from '../safety/types.js';
import { formatFindings } from './format.js';
import type { TenantDiff } from './index.js';
import { get, isRecord } from '../object.js';

export interface UpgradeDecision {
  /** Findings that stop the upgrade (after --force / --recreate are taken into account). */
  refused: SafetyFinding[];
  /** StatefulSets to re-create (--recreate). */
  recreate: Array<{ namespace: string; name: string }>;
  /** Blocking findings let through by --force. */
  forced: SafetyFinding[];
  ok: boolean;
}

/** Which blocking findings stop the upgrade, given --force and --recreate. Pure. */
export function decide(d: TenantDiff, o: { force?: boolean; recreate?: boolean }): UpgradeDecision {
  const recreate = new Map<string, { namespace: string; name: string }>();
  const remaining: SafetyFinding[] = [];
  for (const f of d.assessment.blocking) {
    if (o.recreate && f.recreate) recreate.set(`${f.recreate.namespace}/${f.recreate.name}`, { namespace: f.recreate.namespace, name: f.recreate.name });
    else remaining.push(f);
  }
  // a recreated StatefulSet's other blocking findings (e.g. a selector change) still need --force
  return {
    refused: o.force ? [] : remaining,
    forced: o.force ? remaining : [],
    recreate: [...recreate.values()],
    ok: o.force || remaining.length === 0,
  };
}

/**
 * The refusal of an upgrade (or of an install over an installed tenant, which is one) whose decision is not ok, or
 * undefined when it may proceed: what is refused, each finding with its fix, and the way forward (--recreate
 * through `upgrade` when re-creating StatefulSets is all it takes, else the diff to review and --force).
 */
export function refusal(decision: UpgradeDecision, o: { command: 'upgrade' | 'install'; tenant: string; kubeContext: string }): LogclawError | undefined {
  if (decision.ok) return undefined;
  const n = decision.refused.length;
  const recreatable = decision.refused.filter((f) => f.recreate).length;
  const target = `--tenant ${o.tenant} --kube-context ${o.kubeContext}`;
  return new LogclawError(`${o.command} refused: ${n} change${n === 1 ? '' : 's'} would lose data or cannot be applied`, {
    exitCode: ExitCode.checkFailed,
    details: formatFindings(decision.refused, { style: (_format, text) => text }).split('\n'),
    hint:
      recreatable === n
        ? `Re-run with --recreate (\`logclaw upgrade ${target} --recreate\`) to re-create the StatefulSets (pods and PVCs keep running), or change the tenant file back.`
        : `Review with \`logclaw diff ${target}\`; change the tenant file back, or re-run with --force${recreatable && o.command === 'upgrade' ? ' (and --recreate for the StatefulSets)' : ''} if you accept the consequences above.`,
  });
}

/**
 * The diff narrowed to some releases (`install --only`): their objects and the findings about them; findings of
 * objects or releases outside the set are dropped, tenant-level ones kept. Pure.
 */
export function scopeToReleases(d: TenantDiff, releaseIds: Iterable<string>): TenantDiff {
  const ids = new Set(releaseIds);
  const releaseOf = new Map(d.objects.map((x) => [x.ref, x.release]));
  const keep = (f: SafetyFinding): boolean => {
    const release = releaseOf.get(f.object);
    if (release !== undefined) return ids.has(release);
    const named = /^release (\S+)$/.exec(f.field ?? '')?.[1];
    return named === undefined || ids.has(`${d.namespace}/${named}`);
  };
  const findings = d.assessment.findings.filter(keep);
  const objects = d.objects.filter((x) => ids.has(x.release));
  return {
    ...d,
    releases: d.releases.filter((r) => ids.has(r.id)),
    objects,
    changed: objects.some((x) => x.action !== 'unchanged'),
    assessment: { ...d.assessment, findings, blocking: d.assessment.blocking.filter(keep) },
  };
}

export interface ApplyOptions {
  cwd: string;
  diff: TenantDiff;
  decision: UpgradeDecision;
  api: KubeApi;
  helm: Helm;
  context: string;
  timeoutMs: number;
  signal: AbortSignal;
  progress?: Progress & { step?(text: string): void };
  /** --dry-run: every command that would change something is recorded here instead of run. */
  dryRun?: DryRun;
}

export interface UpgradeResult {
  recreated: string[];
  expandedClaims: string[];
  keptClaims: string[];
  releases: string[];
  uninstalled: string[];
  restarted: string[];
  plan?: PlanResult;
  /** Under --dry-run: every command that would have run. */
  commands: string[];
}

export async function applyUpgrade(o: ApplyOptions): Promise<UpgradeResult> {
  const kubectl = (await Kubectl.detect(undefined, { signal: o.signal })).withDryRun(o.dryRun);
  const helm = o.helm.withDryRun(o.dryRun);
  const target = { context: o.context };
  const result: UpgradeResult = { recreated: [], expandedClaims: [], keptClaims: [], releases: [], uninstalled: [], restarted: [], commands: [] };
  const deadline = Date.now() + o.timeoutMs;

  // 1. --recreate: orphan-delete the StatefulSets whose frozen fields change; the release upgrade re-creates them
  const orphaned: NamedKubeObject[] = [];
  for (const s of o.decision.recreate) {
    const live = (await o.api.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: s.namespace, name: s.name }, o.signal)) as NamedKubeObject | undefined;
    o.progress?.step?.(`re-creating StatefulSet ${s.namespace}/${s.name}: deleting it with --cascade=orphan (pods and PVCs keep running)`);
    await kubectl.deleteOrphaning('StatefulSet', s.name, { namespace: s.namespace, timeoutSeconds: Math.max(10, Math.round((deadline - Date.now()) / 1000)) }, target, { signal: o.signal });
    result.recreated.push(`StatefulSet ${s.namespace}/${s.name}`);
    if (live) orphaned.push(live);
  }

  // 2. the releases whose render changed, through the release plan (each gated on readiness)
  const changed = o.diff.releases.filter((r) => r.changed && !r.removed);
  const changedIds = new Set(changed.map((r) => r.id));
  const byId = new Map(changed.map((r) => [r.id, r]));
  const hub = o.dryRun ? undefined : new WatchHub(o.api, o.signal);
  const plan = o.diff.plan;
  const pc: ClusterPlanContext = {
    cwd: o.cwd,
    kubeContext: o.context,
    helm,
    helmfile: plan?.helmfile.withDryRun(o.dryRun) as Helmfile,
    dryRun: o.dryRun,
    api: o.api,
    hub,
    env: plan?.env,
    stateValues: plan?.stateValues,
    stateValuesFiles: plan?.stateValuesFiles,
    mode: 'sync',
    deadline,
    signal: o.signal,
    progress: o.progress,
  };
  try {
    let releases: PlanRelease[];
    let hooks: ReleaseHooks;
    if (plan) {
      // helmfile mode: the lifecycle's hooks (helmfile sync selecting the release, readiness of what it renders, the
      // resume stamp); always upgrade (a changed render with unchanged inputs is drift to repair)
      releases = plan.releases.filter((r) => changedIds.has(r.id)).map((r) => ({ ...r, needs: r.needs.filter((n) => changedIds.has(n)) }));
      hooks = { ...releaseHooks(pc), isCurrent: undefined };
    } else {
      releases = changed.map((r) => ({ id: r.id, name: r.name, namespace: r.namespace, chart: r.chartDir, file: r.valuesFiles[0] ?? '', needs: [], labels: {} }));
      hooks = {
        install: async (r, signal) => {
          o.progress?.step?.(`upgrading release ${r.id}`);
          const d = byId.get(r.id)!;
          await helm.upgradeInstall(d.name, d.chartDir, { namespace: d.namespace, valuesFiles: d.valuesFiles }, { kubeContext: o.context }, { signal });
        },
        await: async (r) => {
          if (o.dryRun) return;
          const objs = o.diff.objects.filter((x) => x.release === r.id && x.action !== 'delete');
          const refs = await awaitRefs(o.api, objs.map((x) => ({ apiVersion: x.apiVersion, kind: x.kind, metadata: { name: x.name, namespace: x.namespace } })), r.namespace);
          await awaitOrExplain(pc, r.id, refs);
        },
      };
    }
    const run = await executePlan(releases, hooks, { signal: o.signal, onEvent: (e) => o.progress?.event?.(e) });
    result.plan = run;
    if (!run.ok) {
      if (run.interrupted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
      throw planError(run);
    }
    result.releases = changed.map((r) => r.id);
    // components the tenant file no longer enables
    for (const r of o.diff.releases.filter((x) => x.removed)) {
      o.progress?.step?.(`uninstalling release ${r.id} (its component is disabled)`);
      await helm.uninstall(r.name, { namespace: r.namespace }, { kubeContext: o.context }, { signal: o.signal });
      result.uninstalled.push(r.id);
    }
    // re-created StatefulSets: their existing claims keep their size unless expanded (after the re-create, so a
    // claim that cannot grow never leaves a StatefulSet deleted)
    for (const live of orphaned) await expandClaims(o, kubectl, live, result);

    // 3. workloads that read a changed ConfigMap/Secret only at start
    const restarts = new Map<string, { kind: string; namespace: string; name: string }>();
    for (const f of o.diff.assessment.findings) for (const w of f.rolloutRestart ?? []) restarts.set(`${w.kind}/${w.namespace}/${w.name}`, w);
    for (const w of restarts.values()) {
      o.progress?.step?.(`restarting ${w.kind} ${w.namespace}/${w.name} (it reads a changed ConfigMap/Secret only at start)`);
      await kubectl.rolloutRestart(w.kind, w.name, w.namespace, target, { signal: o.signal });
      result.restarted.push(`${w.kind} ${w.namespace}/${w.name}`);
    }
    if (restarts.size && !o.dryRun) {
      const refs = [...restarts.values()].map((w) => ({ apiVersion: w.kind === 'CronJob' || w.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: w.kind, namespace: w.namespace, name: w.name }));
      await awaitOrExplain(pc, 'restarts', refs);
    }
  } finally {
    hub?.stop();
  }
  result.commands = o.dryRun ? [...o.dryRun.commands] : [];
  return result;
}

/**
 * The claims of a re-created StatefulSet keep their size; where the new claim template asks for more and the claim
 * is bound, ask for more on the claim (the StorageClass must allow expansion). Unbound claims are left as they are.
 */
async function expandClaims(o: ApplyOptions, kubectl: Kubectl, sts: NamedKubeObject, result: UpgradeResult): Promise<void> {
  const desired = o.diff.objects.find((x) => x.kind === 'StatefulSet' && x.namespace === sts.metadata.namespace && x.name === sts.metadata.name);
  if (!desired) return;
  const wanted = await desiredTemplates(o, sts);
  const replicas = Number(get(sts, 'spec', 'replicas') ?? 1);
  for (const t of wanted) {
    const tname = String(get(t, 'metadata', 'name'));
    const size = get(t, 'spec', 'resources', 'requests', 'storage');
    const want = parseQuantity(size);
    if (want === undefined) continue;
    for (let i = 0; i < replicas; i++) {
      const name = `${tname}-${sts.metadata.name}-${i}`;
      const pvc = (await o.api.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: sts.metadata.namespace, name }, o.signal)) as NamedKubeObject | undefined;
      if (!pvc) continue;
      const have = parseQuantity(get(pvc, 'spec', 'resources', 'requests', 'storage'));
      if (have === undefined || have >= want) continue;
      const claim = `PersistentVolumeClaim ${sts.metadata.namespace}/${name}`;
      const current = String(get(pvc, 'spec', 'resources', 'requests', 'storage'));
      if (get(pvc, 'status', 'phase') !== 'Bound') {
        result.keptClaims.push(`${claim} (not bound: keeps ${current})`);
        continue;
      }
      const className = get(pvc, 'spec', 'storageClassName');
      const sc = typeof className === 'string' ? ((await o.api.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className }, o.signal)) as NamedKubeObject | undefined) : undefined;
      if (get(sc, 'allowVolumeExpansion') !== true) {
        result.keptClaims.push(`${claim} (keeps ${current}: StorageClass ${String(className ?? '-')} does not allow volume expansion; new replicas get ${String(size)})`);
        continue;
      }
      o.progress?.step?.(`expanding ${claim} to ${String(size)}`);
      const r = await kubectl.patchMerge('PersistentVolumeClaim', name, sts.metadata.namespace!, { spec: { resources: { requests: { storage: size } } } }, { context: o.context }, { signal: o.signal, reject: false });
      if (r.exitCode === 0) result.expandedClaims.push(`${claim} → ${String(size)}`);
      else result.keptClaims.push(`${claim} (keeps ${current}: ${r.stderr.trim().split('\n').pop()})`);
    }
  }
}

/** The claim templates the new render asks for (from the predicted object the diff computed). */
async function desiredTemplates(o: ApplyOptions, sts: NamedKubeObject): Promise<unknown[]> {
  const hit = o.diff.predicted?.get(`StatefulSet/${sts.metadata.namespace}/${sts.metadata.name}`);
  const t = hit ? get(hit, 'spec', 'volumeClaimTemplates') : undefined;
  return Array.isArray(t) ? t.filter(isRecord) : [];
}
