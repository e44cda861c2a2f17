import { describe, expect, it } from 'vitest';
import { assess, parseQuantity, type NamedKubeObject, type ObjectChange } from '../../src/safety/index.js';
import { crdProblems } from './crd-schema.js';

const NS = 'logclaw-acme';
const clone = <T>(o: T): T => structuredClone(o);
const labels = (chart: string) => ({ 'helm.sh/chart': `${chart}-0.1.0`, 'app.kubernetes.io/instance': 'acme' });

/** Every custom resource the tests feed in, checked against the pinned upstream CRDs at the end. */
const customResources: NamedKubeObject[] = [];
const cr = <T extends NamedKubeObject>(o: T): T => {
  customResources.push(o);
  return o;
};

function statefulSet(over: { replicas?: number; storage?: string; serviceName?: string; image?: string; app?: string } = {}): NamedKubeObject {
  const app = over.app ?? 'opensearch';
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'search', namespace: NS, labels: labels('logclaw-opensearch') },
    spec: {
      replicas: over.replicas ?? 3,
      serviceName: over.serviceName ?? 'search-headless',
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: { containers: [{ name: 'main', image: over.image ?? 'registry/search:1.0.0' }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: over.storage ?? '10Gi' } } },
        },
      ],
    },
  };
}

function deployment(over: { image?: string; configMap?: string; checksum?: string; strategy?: string; app?: string } = {}): NamedKubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ticketing-agent', namespace: NS, labels: labels('logclaw-ticketing-agent') },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: over.app ?? 'ticketing-agent' } },
      ...(over.strategy ? { strategy: { type: over.strategy } } : {}),
      template: {
        metadata: { labels: { app: over.app ?? 'ticketing-agent' }, annotations: over.checksum ? { 'checksum/config': over.checksum } : {} },
        spec: {
          containers: [{ name: 'agent', image: over.image ?? 'registry/agent:1.0.0', envFrom: [{ secretRef: { name: 'agent-credentials' } }] }],
          volumes: [{ name: 'config', configMap: { name: over.configMap ?? 'agent-config' } }],
        },
      },
    },
  };
}

const configMap = (data: Record<string, string>): NamedKubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agent-config', namespace: NS }, data });

const pvc = (storage: string, storageClassName = 'gp3'): NamedKubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-search-0', namespace: NS },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage } } },
});

function nodePool(over: { replicas?: number; size?: string; class?: string; roles?: string[]; type?: string; memory?: string } = {}): NamedKubeObject {
  const type = over.type ?? 'persistent-claim';
  return cr({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name: 'broker', namespace: NS, labels: { ...labels('logclaw-kafka'), 'strimzi.io/cluster': 'kafka' } },
    spec: {
      replicas: over.replicas ?? 3,
      roles: over.roles ?? ['broker'],
      storage:
        type === 'jbod'
          ? { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: over.size ?? '100Gi', deleteClaim: false }, { id: 1, type: 'persistent-claim', size: '100Gi', deleteClaim: false }] }
          : type === 'ephemeral'
            ? { type: 'ephemeral' }
            : { type: 'persistent-claim', size: over.size ?? '100Gi', deleteClaim: false, ...(over.class ? { class: over.class } : {}) },
      resources: { requests: { memory: over.memory ?? '4Gi' }, limits: { memory: over.memory ?? '4Gi' } },
    },
  });
}

const topic = (spec: Record<string, unknown>): NamedKubeObject =>
  cr({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'raw-logs', namespace: NS, labels: { 'strimzi.io/cluster': 'kafka' } }, spec });

const kafka = (cruiseControl: boolean): NamedKubeObject =>
  cr({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: 'kafka', namespace: NS },
    spec: { kafka: { version: '4.1.0', listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] }, ...(cruiseControl ? { cruiseControl: {} } : {}) },
  });

