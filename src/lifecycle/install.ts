/**
 * `logclaw install` on an existing cluster: the same plan as dev up, without kind and without dev secrets.
 * The operators must be installed (their CRDs Established) and the tenant's SecretStore must become Ready: on a
 * real cluster every credential comes through it.
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { PlanResult } from '../plan/execute.js';
import { tenantInputs, type LoadedRelease } from '../plan/load.js';
import type { Phase, PhaseControl } from '../plan/phases.js';
import { verdict } from '../readiness/verdict.js';
import type { DryRun } from '../tools/record.js';
import type { SafetyFinding } from '../safety/types.js';
import type { KubeApi } from '../kube/api.js';
import { releaseNames } from '../kube/helm-release.js';
import type { ClusterTools } from './tools.js';
import { tenantNamespace } from '../tenant/id.js';
import type { PlanOptions } from './plan-context.js';
import { openSession, type Session } from './session.js';
import { installTenant, loadTenantPlan, renderReleases } from './tenant.js';

/** CRDs every tenant uses (kafka, secrets, certificates); others are checked by helm when a chart needs them. */
export const REQUIRED_CRDS = ['kafkas.kafka.strimzi.io', 'kafkanodepools.kafka.strimzi.io', 'externalsecrets.external-secrets.io', 'secretstores.external-secrets.io', 'certificates.cert-manager.io'];

export interface InstallOptions {
  cwd: string;
  tenant: string;
  kubeContext: string;
  kubeconfig?: string;
  only?: string[];
  timeoutMs: number;
  tools: ClusterTools;
  helmfileDir?: string;
  failGraceMs?: number;
  environment?: string;
  /** Go through with data-loss and immutable changes to an installed tenant (as `upgrade --force`). */
  force?: boolean;
  /** Install even when the capacity check says the tenant does not fit. */
  skipCapacityCheck?: boolean;
  /** --dry-run: the commands that would change something are recorded here (`tools` record theirs in it too). */
  dryRun?: DryRun;
}

/** What re-installing over an installed tenant would change, judged by the change-safety rules. */
export interface InstallSafety {
  /** Releases of the tenant already installed (helm release records in the namespace). */
  installed: string[];
  /** Objects the install would create, update or delete. */
  changes: number;
  /** Findings worse than safe (restart, disruptive, and blocking ones let through by --force). */
  findings: SafetyFinding[];
  /** Blocking findings let through by --force. */
  forced: SafetyFinding[];
}

export interface InstallState {
  namespace: string;
  session?: Session;
  releases?: LoadedRelease[];
  result?: PlanResult;
  safety?: InstallSafety;
  capacity?: import('../capacity/index.js').CapacityReport;
  deadline: number;
}

/**
 * Installing over an installed tenant is an upgrade: the same diff and change-safety verdicts as `logclaw upgrade`,
 * and data-loss or immutable changes are refused (exit 1) unless --force. A first install has nothing to compare.
 */
async function checkSafety(o: InstallOptions, api: KubeApi, namespace: string, releases: LoadedRelease[], ctl: Pick<PhaseControl, 'update' | 'signal'>): Promise<InstallSafety> {
  const installed = await releaseNames(api, namespace, ctl.signal);
  if (!installed.length) return { installed, changes: 0, findings: [], forced: [] };
  const { diffTenant } = await import('../diff/index.js');
  const { decide, refusal, scopeToReleases } = await import('../diff/upgrade.js');
  const whole = await diffTenant({ root: o.cwd, tenantId: o.tenant, api, helm: o.tools.helm, context: o.kubeContext, signal: ctl.signal, onPhase: (t) => ctl.update(t) });
  // only what this install touches (the plan's releases, --only narrows them)
  const d = scopeToReleases(whole, releases.map((r) => r.id));
  const decision = decide(d, { force: o.force });
  const refused = refusal(decision, { command: 'install', tenant: o.tenant, kubeContext: o.kubeContext });
  if (refused) throw refused;
  return {
    installed,
    changes: d.objects.filter((x) => x.action !== 'unchanged').length,
    findings: d.assessment.findings.filter((f) => f.verdict !== 'safe'),
    forced: decision.forced,
  };
}

