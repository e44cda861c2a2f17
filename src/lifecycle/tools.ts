/** Tools the cluster commands need (without kind/docker): helm, helmfile and whether helm-diff is installed. */
import { Helm } from '../tools/helm.js';
import { Helmfile } from '../tools/helmfile.js';
import type { DryRun } from '../tools/record.js';

export interface ClusterTools {
  helm: Helm;
  helmfile: Helmfile;
  helmDiff: boolean;
}

/** Under --dry-run (`dryRun` given), helm and helmfile record their mutating calls in it instead of running them. */
export async function clusterTools(dryRun?: DryRun): Promise<ClusterTools> {
  const [helm, helmfile] = await Promise.all([Helm.detect().then((h) => h.withDryRun(dryRun)), Helmfile.detect().then((h) => h.withDryRun(dryRun))]);
  const helmDiff = (await helm.plugins()).some((p) => p.name === 'diff');
  return { helm, helmfile, helmDiff };
}
