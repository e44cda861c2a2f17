// A real Apache Kafka broker (KRaft, combined broker + controller, one node) for one tenant namespace of the test
// cluster, on a loopback address of its own, configured from the namespace's Strimzi Kafka resource as Strimzi's
// cluster operator would: its listeners (plain 9092, or TLS 9093 with SCRAM-SHA-512), `authorization: simple`
// (StandardAuthorizer), `spec.kafka.config`; plus the replication listener 9091 the operators' side uses (here
// SASL_PLAINTEXT as a super user, where Strimzi uses mTLS) and the controller listener 9090.
//
// The broker "pod" is a directory: <podRoot>/opt/kafka is the exec working directory (bin/ holds the
// distribution's scripts, which run the real tools on the cached classpath; cluster-ca-certs/ca.crt is the
// cluster CA), <podRoot>/etc/hosts resolves the Service and pod names to the broker's address (the tools get it
// as jdk.net.hosts.file), and paths under /opt/kafka on a command line are read below <podRoot>.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-ignore -- plain ESM module shared with build.mjs
import { kafkaClasspath, KAFKA_VERSION } from './versions.mjs';
import { freeLoopbackAddress } from '../lib/loopback.ts';
import { javaRuns, jvmExitSummary } from '../java-runtime.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The distribution's scripts for the broker pod's bin/ (the console tools and the admin tools verify or people run). */
export const TOOLS_BIN = join(here, 'bin');

export interface Listener {
  name: string;
  port: number;
  tls: boolean;
  authentication?: string;
}

export interface BrokerSpec {
  namespace: string;
  /** The Kafka resource's name (Strimzi's cluster name). */
  cluster: string;
  /** The broker pod's name (node 0's advertised host is <pod>.<cluster>-kafka-brokers.<namespace>.svc). */
  pod: string;
  listeners: Listener[];
  authorization: boolean;
  config: Record<string, string | number | boolean>;
}

export interface AclSpec {
  type: string;
  name: string;
  pattern: string;
  operations: string[];
}

export interface KafkaBroker {
  spec: BrokerSpec;
  address: string;
  /** Working directory and environment of `kubectl exec` into the broker pod (a KWOK Exec `local`). */
  workDir: string;
  env: Array<{ name: string; value: string }>;
  /** The cluster CA (PEM) the broker's TLS listener is signed with. */
  caCert: string;
  logFile: string;
  startedMs: number;
  topic(name: string, partitions: number, replicas: number, config?: Record<string, string>): Promise<string>;
  deleteTopic(name: string): Promise<void>;
  user(name: string, password: string): Promise<void>;
  deleteUser(name: string): Promise<void>;
  acls(user: string, acls: AclSpec[]): Promise<void>;
  produce(topic: string, value: string): Promise<string>;
  /** Copy every record of the topic (from the beginning) to the file, one line each, as they arrive. */
  mirror(topic: string, file: string): Promise<void>;
  /** Where the pod resolves the bootstrap Service (default: the broker's address). */
  resolveBootstrapTo(address?: string): void;
  stop(): Promise<void>;
}

export const kafkaAvailable = (): boolean => kafkaClasspath() !== undefined && javaRuns();