export function installPhases(o: InstallOptions): { phases: Phase[]; state: InstallState } {
  const state: InstallState = { namespace: tenantNamespace(o.tenant), deadline: Date.now() + o.timeoutMs };
  const inputs = tenantInputs(o.cwd, o.tenant);
  const options = (): PlanOptions & { tenant: string; only?: string[] } => ({
    cwd: o.cwd,
    helmfileDir: o.helmfileDir ?? 'helmfile.d',
    ...o.tools,
    session: state.session!,
    deadline: state.deadline,
    failGraceMs: o.failGraceMs,
    env: inputs.env,
    environment: o.environment,
    stateValues: inputs.stateValues,
    stateValuesFiles: inputs.stateValuesFiles,
    tenant: o.tenant,
    only: o.only,
    dryRun: o.dryRun,
  });
  const phases: Phase[] = [
    {
      title: `connect to ${o.kubeContext}`,
      run: async (ctl) => {
        state.session = await openSession(o.kubeContext, o.kubeconfig, ctl.signal);
        return state.session.api!.server;
      },
    },
    {
      title: 'preflight',
      run: async (ctl) => {
        const api = state.session!.api!;
        ctl.update('operators CRDs');
        const missing: string[] = [];
        for (const name of REQUIRED_CRDS) {
          const crd = await api.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name }, ctl.signal);
          if (!crd || verdict(crd).status !== 'ready') missing.push(name);
        }
        if (missing.length) {
          throw new LogclawError(`the operators are not installed on ${o.kubeContext}: missing CRDs ${missing.join(', ')}`, {
            exitCode: ExitCode.missingPrerequisite,
            hint: `Run \`logclaw operators install --kube-context ${o.kubeContext}\` first.`,
          });
        }
        const stores = await api.list({ apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', namespace: state.namespace }, { signal: ctl.signal }).then((x) => x.items).catch(() => []);
        const broken = stores.map((s) => ({ s, v: verdict(s) })).filter((x) => x.v.status === 'failed');
        if (broken.length && !o.dryRun) ctl.note(`SecretStore ${broken.map((b) => `${b.s.metadata?.name}: ${b.v.message}`).join('; ')} — the install waits for it to be Ready`);
        ctl.update('reading the plan');
        state.releases = await loadTenantPlan(options());
        return `${state.releases.length} release(s) to install in ${state.namespace}`;
      },
    },
    {
      title: 'change safety',
      run: async (ctl) => {
        const s = (state.safety = await checkSafety(o, state.session!.api!, state.namespace, state.releases!, ctl));
        if (!s.installed.length) return 'not installed yet: nothing to compare';
        for (const f of s.forced) ctl.note(`--force: ${f.verdict} ${f.object}: ${f.message}`);
        const notable = s.findings.length ? `; ${s.findings.length} finding(s): ${[...new Set(s.findings.map((f) => f.verdict))].join(', ')}` : '';
        return `${s.installed.length} release(s) installed; ${s.changes} object(s) would change${notable}`;
      },
    },
    {
      title: 'capacity',
      run: async (ctl) => {
        if (o.skipCapacityCheck) return 'skipped (--skip-capacity-check)';
        const { planCapacity, refusal, fitSummary } = await import('./capacity.js');
        const { clusterCapabilities } = await import('../diff/capabilities.js');
        const api = state.session!.api!;
        ctl.update('rendering the releases');
        const caps = await clusterCapabilities(api, ctl.signal);
        // release by release: one that does not render is left to the install, which reports its helm error
        const rendered = new Map<string, import('../kube-object.js').KubeObject[]>();
        const unrendered: string[] = [];
        const all = state.releases!;
        for (let i = 0; i < all.length; i += 3) {
          await Promise.all(all.slice(i, i + 3).map(async (r) => {
            try {
              for (const [id, objs] of await renderReleases(options(), [r], ctl.signal, 1, caps.apiVersions)) rendered.set(id, objs);
            } catch (e) {
              if (ctl.signal.aborted) throw e;
              unrendered.push(r.id);
            }
          }));
        }
        ctl.update('placing the requests on the nodes');
        const checked = state.releases!.filter((r) => rendered.has(r.id));
        state.capacity = await planCapacity({ root: o.cwd, tenant: o.tenant, context: o.kubeContext, api, releases: checked, rendered, signal: ctl.signal });
        const refused = refusal(state.capacity, 'install', o.tenant, o.kubeContext);
        if (refused) throw refused;
        return `${fitSummary(state.capacity)}${unrendered.length ? `; not checked (does not render): ${unrendered.join(', ')}` : ''}`;
      },
    },
    {
      title: `tenant ${o.tenant}`,
      run: async (ctl) => {
        state.result = await installTenant(options(), state.releases!, ctl);
        const current = state.result.outcomes.filter((x) => x.status === 'current').length;
        return `${state.releases!.length} release(s) ready${current ? ` (${current} already installed)` : ''}`;
      },
    },
  ];
  return { phases, state };
}
