// A tenant namespace on the simulated cluster as the charts and operators make it, with the pipeline's
// hops played by local servers the test controls: Vector's HTTP source (ok, 500, or accepting without
// delivering), a real OpenSearch node indexing what reached raw-logs as the ETL job would (or down), a ticketing agent raising an
// incident for each anomaly event and routing it per the tenant. Kafka is a real broker of this tenant only
// (test/cluster/kafka: Apache Kafka 4.1.1 on a loopback address, configured from the Kafka resource), whose
// topics, SCRAM users and ACLs the fixture creates from the KafkaTopic and KafkaUser objects as Strimzi's
// operators would; `kubectl exec` into the broker pod runs the real console tools against it. Where Java is
// missing (never under CI), the console-tool stand-ins over topic files take its place.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseAllDocuments, stringify } from 'yaml';
import type { Cluster } from '../cluster/index.ts';
import type { KubeObject } from '../cluster/lib/kube.ts';
import { eventually } from '../helpers/eventually.js';
import { crdDir, repoRoot } from '../helpers/tools.js';
import { kafkaAvailable, specOf, startBroker, type AclSpec, type KafkaBroker } from '../cluster/kafka/broker.ts';
import { openSearchFront } from '../cluster/opensearch/front.ts';

export const handlersRoot = join(repoRoot, 'test', 'cluster', 'handlers', 'root');

export interface TenantOptions {
  /** Fixed when the tenant is made: dev (plain Kafka, HTTP OpenSearch) or staging (TLS + SCRAM, OpenSearch over TLS with admin credentials). */
  environment?: 'dev' | 'staging';
  vector?: 'ok' | '500' | 'drop';
  exec?: 'ok' | 'fail';
  /** ok: Flink jobs on and OpenSearch answers; down: jobs on, OpenSearch unreachable; off: no Flink jobs. */
  opensearch?: 'ok' | 'down' | 'off';
  anomalyTopic?: boolean;
  /**
   * How the real broker treats verify (the Kafka objects in the namespace stay as the charts made them):
   * ok; wrong-password (the broker's SCRAM credential of the reading user differs from its Secret); no-acl (the
   * reading user lacks Read on raw-logs at the broker); group-outside-prefix (its group ACL prefix at the broker
   * does not cover verify's group); closed-port (the bootstrap Service resolves where nothing listens);
   * topic-missing (KafkaTopic raw-logs exists, the broker has no such topic); slow-pod (exec answers 20 s late).
   */
  kafka?: 'ok' | 'wrong-password' | 'no-acl' | 'group-outside-prefix' | 'closed-port' | 'topic-missing' | 'slow-pod';
  /** Outside dev, the token the Vector stand-in accepts: the one in the receiver's token Secret (ok) or another (wrong). */
  receiverToken?: 'ok' | 'wrong';
  /** Platforms routing.low names in the tenant file, and the ones the agent really routes to. */
  routing?: string[];
  agentRoutes?: string[];
}

export interface Tenant {
  id: string;
  /** OpenSearch admin credentials (checked outside dev). */
  osAdmin: { username: string; password: string };
  /** The receiver's shared token (its Secret's; Vector's HTTP source asks for it outside dev, over TLS). */
  receiverToken: string;
  /** The Authorization headers Vector's HTTP source received. */
  vectorAuth: string[];
  /** Change how the hops behave (unset options go back to the defaults: everything works). */
  set(o: TenantOptions): Promise<void>;
  namespace: string;
  /** Working directory for the CLI (holds gitops/tenants/tenant-<id>.yaml). */
  root: string;
  topicsDir: string;
  env: NodeJS.ProcessEnv;
  requests: { vector: string[]; opensearch: string[]; agent: string[] };
  topic(name: string): string[];
  /** The tenant's real Kafka broker (undefined where Java is missing: stand-ins). */
  broker?: KafkaBroker;
  vectorPod(): Promise<string>;
  close(): Promise<void>;
}

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => resolve(b));
  });

