/**
 * NetworkPolicy analysis of a render: its policies, whether an egress rule may leave the cluster, which pod
 * templates a selector selects.
 */
import type { K8sObject } from './lib.js';

export interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: Record<string, unknown>;
  podSelector?: Record<string, unknown>;
}
export interface EgressRule {
  to?: Peer[];
  ports?: { port?: number | string; protocol?: string; endPort?: number }[];
}
export interface Policy {
  name: string;
  podSelector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  policyTypes: string[];
  egress: EgressRule[];
}

export function policies(objs: K8sObject[]): Policy[] {
  return objs
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o: any) => ({
      name: o.metadata.name,
      podSelector: o.spec.podSelector ?? {},
      policyTypes: o.spec.policyTypes ?? (o.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']),
      egress: o.spec.egress ?? [],
    }));
}

/**
 * Why an egress rule may reach outside the cluster, or undefined when it cannot. In-cluster peers are pod and
 * namespace selectors; an ipBlock is outside the cluster unless it is one of `apiServerCidrs` (the API server
 * endpoints a tenant declares) on the API server ports; a rule without `to`, or with an empty `to` or an empty
 * peer, allows every destination.
 */
export function externalEgress(rule: EgressRule, apiServer: { cidrs: string[]; ports: number[] }): string | undefined {
  if (!rule.to) return 'egress rule without `to` (any destination)';
  if (rule.to.length === 0) return 'egress rule with an empty `to` (any destination)';
  for (const peer of rule.to) {
    if (!peer.ipBlock && !peer.namespaceSelector && !peer.podSelector) return 'empty peer (any destination)';
    if (peer.ipBlock) {
      const cidr = peer.ipBlock.cidr;
      if (cidr === '0.0.0.0/0' || cidr === '::/0') return `ipBlock ${cidr}`;
      const ports = (rule.ports ?? []).map((p) => Number(p.port));
      const apiOnly = apiServer.cidrs.includes(cidr) && ports.length > 0 && ports.every((p) => apiServer.ports.includes(p));
      if (!apiOnly) return `ipBlock ${cidr}`;
    }
  }
  return undefined;
}

/** Does a label selector (matchLabels only; expressions unsupported → false) select these labels? */
export function selects(sel: Policy['podSelector'], labels: Record<string, string>): boolean {
  if (sel.matchExpressions?.length) return false;
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Labels of every pod template of the render: built-in workloads, Flink podTemplates, KServe predictors. */
export function podTemplates(objs: K8sObject[]): { owner: string; labels: Record<string, string> }[] {
  const out: { owner: string; labels: Record<string, string> }[] = [];
  for (const o of objs as any[]) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) out.push({ owner: id, labels: o.spec.template.metadata?.labels ?? {} });
    else if (o.kind === 'CronJob') out.push({ owner: id, labels: o.spec.jobTemplate.spec.template.metadata?.labels ?? {} });
    else if (o.kind === 'FlinkDeployment') out.push({ owner: id, labels: o.spec.podTemplate?.metadata?.labels ?? {} });
    else if (o.kind === 'InferenceService') out.push({ owner: id, labels: o.spec.predictor?.labels ?? {} });
  }
  return out;
}