function openSearch(pools: Array<{ component: string; replicas: number; roles: string[]; diskSize?: string }>, over: { version?: string; drain?: boolean } = {}): NamedKubeObject {
  return cr({
    apiVersion: 'opensearch.opster.io/v1',
    kind: 'OpenSearchCluster',
    metadata: { name: 'opensearch', namespace: NS, labels: labels('logclaw-opensearch') },
    spec: {
      general: { serviceName: 'opensearch', version: over.version ?? '2.19.1', ...(over.drain ? { drainDataNodes: true } : {}) },
      nodePools: pools.map((p) => ({ component: p.component, replicas: p.replicas, roles: p.roles, diskSize: p.diskSize ?? '100Gi' })),
    },
  });
}

const indexTemplate = (replicas: number): NamedKubeObject =>
  cr({
    apiVersion: 'opensearch.opster.io/v1',
    kind: 'OpensearchIndexTemplate',
    metadata: { name: 'logs', namespace: NS },
    spec: { opensearchCluster: { name: 'opensearch' }, name: 'logs', indexPatterns: ['logs-*'], template: { settings: { index: { number_of_replicas: replicas } } } },
  });

function flink(upgradeMode: string, status?: { state: string; savepoints?: string[] }): NamedKubeObject {
  const o: NamedKubeObject = {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: { name: 'log-enrichment', namespace: NS, labels: labels('logclaw-flink') },
    spec: {
      image: 'registry/flink-jobs:1.0.0',
      flinkVersion: 'v1_19',
      serviceAccount: 'flink',
      jobManager: { resource: { cpu: 1, memory: '2048m' } },
      taskManager: { resource: { cpu: 1, memory: '2048m' } },
      job: { jarURI: 'local:///opt/flink/usrlib/jobs.jar', parallelism: 2, upgradeMode, state: 'running' },
    },
  };
  if (status) {
    const sps = status.savepoints ?? [];
    o.status = {
      jobStatus: {
        state: status.state,
        savepointInfo: {
          ...(sps.length ? { lastSavepoint: { location: sps[sps.length - 1], timeStamp: 1700000000000, triggerType: 'PERIODIC' } } : {}),
          savepointHistory: sps.map((location, i) => ({ location, timeStamp: 1700000000000 + i, triggerType: 'PERIODIC' })),
        },
      },
    };
  }
  return cr(o);
}

const update = (before: NamedKubeObject, after: NamedKubeObject): ObjectChange => ({ before, after });
const only = (changes: ObjectChange[], ctx = {}) => assess(changes, ctx);

describe('quantities', () => {
  it('parses binary, decimal and exponent suffixes', () => {
    expect(parseQuantity('10Gi')).toBe(10 * 2 ** 30);
    expect(parseQuantity('500M')).toBe(5e8);
    expect(parseQuantity('1.5Ti')).toBe(1.5 * 2 ** 40);
    expect(parseQuantity('100m')).toBeCloseTo(0.1);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('ten')).toBeUndefined();
    expect(parseQuantity('10Gi')! > parseQuantity('10G')!).toBe(true);
  });
});

describe('no change and creation', () => {
  it('identical objects give no findings and a safe verdict', () => {
    const a = assess([update(statefulSet(), statefulSet()), update(deployment(), deployment())]);
    expect(a.verdict).toBe('safe');
    expect(a.findings).toEqual([]);
    expect(a.objects.map((o) => o.verdict)).toEqual(['safe', 'safe']);
  });
  it('a created object is safe', () => {
    const a = assess([{ after: deployment() }]);
    expect(a.verdict).toBe('safe');
    expect(a.objects).toEqual([{ object: `Deployment ${NS}/ticketing-agent`, action: 'create', verdict: 'safe' }]);
  });
});

