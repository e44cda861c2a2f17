/** Tools the cluster commands need (without kind/docker): helm, helmfile and whether helm-diff is installed. */
import { run } from '../tools/exec.js';
import { Helm } from '../tools/helm.js';
import { Helmfile } from '../tools/helmfile.js';

export interface ClusterTools {
  helm: Helm;
  helmfile: Helmfile;
  helmDiff: boolean;
}

export async function clusterTools(): Promise<ClusterTools> {
  const [helm, helmfile] = await Promise.all([Helm.detect(), Helmfile.detect()]);
  const plugins = await run(helm.bin, ['plugin', 'list'], { reject: false, timeout: 20_000 });
  const helmDiff = plugins.stdout.split('\n').slice(1).some((l) => l.split(/\s+/)[0] === 'diff');
  return { helm, helmfile, helmDiff };
}
