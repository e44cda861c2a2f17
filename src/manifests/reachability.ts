/**
 * Who can reach the tenant, computed from its rendered NetworkPolicies the way the Kubernetes API defines them
 * (a pod no Ingress/Egress policy selects is open in that direction; otherwise the union of the rules of every
 * policy selecting it), against synthetic peers outside the tenant:
 *
 * - another tenant: namespace `logclaw-othertenant` labelled as the platform labels tenant namespaces, its pods
 *   with any labels, pod address 10.244.7.7 (inside the usual pod CIDRs);
 * - an attacker namespace: any name that is not taken (so `strimzi` on a cluster whose operator lives elsewhere),
 *   any labels except those under the platform-owned prefix `platform.logclaw.io/`, any pod labels, pod address
 *   10.244.8.8;
 * - the internet: address 203.0.113.7.
 *
 * `netpol-reachable-from-outside` reports a peer reaching a pod that is not an entry point of the tenant
 * (label logclaw.io/ingress: "true"); `netpol-airgap-egress` reports a pod of an air-gapped tenant that may open a
 * connection to the internet address.
 */
import { PLATFORM_LABEL_PREFIX } from '../tenant/rules.js';
import { cidrContainsAddress, parseCidr } from './cidr.js';
import { selectorMatches, type PodModel, type RenderModel } from './model.js';
import { INGRESS_COMPONENT_LABEL, isIngressComponent, openIngressRule, policiesOf, type PolicyModel, type PolicyRule } from './netpol.js';
import { type Emit } from './types.js';
import { asArray, get, isRecord } from '../object.js';

export { PLATFORM_LABEL_PREFIX };

export interface Peer {
  name: string;
  /** Labels of the peer's namespace; undefined: the attacker chooses them (any but the platform's). */
  namespaceLabels?: Record<string, string>;
  address: string;
}

export const OUTSIDE_PEERS: Peer[] = [
  { name: 'another tenant (namespace logclaw-othertenant)', namespaceLabels: { 'kubernetes.io/metadata.name': 'logclaw-othertenant', 'app.kubernetes.io/part-of': 'logclaw', 'app.kubernetes.io/managed-by': 'Helm' }, address: '10.244.7.7' },
  { name: 'an attacker namespace (any free name and label)', address: '10.244.8.8' },
  { name: 'the internet (203.0.113.7)', address: '203.0.113.7' },
];
const INTERNET = OUTSIDE_PEERS[2]!;

/** A selector the attacker can satisfy with labels of its choice: anything not requiring a platform label or a taken name. */
function attackerSatisfies(selector: unknown, takenNames: Set<string>): boolean {
  if (!isRecord(selector)) return true;
  const platformKey = (k: string) => k.startsWith(PLATFORM_LABEL_PREFIX);
  for (const [k, v] of Object.entries(isRecord(selector.matchLabels) ? selector.matchLabels : {})) {
    if (platformKey(k)) return false;
    if (k === 'kubernetes.io/metadata.name' && takenNames.has(String(v))) return false;
  }
  for (const e of asArray<Record<string, unknown>>(selector.matchExpressions)) {
    const key = String(e.key);
    if ((e.operator === 'In' || e.operator === 'Exists') && platformKey(key)) return false;
    if (e.operator === 'In' && key === 'kubernetes.io/metadata.name' && asArray<string>(e.values).every((n) => takenNames.has(String(n)))) return false;
  }
  return true;
}

function ipBlockAdmits(ipBlock: unknown, address: string): boolean {
  if (!isRecord(ipBlock) || typeof ipBlock.cidr !== 'string') return false;
  const c = parseCidr(ipBlock.cidr);
  if (!c || !cidrContainsAddress(c, address)) return false;
  return !asArray<string>(ipBlock.except).some((e) => {
    const x = parseCidr(String(e));
    return !!x && cidrContainsAddress(x, address);
  });
}

/** Does an ingress peer entry (from[i]) admit a peer outside the namespace? */
function peerAdmits(entry: Record<string, unknown>, peer: Peer, takenNames: Set<string>): boolean {
  if (entry.ipBlock !== undefined) return ipBlockAdmits(entry.ipBlock, peer.address);
  // A podSelector alone means pods of the policy's own namespace.
  if (entry.namespaceSelector === undefined) return false;
  if (peer === INTERNET) return false;
  // The peer's pods carry whatever labels it wants, so only the namespace selector decides.
  return peer.namespaceLabels ? selectorMatches(entry.namespaceSelector, peer.namespaceLabels) : attackerSatisfies(entry.namespaceSelector, takenNames);
}

const ruleAdmits = (rule: PolicyRule, peer: Peer, taken: Set<string>): boolean => !rule.peers || rule.peers.some((e) => peerAdmits(e, peer, taken));
const portsOf = (rule: PolicyRule): string => (rule.ports ? rule.ports.map((p) => `${String(p.port ?? 'all')}${p.endPort ? `-${String(p.endPort)}` : ''}`).join(', ') : 'every port');

export interface Reach {
  pod: PodModel;
  peer: Peer;
  /** The policy and rule that let it in; undefined when no policy restricts the pod. */
  via?: { policy: PolicyModel; rule: PolicyRule };
}

