// `logclaw verify` (the built CLI) against the simulated control plane, each tenant with a real Kafka broker
// (test/cluster/kafka): the happy path, each hop broken in turn (Vector 500, marker never reaching Kafka, a
// failing exec, OpenSearch down, anomaly topic missing, wrong routing), an unreachable cluster, Ctrl-C in the
// middle; on a staging tenant (SASL_SSL + SCRAM, ACLs) the broker refusing the console tools in five ways and a
// broker pod answering 20 s late. Build first (npm run -s build).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli, bin } from '../helpers/cli.js';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { makeTenant, type Tenant, type TenantOptions } from './fixture.ts';
import { kafkaAvailable } from '../cluster/kafka/broker.ts';
import type { VerifyReport } from '../../src/verify/types.js';
import { createServer } from 'node:net';
import { listen } from '../../src/portforward/ports.js';

const cluster = setupCluster();
/** The real broker runs (Java and the Kafka build are here; always under CI). */
const realKafka = kafkaAvailable();
if (!realKafka && process.env.CI) throw new Error('the real Kafka broker cannot run here (Java or the Kafka build is missing): node test/cluster/kafka/build.mjs');
// One tenant namespace for the whole file; each test sets how its hops behave (unset: they work).
let shared: Tenant | undefined;
beforeAll(async () => {
  shared = await makeTenant(cluster(), 'vf');
}, 240_000);
afterAll(async () => {
  await shared?.close();
}, 60_000);

async function tenant(o: TenantOptions = {}): Promise<Tenant> {
  await shared!.set(o);
  return shared!;
}

async function verify(t: Tenant, ...args: string[]) {
  const r = await runCli(['verify', '--tenant', t.id, '--kube-context', cluster().context, ...args], { cwd: t.root, env: t.env, timeoutMs: 110_000 });
  if (process.env.LOGCLAW_TEST_SHOW) process.stderr.write(`\n$ logclaw verify ${args.join(' ')} → exit ${r.code} in ${r.ms} ms\n${r.stdout}${r.stderr}`);
  return r;
}

const stepLine = (out: string, n: number) => out.split('\n').find((l) => new RegExp(`^[✓✗-] ${n} `).test(l)) ?? '';
const markerOf = (out: string) => /marker (lcv-\d{14}-[0-9a-f]{6})/.exec(out)?.[1];