/** A self-signed certificate for a TLS stand-in (openssl CLI, EC P-256). */
function selfSigned(dir: string, cn: string): { cert: string; key: string } {
  const key = join(dir, `${cn}.key`);
  const cert = join(dir, `${cn}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

async function serve(handler: (req: IncomingMessage, text: string, url: URL) => [number, unknown?], tls?: { cert: string; key: string }): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const listener = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [status, data] = handler(req, await body(req), url);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(data === undefined ? '' : JSON.stringify(data));
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
  };
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

let crdsReady: Promise<void> | undefined;
/** The operator CRDs the tenant uses (Strimzi, Flink), created once when the cluster lacks them. */
function ensureCrds(c: Cluster): Promise<void> {
  crdsReady ??= (async () => {
    const kube = c.kube();
    const files = [
      ...['040-Crd-kafka', '043-Crd-kafkatopic', '044-Crd-kafkauser', '045-Crd-kafkanodepool'].map((n) => join(crdDir, 'strimzi-0.50.1', `${n}.yaml`)),
      join(crdDir, 'flink-operator-1.9.0', 'flinkdeployments.flink.apache.org-v1.yml'),
    ];
    const names: string[] = [];
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
        const crd = doc.toJS() as KubeObject | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        names.push(crd.metadata.name);
        if (!(await kube.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name))) {
          await kube.create(crd).catch((e: { status?: number }) => (e.status === 409 ? undefined : Promise.reject(e)));
        }
      }
    }
    for (const name of names) {
      await eventually(`CRD ${name} established`, async () => {
        const crd = await kube.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name);
        return crd?.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True');
      }, 60_000);
    }
    kube.resetDiscovery();
  })();
  return crdsReady;
}

/** KafkaUsers with the ACLs the kafka chart gives them (see charts/logclaw-kafka). */
const kafkaUsers = (): Array<[string, unknown[]]> => {
  const acl = (type: string, name: string, patternType: string, operations: string[]) => ({ type: 'allow', resource: { type, name, patternType }, operations });
  return [
    ['ingestion', [acl('topic', 'raw-logs', 'literal', ['Write', 'Describe'])]],
    ['flink', [acl('topic', 'raw-logs', 'literal', ['Read', 'Describe']), acl('topic', 'anomaly-events', 'literal', ['Write', 'Describe']), acl('group', 'logclaw-flink', 'prefix', ['Read', 'Describe'])]],
    ['ticketing-agent', [acl('topic', 'anomaly-events', 'literal', ['Read', 'Describe']), acl('group', 'logclaw-ticketing-agent', 'prefix', ['Read', 'Describe'])]],
  ];
};

const LABELS = (component: string, id: string, extra: Record<string, string> = {}) => ({
  'app.kubernetes.io/name': `logclaw-${component}`,
  'app.kubernetes.io/instance': 'logclaw-tenant',
  'app.kubernetes.io/component': extra['app.kubernetes.io/component'] ?? component,
  'app.kubernetes.io/part-of': 'logclaw',
  'logclaw.io/component': component,
  'logclaw.io/tenant': id,
  ...extra,
});

function deployment(name: string, ns: string, labels: Record<string, string>, ports: Array<[string, number]>, probe?: string) {
  const selector = { 'app.kubernetes.io/name': labels['app.kubernetes.io/name']!, 'app.kubernetes.io/component': labels['app.kubernetes.io/component']! };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.example/logclaw/stand-in:1.0.0',
              ports: ports.map(([n, p]) => ({ name: n, containerPort: p })),
              ...(probe ? { livenessProbe: { httpGet: { path: probe, port: ports[0]![0] } }, readinessProbe: { httpGet: { path: '/readyz', port: ports[0]![0] } } } : {}),
            },
          ],
        },
      },
    },
  };
}

function service(name: string, ns: string, labels: Record<string, string>, selector: Record<string, string>, ports: Array<[string, number]>) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels }, spec: { selector, ports: ports.map(([n, p]) => ({ name: n, port: p, targetPort: n })) } };
}

/** Route a pod's ports to local ports (KWOK PortForward, by pod name). */
export async function routePod(c: Cluster, ns: string, pod: string, routes: Array<[podPort: number, localPort: number]>): Promise<void> {
  const pf = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'PortForward',
    metadata: { name: pod, namespace: ns },
    spec: { forwards: routes.map(([p, l]) => ({ ports: [p], target: { port: l, address: '127.0.0.1' } })) },
  };
  await c.kube().apply(pf as KubeObject);
}

async function readyPod(c: Cluster, ns: string, selector: string): Promise<string> {
  return eventually(`a ready pod ${selector} in ${ns}`, async () => {
    const pods = await c.kube().request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
    const ready = pods.items.find((p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'));
    return ready?.metadata.name as string | undefined;
  }, 60_000);
}

export async function makeTenant(c: Cluster, prefix: string, o: TenantOptions = {}): Promise<Tenant> {
  // logclaw's own client-node access (exec probes, forwards), made once
  let sessionsClient: { kube: import('../../src/portforward/kube.js').Kube; sessions: import('../../src/verify/exec.js').ExecSessions } | undefined;
  const clients = async () => {
    if (!sessionsClient) {
      const { connect } = await import('../../src/portforward/kube.js');
      const { ExecSessions } = await import('../../src/verify/exec.js');
      const kube = await connect({ kubeconfig: c.kubeconfig, context: c.context });
      sessionsClient = { kube, sessions: new ExecSessions(kube) };
    }
    return sessionsClient;
  };
  const routing = o.routing ?? ['zammad', 'slack'];
  const environment = o.environment ?? 'dev';
  const dev = environment === 'dev';
  const kafkaPort = dev ? 9092 : 9093;
  /** What the OpenSearch stand-in requires outside dev (the admin Secret holds it). */
  const osAdmin = { username: 'admin', password: `pw-${randomBytes(6).toString('hex')}` };
  /** What the Vector stand-in requires outside dev, as the ingestion chart configures it: TLS and this token as basic auth. */
  const receiverToken = `tok-${randomBytes(6).toString('hex')}`;
  const vectorAuth: string[] = [];
  const mode = { vector: o.vector ?? 'ok', opensearch: o.opensearch ?? 'ok', agentRoutes: o.agentRoutes ?? routing, exec: o.exec ?? 'ok', anomalyTopic: o.anomalyTopic !== false, kafka: o.kafka ?? 'ok', receiverToken: o.receiverToken ?? 'ok' };
  const id = `${prefix}-${randomBytes(3).toString('hex')}`;
  const ns = `logclaw-${id}`;
  const root = mkdtempSync(join(tmpdir(), `logclaw-verify-${prefix}-`));
  const topicsDir = join(root, 'topics');
  mkdirSync(topicsDir, { recursive: true });
  const topicFile = (t: string) => join(topicsDir, `${t}.log`);
  const requests: Tenant['requests'] = { vector: [], opensearch: [], agent: [] };
  // the Kafka resource of the kafka chart, and the tenant's own broker built from it (started while the rest is set up)
  const kafkaCR = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'logclaw', namespace: ns, labels: LABELS('kafka', id, { 'app.kubernetes.io/component': 'cluster' }) },
    spec: { kafka: { version: '4.1.1', listeners: [dev ? { name: 'plain', port: 9092, type: 'internal', tls: false } : { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } }],
      ...(dev ? {} : { authorization: { type: 'simple' } }), config: { 'auto.create.topics.enable': false } } } };
  const brokerStarting = kafkaAvailable() ? startBroker(join(root, 'kafka'), specOf(kafkaCR, 'logclaw-combined-0')) : undefined;
  brokerStarting?.catch(() => undefined);
  let broker: KafkaBroker | undefined;
  const vectorErrors: string[] = [];

  // the tenant file the CLI reads
  mkdirSync(join(root, 'gitops', 'tenants'), { recursive: true });
  writeFileSync(
    join(root, 'gitops', 'tenants', `tenant-${id}.yaml`),
    stringify({
      global: { tenantId: id, tenantName: `verify ${prefix}`, tier: 'standard', cloudProvider: 'onprem', environment },
      flink: { enabled: true },
      ticketingAgent: { enabled: true, config: { platforms: { zammad: { enabled: true }, slack: { enabled: true } }, routing: { critical: ['slack'], high: ['slack'], medium: [], low: routing } } },
      zammad: { enabled: true },
    }),
  );

  // hops played locally
  const vectorHandler = (req: IncomingMessage, text: string, url: URL): [number, unknown?] => {
    requests.vector.push(`${req.method} ${url.pathname}`);
    if (req.method === 'GET') return [200, { ok: true }];
    if (!dev) {
      vectorAuth.push(String(req.headers.authorization ?? ''));
      const accepted = mode.receiverToken === 'ok' ? receiverToken : `other-${receiverToken}`;
      if (req.headers.authorization !== `Basic ${Buffer.from(`logclaw:${accepted}`).toString('base64')}`) return [401];
    }
    if (mode.vector === '500') return [500, { error: 'sink kafka: broker transport failure' }];
    if (mode.vector === 'ok') {
      const record = JSON.stringify({ ...JSON.parse(text), tenant_id: id, environment });
      // Vector's Kafka sink: accepted at once (acknowledgements off), delivered to the broker after
      if (broker) void broker.produce('raw-logs', record).catch((e: Error) => vectorErrors.push(e.message));
      else appendFileSync(topicFile('raw-logs'), `${record}\n`);
    }
    return [200];
  };
  // Vector's HTTP source (TLS outside dev) and its API (plain, health only)
  const vector = await serve(vectorHandler, dev ? undefined : selfSigned(root, 'logclaw-ingestion'));
  const vectorApi = dev ? vector : await serve(vectorHandler);
  // a real OpenSearch node (started by verify's first request), indexing raw-logs as the ETL job would; outside
  // dev behind TLS and the admin's basic authentication, as the security plugin answers
  const opensearch = await openSearchFront({
    dir: join(root, 'opensearch'),
    rawLogs: topicFile('raw-logs'),
    tls: dev ? undefined : selfSigned(root, 'logclaw-opensearch'),
    auth: dev ? undefined : () => osAdmin,
    onRequest: (line) => requests.opensearch.push(line),
  });
  const downPort = await serve(() => [200]).then(async (x) => (await x.close(), x.port)); // nobody listens there
  const agent = await serve((req, _text, url) => {
    requests.agent.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/healthz') return [200, { status: 'ok' }];
    if (url.pathname === '/incidents') {
      const marker = url.searchParams.get('marker') ?? '';
      const incidents = lines(topicFile('anomaly-events'))
        .map((l) => JSON.parse(l) as { marker?: string; severity?: string })
        .filter((e) => e.marker === marker)
        .map((e, i) => ({ id: `INC-${i + 1}`, marker: e.marker, severity: e.severity, platforms: mode.agentRoutes }));
      return [200, { incidents }];
    }
    return [404, { error: 'not found' }];
  });

  // the namespace as the charts and operators leave it
  const passwords = new Map<string, string>();
  await ensureCrds(c);
  const topic = (t: string) => ({
    apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: t, namespace: ns, labels: LABELS('kafka', id, { 'app.kubernetes.io/component': 'topic', 'strimzi.io/cluster': 'logclaw' }) },
    spec: { partitions: 1, replicas: 1 },
  });
  // logclaw-flink: the ETL job (only when jobs are on)
  const flinkJob = {
    apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: { name: 'logclaw-etl', namespace: ns, labels: LABELS('flink', id, { 'app.kubernetes.io/component': 'etl' }) },
    spec: { image: 'registry.example/logclaw/flink-jobs:1.0.0', flinkVersion: 'v1_19', serviceAccount: 'flink', jobManager: { resource: { memory: '1024m', cpu: 0.5 } }, taskManager: { resource: { memory: '1024m', cpu: 0.5 } }, job: { jarURI: 'local:///opt/flink/usrlib/etl.jar', parallelism: 1, upgradeMode: 'stateless' } },
  };
  // the receiver as the ingestion chart renders it outside dev: TLS, and the shared token from its Secret
  const receiverDeployment = deployment('logclaw-ingestion-receiver', ns, LABELS('ingestion', id, { 'app.kubernetes.io/component': 'receiver' }), [['http', 8080], ['api', 8686], ['metrics', 9598]]);
  if (!dev) {
    (receiverDeployment.spec.template.spec.containers[0] as Record<string, unknown>).env = [
      { name: 'RECEIVER_TOKEN', valueFrom: { secretKeyRef: { name: 'logclaw-ingestion-receiver-token', key: 'token' } } },
    ];
  }
  const receiverSecurity = {
    tls: { enabled: true, crt_file: '/etc/logclaw/receiver-tls/tls.crt', key_file: '/etc/logclaw/receiver-tls/tls.key' },
    auth: { username: 'logclaw', password: '${RECEIVER_TOKEN}' },
  };
  const objects: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'logclaw.io/tenant': id } } },
    // logclaw-kafka: Kafka cluster and topics (Strimzi v1)
    kafkaCR,
    topic('raw-logs'),
    // what the Strimzi operator makes: a broker pod and the bootstrap Service
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'logclaw-combined-0', namespace: ns, labels: { 'strimzi.io/cluster': 'logclaw', 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': 'logclaw-kafka', 'strimzi.io/pool-name': 'combined', 'strimzi.io/broker-role': 'true', 'strimzi.io/controller-role': 'true' } },
      spec: { containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:0.50.1-kafka-4.1.1', ports: [{ name: dev ? 'tcp-plain' : 'tcp-tls', containerPort: kafkaPort }] }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'logclaw-kafka-bootstrap', namespace: ns, labels: { 'strimzi.io/cluster': 'logclaw', 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': 'logclaw-kafka-bootstrap' } },
      spec: { selector: { 'strimzi.io/cluster': 'logclaw', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' }, ports: [{ name: dev ? 'tcp-plain' : 'tcp-tls', port: kafkaPort, targetPort: kafkaPort }] } },
    // the users and ACLs of the kafka chart (outside dev), their Secrets as the user operator writes them, and OpenSearch's admin Secret
    ...(dev ? [] : [
      ...kafkaUsers().map(([name, acls]) => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name, namespace: ns, labels: LABELS('kafka', id, { 'app.kubernetes.io/component': 'user', 'strimzi.io/cluster': 'logclaw' }) },
        spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } } })),
      ...kafkaUsers().map(([name]) => {
        const password = `${name}-${randomBytes(4).toString('hex')}`;
        passwords.set(name, password);
        return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, labels: { 'strimzi.io/kind': 'KafkaUser', 'strimzi.io/cluster': 'logclaw' } },
          stringData: { password, 'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${name}" password="${password}";` } };
      }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'logclaw-opensearch-admin', namespace: ns }, stringData: osAdmin },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'logclaw-ingestion-receiver-token', namespace: ns }, stringData: { token: receiverToken } },
    ]),
    // logclaw-ingestion: the Vector receiver
    receiverDeployment,
    service('logclaw-ingestion', ns, LABELS('ingestion', id, { 'app.kubernetes.io/component': 'receiver' }), { 'app.kubernetes.io/name': 'logclaw-ingestion', 'app.kubernetes.io/component': 'receiver' }, [['http', 8080], ['api', 8686], ['metrics', 9598]]),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'logclaw-ingestion-receiver', namespace: ns, labels: LABELS('ingestion', id, { 'app.kubernetes.io/component': 'receiver' }) },
      data: { 'vector.yaml': stringify({ sources: { http: { type: 'http_server', address: '0.0.0.0:8080', decoding: { codec: 'json' }, ...(dev ? {} : receiverSecurity) } }, sinks: { raw_logs: { type: 'kafka', inputs: ['http'], bootstrap_servers: `logclaw-kafka-bootstrap:${kafkaPort}`, topic: 'raw-logs' } } }) } },
    // logclaw-opensearch (dev: a StatefulSet)
    { ...deployment('logclaw-opensearch', ns, LABELS('opensearch', id, { 'app.kubernetes.io/component': 'node' }), [['http', 9200], ['transport', 9300]]), kind: 'StatefulSet',
      spec: { ...deployment('logclaw-opensearch', ns, LABELS('opensearch', id, { 'app.kubernetes.io/component': 'node' }), [['http', 9200], ['transport', 9300]]).spec, serviceName: 'logclaw-opensearch' } },
    service('logclaw-opensearch', ns, LABELS('opensearch', id, { 'app.kubernetes.io/component': 'node' }), { 'app.kubernetes.io/name': 'logclaw-opensearch', 'app.kubernetes.io/component': 'node' }, [['http', 9200], ['transport', 9300]]),
    // logclaw-ticketing-agent
    deployment('logclaw-ticketing-agent', ns, LABELS('ticketing-agent', id, { 'app.kubernetes.io/component': 'agent' }), [['http', 8080]], '/healthz'),
    service('logclaw-ticketing-agent', ns, LABELS('ticketing-agent', id, { 'app.kubernetes.io/component': 'agent' }), { 'app.kubernetes.io/name': 'logclaw-ticketing-agent', 'app.kubernetes.io/component': 'agent' }, [['http', 8080]]),
  ];
  const kube = c.kube();
  await kube.apply(objects[0] as KubeObject);
  await kube.applyAll(objects.slice(1) as KubeObject[]);

  // the operators' status writes
  const ready = { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }], observedGeneration: 1 };
  const patchStatus = async (apiVersion: string, kind: string, name: string, status: unknown) => {
    const path = `${await kube.collectionPath(apiVersion, kind, ns)}/${name}/status`;
    await kube.request('PATCH', path, { status }, 'application/merge-patch+json');
  };
  const apply = (obj: unknown) => kube.apply(obj as KubeObject);
  const remove = async (apiVersion: string, kind: string, name: string) => {
    await kube.delete(apiVersion, kind, name, ns);
    await eventually(`${kind}/${name} gone`, async () => !(await kube.get(apiVersion, kind, name, ns)), 30_000);
  };
  const present = { anomalyTopic: false, flink: false, exec: '' };
  const setTopic = async (on: boolean) => {
    if (on && !present.anomalyTopic) {
      await broker?.topic('anomaly-events', 1, 1);
      await apply(topic('anomaly-events'));
      await patchStatus('kafka.strimzi.io/v1', 'KafkaTopic', 'anomaly-events', { ...ready, topicName: 'anomaly-events' });
    } else if (!on && present.anomalyTopic) {
      await remove('kafka.strimzi.io/v1', 'KafkaTopic', 'anomaly-events');
      await broker?.deleteTopic('anomaly-events');
    }
    present.anomalyTopic = on;
  };
  const setFlink = async (on: boolean) => {
    if (on && !present.flink) {
      await apply(flinkJob);
      await patchStatus('flink.apache.org/v1beta1', 'FlinkDeployment', 'logclaw-etl', {
        jobManagerDeploymentStatus: 'READY', lifecycleState: 'STABLE', observedGeneration: 1,
        reconciliationStatus: { state: 'DEPLOYED', success: true }, jobStatus: { state: 'RUNNING', jobName: 'logclaw-etl' },
      });
    } else if (!on && present.flink) await remove('flink.apache.org/v1beta1', 'FlinkDeployment', 'logclaw-etl');
    present.flink = on;
  };
  await patchStatus('kafka.strimzi.io/v1', 'Kafka', 'logclaw', { ...ready, clusterId: 'sim', kafkaVersion: '4.1.1' });
  await patchStatus('kafka.strimzi.io/v1', 'KafkaTopic', 'raw-logs', { ...ready, topicName: 'raw-logs' });
  // Strimzi's topic and user operators on the real broker: topics, SCRAM credentials from the users' Secrets, ACLs;
  // the OpenSearch and ticketing-agent stand-ins read what reaches the topics (mirrored to the topic files)
  const aclsOf = (name: string, deviation?: TenantOptions['kafka']): AclSpec[] =>
    (kafkaUsers().find(([n]) => n === name)?.[1] as Array<{ resource: { type: string; name: string; patternType: string }; operations: string[] }>).map((a) => ({
      type: a.resource.type, name: a.resource.name, pattern: a.resource.patternType,
      operations: deviation === 'no-acl' && a.resource.type === 'topic' && a.resource.name === 'raw-logs' ? a.operations.filter((op) => op !== 'Read') : a.operations,
    })).map((a) => (deviation === 'group-outside-prefix' && a.type === 'group' ? { ...a, name: `${a.name}-jobs` } : a));
  if (brokerStarting) {
    broker = await brokerStarting;
    await broker.topic('raw-logs', 1, 1);
    for (const name of passwords.keys()) {
      // the user operator (the simulator's operator stage) writes each user's Secret: its password is the credential
      const secret = await eventually(`the Secret of KafkaUser ${name}`, async () => {
        const x = await kube.get('v1', 'Secret', name, ns);
        return x?.metadata.labels?.['app.kubernetes.io/managed-by'] === 'strimzi-user-operator' && x.data?.password ? x : undefined;
      }, 60_000);
      passwords.set(name, Buffer.from(String(secret.data.password), 'base64').toString('utf8'));
      await broker.user(name, passwords.get(name)!);
      await broker.acls(name, aclsOf(name));
    }
    await broker.mirror('raw-logs', topicFile('raw-logs'));
    await broker.mirror('anomaly-events', topicFile('anomaly-events'));
  }
  await setTopic(mode.anomalyTopic);
  /** The broker-side deviation of a failure case (the Kafka objects in the namespace stay as they are). */
  let kafkaNow: NonNullable<TenantOptions['kafka']> = 'ok';
  const setKafka = async (how: NonNullable<TenantOptions['kafka']>) => {
    if (!broker || how === kafkaNow) return;
    const reader = 'flink';
    // undo the current one
    if (kafkaNow === 'wrong-password') await broker.user(reader, passwords.get(reader)!);
    if (kafkaNow === 'no-acl' || kafkaNow === 'group-outside-prefix') await broker.acls(reader, aclsOf(reader));
    if (kafkaNow === 'closed-port') broker.resolveBootstrapTo();
    if (kafkaNow === 'topic-missing') await broker.topic('raw-logs', 1, 1);
    if (how === 'wrong-password') await broker.user(reader, `${passwords.get(reader)}-rotated`);
    if (how === 'no-acl' || how === 'group-outside-prefix') await broker.acls(reader, aclsOf(reader, how));
    if (how === 'closed-port') broker.resolveBootstrapTo(`127.${1 + (randomBytes(1)[0]! % 90)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 250)}`);
    if (how === 'topic-missing') await broker.deleteTopic('raw-logs');
    kafkaNow = how;
  };
  await setFlink(mode.opensearch !== 'off');

  // exec into the broker pod runs the real console tools against the tenant's broker (stand-ins over this tenant's
  // topic files where Java is missing)
  const failRoot = join(root, 'failing-kafka');
  {
    mkdirSync(join(failRoot, 'bin'), { recursive: true });
    for (const tool of ['kafka-console-consumer.sh', 'kafka-console-producer.sh']) {
      const f = join(failRoot, 'bin', tool);
      writeFileSync(f, '#!/bin/sh\necho "[main] WARN [Consumer clientId=console-consumer] Connection to node -1 (logclaw-kafka-bootstrap/10.96.0.12:9092) could not be established. Node may not be available." >&2\necho "org.apache.kafka.common.errors.TimeoutException: Timeout expired while fetching topic metadata" >&2\nexit 1\n');
      chmodSync(f, 0o755);
    }
  }
  const setExec = async (how: 'ok' | 'fail', delaySeconds = 0) => {
    const key = `${how}:${delaySeconds}`;
    if (present.exec === key) return;
    const envs = how === 'fail' ? [] : broker
      ? [...broker.env, ...(delaySeconds ? [{ name: 'SIM_EXEC_DELAY_SECONDS', value: String(delaySeconds) }] : [])]
      : [{ name: 'SIM_TOPICS_DIR', value: topicsDir }];
    await apply({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'Exec',
      metadata: { name: 'logclaw-combined-0', namespace: ns },
      spec: { execs: [{ local: { workDir: how === 'fail' ? failRoot : broker ? broker.workDir : handlersRoot, envs } }] },
    });
    present.exec = key;
    // kwok picks the rule up from its watch: wait until an exec shows it is in force (the failing tools say
    // so on stderr; the pod's environment names this broker's pod directory and delay; the stand-ins create
    // the topic file in this tenant's directory)
    const probeTopic = `probe-${randomBytes(3).toString('hex')}`;
    const { sessions } = await clients();
    await eventually(`the ${key} exec rule`, async () => {
      if (how === 'ok' && broker) {
        const r = await sessions.run({ namespace: ns, pod: 'logclaw-combined-0', container: 'kafka', command: ['sh', '-c', 'echo "$SIM_POD_ROOT:${SIM_EXEC_DELAY_SECONDS:-0}"'], timeoutMs: 10_000 });
        return r.stdout.trim() === `${broker.env.find((e) => e.name === 'SIM_POD_ROOT')!.value}:${delaySeconds}` || undefined;
      }
      const r = await sessions.run({ namespace: ns, pod: 'logclaw-combined-0', container: 'kafka', command: ['bin/kafka-console-consumer.sh', '--topic', probeTopic, '--timeout-ms', '100'], timeoutMs: 10_000 });
      return (how === 'fail' ? /could not be established/.test(r.stderr) : existsSync(topicFile(probeTopic))) || undefined;
    }, 30_000, 200);
  };
  await setExec(mode.exec, mode.kafka === 'slow-pod' ? 20 : 0);
  await setKafka(mode.kafka);

  const vectorPod = () => readyPod(c, ns, 'app.kubernetes.io/name=logclaw-ingestion');
  await readyPod(c, ns, 'strimzi.io/cluster=logclaw');
  // the broker pod's listener port is the broker's (port-forward of the bootstrap reaches it)
  if (broker) {
    await kube.apply({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'PortForward', metadata: { name: 'logclaw-combined-0', namespace: ns },
      spec: { forwards: [{ ports: [kafkaPort], target: { port: kafkaPort, address: broker.address } }] } } as KubeObject);
  }
  await routePod(c, ns, await vectorPod(), [[8080, vector.port], [8686, vectorApi.port]]);
  const osPod = await readyPod(c, ns, 'app.kubernetes.io/name=logclaw-opensearch');
  let osRouted = '';
  /** OpenSearch up, or down (its pod port refuses connections); waits until a forward shows the change. */
  const setOpenSearch = async (down: boolean) => {
    const want = down ? 'down' : 'up';
    if (osRouted === want) return;
    await routePod(c, ns, osPod, [[9200, down ? downPort : opensearch.port]]);
    osRouted = want;
    const { kubeBackend } = await import('../../src/portforward/kube.js');
    const { ForwardManager } = await import('../../src/portforward/forwarder.js');
    const m = new ForwardManager(kubeBackend((await clients()).kube));
    try {
      const [f] = await m.addAll([{ name: 'probe', namespace: ns, service: 'logclaw-opensearch', servicePort: 9200, localPort: 0 }]);
      await eventually(`OpenSearch ${want}`, async () => {
        const { httpCall } = await import('../../src/verify/http.js');
        const answered = await httpCall({ url: `${dev ? 'http' : 'https'}://127.0.0.1:${f!.localPort}/_cluster/health`, timeoutMs: 2000 }).then(() => true, () => false);
        return answered === !down || undefined;
      }, 30_000, 200);
    } finally {
      await m.closeAll();
    }
  };
  await routePod(c, ns, await readyPod(c, ns, 'app.kubernetes.io/name=logclaw-ticketing-agent'), [[8080, agent.port]]);
  await setOpenSearch(mode.opensearch === 'down');
  await eventually('the workloads available', async () => {
    const deps = await kube.request('GET', `/apis/apps/v1/namespaces/${ns}/deployments`);
    const sts = await kube.get('apps/v1', 'StatefulSet', 'logclaw-opensearch', ns);
    return deps.items.every((d: any) => d.status?.availableReplicas === 1 && d.status?.observedGeneration === d.metadata.generation) && sts?.status?.readyReplicas === 1;
  }, 60_000);

  return {
    id,
    osAdmin,
    receiverToken,
    vectorAuth,
    async set(n: TenantOptions) {
      for (const list of Object.values(requests)) list.splice(0);
      mode.vector = n.vector ?? 'ok';
      mode.opensearch = n.opensearch ?? 'ok';
      mode.agentRoutes = n.agentRoutes ?? routing;
      mode.receiverToken = n.receiverToken ?? 'ok';
      vectorAuth.splice(0);
      await setExec(n.exec ?? 'ok', n.kafka === 'slow-pod' ? 20 : 0);
      await setKafka(n.kafka ?? 'ok');
      await setTopic(n.anomalyTopic !== false);
      await setFlink(mode.opensearch !== 'off');
      await setOpenSearch(mode.opensearch === 'down');
    },
    namespace: ns,
    root,
    topicsDir,
    env: { KUBECONFIG: c.kubeconfig, LOGCLAW_ROOT: root },
    requests,
    topic: (t) => lines(topicFile(t)),
    ...(broker ? { broker } : {}),
    vectorPod,
    async close() {
      await Promise.all([vector.close(), ...(vectorApi === vector ? [] : [vectorApi.close()]), opensearch.close(), agent.close(), broker?.stop()]);
      sessionsClient?.sessions.closeAll();
      await kube.delete('v1', 'Namespace', ns);
    },
  };
}