describe('StatefulSet', () => {
  it('a selector change is immutable and not recreatable', () => {
    const a = only([update(statefulSet(), statefulSet({ app: 'search' }))]);
    const f = a.findings.find((x) => x.field === 'spec.selector')!;
    expect(f.verdict).toBe('immutable');
    expect(f.recreate).toBeUndefined();
    expect(f.object).toBe(`StatefulSet ${NS}/search`);
    expect(a.blocking).toContain(f);
  });
  it('a volumeClaimTemplates change is immutable, explains the change and is recreatable', () => {
    const a = only([update(statefulSet(), statefulSet({ storage: '20Gi' }))]);
    expect(a.verdict).toBe('immutable');
    const f = a.findings[0]!;
    expect(f.field).toBe('spec.volumeClaimTemplates');
    expect(f.message).toContain('data storage 10Gi → 20Gi');
    expect(f.recreate).toEqual({ kind: 'StatefulSet', namespace: NS, name: 'search' });
    expect(f.fix).toMatch(/--recreate/);
  });
  it('a serviceName change is immutable and recreatable', () => {
    const f = only([update(statefulSet(), statefulSet({ serviceName: 'search' }))]).findings[0]!;
    expect(f).toMatchObject({ verdict: 'immutable', field: 'spec.serviceName', recreate: { name: 'search' } });
    expect(f.message).toContain('search-headless → search');
  });
  it('a pod template change rolls the pods and names the workload; a single replica means an outage', () => {
    const a = only([update(statefulSet(), statefulSet({ image: 'registry/search:1.1.0' }))]);
    expect(a.verdict).toBe('restart');
    expect(a.restarts).toEqual(['StatefulSet search']);
    expect(a.findings[0]!.message).toContain('spec.template.spec.containers');
    const one = only([update(statefulSet({ replicas: 1 }), statefulSet({ replicas: 1, image: 'registry/search:1.1.0' }))]);
    expect(one.verdict).toBe('disruptive');
    expect(one.restarts).toEqual(['StatefulSet search']);
  });
  it('scaling down stops pods but keeps their claims', () => {
    const f = only([update(statefulSet({ replicas: 3 }), statefulSet({ replicas: 1 }))]).findings[0]!;
    expect(f.verdict).toBe('disruptive');
    expect(f.message).toContain('search-1..search-2');
  });
});

describe('PersistentVolumeClaim', () => {
  it('shrinking is data loss, growing is safe', () => {
    expect(only([update(pvc('20Gi'), pvc('10Gi'))]).findings[0]).toMatchObject({ verdict: 'data-loss', field: 'spec.resources.requests.storage' });
    expect(only([update(pvc('10Gi'), pvc('20Gi'))]).verdict).toBe('safe');
  });
  it('a storage class change is immutable', () => {
    const f = only([update(pvc('10Gi', 'gp3'), pvc('10Gi', 'io2'))]).findings[0]!;
    expect(f).toMatchObject({ verdict: 'immutable', field: 'spec.storageClassName' });
    expect(f.message).toContain('gp3 → io2');
  });
  it('deleting a claim is data loss', () => {
    expect(only([{ before: pvc('10Gi') }]).verdict).toBe('data-loss');
  });
});

