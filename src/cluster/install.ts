/**
 * `logclaw install` on an existing cluster: the same plan as dev up, without kind and without dev secrets.
 * The operators must be installed (their CRDs Established) and the tenant's SecretStore must become Ready: on a
 * real cluster every credential comes through it.
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { PlanResult } from '../plan/execute.js';
import type { LoadedRelease } from '../plan/load.js';
import type { Phase } from '../plan/progress-ui.js';
import { verdict } from '../readiness/verdict.js';
import { isDryRun } from '../tools/exec.js';
import type { ClusterTools } from './tools.js';
import { installTenant, loadTenantPlan, openSession, tenantInputs, tenantNamespace, type PlanOptions, type Session } from './lifecycle.js';

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
}

export interface InstallState {
  namespace: string;
  session?: Session;
  releases?: LoadedRelease[];
  result?: PlanResult;
  deadline: number;
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
        if (broken.length && !isDryRun()) ctl.note(`SecretStore ${broken.map((b) => `${b.s.metadata?.name}: ${b.v.message}`).join('; ')} — the install waits for it to be Ready`);
        ctl.update('reading the plan');
        state.releases = await loadTenantPlan(options());
        return `${state.releases.length} release(s) to install in ${state.namespace}`;
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
