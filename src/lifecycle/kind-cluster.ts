/** The kind cluster of `dev up`: created with the pinned node image and zones, or reused; its nodes' zone labels. */
import { kubectlEquivalent } from '../tools/kubectl.js';
import type { DryRun } from '../tools/record.js';
import { Kind } from '../tools/kind.js';
import type { KubeApi } from '../kube/api.js';
import type { PhaseControl } from '../plan/phases.js';
import { kindConfig, KIND_NODE_IMAGE, ZONE_LABEL, DEFAULT_ZONES } from './kind-config.js';

export async function ensureKindCluster(kind: Kind, name: string, ctl: PhaseControl, o: { kubeconfig?: string; zones?: string[]; assumeAbsent?: boolean } = {}): Promise<{ created: boolean; context: string }> {
  const context = Kind.contextOf(name);
  if (!o.assumeAbsent && (await kind.exists(name, { signal: ctl.signal }))) {
    ctl.update(`kind cluster ${name} exists: reusing it`);
    // make sure the context is in the kubeconfig (it may have been removed or the file replaced)
    await kind.exportKubeconfig(name, { kubeconfig: o.kubeconfig }, { signal: ctl.signal });
    return { created: false, context };
  }
  ctl.update(`creating kind cluster ${name} (${KIND_NODE_IMAGE.split('@')[0]}, ${(o.zones ?? DEFAULT_ZONES).length} zones)`);
  await kind.create(name, { config: kindConfig(name, o.zones), image: KIND_NODE_IMAGE, kubeconfig: o.kubeconfig, waitSeconds: 120 }, { signal: ctl.signal, onLine: (l) => l.trim() && ctl.update(`kind: ${l.trim()}`) });
  return { created: true, context };
}

/**
 * Nodes without a zone label get one (round robin): a dev cluster made elsewhere would leave spread pods Pending.
 * Under --dry-run (`dryRun` given) the kubectl equivalent of each label is recorded instead.
 */
export async function ensureZoneLabels(api: KubeApi, ctl: PhaseControl, dryRun?: DryRun, zones = DEFAULT_ZONES): Promise<number> {
  const { items } = await api.list({ apiVersion: 'v1', kind: 'Node' }, { signal: ctl.signal });
  const missing = items.filter((n) => !n.metadata?.labels?.[ZONE_LABEL]);
  if (!missing.length) return 0;
  if (dryRun) {
    for (const [i, n] of missing.entries()) dryRun.record(kubectlEquivalent.labelNode(n.metadata!.name!, ZONE_LABEL, zones[i % zones.length]!));
    return missing.length;
  }
  for (const [i, n] of missing.entries()) {
    await api.patch({ apiVersion: 'v1', kind: 'Node', name: n.metadata!.name! }, { metadata: { labels: { [ZONE_LABEL]: zones[i % zones.length] } } }, { signal: ctl.signal });
  }
  ctl.note(`labelled ${missing.length} node(s) with ${ZONE_LABEL}`);
  return missing.length;
}
