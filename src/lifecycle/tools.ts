/** Tools the cluster commands need (without kind/docker): helm, helmfile and whether helm-diff is installed. */
import { Helm } from '../tools/helm.js';
import { Helmfile } from '../tools/helmfile.js';

export interface ClusterTools {
  helm: Helm;
  helmfile: Helmfile;
  helmDiff: boolean;
}

export async function clusterTools(): Promise<ClusterTools> {
  const [helm, helmfile] = await Promise.all([Helm.detect(), Helmfile.detect()]);
  const helmDiff = (await helm.plugins()).some((p) => p.name === 'diff');
  return { helm, helmfile, helmDiff };
}
