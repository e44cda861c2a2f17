// verify's Kafka commands against a real Apache Kafka 4.1.1 broker (test/cluster/kafka, KRaft on a loopback
// address, SASL_SSL + SCRAM-SHA-512 listener and `authorization: simple` as the kafka chart's secure Kafka
// resource declares), run as `kubectl exec` would run them in the broker pod (its working directory and
// environment), without the simulator: the real console tools exit 0 when the broker refuses them, and what
// their stderr says is what verify reports. Also: a marker produced before the consumer has its partitions
// is read on the first send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaAvailable, startBroker, type KafkaBroker } from '../cluster/kafka/broker.ts';
import { consumerCommand, producerCommand, TOOL_HEAP, type Broker, type KafkaCredentials } from '../../src/verify/kafka.js';
import { kafkaProblem, problemWatcher } from '../../src/verify/kafka-errors.js';
import { tempDir } from '../helpers/temp.js';

const available = kafkaAvailable();
if (!available && process.env.CI) throw new Error('the real Kafka broker cannot run here (Java or the Kafka build is missing): node test/cluster/kafka/build.mjs');

let broker: KafkaBroker;
let dir: string;
const passwords = { flink: 'flink-secret-1', ingestion: 'ingestion-secret-1' };

const verifyBroker: Broker = { cluster: 'logclaw', pod: 'logclaw-kafka-0', container: 'kafka', bootstrap: 'logclaw-kafka-bootstrap:9093', security: 'scram' };
const creds = (user: string, password: string, groupPrefix?: string): KafkaCredentials => {
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;
  return {
    user,
    properties: ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${jaas}`, 'ssl.truststore.type=PEM', 'ssl.truststore.location=/opt/kafka/cluster-ca-certs/ca.crt'],
    secrets: [jaas, password],
    ...(groupPrefix ? { groupPrefix } : {}),
  };
};

interface ToolRun { code: number | null; stdout: string; stderr: string; ms: number; stoppedOnProblem: boolean; found: boolean }

/** Run a command in the broker pod's directory and environment; stop it once `marker` is on stdout or stderr shows a refusal. */
function inPod(command: string[], o: { stdin?: string; marker?: string; client: Parameters<typeof problemWatcher>[0]; watch?: boolean }): Promise<ToolRun> {
  const t0 = Date.now();
  const env = { ...process.env, ...Object.fromEntries(broker.env.map((e) => [e.name, e.value])) };
  const child = spawn(command[0]!, command.slice(1), { cwd: broker.workDir, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const watch = problemWatcher(o.client);
  let stdout = '';
  let stderr = '';
  let errBuf = '';
  let stoppedOnProblem = false;
  let found = false;
  const stop = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ } };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (o.marker && stdout.includes(o.marker) && !found) (found = true), stop();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    errBuf += d.toString();
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const line = errBuf.slice(0, nl);
      errBuf = errBuf.slice(nl + 1);
      if (o.watch !== false && !stoppedOnProblem && watch(line)) (stoppedOnProblem = true), stop();
    }
  });
  if (o.stdin !== undefined) child.stdin.write(o.stdin);
  // like KWOK's exec: the end of stdin is never passed on (the producer script ends on idle input)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0, stoppedOnProblem, found })));
}

const consumer = (user: string, password: string, group: string, topic = 'raw-logs', timeoutMs = 20_000) =>
  consumerCommand(verifyBroker, topic, group, timeoutMs, creds(user, password, 'logclaw-flink'));
const client = (user: string, group: string, topic = 'raw-logs') => ({ user, group, topic, bootstrap: verifyBroker.bootstrap });

describe.skipIf(!available)('verify against a real Kafka broker (SASL_SSL, SCRAM-SHA-512, ACLs)', () => {
  beforeAll(async () => {
    dir = tempDir('logclaw-kafka-');
    broker = await startBroker(join(dir, 'broker'), {
      namespace: 'logclaw-kb', cluster: 'logclaw', pod: 'logclaw-kafka-0', authorization: true,
      listeners: [{ name: 'tls', port: 9093, tls: true, authentication: 'scram-sha-512' }], config: { 'auto.create.topics.enable': false },
    });
    await broker.topic('raw-logs', 3, 1);
    await broker.topic('anomaly-events', 1, 1);
    await broker.user('flink', passwords.flink);
    await broker.acls('flink', [
      { type: 'topic', name: 'raw-logs', pattern: 'literal', operations: ['Read', 'Describe'] },
      { type: 'topic', name: 'anomaly-events', pattern: 'literal', operations: ['Read', 'Describe'] },
      { type: 'group', name: 'logclaw-flink', pattern: 'prefix', operations: ['Read', 'Describe'] },
    ]);
    await broker.user('ingestion', passwords.ingestion);
    await broker.acls('ingestion', [{ type: 'topic', name: 'raw-logs', pattern: 'literal', operations: ['Write', 'Describe'] }]);
  }, 180_000);
  afterAll(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the consumer verify runs has a bounded heap of its own and reads back to before it started', () => {
    const cmd = consumer('flink', passwords.flink, 'logclaw-flink-verify-x');
    expect(cmd.slice(0, 4)).toEqual(['timeout', '22', 'env', `KAFKA_HEAP_OPTS=${TOOL_HEAP}`]);
    expect(cmd).toContain('auto.offset.reset=by_duration:PT82S');
  });

  it('a marker sent before the consumer has its partitions is read on the first send (3 partitions, new group)', async () => {
    const marker = `lcv-first-${Date.now()}`;
    const run = inPod(consumer('flink', passwords.flink, `logclaw-flink-verify-${marker}`), { marker, client: client('flink', `logclaw-flink-verify-${marker}`) });
    // sent at once: the JVM has not even started, let alone joined the group
    await broker.produce('raw-logs', JSON.stringify({ message: `logclaw verify marker ${marker}`, marker }));
    const r = await run;
    expect(r.found, r.stderr).toBe(true);
    expect(kafkaProblem(r.stderr, client('flink', 'g'))).toBeUndefined();
  });

  it('a wrong SCRAM password: exit 0, SaslAuthenticationException on stderr, classified as authentication', async () => {
    const r = await inPod(consumer('flink', 'not-the-password', 'logclaw-flink-verify-pw'), { client: client('flink', 'logclaw-flink-verify-pw'), watch: false });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('SaslAuthenticationException');
    expect(kafkaProblem(r.stderr, client('flink', 'logclaw-flink-verify-pw'))).toMatchObject({ kind: 'authentication', fatal: true, summary: expect.stringContaining('KafkaUser flink') });
  });

  it('a user without Read on the topic: TopicAuthorizationException, classified as topic authorization', async () => {
    const r = await inPod(consumer('ingestion', passwords.ingestion, 'logclaw-flink-verify-acl'), { client: client('ingestion', 'logclaw-flink-verify-acl'), watch: false });
    expect(r.code).toBe(0);
    const p = kafkaProblem(r.stderr, client('ingestion', 'logclaw-flink-verify-acl'));
    // without a group ACL the broker refuses the group first; either way the refusal is named, never a timeout
    expect(['topic-authorization', 'group-authorization']).toContain(p?.kind);
  });

  it('a group outside the user\'s prefix: GroupAuthorizationException naming the group', async () => {
    const r = await inPod(consumer('flink', passwords.flink, 'other-verify-grp'), { client: client('flink', 'other-verify-grp'), watch: false });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Not authorized to access group: other-verify-grp');
    expect(kafkaProblem(r.stderr, client('flink', 'other-verify-grp'))).toMatchObject({ kind: 'group-authorization', summary: expect.stringContaining('other-verify-grp') });
  });

  it('a topic the broker does not have: UNKNOWN_TOPIC_OR_PARTITION, stopped once it lasted', async () => {
    const r = await inPod(consumer('flink', passwords.flink, 'logclaw-flink-verify-nt', 'raw-logs-missing'), { client: client('flink', 'logclaw-flink-verify-nt', 'raw-logs-missing') });
    const p = kafkaProblem(r.stderr, client('flink', 'logclaw-flink-verify-nt', 'raw-logs-missing'));
    // the flink user may not even Describe a topic it has no ACL for: the broker then answers TOPIC_AUTHORIZATION_FAILED
    expect(['unknown-topic', 'topic-authorization']).toContain(p?.kind);
    expect(r.stoppedOnProblem || r.code === 0).toBe(true);
  });

  it('a closed bootstrap port: connection warnings, stopped once they lasted, classified as connection', async () => {
    broker.resolveBootstrapTo('127.0.0.3');
    try {
      const r = await inPod(consumer('flink', passwords.flink, 'logclaw-flink-verify-cp'), { client: client('flink', 'logclaw-flink-verify-cp') });
      expect(r.stoppedOnProblem, r.stderr).toBe(true);
      expect(kafkaProblem(r.stderr, client('flink', 'logclaw-flink-verify-cp'))).toMatchObject({ kind: 'connection', summary: 'no connection to the Kafka bootstrap logclaw-kafka-bootstrap:9093' });
    } finally {
      broker.resolveBootstrapTo();
    }
  });

  it('a producer without Write: exit 0, the authorization error on stderr', async () => {
    const r = await inPod(producerCommand(verifyBroker, 'anomaly-events', 30_000, creds('flink', passwords.flink)), { stdin: '{"marker":"x"}\n', client: { user: 'flink', topic: 'anomaly-events', bootstrap: verifyBroker.bootstrap } });
    const p = kafkaProblem(r.stderr, { user: 'flink', topic: 'anomaly-events', bootstrap: verifyBroker.bootstrap });
    expect(['cluster-authorization', 'topic-authorization']).toContain(p?.kind);
  });
});
