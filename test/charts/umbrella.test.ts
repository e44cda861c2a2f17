/**
 * The umbrella chart logclaw-tenant with every ci case and every tenant file, under helm 3 and 4,
 * Kubernetes 1.27 and a recent version, with and without the optional CRDs: renders clean, custom
 * resources valid against the pinned CRDs, and the contract of tiers, environments and clouds holds.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { crdDir, helms, HELM3, repoRoot } from '../helpers/tools.js';
import { loadCrds, validateCustomResources } from './crd-validate.js';
import {
  ciCases,
  ciFile,
  countKinds,
  kindOf,
  maybe,
  named,
  operatorApis,
  optionalApis,
  coreObjects,
  podSpecs,
  prepareCharts,
  readValues,
  render,
  tenantFiles,
  type K8sObject,
} from './lib.js';

const execFileP = promisify(execFile);
const UMBRELLA = 'logclaw-tenant';

interface Case {
  name: string;
  file: string;
  values: Record<string, any>;
  tenantId: string;
  namespace: string;
  release: string;
}
const cases: Case[] = [
  ...ciCases(UMBRELLA).map((f) => ({ name: `ci/${f}`, file: ciFile(UMBRELLA, f) })),
  ...tenantFiles().map((f) => ({ name: `gitops/tenants/${f}`, file: join(repoRoot, 'gitops', 'tenants', f) })),
].map((c) => {
  const values = readValues(c.file);
  const tenantId = values.global.tenantId as string;
  return { ...c, values, tenantId, namespace: `logclaw-${tenantId}`, release: `logclaw-${tenantId}` };
});

const tierReplicas = (tier: string): number => ({ standard: 1, ha: 3, 'ultra-ha': 5 })[tier]!;
const isDev = (c: Case): boolean => c.values.global.environment === 'dev';
const enabled = (c: Case, key: string): boolean => c.values[key]?.enabled !== false;
const renderCase = (helm: string, c: Case, kubeVersion = '1.34.0', apiVersions = [...operatorApis, ...optionalApis]): Promise<K8sObject[]> =>
  render(helm, UMBRELLA, { release: c.release, namespace: c.namespace, values: [c.file], kubeVersion, apiVersions });

const crds = loadCrds(crdDir);

beforeAll(async () => {
  await prepareCharts();
});

/** One case per environment and cloud (and the tenant files) run the whole matrix; other ci cases one render per helm. */
const MATRIX_CASES = ['dev-values.yaml', 'ha-aws-values.yaml', 'onprem-airgapped-values.yaml', 'standard-gcp-values.yaml', 'ultra-ha-azure-values.yaml'];
const inMatrix = (c: Case): boolean => c.name.startsWith('gitops/') || MATRIX_CASES.includes(c.name.slice(3));
/** Kubernetes 1.27 and a recent one, with and without the optional CRDs. */
const MATRIX: Array<[string, string, string[]]> = [
  ['1.27.0', 'operator CRDs', operatorApis],
  ['1.34.0', 'operator CRDs', operatorApis],
  ['1.34.0', 'operator + optional CRDs', [...operatorApis, ...optionalApis]],
];

it('has a case per environment and cloud, and the example tenants', () => {
  expect(ciCases(UMBRELLA)).toEqual(expect.arrayContaining(MATRIX_CASES));
  expect(cases.filter((c) => c.name.startsWith('gitops/')).map((c) => c.tenantId)).toEqual(expect.arrayContaining(['airgapped', 'dev-local', 'example-corp']));
});