describe('Kafka (Strimzi KafkaNodePool, KafkaTopic)', () => {
  it('fewer broker replicas is data loss; fewer controllers is disruptive', () => {
    const f = only([update(nodePool({ replicas: 3 }), nodePool({ replicas: 2 }))]).findings[0]!;
    expect(f).toMatchObject({ verdict: 'data-loss', field: 'spec.replicas', object: `KafkaNodePool ${NS}/broker` });
    expect(f.fix).toMatch(/remove-brokers/);
    const c = only([update(nodePool({ replicas: 3, roles: ['controller'] }), nodePool({ replicas: 1, roles: ['controller'] }))]);
    expect(c.verdict).toBe('disruptive');
  });
  it('smaller storage is data loss, bigger is safe, another class is immutable, another type loses data', () => {
    expect(only([update(nodePool({ size: '100Gi' }), nodePool({ size: '50Gi' }))]).findings[0]).toMatchObject({ verdict: 'data-loss', field: 'spec.storage.size' });
    expect(only([update(nodePool({ size: '100Gi' }), nodePool({ size: '200Gi' }))]).verdict).toBe('safe');
    expect(only([update(nodePool({ class: 'gp3' }), nodePool({ class: 'io2' }))]).findings[0]).toMatchObject({ verdict: 'immutable', field: 'spec.storage.class' });
    expect(only([update(nodePool(), nodePool({ type: 'ephemeral' }))]).findings[0]).toMatchObject({ verdict: 'data-loss', field: 'spec.storage.type' });
  });
  it('a JBOD volume removed or shrunk is data loss', () => {
    const jbod = nodePool({ type: 'jbod' });
    const fewer = clone(jbod);
    (fewer.spec as { storage: { volumes: unknown[] } }).storage.volumes.pop();
    expect(only([update(jbod, fewer)]).findings[0]).toMatchObject({ verdict: 'data-loss', field: 'spec.storage.volumes' });
    expect(only([update(jbod, nodePool({ type: 'jbod', size: '10Gi' }))]).findings[0]).toMatchObject({ verdict: 'data-loss', field: 'spec.storage.volumes[id=0].size' });
  });
  it('other node pool changes roll the pool', () => {
    const a = only([update(nodePool(), nodePool({ memory: '8Gi' }))]);
    expect(a.verdict).toBe('restart');
    expect(a.restarts).toEqual(['KafkaNodePool broker']);
  });
  it('fewer partitions is immutable, more is safe', () => {
    const f = only([update(topic({ partitions: 12, replicas: 3 }), topic({ partitions: 6, replicas: 3 }))]).findings[0]!;
    expect(f).toMatchObject({ verdict: 'immutable', field: 'spec.partitions' });
    expect(f.message).toContain('12 → 6');
    expect(only([update(topic({ partitions: 6, replicas: 3 }), topic({ partitions: 12, replicas: 3 }))]).verdict).toBe('safe');
  });
  it('a replication factor change is immutable without Cruise Control and disruptive with it', () => {
    const change = update(topic({ partitions: 6, replicas: 3 }), topic({ partitions: 6, replicas: 2 }));
    expect(only([change, update(kafka(false), kafka(false))]).findings[0]).toMatchObject({ verdict: 'immutable', field: 'spec.replicas' });
    expect(only([change, update(kafka(true), kafka(true))]).findings[0]).toMatchObject({ verdict: 'disruptive', field: 'spec.replicas' });
  });
  it('shorter retention and switching to compaction lose records', () => {
    const a = only([update(topic({ partitions: 6, config: { 'retention.ms': 604800000 } }), topic({ partitions: 6, config: { 'retention.ms': 86400000, 'cleanup.policy': 'compact' } }))]);
    expect(a.findings.map((f) => [f.verdict, f.field])).toEqual(
      expect.arrayContaining([
        ['data-loss', 'spec.config.retention.ms'],
        ['data-loss', 'spec.config.cleanup.policy'],
      ]),
    );
  });
  it('deleting a topic or the broker pool is data loss', () => {
    expect(only([{ before: topic({ partitions: 6 }) }]).verdict).toBe('data-loss');
    expect(only([{ before: nodePool() }]).verdict).toBe('data-loss');
  });
});

