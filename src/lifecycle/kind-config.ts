/**
 * The kind cluster logclaw dev up creates: a pinned node image (the image kind v0.27.0 was released with, by
 * digest) and worker nodes labelled with zones, so charts that spread across topology.kubernetes.io/zone
 * schedule as they would on a cloud cluster.
 */
import { stringify } from 'yaml';

/** kindest/node for Kubernetes 1.32.2, built for kind v0.27.0 (pinned by digest). */
export const KIND_NODE_IMAGE = 'kindest/node:v1.32.2@sha256:f226345927d7e348497136874b6d207e0b32cc52154ad8323129352923a3142f';
export const DEFAULT_ZONES = ['zone-a', 'zone-b', 'zone-c'];
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export function kindConfig(name: string, zones: string[] = DEFAULT_ZONES): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name,
    nodes: [
      { role: 'control-plane', labels: { [ZONE_LABEL]: zones[0] } },
      ...zones.map((z) => ({ role: 'worker', labels: { [ZONE_LABEL]: z } })),
    ],
  });
}
