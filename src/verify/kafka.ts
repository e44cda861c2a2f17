/**
 * Reaching Kafka from inside a broker pod, as the seeds did by hand: the console consumer / producer of the
 * broker image run through exec, with the listener and credentials of the tenant's environment
 * (dev: plain 9092, no auth; otherwise TLS 9093 with SCRAM-SHA-512 as a KafkaUser whose ACLs allow the
 * operation, trusting the cluster CA the broker pod mounts). Names follow the charts: the Kafka CR and
 * its broker pods by Strimzi's labels, users by their ACLs, topics by their KafkaTopic resources.
 */
import { LogclawError } from '../errors.js';
import { isNotFound } from '../kube/api.js';
import type { KubeObject } from '../kube-object.js';
import { isPodReady, type Kube, type V1Pod } from '../portforward/kube.js';
import type { ExecSessions, ExecResult } from './exec.js';
import { kafkaProblem, problemWatcher, type KafkaProblem } from './kafka-errors.js';
import { asArray, asRecord } from '../object.js';

/** Name of the Strimzi Kafka cluster when no Kafka resource can be read (logclaw.endpoints.kafkaCluster). */
export const DEFAULT_KAFKA_CLUSTER = 'logclaw';
/** Where Strimzi mounts the cluster CA certificate in broker pods. */
export const BROKER_CA_FILE = '/opt/kafka/cluster-ca-certs/ca.crt';
/** Console tools, relative to the broker image's working directory (/opt/kafka). */
export const CONSOLE_CONSUMER = 'bin/kafka-console-consumer.sh';
export const CONSOLE_PRODUCER = 'bin/kafka-console-producer.sh';

export interface Broker {
  cluster: string;
  pod: string;
  container: string;
  bootstrap: string;
  /** plain: no TLS, no auth (dev); scram: TLS + SCRAM-SHA-512. */
  security: 'plain' | 'scram';
}

export interface KafkaCredentials {
  user: string;
  /** Consumer/producer properties (key=value), secrets included. */
  properties: string[];
  /** Strings to mask wherever a command line is shown. */
  secrets: string[];
  /** Group id prefix the user may use (for consumers). */
  groupPrefix?: string;
}

type Obj = Record<string, unknown>;

/** Preferred served version of an API group, from discovery (undefined when the group is not served). */
export async function preferredVersion(kube: Kube, group: string): Promise<string | undefined> {
  return (await kube.api.preferredVersions()).get(group);
}

/** List objects of a kind (any group) in a namespace; undefined when the kind is not served. */
export async function listKind(kube: Kube, apiVersion: string, kind: string, namespace: string): Promise<Obj[] | undefined> {
  try {
    const list = await kube.api.list({ apiVersion, kind, namespace });
    return list.items as unknown as Obj[];
  } catch (e) {
    if (isNotFound(e)) return undefined; // the group or the kind is not served
    throw e;
  }
}

export async function listStrimzi(kube: Kube, kind: string, namespace: string): Promise<Obj[] | undefined> {
  const gv = await preferredVersion(kube, 'kafka.strimzi.io');
  if (!gv) return undefined;
  return listKind(kube, gv, kind, namespace);
}

export function brokerSecurity(environment: string): Broker['security'] {
  return environment === 'dev' ? 'plain' : 'scram';
}

/** A ready broker pod of the tenant's Kafka cluster and the bootstrap address for the environment. */
export async function findBroker(kube: Kube, namespace: string, environment: string): Promise<Broker> {
  const kafkas = await listStrimzi(kube, 'Kafka', namespace).catch(() => undefined);
  const cluster = String(asRecord(kafkas?.[0]?.metadata).name ?? DEFAULT_KAFKA_CLUSTER);
  const pods = (await kube.api.list<V1Pod & KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: `strimzi.io/cluster=${cluster},strimzi.io/kind=Kafka` })).items;
  const brokers = pods.filter((p) => p.metadata?.labels?.['strimzi.io/broker-role'] !== 'false' && !/-entity-operator|-exporter|-cruise-control/.test(p.metadata?.name ?? ''));
  const ready = brokers.filter(isPodReady).sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  const pod: V1Pod | undefined = ready[0];
  if (!pod) {
    throw new LogclawError(
      brokers.length
        ? `no ready Kafka broker pod (${brokers.map((p) => p.metadata?.name).join(', ')} not ready)`
        : `no Kafka broker pod with labels strimzi.io/cluster=${cluster},strimzi.io/kind=Kafka in ${namespace}`,
      { hint: `logclaw status --tenant <id> shows why Kafka is not ready.` },
    );
  }
  const containers = pod.spec?.containers ?? [];
  const container = (containers.find((c) => c.name === 'kafka') ?? containers[0])?.name ?? 'kafka';
  const security = brokerSecurity(environment);
  return {
    cluster,
    pod: pod.metadata!.name!,
    container,
    bootstrap: `${cluster}-kafka-bootstrap:${security === 'plain' ? 9092 : 9093}`,
    security,
  };
}

