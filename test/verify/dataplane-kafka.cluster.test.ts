// The simulator's data plane (test/cluster/dataplane.ts, what `npm run sim` and `npm run try` run) with a real
// Kafka broker: a namespace as the kafka chart makes it outside dev (Kafka with a SASL_SSL + SCRAM-SHA-512
// listener and `authorization: simple`, a node pool, KafkaTopics, KafkaUsers with ACLs) gets the broker pod, the
// broker behind it, the topics and the users' SCRAM credentials (from the Secrets the user operator writes) and
// ACLs; `kubectl exec` into the broker pod runs the real console tools with verify's commands.
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { crdDir, repoRoot } from '../helpers/tools.js';
import { kafkaAvailable } from '../cluster/kafka/broker.ts';
import { startDataPlane } from '../cluster/dataplane.ts';
import type { KubeObject } from '../cluster/lib/kube.ts';
import { consumerCommand, producerCommand, type Broker, type KafkaCredentials } from '../../src/verify/kafka.js';
import { kafkaProblem } from '../../src/verify/kafka-errors.js';
import { tempDir } from '../helpers/temp.js';

const available = kafkaAvailable();
if (!available && process.env.CI) throw new Error('the real Kafka broker cannot run here (Java or the Kafka build is missing): node test/cluster/kafka/build.mjs');
const cluster = setupCluster();
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
}, 60_000);

type Kube = ReturnType<ReturnType<typeof cluster>['kube']>;

/** Strimzi's CRDs at the pinned version, served before the test's objects go in. */
async function strimziKinds(kube: Kube): Promise<void> {
  for (const n of ['040-Crd-kafka', '043-Crd-kafkatopic', '044-Crd-kafkauser', '045-Crd-kafkanodepool']) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, 'strimzi-0.50.1', `${n}.yaml`), 'utf8'))) {
      const crd = doc.toJS() as KubeObject | null;
      if (crd?.kind === 'CustomResourceDefinition' && !(await kube.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name))) {
        await kube.create(crd).catch((e: { status?: number }) => (e.status === 409 ? undefined : Promise.reject(e)));
      }
    }
  }
  await eventually('the Strimzi kinds served', async () => {
    kube.resetDiscovery();
    for (const kind of ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser']) if (!(await kube.collectionPath('kafka.strimzi.io/v1', kind).then(() => true, () => false))) return undefined;
    return true;
  }, 60_000, 250);
}

/** A namespace of its own and the data plane for it alone: the cluster is shared with the other test files. */
function dataPlaneFor(kube: Kube): { ns: string; logs: string[] } {
  const dir = tempDir('logclaw-dataplane-');
  const logs: string[] = [];
  const ns = `logclaw-dp-${randomBytes(3).toString('hex')}`;
  const dp = startDataPlane({ kube, topicsDir: join(dir, 'topics'), handlersDir: join(repoRoot, 'test', 'cluster', 'handlers'), log: (m) => logs.push(m), namespaces: (n) => n === ns });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => dp.stop());
  cleanup.push(() => kube.delete('v1', 'Namespace', ns).then(() => undefined, () => undefined));
  return { ns, logs };
}

const listening = (host: string, port: number) => new Promise<boolean>((resolve) => {
  const sock = createConnection({ host, port });
  sock.once('connect', () => (sock.destroy(), resolve(true)));
  sock.once('error', () => resolve(false));
});

const podReady = (kube: Kube, ns: string, name: string) => eventually('the broker pod ready', async () => {
  const p = await kube.get('v1', 'Pod', name, ns);
  return p?.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
}, 120_000);

