/**
 * `logclaw dev up` and `dev down` as phases: check the tools; a kind cluster with zone labels and a pinned node
 * image (reused when it exists); the operators; the tenant namespace, its dev secrets and its releases by the
 * plan. Every phase is resumable: a re-run skips what is installed from the same inputs and READY.
 */
import { ExitCode, LogclawError } from '../errors.js';
import { requireDoctor, runDoctor, type DoctorReport } from '../doctor/index.js';
import type { PlanResult } from '../plan/execute.js';
import { waves, type PlanRelease } from '../plan/dag.js';
import { tenantInputs, type LoadedRelease } from '../plan/load.js';
import type { Phase, PhaseControl, PhaseTiming } from '../plan/phases.js';
import type { DryRun } from '../tools/record.js';
import { Kind } from '../tools/kind.js';
import { kubectlEquivalent } from '../tools/kubectl.js';
import { Helm } from '../tools/helm.js';
import type { KubeObject } from '../readiness/types.js';
import { devSecretNeeds, ensureDevSecrets, type EnsureResult } from './dev-secrets.js';
import { isConflict, type KubeApi } from '../kube/api.js';
import { tenantNamespace } from '../tenant/id.js';
import { apiVersionsOf } from './crds.js';
import { ensureKindCluster, ensureZoneLabels } from './kind-cluster.js';
import { installOperators } from './operators.js';
import type { PlanOptions } from './plan-context.js';
import { openSession, type Session } from './session.js';
import { installTenant, loadTenantPlan, renderReleases, withStep } from './tenant.js';

export interface DevUpOptions {
  cwd: string;
  tenant: string;
  cluster: string;
  storageClass: string;
  only?: string[];
  timeoutMs: number;
  helmfileDir?: string;
  kubeconfig?: string;
  signal: AbortSignal;
  failGraceMs?: number;
  /** helmfile --environment (LOGCLAW_HELMFILE_ENVIRONMENT). */
  environment?: string;
  /** Install even when the capacity check says the tenant does not fit. */
  skipCapacityCheck?: boolean;
  /** --dry-run: plan only; every command that would change something is recorded here. */
  dryRun?: DryRun;
}

export interface DevUpState {
  context: string;
  /** A dry run's required checks that failed: the plan is printed, marking where they are needed, then exit 3. */
  missing?: Array<{ id: string; title: string; detail: string; fix?: string }>;
  namespace: string;
  doctor?: DoctorReport;
  clusterCreated?: boolean;
  session?: Session;
  operators?: { releases: string[]; refreshed: string[]; result: PlanResult; plan: LoadedRelease[] };
  /** Objects awaited per release. */
  awaited: Map<string, number>;
  tenantReleases?: LoadedRelease[];
  tenantResult?: PlanResult;
  secrets?: EnsureResult;
  capacity?: import('../capacity/index.js').CapacityReport;
  deadline: number;
}