describe('logclaw verify on the simulator', () => {
  it('happy path: every hop passes, JUnit has one case per step, marker documents are removed', async () => {
    const t = await tenant();
    const junitFile = join(t.root, 'reports', 'verify.xml');
    const r = await verify(t, '--timeout', '60s', '--junit', junitFile);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const marker = markerOf(r.stdout)!;
    expect(marker).toBeDefined();
    expect(stepLine(r.stdout, 1)).toMatch(/^✓ 1 components ready .* objects ready/);
    expect(stepLine(r.stdout, 2)).toMatch(/^✓ 2 ingest \(Vector HTTP\) .*marker log accepted \(200\)/);
    expect(stepLine(r.stdout, 3)).toMatch(/^✓ 3 kafka raw-logs .*marker read back from raw-logs/);
    expect(stepLine(r.stdout, 4)).toMatch(/^✓ 4 opensearch logclaw-logs-\* .*marker indexed \(1 hit\)/);
    expect(stepLine(r.stdout, 5)).toMatch(/^✓ 5 anomalies anomaly-events .*anomaly event \(severity low\) produced and read back/);
    expect(stepLine(r.stdout, 6)).toMatch(/^✓ 6 ticketing agent .*incident INC-1 routed to slack, zammad as routing.low says/);
    expect(r.stdout).toMatch(/pipeline OK: 6 passed, 0 failed, 0 skipped in (?:\d+ min )?[\d.]+ m?s/);
    expect(r.stdout).toContain('cleanup: removed OpenSearch documents with the marker in logclaw-logs-*');
    // what really happened on each hop
    expect(t.topic('raw-logs').filter((l) => l.includes(marker)).length).toBeGreaterThanOrEqual(1);
    expect(t.topic('anomaly-events').some((l) => l.includes(marker) && l.includes('"synthetic":true'))).toBe(true);
    expect(t.requests.vector).toContain('POST /');
    expect(t.requests.opensearch).toContain('POST /logclaw-logs-*/_delete_by_query?refresh=true');
    expect(t.requests.agent).toContain('GET /healthz');
    const xml = readFileSync(junitFile, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('failures="0"');
  });

  it('--json --keep-data: a machine-readable report, marker data kept', async () => {
    const t = await tenant();
    const r = await verify(t, '--timeout', '60s', '--json', '--keep-data');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as VerifyReport;
    expect(report).toMatchObject({ tenant: t.id, namespace: t.namespace, environment: 'dev', failed: 0, passed: 6, exitCode: 0, interrupted: false });
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['components', 'pass'], ['ingest', 'pass'], ['kafka', 'pass'], ['opensearch', 'pass'], ['anomalies', 'pass'], ['ticketing', 'pass'],
    ]);
    for (const s of report.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.cleanup).toEqual({ removed: [], kept: ['OpenSearch documents with the marker in logclaw-logs-*'], problems: [] });
    expect(t.requests.opensearch.some((q) => q.includes('_delete_by_query'))).toBe(false);
  });

  it('Vector answering 500: step 2 names the Vector hop, the steps needing it are skipped, exit 1', async () => {
    const t = await tenant({ vector: '500' });
    const r = await verify(t, '--timeout', '40s');
    expect(r.code).toBe(1);
    expect(stepLine(r.stdout, 2)).toMatch(/^✗ 2 ingest \(Vector HTTP\) .*Vector answered 500 to the marker log/);
    expect(r.stdout).toMatch(/hop: client → Vector HTTP source \(svc\/logclaw-ingestion:8080, pod logclaw-ingestion-receiver-/);
    expect(r.stdout).toContain('body: {"error":"sink kafka: broker transport failure"}');
    expect(stepLine(r.stdout, 3)).toMatch(/^- 3 kafka raw-logs .*skipped: needs step 2 \(ingest \(Vector HTTP\)\), which failed/);
    expect(stepLine(r.stdout, 4)).toMatch(/skipped: needs step 2/);
    expect(stepLine(r.stdout, 5)).toMatch(/^✓ 5 /); // the anomaly hop does not depend on ingest
    expect(r.stdout).toMatch(/FAILED at step 2 \(ingest \(Vector HTTP\)\): client → Vector HTTP source/);
  });

  it('marker never reaching Kafka: step 3 names the Vector → Kafka hop', async () => {
    const t = await tenant({ vector: 'drop' });
    const r = await verify(t, '--timeout', '40s');
    expect(r.code).toBe(1);
    expect(stepLine(r.stdout, 2)).toMatch(/^✓ 2 /);
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*marker not on raw-logs within (?:\d+ min )?[\d.]+ m?s \(POSTed once, Vector answered 2xx; the consumer reported no error and read (no record|\d+ other records?)\)/);
    expect(r.stdout).toContain('hop: Vector → Kafka raw-logs');
    expect(r.stdout).toMatch(/consumer in pod logclaw-combined-0, logclaw-kafka-bootstrap:9092 plain, group logclaw-verify-raw-lcv-/);
    // nothing reached the index either (the tenant is shared by this file's tests: earlier markers may be indexed)
    expect(stepLine(r.stdout, 4)).toMatch(/^✗ 4 opensearch .*marker not indexed in logclaw-logs-\* within /);
  });

  it('a failing exec in the broker pod: the Kafka steps name the exec hop and show its stderr', async () => {
    const t = await tenant({ exec: 'fail' });
    const r = await verify(t, '--timeout', '40s');
    expect(r.code).toBe(1);
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*the console consumer in pod logclaw-combined-0 failed/);
    expect(r.stdout).toContain('hop: exec into Kafka broker pod logclaw-combined-0');
    expect(r.stdout).toMatch(/\$ kubectl -n logclaw-vf-\w+ exec logclaw-combined-0 -c kafka -- timeout \d+ env 'KAFKA_HEAP_OPTS=-Xms32M -Xmx192M' bin\/kafka-console-consumer.sh --bootstrap-server logclaw-kafka-bootstrap:9092 --topic raw-logs/);
    expect(r.stdout).toContain('stderr: org.apache.kafka.common.errors.TimeoutException: Timeout expired while fetching topic metadata');
    expect(stepLine(r.stdout, 5)).toMatch(/^✗ 5 anomalies .*failed/);
  });

  it('OpenSearch down: step 4 names OpenSearch, the other hops pass', async () => {
    const t = await tenant({ opensearch: 'down' });
    // OpenSearch's step waits half the time left; the Kafka steps after it need their JVMs' time too
    const r = await verify(t, '--timeout', '100s');
    expect(r.code).toBe(1);
    expect(stepLine(r.stdout, 4)).toMatch(/^✗ 4 opensearch logclaw-logs-\* .*OpenSearch did not answer the search \(\d+ tries in (?:\d+ min )?[\d.]+ m?s\): .*connection refused/);
    expect(r.stdout).toContain('hop: OpenSearch (svc/logclaw-opensearch:9200)');
    for (const n of [1, 2, 3, 5, 6]) expect(stepLine(r.stdout, n)).toMatch(/^✓ /);
  });

  it('Flink jobs off (as in dev): the OpenSearch step is skipped with the reason', async () => {
    const t = await tenant({ opensearch: 'off' });
    const r = await verify(t, '--timeout', '40s');
    expect(r.code, r.stdout).toBe(0);
    expect(stepLine(r.stdout, 4)).toMatch(/^- 4 opensearch logclaw-logs-\* .*skipped: no Flink jobs run in logclaw-vf-\w+ \(environment dev turns them off\): nothing indexes logs into logclaw-logs-\*/);
  });

  it('anomaly topic missing: step 5 names the topic', async () => {
    const t = await tenant({ anomalyTopic: false });
    const r = await verify(t, '--timeout', '40s');
    expect(r.code).toBe(1);
    expect(stepLine(r.stdout, 5)).toMatch(/^✗ 5 anomalies anomaly-events .*topic anomaly-events does not exist \(no KafkaTopic for it in logclaw-vf-\w+\)/);
    expect(r.stdout).toContain('hop: Kafka topic anomaly-events');
    expect(stepLine(r.stdout, 6)).toMatch(/^✓ 6 ticketing agent .*routing not checked: no anomaly event was sent/);
  });

  it('an incident routed elsewhere than the tenant routing says: step 6 fails on routing', async () => {
    const t = await tenant({ routing: ['zammad', 'slack'], agentRoutes: ['slack'] });
    const r = await verify(t, '--timeout', '40s');
    expect(r.code).toBe(1);
    expect(stepLine(r.stdout, 6)).toMatch(/^✗ 6 ticketing agent .*incident INC-1 was routed to \[slack\] but routing.low names \[slack, zammad\]/);
    expect(r.stdout).toContain('hop: ticketing agent routing');
  });

  it('an unreachable cluster: exit 4', async () => {
    const t = await tenant();
    const cfg = parse(readFileSync(cluster().kubeconfig, 'utf8'));
    const closed = await freePort();
    for (const c of cfg.clusters) c.cluster.server = `https://127.0.0.1:${closed}`;
    const file = join(t.root, 'kubeconfig-unreachable');
    writeFileSync(file, JSON.stringify(cfg));
    const r = await runCli(['verify', '--tenant', t.id, '--kube-context', cluster().context, '--timeout', '20s'], { cwd: t.root, env: { ...t.env, KUBECONFIG: file } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`is unreachable (https://127.0.0.1:${closed})`);
    expect(r.stderr).toMatch(/error: the cluster of context "\S+" is unreachable/);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
  });

  it('Ctrl-C in the middle: exit 130 at once, sessions closed, no process left in the pod', async () => {
    const t = await tenant({ vector: 'drop' });
    const child = spawn(process.execPath, [bin, 'verify', '--tenant', t.id, '--kube-context', cluster().context, '--timeout', '15s'], {
      cwd: t.root,
      env: { ...process.env, ...t.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? 128 : 1))));
    await eventually('step 2 to pass', async () => /✓ 2 ingest/.test(out), 60_000, 50);
    const marker = markerOf(out)!;
    // the raw-logs consumer runs in the pod now (the stand-in runs as a local process for KWOK)
    await eventually('the consumer to run', async () => pgrep(marker).length > 0, 10_000, 50);
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(out).toMatch(/✗ 3 kafka raw-logs .*interrupted/);
    expect(out).toMatch(/- 4 .*skipped: interrupted/);
    expect(out).toContain('interrupted: ');
    // what runs in the pod ends on its own (bounded with `timeout`), even though the session was cut
    await eventually('the in-pod consumer to end', async () => pgrep(marker).length === 0, 30_000, 250);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s, 0);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('logclaw verify on a staging tenant (TLS + SCRAM, secured OpenSearch)', () => {
  let t: Tenant | undefined;
  beforeAll(async () => {
    t = await makeTenant(cluster(), 'stg', { environment: 'staging' });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('reads and writes Kafka as the KafkaUsers whose ACLs allow it, and searches OpenSearch with the admin Secret over TLS', async () => {
    if (!t) throw new Error('no staging tenant');
    await t.set({});
    const child = spawn(process.execPath, [bin, 'verify', '--tenant', t.id, '--kube-context', cluster().context, '--timeout', '60s', '--json'], {
      cwd: t.root,
      env: { ...process.env, ...t.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // while it runs, the consumer in the pod carries the credentials of the user the ACLs allow
    const args = await eventually('the raw-logs consumer', async () => pgrepArgs('logclaw-flink-verify-raw-').find((a) => a.includes('kafka-console-consumer')), 30_000, 50);
    expect(args).toContain('--bootstrap-server logclaw-kafka-bootstrap:9093');
    expect(args).toContain('--consumer-property security.protocol=SASL_SSL');
    expect(args).toContain('--consumer-property sasl.mechanism=SCRAM-SHA-512');
    expect(args).toMatch(/--consumer-property sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="flink" password="[^"]+";/);
    expect(args).toContain('--consumer-property ssl.truststore.location=/opt/kafka/cluster-ca-certs/ca.crt');
    const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
    expect(code, out + err).toBe(0);
    const report = JSON.parse(out) as VerifyReport;
    expect(report.environment).toBe('staging');
    const kafka = report.steps.find((s) => s.id === 'kafka')!;
    expect(kafka.evidence[0]).toMatch(/^consumer in pod logclaw-combined-0, logclaw-kafka-bootstrap:9093 SASL_SSL SCRAM-SHA-512 as flink, group logclaw-flink-verify-raw-lcv-/);
    const anomalies = report.steps.find((s) => s.id === 'anomalies')!;
    expect(anomalies.evidence[0]).toMatch(/group logclaw-ticketing-agent-verify-anomaly-lcv-/);
    expect(report.steps.find((s) => s.id === 'opensearch')!.summary).toBe('marker indexed (1 hit)');
    // the marker went to Vector's HTTP source over TLS with the receiver's shared token
    expect(report.steps.find((s) => s.id === 'ingest')!.status).toBe('pass');
    expect(t.vectorAuth).toEqual([`Basic ${Buffer.from(`logclaw:${t.receiverToken}`).toString('base64')}`]);
    // no credential is ever printed
    for (const secretish of [t.osAdmin.password, t.receiverToken, 'password="']) expect(out + err).not.toContain(secretish);
  });

  it('a receiver that refuses the shared token: step 2 fails at the Vector hop with the restart hint', async () => {
    await t!.set({ receiverToken: 'wrong' });
    const r = await verify(t!, '--timeout', '30s');
    expect(r.code, r.stdout).toBe(1);
    expect(stepLine(r.stdout, 2)).toMatch(/^✗ 2 ingest .*Vector answered 401 to the marker log/);
    expect(r.stdout).toMatch(/hint: Vector refused the shared token/);
    expect(r.stdout).not.toContain(t!.receiverToken);
  });

  // The broker refuses the console tools in five ways; they exit 0 each time, and verify names the cause from
  // their stderr (shown), with the hint for it, never the Vector hop.
  const brokerRefusal = async (kafka: NonNullable<TenantOptions['kafka']>) => {
    await t!.set({ kafka });
    const r = await verify(t!, '--timeout', '60s');
    expect(r.code, r.stdout).toBe(1);
    expect(stepLine(r.stdout, 2)).toMatch(/^✓ 2 ingest/);
    expect(r.stdout).not.toContain('hop: Vector → Kafka raw-logs');
    expect(r.stdout).not.toMatch(/hint: Vector accepted/);
    expect(r.stdout).toMatch(/hop: Kafka broker → consumer of raw-logs \(logclaw-kafka-bootstrap:9093\)/);
    return r;
  };

  it.skipIf(!realKafka)('a wrong SCRAM password: step 3 names the authentication of the reading user, with the stderr and the Secret to check', async () => {
    const r = await brokerRefusal('wrong-password');
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*SCRAM-SHA-512 authentication of KafkaUser flink failed at logclaw-kafka-bootstrap:9093: the broker refused its password/);
    expect(r.stdout).toMatch(/stderr: .*\(logclaw-kafka-bootstrap\/127\.[\d.]+:9093\) failed authentication due to: Authentication failed during authentication due to invalid credentials/);
    expect(r.stdout).toMatch(/hint: The password in Secret flink is not the one the broker knows for flink/);
    // the producer of step 5 writes as flink too
    expect(stepLine(r.stdout, 5)).toMatch(/^✗ 5 anomalies .*SCRAM-SHA-512 authentication of KafkaUser flink failed/);
  });

  it.skipIf(!realKafka)('a user without the ACL at the broker: step 3 names the topic authorization', async () => {
    const r = await brokerRefusal('no-acl');
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*KafkaUser flink is not authorized on topic raw-logs \(TopicAuthorizationException\)/);
    expect(r.stdout).toMatch(/stderr: .*Not authorized to access topics: \[raw-logs\]/);
    expect(r.stdout).toMatch(/hint: Give KafkaUser flink the ACL on topic raw-logs/);
    expect(stepLine(r.stdout, 5)).toMatch(/^✓ 5 /);
  });

  it.skipIf(!realKafka)('a group outside the user\'s prefix at the broker: step 3 names the group authorization', async () => {
    const r = await brokerRefusal('group-outside-prefix');
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*KafkaUser flink is not authorized to use consumer group logclaw-flink-verify-raw-lcv-\d{14}-[0-9a-f]{6} \(GroupAuthorizationException\)/);
    expect(r.stdout).toMatch(/stderr: .*Not authorized to access group: logclaw-flink-verify-raw-lcv-/);
    expect(r.stdout).toMatch(/hint: KafkaUser flink's group ACLs do not cover logclaw-flink-verify-raw-lcv-/);
  });

  it.skipIf(!realKafka)('a closed bootstrap port: step 3 names the connection, stopped once the failure lasted', async () => {
    const r = await brokerRefusal('closed-port');
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*no connection to the Kafka bootstrap logclaw-kafka-bootstrap:9093/);
    expect(r.stdout).toMatch(/stderr: .*Connection to node -1 \(logclaw-kafka-bootstrap\/127\.[\d.]+:9093\) could not be established/);
    expect(r.stdout).toContain('stopped by verify once its stderr showed this');
    expect(r.stdout).toMatch(/hint: Nothing accepts connections at logclaw-kafka-bootstrap:9093/);
    expect(stepLine(r.stdout, 5)).toMatch(/^✗ 5 anomalies .*no connection to the Kafka bootstrap/);
  });

  it.skipIf(!realKafka)('a topic the broker does not have (its KafkaTopic is there): step 3 names the missing topic', async () => {
    const r = await brokerRefusal('topic-missing');
    expect(stepLine(r.stdout, 3)).toMatch(/^✗ 3 kafka raw-logs .*topic raw-logs does not exist on the broker/);
    expect(r.stdout).toMatch(/stderr: .*UNKNOWN_TOPIC_OR_PARTITION/);
    expect(r.stdout).toMatch(/hint: KafkaTopic raw-logs exists but the broker has no such topic/);
  });

  it.skipIf(!realKafka)('a broker pod whose exec answers 20 s late: every step passes on the first send', async () => {
    await t!.set({ kafka: 'slow-pod' });
    const r = await verify(t!, '--timeout', '150s');
    expect(r.code, r.stdout).toBe(0);
    expect(stepLine(r.stdout, 3)).toMatch(/^✓ 3 kafka raw-logs .*marker read back from raw-logs in (2\d|3\d|4\d)(?:\.\d)? s/);
    expect(t!.requests.vector.filter((q) => q.startsWith('POST')).length).toBe(1);
  });
});

function pgrepArgs(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function pgrep(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