describe.skipIf(!available)('the data plane plays Strimzi on a real Kafka broker', () => {
  it('topics, SCRAM users and ACLs from the namespace\'s objects; exec runs the real console tools against them', async () => {
    const c = cluster();
    const kube = c.kube();
    await strimziKinds(kube);
    const { ns, logs } = dataPlaneFor(kube);
    const labels = { 'strimzi.io/cluster': 'logclaw' };
    const acl = (type: string, name: string, patternType: string, operations: string[]) => ({ type: 'allow', resource: { type, name, patternType }, operations });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
    await kube.applyAll([
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'logclaw', namespace: ns },
        spec: { kafka: { version: '4.1.1', listeners: [{ name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } }], authorization: { type: 'simple' }, config: { 'auto.create.topics.enable': false, 'min.insync.replicas': 2 } } } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'combined', namespace: ns, labels }, spec: { replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'raw-logs', namespace: ns, labels }, spec: { partitions: 3, replicas: 3, config: { 'min.insync.replicas': 2 } } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name: 'ingestion', namespace: ns, labels },
        spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: [acl('topic', 'raw-logs', 'literal', ['Write', 'Describe'])] } } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name: 'flink', namespace: ns, labels },
        spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: [acl('topic', 'raw-logs', 'literal', ['Read', 'Describe']), acl('group', 'logclaw-flink', 'prefix', ['Read', 'Describe'])] } } },
    ] as unknown as KubeObject[]);

    const pod = await podReady(kube, ns, 'logclaw-combined-0');
    expect(pod.metadata.labels?.['strimzi.io/pool-name']).toBe('combined');
    await eventually('the broker started', async () => logs.some((l) => new RegExp(`kafka 4\\.1\\.1 for ${ns} on 127\\.`).test(l)) || undefined, 120_000, 250);
    expect(logs.find((l) => l.includes(`for ${ns}`))).toMatch(/TLS-9093 SASL_SSL, authorization simple/);

    const secretPassword = async (user: string) => eventually(`the Secret of ${user}`, async () => {
      const s = await kube.get('v1', 'Secret', user, ns);
      return s?.data?.password ? Buffer.from(String(s.data.password), 'base64').toString('utf8') : undefined;
    }, 60_000);
    const creds = async (user: string): Promise<KafkaCredentials> => {
      const password = await secretPassword(user);
      const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;
      return { user, secrets: [jaas], properties: ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${jaas}`, 'ssl.truststore.type=PEM', 'ssl.truststore.location=/opt/kafka/cluster-ca-certs/ca.crt'] };
    };
    const broker: Broker = { cluster: 'logclaw', pod: 'logclaw-combined-0', container: 'kafka', bootstrap: 'logclaw-kafka-bootstrap:9093', security: 'scram' };
    const { connect } = await import('../../src/portforward/kube.js');
    const { ExecSessions } = await import('../../src/verify/exec.js');
    const sessions = new ExecSessions(await connect({ kubeconfig: c.kubeconfig, context: c.context }));
    cleanup.push(() => sessions.closeAll());
    const marker = `lcv-dp-${randomBytes(4).toString('hex')}`;
    const writer = await creds('ingestion');
    const reader = await creds('flink');

    // the user operator's work reaches the broker a moment after the objects: produce until the broker takes it
    await eventually('a record produced as ingestion', async () => {
      const r = await sessions.run({ namespace: ns, pod: broker.pod, container: 'kafka', command: producerCommand(broker, 'raw-logs', 30_000, writer), stdin: `{"marker":"${marker}"}\n`, timeoutMs: 40_000 });
      return kafkaProblem(r.stderr, { user: 'ingestion', topic: 'raw-logs', bootstrap: broker.bootstrap }) === undefined && r.exitCode === 0 ? r : undefined;
    }, 120_000, 1000);
    const read = await sessions.run({ namespace: ns, pod: broker.pod, container: 'kafka', command: consumerCommand(broker, 'raw-logs', 'logclaw-flink-verify-dp', 20_000, reader), timeoutMs: 40_000, onLine: (l) => l.includes(marker) });
    expect(read.stdout, read.stderr).toContain(marker);
    // the ACLs are the KafkaUser's: ingestion may not read
    const refused = await sessions.run({ namespace: ns, pod: broker.pod, container: 'kafka', command: consumerCommand(broker, 'raw-logs', 'logclaw-flink-verify-dp2', 20_000, writer), timeoutMs: 40_000 });
    expect(['topic-authorization', 'group-authorization']).toContain(kafkaProblem(refused.stderr, { user: 'ingestion', topic: 'raw-logs', group: 'logclaw-flink-verify-dp2', bootstrap: broker.bootstrap })?.kind);

    // the namespace deleted, its broker goes with it
    const address = /for \S+ on (127\.\d+\.\d+\.\d+)/.exec(logs.find((l) => l.includes(`for ${ns} on`)) ?? '')?.[1];
    expect(address).toBeDefined();
    expect(await listening(address!, 9093)).toBe(true);
    await kube.delete('v1', 'Namespace', ns);
    await eventually('the broker stopped with its namespace', async () => !(await listening(address!, 9093)) || undefined, 120_000, 500);
  });

  it('a broker that does not start leaves its pod with no tools: exec fails as into a container that is not running', async () => {
    const c = cluster();
    const kube = c.kube();
    await strimziKinds(kube);
    const { ns, logs } = dataPlaneFor(kube);
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
    // Kafka refuses a config value of the wrong type and the broker process exits
    await kube.applyAll([
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'logclaw', namespace: ns },
        spec: { kafka: { version: '4.1.1', listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }], config: { 'num.io.threads': 'many' } } } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'combined', namespace: ns, labels: { 'strimzi.io/cluster': 'logclaw' } }, spec: { replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } } },
    ] as unknown as KubeObject[]);
    await podReady(kube, ns, 'logclaw-combined-0');
    const why = await eventually('the broker to fail', async () => logs.find((l) => l.includes(`Kafka broker of ${ns}`) && l.includes('exited')), 120_000, 250);
    expect(why).toMatch(/num\.io\.threads/);

    const broker: Broker = { cluster: 'logclaw', pod: 'logclaw-combined-0', container: 'kafka', bootstrap: 'logclaw-kafka-bootstrap:9092', security: 'plain' };
    const { connect } = await import('../../src/portforward/kube.js');
    const { ExecSessions } = await import('../../src/verify/exec.js');
    const sessions = new ExecSessions(await connect({ kubeconfig: c.kubeconfig, context: c.context }));
    cleanup.push(() => sessions.closeAll());
    // until the data plane has seen the failure, KWOK's cluster-wide stand-in tools would answer (exit 0)
    const produce = () => sessions.run({ namespace: ns, pod: broker.pod, container: 'kafka', command: producerCommand(broker, 'raw-logs', 10_000), stdin: '{"marker":"never"}\n', timeoutMs: 30_000 });
    const r = await eventually('exec into the pod to fail', async () => {
      const x = await produce();
      return /broker-did-not-start/.test(`${x.error ?? ''} ${x.stderr}`) ? x : undefined;
    }, 30_000, 500);
    expect(r.exitCode, JSON.stringify(r)).not.toBe(0);
  });
});
