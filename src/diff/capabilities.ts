/**
 * What the cluster serves, for rendering as an install against it would: helm upgrade fills
 * `.Capabilities.APIVersions` and `.Capabilities.KubeVersion` from the cluster, so templates gated on an
 * operator's CRD render the same here as they will when applied.
 */
import type { KubeApi } from '../kube/api.js';

export interface Capabilities {
  kubeVersion: string;
  /** `group/version` and `group/version/Kind` (helm accepts both forms in APIVersions.Has). */
  apiVersions: string[];
}

interface ResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; kind: string }>;
}

export async function clusterCapabilities(api: KubeApi, signal?: AbortSignal): Promise<Capabilities> {
  const version = await api.request<{ gitVersion: string }>('GET', '/version', { signal });
  const core = await api.request<{ versions: string[] }>('GET', '/api', { signal });
  const groups = await api.request<{ groups: Array<{ versions: Array<{ groupVersion: string }> }> }>('GET', '/apis', { signal });
  const gvs = [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))];
  const lists = await Promise.all(
    gvs.map((gv) => api.request<ResourceList>('GET', gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`, { signal }).catch(() => ({ resources: [] }) as ResourceList)),
  );
  const out = new Set<string>();
  gvs.forEach((gv, i) => {
    out.add(gv);
    for (const r of lists[i]!.resources ?? []) if (!r.name.includes('/')) out.add(`${gv}/${r.kind}`);
  });
  return { kubeVersion: version.gitVersion, apiVersions: [...out].sort() };
}
