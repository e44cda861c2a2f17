/** The operators of every tenant (helmfile.d/00-operators.yaml), installed by the plan with their CRDs. */
import { ExitCode, LogclawError } from '../errors.js';
import { kubectlEquivalent } from '../tools/kubectl.js';
import { loadPlan, operatorsFiles, type LoadedRelease } from '../plan/load.js';
import type { PlanRelease } from '../plan/dag.js';
import { planError } from '../plan/index.js';
import type { PlanResult } from '../plan/execute.js';
import type { PhaseControl } from '../plan/phases.js';
import type { KubeObject } from '../readiness/types.js';
import type { AwaitRef } from '../readiness/wait.js';
import { isConflict } from '../kube/api.js';
import { PLATFORM_ROLE_LABEL } from '../tenant/rules.js';
import { adoptTemplatedCrds, chartCrds, crdFingerprint, refreshCrds, type ChartCrd } from './crds.js';
import { planContext, type PlanOptions } from './plan-context.js';

/**
 * Install the operators (helmfile.d/00-operators.yaml) by the plan: CRDs the charts ship are compared with the
 * cluster's and re-applied (server-side) when missing or older — helm installs CRDs once and never upgrades
 * them — then every operator's Deployments Available and its CRDs Established. The namespaces of the platform
 * roles are labelled first.
 */
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
        if (!o.dryRun) throw e;
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
    if (o.dryRun) {
      o.dryRun.record(kubectlEquivalent.labelNamespace(o.session.kubeContext, name, PLATFORM_ROLE_LABEL, role));
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
