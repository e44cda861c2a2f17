/** Tools the cluster commands need (without kind/docker): helm, helmfile and whether helm-diff is installed. */
import { Helm } from '../tools/helm.js';
import { Helmfile } from '../tools/helmfile.js';
import type { DryRun } from '../tools/record.js';

export interface ClusterTools {
  helm: Helm;
  helmfile: Helmfile;
  helmDiff: boolean;
}

/**
 * Under --dry-run (`dryRun` given), helm and helmfile record their mutating calls in it instead of running them.
 * The command's `signal` stops the version checks (Ctrl-C).
 */
export async function clusterTools(dryRun?: DryRun, signal?: AbortSignal): Promise<ClusterTools> {
  const [helm, helmfile] = await Promise.all([Helm.detect(undefined, { signal }).then((h) => h.withDryRun(dryRun)), Helmfile.detect(undefined, { signal }).then((h) => h.withDryRun(dryRun))]);
  const helmDiff = (await helm.plugins({ signal })).some((p) => p.name === 'diff');
  return { helm, helmfile, helmDiff };
}
