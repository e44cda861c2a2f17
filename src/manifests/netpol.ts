/**
 * NetworkPolicy shapes that open a tenant: ingress from anyone to a pod that is not an entry point, egress
 * rules with ports but no destination, internet egress that does not except private, link-local and CGNAT
 * ranges, and ingress that opens every port of every pod to every pod of the namespace (egress inside the
 * namespace alone opens nothing: the destination's ingress decides).
 */
import { cidrContainsRange, NON_PUBLIC_RANGES, parseCidr } from './cidr.js';
import { selectorMatches, type PodModel, type RenderModel } from './model.js';
import { type Emit, type RenderedObject } from './types.js';
import { asArray, get, isRecord } from '../object.js';

/** Pod label that marks an entry point of the tenant (receives traffic from outside the namespace by design). */
export const INGRESS_COMPONENT_LABEL = 'logclaw.io/ingress';

export const isIngressComponent = (pod: PodModel): boolean => pod.labels[INGRESS_COMPONENT_LABEL] === 'true';

export interface PolicyRule {
  /** `from` (ingress) or `to` (egress); undefined when the rule has none (every peer). */
  peers?: Array<Record<string, unknown>>;
  ports?: Array<Record<string, unknown>>;
  index: number;
}

export interface PolicyModel {
  owner: RenderedObject;
  podSelector: unknown;
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

const rulesOf = (v: unknown, peerKey: 'from' | 'to'): PolicyRule[] =>
  asArray<unknown>(v).map((r, index) => {
    const rec = isRecord(r) ? r : {};
    const peers = asArray<Record<string, unknown>>(rec[peerKey]).filter(isRecord);
    const ports = asArray<Record<string, unknown>>(rec.ports).filter(isRecord);
    return { peers: peers.length ? peers : undefined, ports: ports.length ? ports : undefined, index };
  });

/** The NetworkPolicies of a render with the directions they restrict (policyTypes, else what they list). */
export function policiesOf(model: RenderModel): PolicyModel[] {
  return (model.byKind.get('NetworkPolicy') ?? [])
    .filter((np) => isRecord(np.obj.spec))
    .map((np) => {
      const spec = np.obj.spec as Record<string, unknown>;
      const types = asArray<string>(spec.policyTypes).map(String);
      const hasIngress = types.length ? types.includes('Ingress') : true;
      const hasEgress = types.length ? types.includes('Egress') : spec.egress !== undefined;
      return {
        owner: np,
        podSelector: spec.podSelector ?? {},
        ingress: hasIngress ? rulesOf(spec.ingress, 'from') : undefined,
        egress: hasEgress ? rulesOf(spec.egress, 'to') : undefined,
      };
    });
}

export const selectedPods = (p: PolicyModel, model: RenderModel): PodModel[] => model.pods.filter((pod) => selectorMatches(p.podSelector, pod.labels));

const isEmptySelector = (s: unknown): boolean => isRecord(s) && Object.keys(s).every((k) => (k === 'matchLabels' || k === 'matchExpressions') && asArray(s[k]).length === 0 && (!isRecord(s[k]) || Object.keys(s[k] as object).length === 0));

/** Why an ingress rule admits everyone (no from, any namespace or any address), or undefined. */
export const openIngressRule = (rule: PolicyRule): string | undefined => (!rule.peers ? 'has no from (every source)' : rule.peers.map(openPeer).find(Boolean));

/** Why a peer admits everyone (any namespace or any address), or undefined. */
function openPeer(peer: Record<string, unknown>): string | undefined {
  const cidr = typeof get(peer, 'ipBlock', 'cidr') === 'string' ? parseCidr(get(peer, 'ipBlock', 'cidr') as string) : undefined;
  if (cidr && cidr.prefix === 0) return `ipBlock ${String(get(peer, 'ipBlock', 'cidr'))}`;
  if (peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector)) return 'namespaceSelector {} (every namespace)';
  return undefined;
}

const describePod = (pod: PodModel): string => `${pod.owner.obj.kind} ${pod.owner.obj.metadata.name}`;

/** Ranges a rule to `cidr` reaches that it should have excepted. */
export function unexceptedRanges(ipBlock: Record<string, unknown>): string[] {
  const c = typeof ipBlock.cidr === 'string' ? parseCidr(ipBlock.cidr) : undefined;
  if (!c) return [];
  const excepts = asArray<string>(ipBlock.except).map((e) => parseCidr(String(e))).filter((e): e is NonNullable<typeof e> => !!e);
  return NON_PUBLIC_RANGES[c.family].filter((r) => {
    const range = parseCidr(r)!;
    return cidrContainsRange(c, range) && !excepts.some((e) => cidrContainsRange(e, range));
  });
}

export function checkNetworkPolicyShapes(model: RenderModel, emit: Emit): void {
  for (const p of policiesOf(model)) {
    const pods = selectedPods(p, model);
    const selectsAll = isEmptySelector(p.podSelector);
    for (const rule of p.ingress ?? []) {
      const path = `spec.ingress[${rule.index}]`;
      const why = openIngressRule(rule);
      if (why) {
        const inner = pods.filter((pod) => !isIngressComponent(pod));
        if (inner.length) {
          emit({
            owner: p.owner,
            path,
            rule: 'netpol-ingress-open',
            message: `ingress rule ${why} admits anyone${rule.ports ? ` on port(s) ${rule.ports.map((x) => String(x.port ?? 'all')).join(', ')}` : ' on every port'} to ${inner.map(describePod).filter((x, i, a) => a.indexOf(x) === i).join(', ')}, which ${inner.length === 1 ? 'is' : 'are'} not labelled ${INGRESS_COMPONENT_LABEL}: "true"`,
          });
        }
      }
      if (selectsAll && !rule.ports && rule.peers?.some((peer) => peer.namespaceSelector === undefined && peer.ipBlock === undefined && isEmptySelector(peer.podSelector))) {
        emit({ owner: p.owner, path, rule: 'netpol-all-ports', message: 'ingress from every pod of the namespace to every pod on every port: each component must admit only its clients on its ports' });
      }
    }
    for (const rule of p.egress ?? []) {
      const path = `spec.egress[${rule.index}]`;
      if (!rule.peers) {
        emit({
          owner: p.owner,
          path,
          rule: 'netpol-egress-no-peer',
          message: rule.ports ? `egress to port(s) ${rule.ports.map((x) => String(x.port ?? 'all')).join(', ')} with no destination reaches those ports on every address, in the cluster and outside; name the peers (ipBlock CIDRs, namespaces, pods)` : 'an egress rule with neither destination nor ports allows all egress',
        });
      } else {
        rule.peers.forEach((peer, i) => {
          if (!isRecord(peer.ipBlock)) return;
          const missing = unexceptedRanges(peer.ipBlock);
          if (missing.length) {
            emit({ owner: p.owner, path: `${path}.to[${i}].ipBlock`, rule: 'netpol-egress-private-ranges', message: `egress to ${String(peer.ipBlock.cidr)} does not except ${missing.join(', ')} (private, link-local and CGNAT ranges: pods of other tenants, node and cloud metadata addresses)` });
          }
        });
      }
    }
  }
}