describe.concurrent.each(helms)('$name', ({ name: helmName, bin: helm }) => {
  describe.each(cases)('$name', (c) => {
    for (const [kube, apiName, apis] of inMatrix(c) ? MATRIX : MATRIX.slice(2)) {
      it(`renders clean on Kubernetes ${kube} with ${apiName}; every custom resource matches its CRD`, async () => {
        const objs = await renderCase(helm, c, kube, apis);
        expect(coreObjects(objs).length).toBeGreaterThan(10);
        expect(validateCustomResources(crds, objs)).toEqual([]);
        for (const o of objs) expect(o.metadata.name, `${o.kind} without a name`).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      });
    }

    it.skipIf(helmName !== 'helm3' || !inMatrix(c))('renders nothing that needs a CRD the cluster lacks (helm 3)', async () => {
      const objs = await renderCase(helm, c, '1.34.0', []);
      const custom = coreObjects(objs).filter((o) => o.apiVersion.includes('.') && !o.apiVersion.includes('k8s.io/'));
      expect(custom.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([]);
      // and what stays is the baseline: namespace, policies, quota, workloads
      expect(kindOf(objs, 'NetworkPolicy').length).toBeGreaterThanOrEqual(3);
    });

    it.skipIf(helmName === 'helm3')('renders the same core objects as helm 3', async () => {
      const mine = coreObjects(await renderCase(helm, c));
      const ref = coreObjects(await renderCase(HELM3, c));
      expect(mine).toEqual(ref);
    });
  });
});

describe.each(cases)('$name (helm 3, Kubernetes 1.34, all CRDs)', (c) => {
  let objs: K8sObject[];
  let mine: K8sObject[];
  const g = () => c.values.global;
  beforeAll(async () => {
    objs = await renderCase(HELM3, c);
    mine = coreObjects(objs);
  });

  it('puts every object in the tenant namespace with the LogClaw labels', () => {
    const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];
    for (const o of mine) {
      if (clusterScoped.includes(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(c.namespace);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'logclaw',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/instance': c.release,
        'logclaw.io/tenant': c.tenantId,
      });
    }
  });

  it('runs every workload restricted, with requests, limits and pinned images', () => {
    const pods = podSpecs(mine);
    expect(pods.length).toBeGreaterThan(0);
    for (const { owner, spec } of pods) {
      const where = `${owner.kind}/${owner.metadata.name}`;
      const agent = owner.kind === 'DaemonSet' && owner.metadata.name === 'logclaw-ingestion-agent';
      expect(spec.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
      if (!agent) expect(spec.securityContext?.runAsNonRoot, where).toBe(true);
      for (const ctr of [...(spec.initContainers ?? []), ...spec.containers]) {
        const sc = ctr.securityContext ?? {};
        expect(sc.allowPrivilegeEscalation, `${where} ${ctr.name}`).toBe(false);
        expect(sc.capabilities?.drop, `${where} ${ctr.name}`).toContain('ALL');
        expect(sc.capabilities?.add, `${where} ${ctr.name}`).toBeUndefined();
        expect(sc.privileged ?? false).toBe(false);
        if (agent) expect(sc.readOnlyRootFilesystem).toBe(true);
        for (const r of ['requests', 'limits']) {
          expect(ctr.resources?.[r]?.cpu, `${where} ${ctr.name} ${r}.cpu`).toBeTruthy();
          expect(ctr.resources?.[r]?.memory, `${where} ${ctr.name} ${r}.memory`).toBeTruthy();
        }
        expect(ctr.image, where).toMatch(/^[^@]+:[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
        expect(ctr.image).not.toMatch(/:latest$/);
      }
    }
    // the operators' pods get the same restrictions through the custom resources
    for (const pool of kindOf(mine, 'KafkaNodePool') as any[]) {
      expect(pool.spec.template.pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pool.spec.template.kafkaContainer.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(pool.spec.resources.requests).toBeDefined();
      expect(pool.spec.resources.limits).toBeDefined();
    }
    for (const os of kindOf(mine, 'OpenSearchCluster') as any[]) {
      expect(os.spec.general.setVMMaxMapCount).toBe(false);
      expect(os.spec.general.podSecurityContext).toMatchObject({ runAsNonRoot: true });
      expect(os.spec.general.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
  });

  it('labels the namespace for Pod Security admission', () => {
    if (!enabled(c, 'platform')) return;
    const ns = named(mine, 'Namespace', c.namespace);
    const enforce = c.values.platform?.podSecurity?.enforce ?? 'restricted';
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': enforce,
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    // the node agent needs hostPath: only ever with a privileged namespace
    if (kindOf(mine, 'DaemonSet').length) expect(enforce).toBe('privileged');
  });

  it('sizes the ingestion receiver by tier: replicas, PDB, zone spread', () => {
    const n = c.values.ingestion?.receiver?.replicas || tierReplicas(g().tier);
    const d = named(mine, 'Deployment', 'logclaw-ingestion-receiver');
    expect(d.spec.replicas).toBe(n);
    const pdb = maybe(mine, 'PodDisruptionBudget', 'logclaw-ingestion-receiver');
    const spread = d.spec.template.spec.topologySpreadConstraints;
    if (n > 1) {
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: d.spec.selector.matchLabels } });
      expect(spread.map((s: any) => [s.topologyKey, s.whenUnsatisfiable])).toEqual([
        ['topology.kubernetes.io/zone', 'DoNotSchedule'],
        ['kubernetes.io/hostname', 'ScheduleAnyway'],
      ]);
      for (const s of spread) expect(s.labelSelector.matchLabels).toEqual(d.spec.selector.matchLabels);
    } else {
      expect(pdb).toBeUndefined();
      expect(spread).toBeUndefined();
    }
    // selector labels reach the pods and the Service
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    const svc = named(mine, 'Service', 'logclaw-ingestion');
    expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual(expect.arrayContaining([8080, 8686, 9598]));
  });

  it('sizes Kafka by tier: node pools, replication, min.insync.replicas, partitions', () => {
    const pools = kindOf(mine, 'KafkaNodePool') as any[];
    const n = tierReplicas(g().tier);
    if (g().tier === 'standard') {
      expect(pools.map((p) => [p.metadata.name, p.spec.roles, p.spec.replicas])).toEqual([['combined', ['controller', 'broker'], 1]]);
    } else {
      expect(pools.map((p) => [p.metadata.name, p.spec.roles, p.spec.replicas])).toEqual([
        ['controller', ['controller'], n],
        ['broker', ['broker'], n],
      ]);
    }
    for (const p of pools) {
      expect(p.metadata.labels['strimzi.io/cluster']).toBe('logclaw');
      expect(p.spec.storage.volumes[0]).toMatchObject({ type: 'persistent-claim', kraftMetadata: 'shared', deleteClaim: false });
      const cls = g().storageClassHighThroughput || g().storageClass;
      expect(p.spec.storage.volumes[0].class).toBe(cls || undefined);
      const spread = p.spec.template.pod.topologySpreadConstraints;
      if (p.spec.replicas > 1) expect(spread[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { 'strimzi.io/pool-name': p.metadata.name } } });
      else expect(spread).toBeUndefined();
      expect(p.spec.jvmOptions['-Xms']).toBe(p.spec.jvmOptions['-Xmx']);
    }
    const brokers = pools.filter((p) => p.spec.roles.includes('broker')).reduce((s, p) => s + p.spec.replicas, 0);
    const rf = Math.min(brokers, { standard: 1, ha: 3, 'ultra-ha': 5 }[g().tier as string]!);
    const minIsr = Math.floor(rf / 2) + 1;
    const kafka = named(mine, 'Kafka', 'logclaw');
    expect(kafka.spec.kafka.config).toMatchObject({ 'default.replication.factor': rf, 'min.insync.replicas': minIsr, 'offsets.topic.replication.factor': rf, 'auto.create.topics.enable': false });
    const topics = kindOf(mine, 'KafkaTopic') as any[];
    expect(topics.map((t) => t.metadata.name).sort()).toEqual(['anomaly-events', 'dead-letter', 'enriched-logs', 'raw-logs']);
    const partitions: Record<string, Record<string, number>> = {
      'raw-logs': { standard: 3, ha: 12, 'ultra-ha': 24 },
      'enriched-logs': { standard: 3, ha: 12, 'ultra-ha': 24 },
      'anomaly-events': { standard: 1, ha: 3, 'ultra-ha': 6 },
      'dead-letter': { standard: 1, ha: 3, 'ultra-ha': 3 },
    };
    const keyOf: Record<string, string> = { 'raw-logs': 'rawLogs', 'enriched-logs': 'enrichedLogs', 'anomaly-events': 'anomalyEvents', 'dead-letter': 'deadLetter' };
    for (const t of topics) {
      expect(t.spec.replicas).toBe(rf);
      expect(t.spec.config['min.insync.replicas']).toBe(minIsr);
      expect(t.spec.config['min.insync.replicas']).toBeLessThanOrEqual(t.spec.replicas);
      expect(t.spec.partitions).toBe(c.values.kafka?.topics?.[keyOf[t.metadata.name]!]?.partitions || partitions[t.metadata.name]![g().tier]);
    }
    if (g().tier !== 'standard') expect(kafka.spec.kafka.rack).toEqual({ topologyKey: 'topology.kubernetes.io/zone' });
  });

  // Strimzi turns a listener's peers into its NetworkPolicy: only the components that use Kafka
  const KAFKA_CLIENTS = [{ podSelector: { matchExpressions: [{ key: 'logclaw.io/component', operator: 'In', values: ['kafka', 'ingestion', 'flink', 'ticketing-agent'] }] } }];
  it('uses the listener and credentials of the environment', () => {
    const kafka = named(mine, 'Kafka', 'logclaw');
    const receiver = named(mine, 'Deployment', 'logclaw-ingestion-receiver');
    const ctr = receiver.spec.template.spec.containers[0];
    const vector = named(mine, 'ConfigMap', 'logclaw-ingestion-receiver').data['vector.yaml'] as string;
    if (isDev(c)) {
      expect(kafka.spec.kafka.listeners).toEqual([{ name: 'plain', port: 9092, type: 'internal', tls: false, networkPolicyPeers: KAFKA_CLIENTS }]);
      expect(kafka.spec.kafka.authorization).toBeUndefined();
      expect(kindOf(mine, 'KafkaUser')).toEqual([]);
      expect(ctr.env.map((e: any) => e.name)).not.toContain('KAFKA_PASSWORD');
      expect(vector).toContain('bootstrap_servers: logclaw-kafka-bootstrap:9092');
      expect(vector).not.toContain('sasl');
    } else {
      expect(kafka.spec.kafka.listeners).toEqual([
        { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' }, networkPolicyPeers: KAFKA_CLIENTS },
      ]);
      expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple' });
      expect(ctr.env).toContainEqual({ name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'ingestion', key: 'password' } } });
      expect(vector).toContain('bootstrap_servers: logclaw-kafka-bootstrap:9093');
      expect(vector).toMatch(/mechanism: SCRAM-SHA-512/);
      expect(vector).toContain('ca_file: /etc/logclaw/kafka-ca/ca.crt');
      const caVol = receiver.spec.template.spec.volumes.find((v: any) => v.name === 'kafka-ca');
      expect(caVol.secret.secretName).toBe('logclaw-cluster-ca-cert');
    }
  });

  it('gives each Kafka client only the ACLs it needs', () => {
    if (isDev(c)) return;
    const users = Object.fromEntries((kindOf(mine, 'KafkaUser') as any[]).map((u) => [u.metadata.name, u.spec]));
    const expected = ['ingestion', 'flink', 'ticketing-agent'];
    if (c.values.kafka?.connect?.enabled) expected.push('connect');
    if (c.values.kafka?.mirrorMaker2?.enabled) expected.push('mirror-maker');
    expect(Object.keys(users).sort()).toEqual(expected.sort());
    const acl = (u: string) => users[u].authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name ?? ''}:${a.resource.patternType ?? ''}:${a.operations.join('+')}`);
    expect(acl('ingestion')).toEqual(['topic:raw-logs:literal:Write+Describe', 'topic:dead-letter:literal:Write+Describe']);
    expect(acl('ticketing-agent')).toEqual(['topic:anomaly-events:literal:Read+Describe', 'group:logclaw-ticketing-agent:prefix:Read+Describe']);
    expect(acl('flink')).toEqual([
      'topic:raw-logs:literal:Read+Describe',
      'topic:enriched-logs:literal:Read+Write+Describe',
      'topic:anomaly-events:literal:Write+Describe',
      'topic:dead-letter:literal:Write+Describe',
      'group:logclaw-flink:prefix:Read+Describe',
      'transactionalId:logclaw-flink:prefix:Write+Describe',
    ]);
    for (const u of Object.values(users) as any[]) {
      expect(u.authentication).toEqual({ type: 'scram-sha-512' });
      for (const a of u.authorization.acls) expect(a.type).toBe('allow');
    }
  });

  it('runs OpenSearch through the operator, or a single node in dev', () => {
    const cluster = maybe(mine, 'OpenSearchCluster', 'logclaw-opensearch');
    const sts = maybe(mine, 'StatefulSet', 'logclaw-opensearch');
    if (isDev(c)) {
      expect(cluster).toBeUndefined();
      expect(sts.spec.replicas).toBe(1);
      expect(sts.spec.template.spec.containers[0].env).toContainEqual({ name: 'discovery.type', value: 'single-node' });
      return;
    }
    expect(sts).toBeUndefined();
    const n = tierReplicas(g().tier);
    const pools = cluster.spec.nodePools.map((p: any) => [p.component, p.roles, p.replicas]);
    expect(pools).toEqual([
      ['managers', ['cluster_manager'], g().tier === 'ultra-ha' ? 5 : 3],
      ['data', ['data', 'ingest'], n],
    ]);
    for (const p of cluster.spec.nodePools) {
      if (p.replicas > 1) {
        expect(p.pdb).toEqual({ enable: true, maxUnavailable: 1 });
        expect(p.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
      } else {
        expect(p.pdb).toBeUndefined();
        expect(p.topologySpreadConstraints).toBeUndefined();
      }
    }
    expect(cluster.spec.security.config.adminCredentialsSecret.name).toBe('logclaw-opensearch-admin');
    expect(named(mine, 'ExternalSecret', 'logclaw-opensearch-admin').spec.secretStoreRef).toEqual({ name: 'logclaw', kind: 'SecretStore' });
  });

  it('applies the logclaw-logs-* index template with an ingest_timestamp date field', () => {
    const cm = named(mine, 'ConfigMap', 'logclaw-opensearch-index-template');
    const tpl = JSON.parse(cm.data['logclaw-logs.json']);
    expect(tpl.index_patterns).toEqual(['logclaw-logs-*']);
    expect(tpl.template.mappings.properties.ingest_timestamp).toEqual({ type: 'date' });
    const job = named(mine, 'Job', 'logclaw-opensearch-index-template');
    const env = job.spec.template.spec.containers[0].env;
    expect(env[0]).toEqual({ name: 'OPENSEARCH_URL', value: isDev(c) ? 'http://logclaw-opensearch:9200' : 'https://logclaw-opensearch:9200' });
    expect(cm.data['apply.sh']).toContain('wait_for_status=yellow');
  });

  it('connects the SecretStore of the chosen provider with its workload identity', () => {
    const store = maybe(mine, 'SecretStore', 'logclaw');
    if (isDev(c)) {
      expect(store).toBeUndefined();
      expect(kindOf(mine, 'ExternalSecret')).toEqual([]);
      return;
    }
    const ss = g().secretStore;
    const sa = named(mine, 'ServiceAccount', 'logclaw-secrets');
    const key = { aws: 'aws', gcp: 'gcpsm', vault: 'vault', azure: 'azurekv' }[ss.provider as string]!;
    expect(Object.keys(store.spec.provider)).toEqual([key]);
    const p = store.spec.provider[key];
    if (ss.provider === 'aws') {
      expect(p).toMatchObject({ service: 'SecretsManager', region: ss.aws.region });
      if (ss.aws.roleArn) {
        expect(p.auth.jwt.serviceAccountRef.name).toBe('logclaw-secrets');
        expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(ss.aws.roleArn);
      }
    } else if (ss.provider === 'gcp') {
      expect(p.projectID).toBe(ss.gcp.projectId);
      if (ss.gcp.clusterLocation && ss.gcp.clusterName) expect(p.auth.workloadIdentity).toMatchObject({ clusterLocation: ss.gcp.clusterLocation, clusterName: ss.gcp.clusterName, serviceAccountRef: { name: 'logclaw-secrets' } });
      else expect(p.auth).toBeUndefined();
      expect(sa.metadata.annotations?.['iam.gke.io/gcp-service-account']).toBe(ss.gcp.serviceAccountEmail || undefined);
    } else if (ss.provider === 'vault') {
      expect(p).toMatchObject({ server: ss.vault.server, path: ss.vault.path ?? 'secret', version: 'v2', auth: { kubernetes: { role: ss.vault.role, serviceAccountRef: { name: 'logclaw-secrets' } } } });
    } else if (ss.azure.identityClientId) {
      expect(p).toMatchObject({ vaultUrl: ss.azure.vaultUrl, authType: 'WorkloadIdentity', serviceAccountRef: { name: 'logclaw-secrets' } });
      expect(sa.metadata.annotations['azure.workload.identity/client-id']).toBe(ss.azure.identityClientId);
      expect(sa.metadata.labels['azure.workload.identity/use']).toBe('true');
    } else {
      expect(p).toMatchObject({ vaultUrl: ss.azure.vaultUrl, authType: 'ManagedIdentity' });
    }
  });

  it('issues internal TLS from a tenant CA and binds the read-only Role to the operators group', () => {
    expect(named(mine, 'Issuer', 'logclaw-internal-ca').spec).toEqual({ ca: { secretName: 'logclaw-internal-ca' } });
    expect(named(mine, 'Certificate', 'logclaw-internal-ca').spec).toMatchObject({ isCA: true, issuerRef: { name: 'logclaw-internal-ca-selfsigned', kind: 'Issuer' } });
    const role = named(mine, 'Role', 'logclaw-platform-read-only');
    for (const r of role.rules) {
      expect(r.verbs).toEqual(['get', 'list', 'watch']);
      expect(r.resources).not.toContain('secrets');
    }
    const binding = maybe(mine, 'RoleBinding', 'logclaw-platform-read-only');
    if (g().operatorsGroup) expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g().operatorsGroup }]);
    else expect(binding).toBeUndefined();
    const quota = named(mine, 'ResourceQuota', 'logclaw-platform-quota');
    expect(Object.keys(quota.spec.hard)).toEqual(expect.arrayContaining(['requests.cpu', 'limits.memory', 'requests.storage', 'pods']));
  });

  it('isolates the namespace: every NetworkPolicy with its selectors and ports', () => {
    const nps = Object.fromEntries(kindOf(mine, 'NetworkPolicy').map((n: any) => [n.metadata.name, n.spec]));
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));
    expect(nps['logclaw-platform-default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(nps['logclaw-platform-allow-dns']).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    });
    // pods may connect inside the namespace; what accepts them is each component's ingress policy
    expect(nps['logclaw-platform-allow-egress-in-namespace']).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] });
    expect(nps['logclaw-platform-allow-same-namespace']).toBeUndefined();
    // platform namespaces: by name and the platform-owned label
    expect(nps['logclaw-platform-allow-operators'].ingress[0].from[0].namespaceSelector).toEqual({
      matchLabels: { 'platform.logclaw.io/role': 'operators' },
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['strimzi', 'flink-operator', 'opensearch-operator'] }],
    });
    expect(nps['logclaw-platform-allow-operators'].ingress[0].ports).toBeUndefined();
    expect(nps['logclaw-platform-allow-monitoring'].ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'platform.logclaw.io/role': 'monitoring' });
    expect(nps['logclaw-platform-allow-monitoring'].ingress[0].ports).toEqual(tcp(9404, 9598, 9249, 8080));
    const apiCidrs: string[] = c.values.platform?.networkPolicy?.kubeApiServer?.cidrs ?? [];
    const kubeApi = { podSelector: { matchLabels: { 'logclaw.io/kube-api': 'true' } }, policyTypes: ['Egress'] };
    if (apiCidrs.length) expect(nps['logclaw-platform-allow-kube-api']).toEqual({ ...kubeApi, egress: [{ ports: tcp(443, 6443), to: apiCidrs.map((cidr) => ({ ipBlock: { cidr } })) }] });
    else {
      // without CIDRs only an air-gapped or dev tenant renders (no API-server rule); any other fails to render
      expect(g().airGapped || isDev(c)).toBe(true);
      expect(nps['logclaw-platform-allow-kube-api']).toBeUndefined();
    }

    const receiver = named(mine, 'Deployment', 'logclaw-ingestion-receiver');
    expect(receiver.spec.template.metadata.labels['logclaw.io/ingress']).toBe('true');
    const ingest = nps['logclaw-ingestion-receiver-ingress'];
    expect(ingest.podSelector.matchLabels).toEqual(receiver.spec.selector.matchLabels);
    const ports = [8080, 5514, 4317, 4318, ...(c.values.ingestion?.privateLink?.enabled ? [8443] : [])];
    const np = c.values.ingestion?.networkPolicy ?? {};
    const from = [
      { podSelector: {} },
      ...(np.ingressCidrs ?? []).map((cidr: string) => ({ ipBlock: { cidr } })),
      ...(np.ingressNamespaces?.length ? [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: np.ingressNamespaces } ] } }] : []),
    ];
    expect(ingest.ingress).toEqual([{ ports: tcp(...ports), from }]);

    const search = nps['logclaw-opensearch-ingress'];
    expect(search.podSelector).toEqual({ matchLabels: { 'logclaw.io/component': 'opensearch' } });
    expect(search.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'logclaw.io/component': 'opensearch' } } }] },
      { from: [{ podSelector: { matchExpressions: [{ key: 'logclaw.io/component', operator: 'In', values: ['flink', 'ticketing-agent'] }] } }], ports: tcp(9200) },
    ]);

    const connect = nps['logclaw-kafka-connect-egress'];
    if (c.values.kafka?.connect?.enabled) {
      const endpoint = g().objectStorage?.endpoint;
      expect(connect.podSelector.matchLabels).toEqual({ 'strimzi.io/cluster': 'logclaw-archive', 'strimzi.io/kind': 'KafkaConnect' });
      expect(connect.egress[0].ports).toEqual(tcp(endpoint ? Number(new URL(endpoint).port) : 443));
      if (g().airGapped) expect(connect.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': new URL(endpoint).hostname.split('.')[1] } } }]);
    } else expect(connect).toBeUndefined();
    const mm = nps['logclaw-kafka-mirror-maker-egress'];
    if (c.values.kafka?.mirrorMaker2?.enabled) expect(mm.egress[0].ports).toEqual(tcp(Number(c.values.kafka.mirrorMaker2.target.bootstrapServers.split(':')[1])));
    else expect(mm).toBeUndefined();

    // pods the kube-api policy selects are exactly those that need the API
    const apiPods = podSpecs(mine).filter(({ owner }: any) => owner.spec.template.metadata.labels['logclaw.io/kube-api'] === 'true').map(({ owner }) => owner.metadata.name);
    expect(apiPods).toEqual(kindOf(mine, 'DaemonSet').map((d) => d.metadata.name));
    // air-gapped: no egress rule of the core charts may leave the cluster (the API server's own addresses aside)
    if (g().airGapped) {
      for (const [name, np] of Object.entries(nps) as [string, any][]) {
        for (const rule of np.egress ?? []) {
          expect(rule.to, `${name} egress without destination`).toBeDefined();
          for (const peer of rule.to) {
            if (name === 'logclaw-platform-allow-kube-api') expect(apiCidrs).toContain(peer.ipBlock.cidr);
            else expect(peer.ipBlock, `${name} egress to an address block`).toBeUndefined();
          }
        }
      }
    }
  });

  it('publishes the receiver privately with the annotations of the cloud', () => {
    const svc = maybe(mine, 'Service', 'logclaw-ingestion-privatelink');
    if (!c.values.ingestion?.privateLink?.enabled) {
      expect(svc).toBeUndefined();
      return;
    }
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    const ann = svc.metadata.annotations ?? {};
    const expected: Record<string, Record<string, string>> = {
      aws: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
      gcp: { 'networking.gke.io/load-balancer-type': 'Internal' },
      azure: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-pls-create': 'true' },
      onprem: {},
    };
    expect(ann).toMatchObject(expected[g().cloudProvider]!);
    const cert = named(mine, 'Certificate', 'logclaw-ingestion-privatelink-tls');
    expect(cert.spec.issuerRef).toEqual({ name: 'logclaw-internal-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(cert.spec.dnsNames).toEqual([`logclaw-ingestion-privatelink.${c.namespace}.svc`, ...(c.values.ingestion.privateLink.dnsNames ?? [])]);
  });

  it('records the objects it renders', () => {
    const counts = countKinds(mine);
    console.log(`${c.name}: ${mine.length} core objects (${objs.length} total) ${JSON.stringify(counts)}`);
    expect(counts.NetworkPolicy).toBeGreaterThanOrEqual(6);
  });
});

describe('NOTES.txt', () => {
  // helm 3's `install --dry-run=client` still wants a reachable cluster; helm 4 renders NOTES offline
  it.each(helms.filter((h) => h.name === 'helm4'))('tells the operator what was installed and how to reach it ($name)', async ({ bin }) => {
    const dir = join(await prepareCharts(), UMBRELLA);
    const c = cases.find((x) => x.name === 'ci/ha-aws-values.yaml')!;
    const { stdout } = await execFileP(bin, ['install', c.release, dir, '--namespace', c.namespace, '--dry-run=client', '--values', c.file], { maxBuffer: 64 << 20 });
    const notes = stdout.slice(stdout.indexOf('NOTES:'));
    expect(notes).toContain('LogClaw tenant acme-aws (Acme on AWS) - tier ha, production on aws');
    expect(notes).toContain(`http://logclaw-ingestion.${c.namespace}.svc:8080`);
    expect(notes).toContain(`logclaw-kafka-bootstrap.${c.namespace}.svc:9093 (TLS, SCRAM-SHA-512)`);
    expect(notes).toContain(`https://logclaw-opensearch.${c.namespace}.svc:9200`);
    expect(notes).toMatch(/kafka\s+enabled/);
    expect(notes).toMatch(/zammad\s+disabled/);
    expect(notes).toContain('logclaw status --tenant acme-aws');
  });
});

describe('cross-component rules', () => {
  it.each(helms)('refuses the node agent in a restricted namespace ($name)', async ({ bin }) => {
    const dir = join(await prepareCharts(), UMBRELLA);
    const c = cases.find((x) => x.name === 'ci/dev-values.yaml')!;
    const err = await execFileP(bin, ['template', 't', dir, '--values', c.file, '--set', 'ingestion.agent.enabled=true', '--set', 'ingestion.agent.namespaces={payments}']).then(() => '', (e) => String(e.stderr));
    expect(err).toContain('ingestion.agent.enabled needs platform.podSecurity.enforce: privileged');
    // and never without the namespaces whose logs belong to the tenant
    const unscoped = await execFileP(bin, ['template', 't', dir, '--values', c.file, '--set', 'ingestion.agent.enabled=true', '--set', 'platform.podSecurity.enforce=privileged']).then(() => '', (e) => String(e.stderr));
    expect(unscoped).toContain('ingestion.agent.namespaces is required with the agent on');
  });
});