describe('OpenSearch (OpenSearchCluster node pools)', () => {
  const managers = { component: 'masters', replicas: 3, roles: ['cluster_manager'] };
  it('data nodes below the index replicas is data loss', () => {
    const a = only([
      update(openSearch([managers, { component: 'data', replicas: 3, roles: ['data', 'ingest'] }]), openSearch([managers, { component: 'data', replicas: 2, roles: ['data', 'ingest'] }])),
      { after: indexTemplate(2) },
    ]);
    const f = a.findings.find((x) => x.verdict === 'data-loss')!;
    expect(f.message).toContain('data nodes 3 → 2, below the 3 copies');
    expect(f.message).toContain('index replicas 2');
  });
  it('removing one data node with replicas 1 is disruptive; removing more than the replicas at once without drain is data loss', () => {
    const five = openSearch([managers, { component: 'data', replicas: 5, roles: ['data'] }]);
    expect(only([update(five, openSearch([managers, { component: 'data', replicas: 4, roles: ['data'] }]))]).verdict).toBe('disruptive');
    expect(only([update(five, openSearch([managers, { component: 'data', replicas: 3, roles: ['data'] }]))]).verdict).toBe('data-loss');
    expect(only([update(five, openSearch([managers, { component: 'data', replicas: 3, roles: ['data'] }], { drain: true }))]).verdict).toBe('disruptive');
  });
  it('losing the cluster-manager majority is data loss; keeping it is disruptive', () => {
    const data = { component: 'data', replicas: 3, roles: ['data'] };
    const lost = only([update(openSearch([managers, data]), openSearch([{ ...managers, replicas: 1 }, data]))]).findings[0]!;
    expect(lost.verdict).toBe('data-loss');
    expect(lost.message).toContain('cluster-manager-eligible nodes 3 → 1');
    expect(lost.fix).toContain('at least 2');
    const kept = only([update(openSearch([{ ...managers, replicas: 5 }, data]), openSearch([{ ...managers, replicas: 3 }, data]))]);
    expect(kept.verdict).toBe('disruptive');
  });
  it('a smaller disk is data loss, a downgrade immutable, an upgrade rolls the nodes', () => {
    const pools = (disk: string) => [{ component: 'nodes', replicas: 3, roles: ['cluster_manager', 'data'], diskSize: disk }];
    expect(only([update(openSearch(pools('100Gi')), openSearch(pools('50Gi')))]).verdict).toBe('data-loss');
    expect(only([update(openSearch(pools('100Gi')), openSearch(pools('100Gi'), { version: '2.11.0' }))]).findings[0]).toMatchObject({ verdict: 'immutable', field: 'spec.general.version' });
    const up = only([update(openSearch(pools('100Gi')), openSearch(pools('100Gi'), { version: '2.19.2' }))]);
    expect(up.verdict).toBe('restart');
    expect(up.findings[0]!.message).toContain('rolling upgrade 2.19.1 → 2.19.2');
  });
});

describe('Flink (FlinkDeployment upgradeMode)', () => {
  const sps = ['s3://bucket/savepoints/savepoint-1', 's3://bucket/savepoints/savepoint-2'];
  it('last-state → stateless with savepoints is data loss', () => {
    const f = only([update(flink('last-state', { state: 'RUNNING', savepoints: sps }), flink('stateless'))]).findings[0]!;
    expect(f).toMatchObject({ verdict: 'data-loss', field: 'spec.job.upgradeMode' });
    expect(f.message).toContain('2 savepoint(s)');
  });
  it('last-state → savepoint loses data only when the job cannot take a savepoint', () => {
    expect(only([update(flink('last-state', { state: 'RUNNING', savepoints: sps }), flink('savepoint'))]).verdict).toBe('disruptive');
    expect(only([update(flink('last-state', { state: 'FAILED', savepoints: sps }), flink('savepoint'))]).verdict).toBe('data-loss');
  });
  it('without savepoints the switch is only disruptive', () => {
    expect(only([update(flink('last-state', { state: 'RUNNING' }), flink('stateless'))]).verdict).toBe('disruptive');
  });
});

describe('components and tenant identity', () => {
  const values = (enabled: Record<string, boolean>, tenantId = 'acme') => ({
    global: { tenantId },
    ...Object.fromEntries(Object.entries(enabled).map(([k, v]) => [k, { enabled: v }])),
  });
  it('disabling a PVC-backed component is data loss', () => {
    const a = only([{ before: statefulSet() }, { before: deployment() }], {
      tenant: { before: { tenantId: 'acme', values: values({ opensearch: true }) }, after: { tenantId: 'acme', values: values({ opensearch: false }) } },
    });
    const f = a.findings.find((x) => x.field === 'opensearch.enabled')!;
    expect(f.verdict).toBe('data-loss');
    expect(f.message).toContain(`StatefulSet ${NS}/search`);
  });
  it('disabling a component without storage is disruptive', () => {
    const a = only([{ before: deployment() }], {
      tenant: { before: { tenantId: 'acme', values: values({ ticketingAgent: true }) }, after: { tenantId: 'acme', values: values({ ticketingAgent: false }) } },
    });
    expect(a.findings.find((x) => x.field === 'ticketingAgent.enabled')!.verdict).toBe('disruptive');
    expect(a.blocking).toEqual([]);
  });
  it('a component whose release is uninstalled (helmfile mode): data loss with storage, disruptive without', () => {
    const a = only([], { tenant: { after: { tenantId: 'acme' } }, removedComponents: [{ name: 'opensearch', objects: [statefulSet()] }, { name: 'ticketing-agent', objects: [deployment()] }] });
    expect(a.findings.map((f) => [f.field, f.verdict])).toEqual([
      ['release opensearch', 'data-loss'],
      ['release ticketing-agent', 'disruptive'],
    ]);
    expect(a.findings[0]!.message).toContain(`StatefulSet ${NS}/search`);
  });
  it('a changed tenantId or namespace is immutable', () => {
    const a = only([], { tenant: { before: { tenantId: 'acme', namespace: 'logclaw-acme' }, after: { tenantId: 'acme2', namespace: 'logclaw-acme2' } } });
    expect(a.blocking.map((f) => f.field)).toEqual(['global.tenantId', 'namespace']);
    expect(a.findings[0]!.fix).toContain('keep tenantId acme');
  });
});