export function devUpPhases(o: DevUpOptions): { phases: Phase[]; state: DevUpState } {
  const state: DevUpState = { context: Kind.contextOf(o.cluster), namespace: tenantNamespace(o.tenant), deadline: Date.now() + o.timeoutMs, awaited: new Map() };
  const helmfileDir = o.helmfileDir ?? 'helmfile.d';
  const inputs = tenantInputs(o.cwd, o.tenant);
  const stateValues = [...inputs.stateValues, `storageClass=${o.storageClass}`];
  const env = { ...inputs.env, LOGCLAW_STORAGE_CLASS: o.storageClass };
  let planOptions: PlanOptions | undefined;
  let background: Promise<{ releases: LoadedRelease[]; rendered: Map<string, KubeObject[]> }> | undefined;

  const options = (): PlanOptions => {
    const tools = state.doctor!.tools;
    planOptions ??= {
      cwd: o.cwd,
      helmfileDir,
      helm: tools.helm!.withDryRun(o.dryRun),
      helmfile: tools.helmfile!.withDryRun(o.dryRun),
      helmDiff: Boolean(tools.helmDiff),
      dryRun: o.dryRun,
      session: state.session ?? { kubeContext: state.context, kubeconfig: o.kubeconfig, close: async () => undefined },
      deadline: state.deadline,
      failGraceMs: o.failGraceMs,
      env,
      environment: o.environment,
      stateValues,
      stateValuesFiles: inputs.stateValuesFiles,
      awaited: state.awaited,
    };
    return planOptions;
  };

  // the releases are read through helmfile and rendered with helm: without them a dry run cannot list them
  const planReadable = (): boolean => Boolean(state.doctor?.tools.helm && state.doctor.tools.helmfile);
  const unplanned = (what: string): string => {
    const need = (['helm', 'helmfile'] as const).filter((t) => !state.doctor?.tools[t]);
    o.dryRun?.record(`# ${what}: helmfile --file ${helmfileDir}/… sync, one release at a time (the exact commands need ${need.join(' and ')}, which ${need.length === 1 ? 'is' : 'are'} missing)`);
    return `not planned: needs ${need.join(' and ')} (missing)`;
  };

  const phases: Phase[] = [
    {
      title: 'check tools',
      run: async () => {
        state.doctor = await runDoctor({ scope: 'dev' });
        if (o.dryRun) {
          // a dry run shows the whole plan first; the missing prerequisites are marked in it, then exit 3
          state.missing = state.doctor.checks.filter((c) => c.required && c.status !== 'ok').map((c) => ({ id: c.id, title: c.title, detail: c.detail, fix: c.fix }));
          if (state.missing.length) return `missing: ${state.missing.map((m) => m.title).join(', ')} (the plan below marks where each is needed)`;
        }
        requireDoctor(state.doctor);
        const t = state.doctor.tools;
        const warn = state.doctor.checks.filter((c) => c.status === 'warn').map((c) => c.title);
        return `docker ${t.docker?.version}, kind ${t.kind?.version}, helm ${t.helm?.version}, helmfile ${t.helmfile?.version}${warn.length ? `; warnings: ${warn.join(', ')}` : ''}`;
      },
    },
    {
      title: `kind cluster ${o.cluster}`,
      run: async (ctl) => {
        const found = state.doctor!.tools.kind;
        // a dry run without kind (or without docker, which kind needs) plans a new cluster
        const cannotAsk = !found || Boolean(state.missing?.some((m) => m.id === 'docker-engine'));
        const r = await ensureKindCluster((found ?? Kind.planned()).withDryRun(o.dryRun), o.cluster, ctl, { kubeconfig: o.kubeconfig, assumeAbsent: Boolean(o.dryRun) && cannotAsk });
        state.clusterCreated = r.created;
        if (!(o.dryRun && r.created)) {
          ctl.update(`connecting to ${state.context}`);
          state.session = await openSession(state.context, o.kubeconfig, ctl.signal);
          await ensureZoneLabels(state.session.api!, ctl, o.dryRun);
        }
        return `${r.created ? 'created' : 'reused'} (context ${state.context})`;
      },
    },
    {
      title: 'operators',
      run: async (ctl) => {
        if (!planReadable()) return unplanned('operators');
        // read and render the tenant's releases while the operators install: the render is told the API
        // versions of the operators' CRDs (their charts render them first), so gated custom resources appear
        const r = await installOperators(options(), ctl, {
          onCrds: (crds) => {
            // handled here at once: a failed operator render is reported by the operators phase, never as an unhandled rejection
            crds.catch(() => undefined);
            background = (async () => {
              const releases = await loadTenantPlan({ ...options(), tenant: o.tenant, only: o.only });
              return { releases, rendered: await renderReleases(options(), releases, ctl.signal, 3, apiVersionsOf(await crds)) };
            })();
            background.catch(() => undefined);
          },
        });
        state.operators = { releases: r.releases.map((x) => x.id), refreshed: r.refreshed, result: r.result, plan: r.releases };
        const current = r.result.outcomes.filter((x) => x.status === 'current').length;
        return `${r.releases.length} operator(s) ready${current ? ` (${current} already installed)` : ''}${r.refreshed.length ? `; refreshed ${r.refreshed.length} stale CRD(s)` : ''}`;
      },
    },
    {
      title: `tenant ${o.tenant}`,
      run: async (ctl) => {
        if (!planReadable()) return unplanned(`tenant ${o.tenant}`);
        ctl.update('reading and rendering the tenant plan');
        const { releases, rendered } = await background!;
        state.tenantReleases = releases;
        if (!o.skipCapacityCheck && state.session?.api) {
          // before anything of the tenant is installed: its requests on the kind nodes, within docker's memory
          ctl.update('capacity: placing the requests on the nodes');
          const { planCapacity, refusal } = await import('./capacity.js');
          const engine = await state.doctor!.tools.docker?.engine({ signal: ctl.signal });
          const dockerMemory = engine?.ok ? engine.info.memTotal : undefined;
          state.capacity = await planCapacity({ root: o.cwd, tenant: o.tenant, context: state.context, api: state.session.api, releases, rendered, dockerMemory, signal: ctl.signal });
          const refused = refusal(state.capacity, 'dev up', o.tenant, state.context);
          if (refused) throw refused;
        }
        const needs = devSecretNeeds([...rendered.values()].flat());
        const { releases: withSecrets, nsRelease } = withStep(releases, rendered, state.namespace);
        const step = async (c: PhaseControl) => {
          if (o.dryRun || !state.session?.api) {
            if (!nsRelease) o.dryRun?.record(kubectlEquivalent.createNamespace(state.namespace));
            for (const n of needs) o.dryRun?.record(kubectlEquivalent.createRandomSecret(n.name, state.namespace, n.keys));
            return;
          }
          // no release renders the namespace: make it here, before the releases (helmfile finds it then)
          if (!nsRelease) await ensureNamespace(state.session.api, state.namespace, c.signal);
          c.update(`dev secrets: ${needs.length} Secret(s) the charts read`);
          state.secrets = await ensureDevSecrets(state.session.api, state.namespace, needs, c.signal);
          if (state.secrets.created.length) c.note(`created dev secrets: ${state.secrets.created.join(', ')} (values: logclaw dev credentials)`);
        };
        state.tenantResult = await installTenant({ ...options(), tenant: o.tenant, only: o.only }, withSecrets, ctl, step);
        const current = state.tenantResult.outcomes.filter((x) => x.status === 'current').length;
        return `${releases.length} release(s) ready${current ? ` (${current} already installed)` : ''}`;
      },
    },
  ];
  return { phases, state };
}

