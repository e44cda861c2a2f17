/**
 * Where pods reach the Kubernetes API: the endpoints of Service `kubernetes` in namespace default (the addresses
 * the Service's ClusterIP is translated to before a NetworkPolicy sees the packet), as NetworkPolicy CIDRs.
 */
import type { KubeObject } from '../kube-object.js';
import { connect, type KubeApi } from './api.js';

interface EndpointsLike {
  subsets?: Array<{ addresses?: Array<{ ip?: string }> }>;
  endpoints?: Array<{ addresses?: string[] }>;
}

/** A single address as a CIDR: /32 for IPv4, /128 for IPv6. */
export const hostCidr = (ip: string): string => `${ip}/${ip.includes(':') ? 128 : 32}`;

/** The API server's endpoint addresses as sorted, distinct /32 or /128 CIDRs; empty when the cluster shows none. */
export async function kubeApiServerCidrs(api: KubeApi, signal?: AbortSignal): Promise<string[]> {
  const ips = new Set<string>();
  const ep = await api.get<KubeObject & EndpointsLike>({ apiVersion: 'v1', kind: 'Endpoints', namespace: 'default', name: 'kubernetes' }, signal);
  for (const s of ep?.subsets ?? []) for (const a of s.addresses ?? []) if (a.ip) ips.add(a.ip);
  if (!ips.size) {
    const slices = await api.list<KubeObject & EndpointsLike>({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: 'default' }, { labelSelector: 'kubernetes.io/service-name=kubernetes', signal });
    for (const sl of slices.items) for (const e of sl.endpoints ?? []) for (const ip of e.addresses ?? []) ips.add(ip);
  }
  return [...ips].sort().map(hostCidr);
}

/** kubeApiServerCidrs of the cluster of a kube context (undefined: the kubeconfig's current one), connection closed after. */
export async function readKubeApiServerCidrs(context: string | undefined, o: { kubeconfig?: string; signal?: AbortSignal; probeTimeoutMs?: number } = {}): Promise<string[]> {
  const api = await connect({ context, kubeconfig: o.kubeconfig, signal: o.signal, probeTimeoutMs: o.probeTimeoutMs ?? 5000 });
  try {
    return await kubeApiServerCidrs(api, o.signal);
  } finally {
    await api.close();
  }
}