export type AclOp = 'Read' | 'Write';

interface Acl {
  type: string;
  name: string;
  pattern: string;
  ops: string[];
}

function aclsOf(user: Obj): Acl[] {
  return asArray(asRecord(asRecord(user.spec).authorization).acls).map((a) => {
    const r = asRecord(asRecord(a).resource);
    const ops = [...asArray(asRecord(a).operations).map(String), ...(asRecord(a).operation ? [String(asRecord(a).operation)] : [])];
    return { type: String(r.type ?? ''), name: String(r.name ?? ''), pattern: String(r.patternType ?? 'literal'), ops };
  });
}

const nameMatches = (acl: Acl, name: string): boolean =>
  acl.pattern === 'prefix' ? name.startsWith(acl.name) : acl.name === '*' || acl.name === name;

const allows = (acl: Acl, op: string): boolean => acl.ops.includes(op) || acl.ops.includes('All');

/** The group prefix a user may read with without joining a live consumer group: a prefix ACL, or '*'. */
export function groupPrefixOf(user: Obj): string | undefined {
  for (const acl of aclsOf(user)) {
    if (acl.type !== 'group' || !allows(acl, 'Read')) continue;
    if (acl.pattern === 'prefix') return acl.name;
    if (acl.name === '*') return 'logclaw-';
  }
  return undefined;
}

/** Pick the KafkaUser whose ACLs allow `op` on `topic` (and, to read, a group of its own). */
export function pickUser(users: Obj[], topic: string, op: AclOp): { user: Obj; groupPrefix?: string } | undefined {
  const candidates = users
    .filter((u) => aclsOf(u).some((a) => a.type === 'topic' && nameMatches(a, topic) && allows(a, op)))
    .sort((a, b) => String(asRecord(a.metadata).name).localeCompare(String(asRecord(b.metadata).name)));
  if (op === 'Write') return candidates[0] ? { user: candidates[0] } : undefined;
  for (const u of candidates) {
    const prefix = groupPrefixOf(u);
    if (prefix !== undefined) return { user: u, groupPrefix: prefix };
  }
  return undefined;
}