export interface DevDownOptions {
  cwd: string;
  tenant: string;
  cluster: string;
  deleteCluster: boolean;
  purge: boolean;
  kubeconfig?: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** --dry-run: what would be removed is recorded here (`kind` is given constructed with it too). */
  dryRun?: DryRun;
}

export async function devDown(o: DevDownOptions, ctl: PhaseControl, kind: Kind) {
  if (!(await kind.exists(o.cluster, { signal: ctl.signal }))) {
    return { cluster: o.cluster, existed: false, removed: [] as string[], clusterDeleted: false, keptPvcs: [] as string[] };
  }
  if (o.deleteCluster) {
    ctl.update(`deleting kind cluster ${o.cluster}`);
    await kind.delete(o.cluster, { kubeconfig: o.kubeconfig }, { signal: ctl.signal });
    return { cluster: o.cluster, existed: true, removed: [] as string[], clusterDeleted: true, keptPvcs: [] as string[] };
  }
  const context = Kind.contextOf(o.cluster);
  const helm = (await Helm.detect(undefined, { signal: ctl.signal })).withDryRun(o.dryRun);
  const session = await openSession(context, o.kubeconfig, ctl.signal);
  try {
    const { uninstallTenant } = await import('./uninstall.js');
    const ns = tenantNamespace(o.tenant);
    const r = await uninstallTenant({
      api: session.api!,
      namespace: ns,
      purge: o.purge,
      helm,
      target: { kubeContext: context, kubeconfig: o.kubeconfig },
      dryRun: o.dryRun,
      update: ctl.update,
      signal: ctl.signal,
      timeoutMs: o.timeoutMs,
    });
    return { cluster: o.cluster, existed: true, removed: r.removed, clusterDeleted: false, keptPvcs: r.keptPvcs };
  } finally {
    await session.close();
  }
}

