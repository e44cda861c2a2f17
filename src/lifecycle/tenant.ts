/** A tenant's releases: read from helmfile.d (all but the operators'), rendered, and installed by the plan with a step between. */
import { ExitCode, LogclawError } from '../errors.js';
import { loadPlan, operatorsFiles, prepareLocalCharts, selectorOf, type LoadedRelease } from '../plan/load.js';
import { select } from '../plan/dag.js';
import { planError } from '../plan/index.js';
import type { PlanResult } from '../plan/execute.js';
import type { PhaseControl } from '../plan/phases.js';
import type { KubeObject } from '../readiness/types.js';
import { parseKubeObjects } from '../manifests/yaml-kube.js';
import { planContext, type PlanOptions } from './plan-context.js';

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
