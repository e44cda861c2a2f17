/**
 * Isolation checks on hand-written objects: CIDR arithmetic, the reachability of a tenant's pods from peers outside
 * it (another tenant, an attacker namespace, the internet), air-gapped egress, the policy shapes lint reports,
 * literal credentials, log collection beyond the tenant, RBAC wildcards and workload hardening.
 */
import { describe, expect, it } from 'vitest';
import { cidrContainsAddress, cidrContainsRange, parseCidr } from '../../src/manifests/cidr.js';
import { checkAdminCredentials, checkLiteralCredentials, findCredential } from '../../src/manifests/credentials.js';
import { checkWorkloadHardening } from '../../src/manifests/hardening.js';
import { checkRbac } from '../../src/manifests/rbac.js';
import { buildModel } from '../../src/manifests/model.js';
import { checkNetworkPolicyShapes, unexceptedRanges } from '../../src/manifests/netpol.js';
import { checkPlatformLabels, checkReachability, internetEgress, outsideReach } from '../../src/manifests/reachability.js';
import type { ObjectIssue, RenderedObject } from '../../src/manifests/types.js';

const NS = 'logclaw-acme';
let index = 0;
const ro = (obj: Record<string, unknown>): RenderedObject => ({ obj: { metadata: { namespace: NS }, ...obj } as RenderedObject['obj'], source: 'x', chart: 'c', file: 'charts/c/templates/x.yaml', index: index++ });

const deployment = (name: string, labels: Record<string, string>) =>
  ro({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 8080 }] }] } } } });
const policy = (name: string, spec: Record<string, unknown>) => ro({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: NS }, spec });
const defaultDeny = () => policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const issues = (objects: RenderedObject[], airGapped = false): ObjectIssue[] => {
  const out: ObjectIssue[] = [];
  const model = buildModel(objects);
  checkNetworkPolicyShapes(model, (i) => out.push(i));
  checkReachability(model, { namespace: NS, airGapped }, (i) => out.push(i));
  return out;
};

describe('platform-owned labels', () => {
  it('no rendered object or pod template carries a label under platform.logclaw.io/', () => {
    const found: ObjectIssue[] = [];
    const ns = ro({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'platform.logclaw.io/role': 'operators' } } });
    checkPlatformLabels(buildModel([ns, deployment('api', { app: 'api', 'platform.logclaw.io/role': 'monitoring' }), deployment('ok', { app: 'ok', 'logclaw.io/role': 'x' })]), (i) => found.push(i));
    expect(found.map((i) => [i.rule, i.owner.obj.metadata.name, i.path])).toEqual([
      ['platform-label-reserved', NS, 'metadata.labels["platform.logclaw.io/role"]'],
      ['platform-label-reserved', 'api', 'spec.template.metadata.labels["platform.logclaw.io/role"]'],
    ]);
  });
});

describe('CIDR arithmetic', () => {
  it('parses IPv4 and IPv6 and answers containment', () => {
    const all = parseCidr('0.0.0.0/0')!;
    expect(cidrContainsRange(all, parseCidr('100.64.0.0/10')!)).toBe(true);
    expect(cidrContainsAddress(parseCidr('100.64.0.0/10')!, '100.127.255.255')).toBe(true);
    expect(cidrContainsAddress(parseCidr('100.64.0.0/10')!, '100.128.0.0')).toBe(false);
    expect(cidrContainsRange(parseCidr('::/0')!, parseCidr('fe80::/10')!)).toBe(true);
    expect(cidrContainsAddress(parseCidr('fc00::/7')!, 'fd12:3456::1')).toBe(true);
    expect(cidrContainsAddress(parseCidr('10.0.0.0/8')!, '::ffff:10.0.0.1')).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('300.0.0.0/8')).toBeUndefined();
  });

  it('names the private, link-local and CGNAT ranges an internet rule forgot', () => {
    expect(unexceptedRanges({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] })).toEqual(['100.64.0.0/10']);
    expect(unexceptedRanges({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] })).toEqual([]);
    expect(unexceptedRanges({ cidr: '::/0' })).toEqual(['fc00::/7', 'fe80::/10']);
    // a rule to one private range is a deliberate destination, not the internet
    expect(unexceptedRanges({ cidr: '10.20.0.0/16' })).toEqual([]);
  });
});