/** Credentials for an operation: none in dev; otherwise a KafkaUser allowed to do it and its Secret. */
export async function credentialsFor(kube: Kube, namespace: string, broker: Broker, topic: string, op: AclOp): Promise<KafkaCredentials | undefined> {
  if (broker.security === 'plain') return undefined;
  const users = (await listStrimzi(kube, 'KafkaUser', namespace)) ?? [];
  const picked = pickUser(users, topic, op);
  if (!picked) {
    throw new LogclawError(`no KafkaUser in ${namespace} may ${op === 'Read' ? 'read' : 'write'} topic ${topic}${op === 'Read' ? ' with a consumer group of its own (a prefix group ACL)' : ''}`, {
      hint:
        op === 'Read'
          ? 'Give one KafkaUser Read on the topic and a prefix group ACL (e.g. logclaw-verify-), so verify never joins a live consumer group.'
          : `Give one KafkaUser Write on ${topic} (the charts' ACLs decide who may produce).`,
    });
  }
  const name = String(asRecord(picked.user.metadata).name);
  const secret = await kube.api.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  if (!secret) throw new LogclawError(`the Secret of KafkaUser ${name} does not exist yet`, { hint: 'The Strimzi user operator creates it once the KafkaUser is Ready.' });
  const data: Record<string, string> = secret.data ?? {};
  const decode = (k: string) => (data[k] ? Buffer.from(data[k]!, 'base64').toString('utf8') : undefined);
  const password = decode('password');
  const jaas =
    decode('sasl.jaas.config') ??
    (password ? `org.apache.kafka.common.security.scram.ScramLoginModule required username="${name}" password="${password}";` : undefined);
  if (!jaas) throw new LogclawError(`the Secret ${name} has neither sasl.jaas.config nor password`);
  return {
    user: name,
    properties: [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      `sasl.jaas.config=${jaas}`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${BROKER_CA_FILE}`,
    ],
    secrets: [jaas, ...(password ? [password] : [])],
    ...(picked.groupPrefix !== undefined ? { groupPrefix: picked.groupPrefix } : {}),
  };
}

/**
 * Wall-clock bound for commands run in the broker pod: closing an exec session does not stop the process
 * in most container runtimes, so every command verify starts ends on its own (coreutils `timeout`, exit 124).
 * The console tools get a heap of their own (in a Strimzi pod they would inherit the broker's KAFKA_HEAP_OPTS).
 */
export const bounded = (ms: number, command: string[]): string[] => ['timeout', String(Math.max(1, Math.ceil(ms / 1000))), 'env', `KAFKA_HEAP_OPTS=${TOOL_HEAP}`, ...command];
export const TIMEOUT_EXIT = 124;
/** Heap of each console tool verify runs in a broker pod. */
export const TOOL_HEAP = '-Xms32M -Xmx192M';
/** Allowance for clocks and record timestamps: the consumer reads back this much further than it could have started. */
export const CLOCK_SLACK_S = 60;

/**
 * The console consumer verify runs: a group of its own with nothing committed, whose first position is the
 * offset of the records written since shortly before the command started (auto.offset.reset=by_duration, Kafka
 * 4.0+, evaluated when the partitions are assigned). So the marker sent once the exec session is open is read
 * whenever the consumer gets its partitions: after its JVM starts, the group's join and the broker's initial
 * rebalance delay, even on a pod that answers late.
 */
export function consumerCommand(broker: Broker, topic: string, group: string, timeoutMs: number, creds?: KafkaCredentials): string[] {
  const bound = timeoutMs + 2000;
  return bounded(bound, [
    CONSOLE_CONSUMER,
    '--bootstrap-server',
    broker.bootstrap,
    '--topic',
    topic,
    '--group',
    group,
    // records from shortly before the consumer started, and no offsets left behind (the empty group then disappears on its own)
    '--consumer-property',
    `auto.offset.reset=by_duration:PT${Math.ceil(bound / 1000) + CLOCK_SLACK_S}S`,
    '--consumer-property',
    'enable.auto.commit=false',
    ...(creds?.properties ?? []).flatMap((p) => ['--consumer-property', p]),
    '--timeout-ms',
    String(Math.max(1000, Math.round(timeoutMs))),
  ]);
}

export function producerCommand(broker: Broker, topic: string, timeoutMs: number, creds?: KafkaCredentials): string[] {
  return bounded(timeoutMs, [CONSOLE_PRODUCER, '--bootstrap-server', broker.bootstrap, '--topic', topic, ...(creds?.properties ?? []).flatMap((p) => ['--producer-property', p])]);
}

/** The KafkaTopic for a topic name: found (with its Ready verdict), missing, or unknown (CRD not served). */
export async function topicState(kube: Kube, namespace: string, topic: string): Promise<{ state: 'present' | 'missing' | 'unknown'; resource?: string; ready?: boolean; message?: string }> {
  const topics = await listStrimzi(kube, 'KafkaTopic', namespace).catch(() => undefined);
  if (!topics) return { state: 'unknown' };
  const t = topics.find((x) => String(asRecord(x.spec).topicName ?? asRecord(x.metadata).name) === topic);
  if (!t) return { state: 'missing' };
  const cond = asArray(asRecord(t.status).conditions).map(asRecord).find((c) => c.type === 'Ready');
  return {
    state: 'present',
    resource: String(asRecord(t.metadata).name),
    ready: cond?.status === 'True',
    ...(cond && cond.status !== 'True' ? { message: String(cond.message ?? cond.reason ?? 'not ready') } : {}),
  };
}

export interface TopicWatch {
  /** Resolves when the marker was seen, the consumer ended (or said why it cannot read), or the watch was stopped. */
  result: Promise<{ found: boolean; line?: string; exec: ExecResult; problem?: KafkaProblem }>;
  /** Resolves once the consumer's exec session is open (or the watch has ended). */
  opened: Promise<void>;
  stop(): void;
}

/**
 * Start a console consumer on `topic` in the broker pod and watch its output for `marker`; the session is
 * closed as soon as the marker is seen, as soon as its stderr shows the broker refused it (or a retried
 * failure lasted), or by stop().
 */
export function watchTopic(
  sessions: ExecSessions,
  namespace: string,
  broker: Broker,
  topic: string,
  marker: string,
  group: string,
  timeoutMs: number,
  creds: KafkaCredentials | undefined,
  signal: AbortSignal,
): TopicWatch {
  const stopper = new AbortController();
  const onAbort = () => stopper.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let line: string | undefined;
  const client = { topic, group, bootstrap: broker.bootstrap, ...(creds ? { user: creds.user } : {}) };
  const refused = problemWatcher(client);
  let markOpen: () => void = () => undefined;
  const opened = new Promise<void>((r) => (markOpen = r));
  const result = sessions
    .run({
      namespace,
      pod: broker.pod,
      container: broker.container,
      command: consumerCommand(broker, topic, group, timeoutMs, creds),
      secrets: creds?.secrets,
      signal: stopper.signal,
      timeoutMs: timeoutMs + 4000,
      onOpen: () => markOpen(),
      onLine: (l) => {
        if (l.includes(marker)) {
          line = l;
          return true;
        }
        return false;
      },
      onErrLine: (l) => line === undefined && refused(l),
    })
    .then((exec) => {
      const problem = line === undefined ? kafkaProblem(exec.stderr, client) : undefined;
      return { found: line !== undefined, ...(line !== undefined ? { line } : {}), exec, ...(problem ? { problem } : {}) };
    })
    .finally(() => {
      signal.removeEventListener('abort', onAbort);
      markOpen();
    });
  return { result, opened, stop: () => stopper.abort() };
}