/** Every (pod, outside peer, admitting rule) the policies allow; no `via` when no policy restricts the pod. */
export function outsideReach(model: RenderModel, namespace: string): Reach[] {
  const policies = policiesOf(model);
  const taken = new Set([namespace, 'default', 'kube-system', 'kube-public', 'kube-node-lease']);
  const out: Reach[] = [];
  for (const pod of model.pods) {
    const restricting = policies.filter((p) => p.ingress && selectorMatches(p.podSelector, pod.labels));
    for (const peer of OUTSIDE_PEERS) {
      if (!restricting.length) {
        out.push({ pod, peer });
        continue;
      }
      for (const policy of restricting) {
        for (const rule of policy.ingress!) if (ruleAdmits(rule, peer, taken)) out.push({ pod, peer, via: { policy, rule } });
      }
    }
  }
  return out;
}

/** Pods that may open a connection to the internet address, with the rule that allows it. */
export function internetEgress(model: RenderModel): Array<{ pod: PodModel; via?: { policy: PolicyModel; rule: PolicyRule } }> {
  const policies = policiesOf(model);
  const out: Array<{ pod: PodModel; via?: { policy: PolicyModel; rule: PolicyRule } }> = [];
  for (const pod of model.pods) {
    const restricting = policies.filter((p) => p.egress && selectorMatches(p.podSelector, pod.labels));
    if (!restricting.length) {
      out.push({ pod });
      continue;
    }
    for (const policy of restricting) {
      const rule = policy.egress!.find((r) => !r.peers || r.peers.some((e) => e.ipBlock !== undefined && ipBlockAdmits(e.ipBlock, INTERNET.address)));
      if (rule) {
        out.push({ pod, via: { policy, rule } });
        break;
      }
    }
  }
  return out;
}

const podName = (pod: PodModel): string => {
  const comp = pod.labels['app.kubernetes.io/component'] ?? pod.labels.component ?? pod.labels['strimzi.io/name'] ?? pod.labels['opster.io/opensearch-nodepool'];
  return `${pod.owner.obj.kind} ${pod.owner.obj.metadata.name}${pod.synthetic && comp ? ` (${comp} pods)` : ''}`;
};

/**
 * Findings: one per pod and the rule (or the missing policy) that lets outside peers in, naming the peers. A rule
 * that admits every source is netpol-ingress-open's finding and is not repeated here.
 */
export function checkReachability(model: RenderModel, ctx: { namespace: string; airGapped?: boolean }, emit: Emit): void {
  const groups = new Map<string, { reach: Reach; peers: string[] }>();
  for (const r of outsideReach(model, ctx.namespace)) {
    if (isIngressComponent(r.pod) || (r.via && openIngressRule(r.via.rule))) continue;
    const key = `${(r.via?.policy.owner ?? r.pod.owner).index}:${r.via?.rule.index ?? ''}:${podName(r.pod)}`;
    const g = groups.get(key);
    if (g) g.peers.push(r.peer.name);
    else groups.set(key, { reach: r, peers: [r.peer.name] });
  }
  for (const { reach: r, peers } of groups.values()) {
    const who = peers.length > 1 ? `${peers.slice(0, -1).join(', ')} and ${peers[peers.length - 1]}` : peers[0]!;
    emit({
      owner: r.via?.policy.owner ?? r.pod.owner,
      path: r.via ? `spec.ingress[${r.via.rule.index}]` : r.pod.path ? `${r.pod.path}.metadata.labels` : 'metadata',
      rule: 'netpol-reachable-from-outside',
      message: r.via
        ? `${who} reach${peers.length > 1 ? '' : 'es'} ${podName(r.pod)} on ${portsOf(r.via.rule)}: it is not an entry point (${INGRESS_COMPONENT_LABEL}: "true"), so nothing outside the tenant should`
        : `${who} reach${peers.length > 1 ? '' : 'es'} ${podName(r.pod)} on every port: no NetworkPolicy restricts its ingress`,
    });
  }
  if (!ctx.airGapped) return;
  const reported = new Set<string>();
  for (const r of internetEgress(model)) {
    const owner = r.via?.policy.owner ?? r.pod.owner;
    const key = `${owner.index}:${r.via?.rule.index ?? ''}:${podName(r.pod)}`;
    if (reported.has(key)) continue;
    reported.add(key);
    emit({
      owner,
      path: r.via ? `spec.egress[${r.via.rule.index}]` : r.pod.path ? `${r.pod.path}.metadata.labels` : 'metadata',
      rule: 'netpol-airgap-egress',
      message: r.via
        ? `the tenant is air-gapped, but ${podName(r.pod)} may connect to the internet (203.0.113.7) on ${portsOf(r.via.rule)}`
        : `the tenant is air-gapped, but no NetworkPolicy restricts the egress of ${podName(r.pod)}`,
    });
  }
}

/**
 * No rendered object (or pod template) carries a label under the platform-owned prefix: the reachability above
 * assumes only the platform's operator and monitoring namespaces have them.
 */
export function checkPlatformLabels(model: RenderModel, emit: Emit): void {
  for (const ro of model.objects) {
    const places: Array<[string, unknown]> = [['metadata.labels', ro.obj.metadata?.labels]];
    for (const pod of model.pods) if (pod.owner === ro && !pod.synthetic && pod.path) places.push([`${pod.path}.metadata.labels`, get(ro.obj, ...pod.path.split('.'), 'metadata', 'labels')]);
    for (const [path, labels] of places) {
      for (const key of Object.keys(isRecord(labels) ? labels : {})) {
        if (!key.startsWith(PLATFORM_LABEL_PREFIX)) continue;
        emit({ owner: ro, path: `${path}["${key}"]`, rule: 'platform-label-reserved', message: `label ${key} is under ${PLATFORM_LABEL_PREFIX}, which only the platform sets on its operator and monitoring namespaces (tenant NetworkPolicies admit them by it): a tenant object must not carry it` });
      }
    }
  }
}