describe('reachability from outside the tenant', () => {
  const api = () => deployment('api', { app: 'api' });

  it('a pod no policy restricts is reachable by every outside peer', () => {
    const reach = outsideReach(buildModel([api()]), NS);
    expect(reach.map((r) => r.peer.name)).toEqual([expect.stringMatching(/another tenant/), expect.stringMatching(/attacker/), expect.stringMatching(/internet/)]);
    expect(issues([api()]).map((i) => i.rule)).toEqual(['netpol-reachable-from-outside']);
  });

  it('default deny plus same-namespace peers admits nobody from outside', () => {
    const objects = [api(), defaultDeny(), policy('api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] })];
    expect(outsideReach(buildModel(objects), NS)).toEqual([]);
    expect(issues(objects)).toEqual([]);
  });

  it('a namespace matched by name alone lets an attacker who creates that namespace in; a platform label keeps it out', () => {
    const byName = policy('operators', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'strimzi' } } }] }] });
    const found = issues([api(), defaultDeny(), byName]);
    expect(found).toEqual([expect.objectContaining({ rule: 'netpol-reachable-from-outside', path: 'spec.ingress[0]', message: expect.stringMatching(/^an attacker namespace .* reaches Deployment api on every port/) })]);
    const withLabel = policy('operators', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'strimzi', 'platform.logclaw.io/namespace': 'operators' } } }] }] });
    expect(issues([api(), defaultDeny(), withLabel])).toEqual([]);
    // the tenant's own namespace and kube-system exist: nobody else can take their names
    const own = policy('own', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [NS, 'kube-system'] }] } }] }] });
    expect(issues([api(), defaultDeny(), own])).toEqual([]);
  });

  it('an ipBlock over the pod network admits pods of other tenants', () => {
    const cidr = policy('lan', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080 }] }] });
    const found = issues([api(), defaultDeny(), cidr]);
    expect(found.map((i) => i.message)).toEqual([expect.stringMatching(/^another tenant .* and an attacker namespace .* reach Deployment api on 8080/)]);
  });

  it('an entry point may be reached from outside, but never by a rule open to everyone', () => {
    const receiver = deployment('receiver', { app: 'receiver', 'logclaw.io/ingress': 'true' });
    const shippers = policy('shippers', { podSelector: { matchLabels: { app: 'receiver' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shippers' } } }], ports: [{ port: 8080 }] }] });
    expect(issues([receiver, defaultDeny(), shippers])).toEqual([]);
    const open = policy('open', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] });
    const found = issues([api(), receiver, defaultDeny(), open]);
    // the open rule is reported once, for the pod that is not an entry point
    expect(found.map((i) => i.rule)).toEqual(['netpol-ingress-open']);
    expect(found[0]!.message).toMatch(/admits anyone on port\(s\) 8080 to Deployment api,/);
  });
});

describe('air-gapped egress', () => {
  const worker = () => deployment('worker', { app: 'worker' });
  const egress = (rules: unknown[]) => policy('egress', { podSelector: {}, policyTypes: ['Egress'], egress: rules });

  it('reports pods that can connect to the internet only when the tenant is air-gapped', () => {
    const internet = egress([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } }], ports: [{ port: 443 }] }]);
    expect(internetEgress(buildModel([worker(), defaultDeny(), internet])).map((r) => r.pod.owner.obj.metadata.name)).toEqual(['worker']);
    expect(issues([worker(), defaultDeny(), internet], true).map((i) => i.rule)).toEqual(['netpol-airgap-egress']);
    expect(issues([worker(), defaultDeny(), internet], false)).toEqual([]);
  });

  it('in-cluster destinations and a missing egress policy', () => {
    const inCluster = egress([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }], ports: [{ port: 9000 }] }, { to: [{ ipBlock: { cidr: '10.96.0.1/32' } }], ports: [{ port: 443 }] }]);
    expect(issues([worker(), defaultDeny(), inCluster], true)).toEqual([]);
    const noEgressPolicy = policy('in-only', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(issues([worker(), noEgressPolicy], true).map((i) => [i.rule, i.message])).toEqual([['netpol-airgap-egress', expect.stringMatching(/no NetworkPolicy restricts the egress of Deployment worker/)]]);
  });
});

describe('policy shapes', () => {
  it('ports without a peer, all ports of all pods open to the namespace', () => {
    const found = issues([
      deployment('api', { app: 'api' }),
      defaultDeny(),
      policy('kube-api', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }, { port: 6443 }] }] }),
      policy('same-namespace', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }),
    ]);
    // egress to every pod of the namespace opens nothing by itself: the destination's ingress decides
    expect(found.map((i) => [i.rule, i.path])).toEqual([
      ['netpol-egress-no-peer', 'spec.egress[0]'],
      ['netpol-all-ports', 'spec.ingress[0]'],
    ]);
  });
});