export async function ensureNamespace(api: KubeApi, name: string, signal: AbortSignal): Promise<boolean> {
  if (await api.get({ apiVersion: 'v1', kind: 'Namespace', name }, signal)) return false;
  try {
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'logclaw' } } }, signal);
    return true;
  } catch (e) {
    if (isConflict(e)) return false;
    throw e;
  }
}

export function notReadyError(message: string): LogclawError {
  return new LogclawError(message, { exitCode: ExitCode.timeout });
}

/** One release of a plan run as the summary lists it: status, what it needed, when it started and was ready. */
export function timeline(result: PlanResult | undefined, plan: PlanRelease[] | undefined, awaited: Map<string, number>) {
  const needs = new Map((plan ?? []).map((r) => [r.id, r.needs]));
  return (result?.outcomes ?? []).map((r) => ({
    release: r.id,
    status: r.status,
    needs: needs.get(r.id) ?? [],
    objects: awaited.get(r.id),
    startSeconds: r.startedAt !== undefined ? r.startedAt / 1000 : undefined,
    installSeconds: r.installMs !== undefined ? r.installMs / 1000 : undefined,
    waitSeconds: r.waitMs !== undefined ? r.waitMs / 1000 : undefined,
    readySeconds: r.readyAt !== undefined ? r.readyAt / 1000 : undefined,
    readyAtEpochMs: r.readyAt !== undefined ? result!.startedAt + r.readyAt : undefined,
    startedAtEpochMs: r.startedAt !== undefined ? result!.startedAt + r.startedAt : undefined,
  }));
}

/** What `dev up` reports once its phases ran (printed by the command, or its --json). */
export function devUpSummary(state: DevUpState, o: { tenant: string; cluster: string; dryRun: boolean; started: number; timings: PhaseTiming[]; commands?: string[]; log?: string }) {
  return {
    tenant: o.tenant,
    namespace: state.namespace,
    context: state.context,
    cluster: { name: o.cluster, created: Boolean(state.clusterCreated) },
    dryRun: o.dryRun,
    seconds: Math.round((Date.now() - o.started) / 100) / 10,
    phases: o.timings.map((t) => ({ phase: t.title, seconds: Math.round(t.ms / 100) / 10, result: t.result ?? '' })),
    operators: state.operators?.releases ?? [],
    releases: timeline(state.tenantResult, state.tenantReleases, state.awaited),
    operatorReleases: timeline(state.operators?.result, state.operators?.plan, state.awaited),
    api: state.session?.api ? { requests: state.session.api.requests, awaitedObjects: [...state.awaited.values()].reduce((a, b) => a + b, 0), watch: state.session.hub?.stats() } : undefined,
    plan: o.dryRun && state.tenantReleases ? waves(state.tenantReleases).map((w) => w.map((r) => r.id)) : undefined,
    commands: o.commands,
    missing: state.missing?.length ? state.missing : undefined,
    secrets: state.secrets ? { created: state.secrets.created, present: state.secrets.present.length + state.secrets.extended.length } : undefined,
    next: [
      `logclaw status --tenant ${o.tenant} --kube-context ${state.context}`,
      `logclaw port-forward --tenant ${o.tenant} --kube-context ${state.context}`,
      `logclaw dev credentials --tenant ${o.tenant} --cluster ${o.cluster}`,
      `logclaw verify --tenant ${o.tenant} --kube-context ${state.context}`,
    ],
    log: o.log,
  };
}