describe('ConfigMaps, Secrets and other core kinds', () => {
  it('a changed ConfigMap names the workloads that read it and asks for a restart of those that do not roll anyway', () => {
    const a = only([update(configMap({ 'routing.yaml': 'a' }), configMap({ 'routing.yaml': 'b' })), update(deployment(), deployment())]);
    const f = a.findings[0]!;
    expect(f.verdict).toBe('restart');
    expect(f.workloads).toEqual(['Deployment ticketing-agent']);
    expect(f.rolloutRestart).toEqual([{ kind: 'Deployment', namespace: NS, name: 'ticketing-agent' }]);
    // with a checksum annotation the Deployment rolls by itself
    const b = only([update(configMap({ 'routing.yaml': 'a' }), configMap({ 'routing.yaml': 'b' })), update(deployment({ checksum: '1' }), deployment({ checksum: '2' }))]);
    expect(b.findings.find((x) => x.kind === 'ConfigMap')!.rolloutRestart).toBeUndefined();
    expect(b.restarts).toEqual(['Deployment ticketing-agent']);
  });
  it('a Deployment selector is immutable; Recreate strategy makes a rollout disruptive', () => {
    expect(only([update(deployment(), deployment({ app: 'agent' }))]).blocking[0]).toMatchObject({ field: 'spec.selector' });
    expect(only([update(deployment({ strategy: 'Recreate' }), deployment({ strategy: 'Recreate', image: 'x:2' }))]).verdict).toBe('disruptive');
  });
  it('a Job template change is immutable; a headless switch of a Service is immutable', () => {
    const job = (image: string): NamedKubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: NS },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image }] } } },
    });
    expect(only([update(job('a:1'), job('a:2'))]).verdict).toBe('immutable');
    const svc = (clusterIP: string): NamedKubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: NS }, spec: { clusterIP, ports: [{ port: 80 }], selector: { app: 's' } } });
    expect(only([update(svc('10.0.0.12'), svc('None'))]).findings[0]).toMatchObject({ verdict: 'immutable', field: 'spec.clusterIP' });
  });
});

describe('assessment', () => {
  it('orders findings worst first, counts them and lists blocking ones', () => {
    const a = assess([
      update(deployment(), deployment({ image: 'x:2' })),
      update(nodePool({ size: '100Gi' }), nodePool({ size: '10Gi' })),
      update(statefulSet(), statefulSet({ storage: '20Gi' })),
    ]);
    expect(a.verdict).toBe('data-loss');
    expect(a.findings.map((f) => f.verdict)).toEqual(['data-loss', 'immutable', 'restart']);
    expect(a.counts).toMatchObject({ 'data-loss': 1, immutable: 1, restart: 1, safe: 0 });
    expect(a.blocking).toHaveLength(2);
    expect(a.objects.map((o) => o.verdict)).toEqual(['restart', 'data-loss', 'immutable']);
  });
});

describe('test inputs use real CRD fields', () => {
  it('every custom resource above conforms to the pinned upstream CRDs', () => {
    expect(customResources.length).toBeGreaterThan(20);
    for (const o of customResources) expect(crdProblems(o), `${o.kind} ${JSON.stringify(o.spec)}`).toEqual([]);
  });
});