describe('credentials, collection and hardening', () => {
  const issuesOf = (objects: RenderedObject[], environment = 'production'): ObjectIssue[] => {
    const out: ObjectIssue[] = [];
    const model = buildModel(objects);
    checkLiteralCredentials(model, { environment }, (i) => out.push(i));
    checkAdminCredentials(model, { environment }, (i) => out.push(i));
    checkRbac(model, (i) => out.push(i));
    checkWorkloadHardening(model, (i) => out.push(i));
    return out;
  };
  const configMap = (data: Record<string, string>) => ro({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NS }, data });

  it('finds passwords, tokens and URL credentials, not references to them', () => {
    expect(findCredential('db:\n  password: s3cr3t-value\n')).toBe('password');
    expect(findCredential('url: postgresql://app:hunter22@db:5432/app')).toBe('a password in a URL');
    expect(findCredential('api_key = "abcd1234"')).toBe('api_key');
    for (const ref of ['password: ${DB_PASSWORD}', 'existingSecret: app-credentials', 'credentialsSecret: dr-credentials', 'token: /var/run/secrets/token', 'password: ""', 'passwordFile: /etc/kafka/password']) {
      expect(findCredential(ref), ref).toBeUndefined();
    }
    const secret = ro({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, stringData: { password: 'hunter22', 'ca.crt': '' } });
    expect(issuesOf([secret]).map((i) => [i.rule, i.path])).toEqual([['literal-credentials', 'stringData["password"]']]);
    expect(issuesOf([secret], 'dev')).toEqual([]);
    expect(issuesOf([configMap({ 'app.yaml': 'password: ${DB_PASSWORD}' })])).toEqual([]);
  });

  it("only the data store's own pods read its admin credentials (a FlinkDeployment's pod template included)", () => {
    const adminIssues = (objects: RenderedObject[], environment?: string) => issuesOf(objects, environment).filter((i) => i.rule === 'admin-credentials');
    const admin = { name: 'OS_PASSWORD', valueFrom: { secretKeyRef: { name: 'logclaw-opensearch-admin', key: 'password' } } };
    const pod = (component: string) => ({ metadata: { labels: { 'logclaw.io/component': component } }, spec: { containers: [{ name: 'c', image: 'x:1', env: [admin] }] } });
    const job = (component: string) => ro({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${component}-job`, namespace: NS }, spec: { template: pod(component) } });
    const flink = ro({ apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: { name: 'etl', namespace: NS, labels: { 'logclaw.io/component': 'flink' } }, spec: { podTemplate: pod('flink') } });
    expect(adminIssues([job('opensearch')])).toEqual([]);
    expect(adminIssues([job('ticketing-agent')]).map((i) => [i.rule, i.path])).toEqual([['admin-credentials', 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name']]);
    const found = adminIssues([flink]);
    expect(found.map((i) => [i.rule, i.path])).toEqual([['admin-credentials', 'spec.podTemplate.spec.containers[0].env[0].valueFrom.secretKeyRef.name']]);
    expect(found[0]!.message).toMatch(/a flink pod reads Secret "logclaw-opensearch-admin", the opensearch admin credentials/);
    expect(adminIssues([flink], 'dev')).toEqual([]);
  });

  it('a kubernetes_logs source must name the namespaces it reads; RBAC must name its resources', () => {
    const vector = (source: string) => configMap({ 'vector.yaml': `sources:\n  pods:\n    type: kubernetes_logs\n${source}` });
    expect(issuesOf([vector('')]).map((i) => i.rule)).toEqual(['cluster-wide-collection']);
    expect(issuesOf([vector('    extra_namespace_label_selector: "kubernetes.io/metadata.name in (payments,checkout)"\n')])).toEqual([]);
    const role = (rules: unknown[], kind = 'Role') => ro({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', namespace: NS }, rules });
    expect(issuesOf([role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])]).map((i) => i.rule)).toEqual(['rbac-wildcard']);
    expect(issuesOf([role([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }], 'ClusterRole')]).map((i) => i.rule)).toEqual(['cluster-wide-collection']);
    expect(issuesOf([role([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }])])).toEqual([]);
  });

  it('ephemeral storage, read-only root, distinct probes, a headless governing Service', () => {
    const probe = { httpGet: { path: '/healthz', port: 8080 } };
    const container = (extra: Record<string, unknown>) => ({
      name: 'c',
      image: 'x:1',
      securityContext: { readOnlyRootFilesystem: true },
      resources: { requests: { 'ephemeral-storage': '64Mi' }, limits: { 'ephemeral-storage': '256Mi' } },
      ...extra,
    });
    const sts = (c: Record<string, unknown>, serviceName = 'db-headless') => ro({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: NS }, spec: { serviceName, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [c] } } } });
    const svc = (name: string, clusterIP?: string) => ro({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }], ...(clusterIP ? { clusterIP } : {}) } });
    expect(issuesOf([sts(container({ readinessProbe: { ...probe, httpGet: { path: '/ready', port: 8080 } }, livenessProbe: probe })), svc('db-headless', 'None')])).toEqual([]);
    expect(issuesOf([sts(container({ readinessProbe: probe, livenessProbe: { httpGet: { port: 8080, path: '/healthz' } } })), svc('db-headless', 'None')]).map((i) => i.rule)).toEqual(['probes-identical']);
    expect(issuesOf([sts(container({ resources: {}, securityContext: {} })), svc('db-headless', 'None')]).map((i) => i.rule)).toEqual(['resources-ephemeral-storage', 'readonly-root-filesystem']);
    expect(issuesOf([sts(container({}), 'db'), svc('db')]).map((i) => i.rule)).toEqual(['statefulset-service-not-headless']);
  });
});