/** Strimzi's listener name: NAME-PORT upper-cased. */
const listenerName = (l: Listener) => `${l.name.toUpperCase()}-${l.port}`;
const scram = (l: Listener) => l.authentication === 'scram-sha-512';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The cluster CA and the broker's certificate (EC P-256, PKCS#8 key) for its Service and pod names and address. */
function certificates(dir: string, names: string[], address: string): { ca: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const p = (n: string) => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '30', '-subj', '/O=io.strimzi/CN=cluster-ca v0']);
  openssl(['req', ...ec, '-keyout', p('broker.key'), '-out', p('broker.csr'), '-subj', '/O=io.strimzi/CN=kafka-broker']);
  writeFileSync(p('broker.ext'), `subjectAltName=${[...names.map((n) => `DNS:${n}`), `IP:${address}`].join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(['x509', '-req', '-in', p('broker.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('broker.crt'), '-days', '30', '-extfile', p('broker.ext')]);
  return { ca: p('ca.crt'), cert: p('broker.crt'), key: p('broker.key') };
}

const LOG4J_TOOLS = `<?xml version="1.0" encoding="UTF-8"?>
<!-- as the distribution's config/tools-log4j2.yaml: warnings and errors on stderr -->
<Configuration>
  <Appenders><Console name="STDERR" target="SYSTEM_ERR"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
  <Loggers><Root level="WARN"><AppenderRef ref="STDERR"/></Root></Loggers>
</Configuration>
`;
const log4jBroker = (file: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Configuration>
  <Appenders><File name="LOG" fileName="${file}"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File></Appenders>
  <Loggers><Logger name="kafka" level="INFO"/><Logger name="org.apache.kafka" level="INFO"/><Root level="WARN"><AppenderRef ref="LOG"/></Root></Loggers>
</Configuration>
`;

/** Strimzi's Kafka resource → the broker's spec (listeners, authorization, config). */
export function specOf(kafka: { metadata: { name: string; namespace?: string }; spec?: any }, pod: string): BrokerSpec {
  const k = kafka.spec?.kafka ?? {};
  const listeners: Listener[] = (Array.isArray(k.listeners) ? k.listeners : []).map((l: any) => ({
    name: String(l.name), port: Number(l.port), tls: Boolean(l.tls), ...(l.authentication?.type ? { authentication: String(l.authentication.type) } : {}),
  }));
  return {
    namespace: kafka.metadata.namespace!,
    cluster: kafka.metadata.name,
    pod,
    listeners: listeners.length ? listeners : [{ name: 'plain', port: 9092, tls: false }],
    authorization: Boolean(k.authorization?.type),
    config: (k.config ?? {}) as BrokerSpec['config'],
  };
}

export async function startBroker(dir: string, spec: BrokerSpec, log: (m: string) => void = () => undefined): Promise<KafkaBroker> {
  const cp = kafkaClasspath() as string | undefined;
  if (!cp) throw new Error(`Kafka ${KAFKA_VERSION} is not built: node test/cluster/kafka/build.mjs`);
  const t0 = Date.now();
  // a new cluster each time (its operator credential is new)
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ports = [9090, 9091, ...spec.listeners.map((l) => l.port)];
  const address = await freeLoopbackAddress(ports);
  const { namespace: ns, cluster, pod } = spec;
  const svc = (n: string) => [n, `${n}.${ns}`, `${n}.${ns}.svc`, `${n}.${ns}.svc.cluster.local`];
  const brokerHost = `${pod}.${cluster}-kafka-brokers.${ns}.svc`;
  const names = [...svc(`${cluster}-kafka-bootstrap`), ...svc(`${cluster}-kafka-brokers`), brokerHost, `${brokerHost}.cluster.local`];
  const certs = certificates(join(dir, 'certs'), names, address);

  // the pod's filesystem: /opt/kafka (bin, cluster CA, configs), /etc/hosts
  const podRoot = join(dir, 'pod');
  const optKafka = join(podRoot, 'opt', 'kafka');
  mkdirSync(join(optKafka, 'cluster-ca-certs'), { recursive: true });
  mkdirSync(join(optKafka, 'config'), { recursive: true });
  mkdirSync(join(podRoot, 'etc'), { recursive: true });
  if (!existsSync(join(optKafka, 'bin'))) symlinkSync(TOOLS_BIN, join(optKafka, 'bin'));
  execFileSync('cp', [certs.ca, join(optKafka, 'cluster-ca-certs', 'ca.crt')]);
  writeFileSync(join(optKafka, 'config', 'tools-log4j2.xml'), LOG4J_TOOLS);
  const hostsFile = join(podRoot, 'etc', 'hosts');
  const bootstrapNames = svc(`${cluster}-kafka-bootstrap`);
  const writeHosts = (bootstrapAt: string) => writeFileSync(hostsFile, `127.0.0.1 localhost\n${bootstrapAt} ${bootstrapNames.join(' ')}\n${address} ${names.filter((n) => !bootstrapNames.includes(n)).join(' ')} ${pod}\n`);
  writeHosts(address);

  const admin = { user: 'logclaw-sim-operator', password: randomBytes(12).toString('hex') };
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.user}" password="${admin.password}";`;
  const protocol = (l: Listener) => (l.tls ? (scram(l) ? 'SASL_SSL' : 'SSL') : scram(l) ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
  const secure = spec.listeners.filter((l) => l.tls);
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '0',
    'controller.quorum.voters': `0@${address}:9090`,
    'controller.listener.names': 'CONTROLPLANE-9090',
    'inter.broker.listener.name': 'REPLICATION-9091',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    listeners: [`CONTROLPLANE-9090://${address}:9090`, `REPLICATION-9091://${address}:9091`, ...spec.listeners.map((l) => `${listenerName(l)}://${address}:${l.port}`)].join(','),
    'advertised.listeners': [`REPLICATION-9091://${address}:9091`, ...spec.listeners.map((l) => `${listenerName(l)}://${brokerHost}:${l.port}`)].join(','),
    'listener.security.protocol.map': ['CONTROLPLANE-9090:PLAINTEXT', 'REPLICATION-9091:SASL_PLAINTEXT', ...spec.listeners.map((l) => `${listenerName(l)}:${protocol(l)}`)].join(','),
    'listener.name.replication-9091.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.replication-9091.scram-sha-512.sasl.jaas.config': jaas,
    'log.dirs': join(dir, 'data'),
    'offsets.topic.replication.factor': '1',
    // one partition for the group offsets (default 50): a consumer group's first use is quicker on one broker
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'num.network.threads': '2',
    'num.io.threads': '2',
    'background.threads': '2',
    'log.retention.check.interval.ms': '600000',
  };
  for (const l of spec.listeners) {
    const n = listenerName(l).toLowerCase();
    if (scram(l)) {
      props[`listener.name.${n}.sasl.enabled.mechanisms`] = 'SCRAM-SHA-512';
      props[`listener.name.${n}.scram-sha-512.sasl.jaas.config`] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    }
    if (l.tls) {
      props[`listener.name.${n}.ssl.keystore.type`] = 'PEM';
      props[`listener.name.${n}.ssl.keystore.location`] = join(dir, 'certs', 'broker.pem');
    }
  }
  if (secure.length) {
    const { readFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'certs', 'broker.pem'), readFileSync(certs.key, 'utf8') + readFileSync(certs.cert, 'utf8'));
  }
  if (spec.authorization) {
    if (spec.listeners.some((l) => !scram(l))) log(`kafka ${ns}: a listener without authentication under authorization: its clients are User:ANONYMOUS (no ACLs)`);
    props['authorizer.class.name'] = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';
    // the controller listener is unauthenticated here (Strimzi: mTLS); it is bound to this broker's own address
    props['super.users'] = `User:${admin.user};User:ANONYMOUS`;
  }
  // Strimzi passes spec.kafka.config through (except the options it manages itself)
  for (const [k, v] of Object.entries(spec.config)) if (!/^(listeners|advertised\.|listener\.|node\.id|process\.roles|log\.dirs|controller\.|super\.users|authorizer\.|ssl\.|sasl\.)/.test(k)) props[k] = String(v);
  const serverProps = join(dir, 'server.properties');
  writeFileSync(serverProps, `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
  const logFile = join(dir, 'server.log');
  writeFileSync(join(dir, 'log4j2.xml'), log4jBroker(logFile));

  const clusterId = kafkaClusterId();
  const heap = process.env.LOGCLAW_SIM_KAFKA_HEAP ?? '-Xms64m -Xmx384m';
  const child: ChildProcess = spawn('java', [
    ...heap.split(' '), '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.xml')}`, `-Dkafka.logs.dir=${dir}`,
    '-cp', cp, 'SimKafka', serverProps, clusterId, admin.user, admin.password, `${address}:9091`,
  ], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-8000); });
  const pending = new Map<string, { resolve(v: string): void; reject(e: Error): void }>();
  let ready: () => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const readyP = new Promise<void>((res, rej) => { ready = res; failed = rej; });
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === '@@ready') { ready(); continue; }
      const m = /^@@(\d+)\t(ok|err)(?:\t(.*))?$/.exec(line);
      if (!m) continue;
      const p = pending.get(m[1]!);
      pending.delete(m[1]!);
      if (m[2] === 'ok') p?.resolve(m[3] ?? '');
      else p?.reject(new Error(m[3] ?? 'failed'));
    }
  });
  let exited = false;
  child.on('exit', (code) => {
    exited = true;
    const e = new Error(`the Kafka broker of ${ns} exited with ${code}: ${jvmExitSummary(stderr)} (log ${logFile})`);
    failed(e);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  await readyP;
  const startedMs = Date.now() - t0;
  log(`kafka ${KAFKA_VERSION} for ${ns} on ${address} (${spec.listeners.map((l) => `${listenerName(l)} ${protocol(l)}`).join(', ')}${spec.authorization ? ', authorization simple' : ''}) in ${startedMs} ms`);

  let seq = 0;
  const call = (...fields: string[]): Promise<string> => {
    if (exited) return Promise.reject(new Error(`the Kafka broker of ${ns} is not running`));
    const id = String(++seq);
    return new Promise<string>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.stdin!.write(`${[id, ...fields.map((f) => f.replace(/[\t\n]/g, ' '))].join('\t')}\n`);
    });
  };

  return {
    spec,
    address,
    workDir: optKafka,
    env: [
      { name: 'SIM_POD_ROOT', value: podRoot },
      { name: 'SIM_KAFKA_CLASSPATH', value: cp },
      { name: 'KAFKA_LOG4J_OPTS', value: `-Dlog4j2.configurationFile=${join(optKafka, 'config', 'tools-log4j2.xml')}` },
      { name: 'PATH', value: `${join(optKafka, 'bin')}:${process.env.PATH}` },
    ],
    caCert: certs.ca,
    logFile,
    startedMs,
    topic: (name, partitions, replicas, config = {}) => call('topic', name, String(partitions), String(replicas), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)),
    deleteTopic: (name) => call('deltopic', name).then(() => undefined),
    user: (name, password) => call('user', name, password).then(() => undefined),
    deleteUser: (name) => call('deluser', name).then(() => undefined),
    acls: (user, acls) => call('acls', user, ...acls.flatMap((a) => (a.operations.length ? [`${a.type}:${a.name}:${a.pattern}:${a.operations.join(',')}`] : []))).then(() => undefined),
    produce: (topic, value) => call('produce', topic, value),
    mirror: (topic, file) => call('mirror', topic, file).then(() => undefined),
    resolveBootstrapTo: (at) => writeHosts(at ?? address),
    async stop() {
      if (exited) return;
      child.stdin!.end();
      await new Promise<void>((r) => {
        const t = setTimeout(() => (child.kill('SIGKILL'), r()), 5000);
        child.once('exit', () => (clearTimeout(t), r()));
      });
    },
  };
}

/** Remove a broker's directory (its data, certificates and pod files). */
export function removeBrokerDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A cluster id as Kafka's Uuid.randomUuid() makes one: 16 random bytes in URL-safe base64 (22 characters), never
 * starting with '-' (kafka-storage's argument parser would read such an id as an option: one id in 64).
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
