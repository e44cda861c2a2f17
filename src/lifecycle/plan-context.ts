/** What a lifecycle step runs the release plan with: its options, and the plan context and progress built from them. */
import type { DryRun } from '../tools/record.js';
import type { Helm } from '../tools/helm.js';
import type { Helmfile } from '../tools/helmfile.js';
import type { ClusterPlanContext, Progress } from '../plan/index.js';
import type { PhaseControl } from '../plan/phases.js';
import type { Session } from './session.js';
import { formatDuration } from '../duration.js';

export interface PlanOptions {
  cwd: string;
  helmfileDir: string;
  /** helm and helmfile record their mutating calls in `dryRun` (constructed with it) under --dry-run. */
  helm: Helm;
  helmfile: Helmfile;
  helmDiff: boolean;
  /** --dry-run: what would change the cluster is recorded here instead of done. */
  dryRun?: DryRun;
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

function progressFor(ctl: PhaseControl, dryRun: DryRun | undefined): Progress {
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
      else if (e.type === 'installed') inFlight.set(e.release.id, `installed in ${formatDuration(e.ms)}, waiting for readiness`);
      else if (e.type === 'ready' || e.type === 'current') {
        inFlight.delete(e.release.id);
        ctl.note(dryRun ? `${e.release.id}: would be installed` : `${e.release.id} ${e.type === 'current' ? 'already installed and ready' : 'ready'} at ${formatDuration(e.at)}`);
      } else if (e.type === 'failed' || e.type === 'blocked') {
        inFlight.delete(e.release.id);
        ctl.note(`${e.release.id} ${e.type === 'failed' ? `failed: ${e.message}` : `not installed (needs ${e.by})`}`);
      }
      show();
    },
  };
}

export function planContext(o: PlanOptions, ctl: PhaseControl, extra: Partial<ClusterPlanContext> = {}): ClusterPlanContext {
  return {
    cwd: o.cwd,
    kubeContext: o.session.kubeContext,
    kubeconfig: o.session.kubeconfig,
    helm: o.helm,
    helmfile: o.helmfile,
    dryRun: o.dryRun,
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
    progress: progressFor(ctl, o.dryRun),
    installConcurrency: o.installConcurrency,
    awaited: o.awaited,
    ...extra,
  };
}
