/** Removing a tenant (`uninstall`, `dev down`): its helm releases, then its PVCs and namespace only when purged. */
import { ExitCode, LogclawError } from '../errors.js';
import type { KubeApi } from '../kube/api.js';
import { manifestObjects } from '../kube/helm-release.js';
import type { WatchHub } from '../kube/watch.js';
import { tenantReleases } from '../status/index.js';
import type { Helm, HelmClusterOptions } from '../tools/helm.js';
import type { DryRun } from '../tools/record.js';
import { kubectlEquivalent } from '../tools/kubectl.js';

/** How long `helm uninstall` waits for a release's objects to go. */
const UNINSTALL_WAIT = '5m';

export interface UninstallResult {
  namespace: string;
  removed: string[];
  keptPvcs: string[];
  deletedPvcs: string[];
  /** PVCs the charts render without helm.sh/resource-policy: keep (helm deletes those with the release). */
  chartPvcs: string[];
  namespaceDeleted: boolean;
}

export interface UninstallOptions {
  api: KubeApi;
  hub?: WatchHub;
  namespace: string;
  purge: boolean;
  /** Records its uninstalls in `dryRun` under --dry-run (constructed with it). */
  helm: Helm;
  /** The cluster helm removes the releases from. */
  target: HelmClusterOptions;
  /** --dry-run: the kubectl equivalent of each deletion skipped is recorded here. */
  dryRun?: DryRun;
  update: (text: string) => void;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Remove every LogClaw release of a tenant; keep its PVCs (and namespace) unless purge. */
export async function uninstallTenant(o: UninstallOptions): Promise<UninstallResult> {
  const state = await tenantReleases(o.api, o.namespace, o.signal);
  const result: UninstallResult = { namespace: o.namespace, removed: [], keptPvcs: [], deletedPvcs: [], chartPvcs: [], namespaceDeleted: false };
  for (const r of state.releases) {
    for (const obj of manifestObjects(r.manifest)) {
      if (obj.kind === 'PersistentVolumeClaim' && obj.metadata?.annotations?.['helm.sh/resource-policy'] !== 'keep') result.chartPvcs.push(obj.metadata!.name!);
    }
  }
  await Promise.all(
    state.releases.map(async (r) => {
      o.update(`helm uninstall ${r.name}`);
      await o.helm.uninstall(r.name, { namespace: o.namespace, timeout: UNINSTALL_WAIT }, o.target, { signal: o.signal });
      result.removed.push(r.name);
    }),
  );
  result.removed.sort();
  const pvcs = await o.api.list({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: o.namespace }, { signal: o.signal }).then((x) => x.items).catch(() => []);
  if (!o.purge) {
    result.keptPvcs = pvcs.map((p) => p.metadata!.name!).sort();
    return result;
  }
  for (const p of pvcs) {
    const name = p.metadata!.name!;
    if (o.dryRun) o.dryRun.record(kubectlEquivalent.delete('pvc', name, o.namespace));
    else await o.api.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: o.namespace, name }, { signal: o.signal });
    result.deletedPvcs.push(name);
  }
  if (o.dryRun) {
    o.dryRun.record(kubectlEquivalent.delete('namespace', o.namespace));
    result.namespaceDeleted = true;
    return result;
  }
  const existed = await o.api.delete({ apiVersion: 'v1', kind: 'Namespace', name: o.namespace }, { signal: o.signal });
  if (existed) {
    o.update(`waiting for namespace ${o.namespace} to be deleted`);
    const deadline = Date.now() + o.timeoutMs;
    while (await o.api.get({ apiVersion: 'v1', kind: 'Namespace', name: o.namespace }, o.signal)) {
      if (Date.now() > deadline) throw new LogclawError(`namespace ${o.namespace} is still terminating`, { exitCode: ExitCode.timeout, hint: `kubectl get namespace ${o.namespace} -o yaml (look at status.conditions for what blocks it)` });
      if (o.signal.aborted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  result.namespaceDeleted = existed;
  return result;
}
