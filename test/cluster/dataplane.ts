// The simulator's data plane (`npm run sim`, or --data-plane): what the containers would serve, for
// `logclaw verify` and `logclaw port-forward` on a tenant installed by the charts. Nothing runs in the pods, so:
// - every KafkaNodePool gets the broker pods Strimzi would make (<cluster>-<pool>-<n>, Strimzi's labels, owned by
//   the pool). The namespace's Kafka is a real Apache Kafka broker (kafka/broker.ts: one per namespace, started
//   with its first broker pod, configured from the Kafka resource), on which this plays Strimzi's topic and user
//   operators (KafkaTopic → topic, KafkaUser → SCRAM-SHA-512 credential from its Secret and ACLs); the broker
//   pods' `kubectl exec` runs the real console tools against it and their ports 9092/9093 forward to it. Where
//   Java is missing, the console producer/consumer stand-ins of handlers/bin over this namespace's topic files
//   (<topics>/<namespace>/<topic>.log) take its place;
// - the pods' ports are routed (kwok PortForward per pod) to local servers, one set per namespace:
//   Vector's HTTP source and API on the ingestion receiver (8080, 8686: accepted events are produced to raw-logs,
//   as Vector's Kafka sink would), OpenSearch (9200: a real OpenSearch node, opensearch/front.ts, started by the
//   first request, indexing what reaches raw-logs as the ETL job would; plain HTTP without authentication, as
//   dev's StatefulSet runs it with the security plugin off; the operator's clusters get no pods here) and
//   the ticketing agent (8080: /healthz, and /incidents?marker= raising one incident per
//   anomaly event with the marker, routed as the agent's ConfigMap `routing` says).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import YAML from 'yaml';
import type { Kube, KubeObject } from './lib/kube.ts';
import { STAGE_API } from './stages/common.ts';
import { kafkaAvailable, specOf, startBroker, type KafkaBroker } from './kafka/broker.ts';
import { openSearchFront } from './opensearch/front.ts';

export interface DataPlaneOptions {
  kube: Kube;
  topicsDir: string;
  handlersDir: string;
  log: (m: string) => void;
  /** Serve only these namespaces (default: all). */
  namespaces?: (namespace: string) => boolean;
}

interface NamespacePlane {
  vector: number;
  opensearch: number;
  agent: number;
  servers: Server[];
  closers: Array<() => Promise<void>>;
}

const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let b = '';
  req.on('data', (c) => (b += c));
  req.on('end', () => resolve(b));
});

async function serve(handler: (req: IncomingMessage, text: string, url: URL) => Promise<[number, unknown?]> | [number, unknown?]): Promise<{ port: number; server: Server }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      const [status, data] = await handler(req, await body(req), url);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(data === undefined ? '' : JSON.stringify(data));
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(e) }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, server };
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const parse = (l: string): Record<string, unknown> => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return { message: l }; } };

export function startDataPlane(o: DataPlaneOptions): { stop(): void } {
  const planes = new Map<string, Promise<NamespacePlane>>();
  const stoppers: Array<() => void> = [];
  const realKafka = kafkaAvailable();
  if (!realKafka) o.log('data plane: Java or the Kafka build is missing (node test/cluster/kafka/build.mjs): Kafka console tools are stand-ins');
  const brokers = new Map<string, Promise<KafkaBroker>>();
  /** The namespace's broker, started from its Kafka resource with the first broker pod. */
  const brokerOf = (ns: string, pod?: string, cluster?: string): Promise<KafkaBroker> | undefined => {
    let b = brokers.get(ns);
    if (b || !realKafka || !pod) return b;
    b = (async () => {
      // the Kafka resource the pod's cluster label names (it may land a moment after its node pool)
      let kafka: any;
      for (let i = 0; i < 100 && !kafka; i++) {
        kafka = await o.kube.get('kafka.strimzi.io/v1', 'Kafka', cluster ?? pod.split('-')[0]!, ns).catch(() => undefined);
        if (!kafka) await new Promise((r) => setTimeout(r, 300));
      }
      if (!kafka) throw new Error(`no Kafka ${cluster} in ${ns} for broker pod ${pod}`);
      const spec = specOf(kafka, pod);
      // one broker plays the node pools: what needs more replicas than one is capped
      spec.config = { ...spec.config, 'default.replication.factor': 1, 'min.insync.replicas': 1 };
      const broker = await startBroker(join(o.topicsDir, '..', 'kafka', ns), spec, o.log);
      const topics = topicsOf(ns);
      await broker.mirror('raw-logs', join(topics, 'raw-logs.log'));
      await broker.mirror('anomaly-events', join(topics, 'anomaly-events.log'));
      return broker;
    })();
    b.catch((e) => o.log(`data plane: Kafka broker of ${ns}: ${String(e)}`));
    brokers.set(ns, b);
    return b;
  };
  const topicsOf = (ns: string) => {
    const dir = join(o.topicsDir, ns);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  const plane = (ns: string): Promise<NamespacePlane> => {
    let p = planes.get(ns);
    if (p) return p;
    p = (async () => {
      const topics = topicsOf(ns);
      const topic = (t: string) => join(topics, `${t}.log`);
      const vector = await serve((req, text) => {
        if (req.method === 'GET') return [200, { ok: true }];
        let events: unknown[];
        try {
          const parsed = JSON.parse(text) as unknown;
          events = Array.isArray(parsed) ? parsed : [parsed];
        } catch {
          events = text.split('\n').filter((l) => l.trim()).map(parse);
        }
        // Vector's Kafka sink: accepted at once (acknowledgements off), delivered to the broker after
        const broker = brokers.get(ns);
        for (const e of events) {
          if (broker) void broker.then((b) => b.produce('raw-logs', JSON.stringify(e))).catch((err) => o.log(`data plane: vector → raw-logs in ${ns}: ${String(err)}`));
          else appendFileSync(topic('raw-logs'), `${JSON.stringify(e)}\n`);
        }
        return [200];
      });
      // the real OpenSearch node, started by the first request (most namespaces never search)
      const opensearch = await openSearchFront({ dir: join(o.topicsDir, '..', 'opensearch', ns), rawLogs: topic('raw-logs'), log: o.log });
      const agent = await serve(async (_req, _text, url) => {
        if (url.pathname === '/healthz' || url.pathname === '/readyz') return [200, { status: 'ok' }];
        if (url.pathname === '/incidents') {
          const marker = url.searchParams.get('marker') ?? '';
          const cm = await o.kube.get('v1', 'ConfigMap', 'logclaw-ticketing-agent', ns).catch(() => undefined);
          const routing = ((YAML.parse(cm?.data?.['config.yaml'] ?? '') ?? {}) as { routing?: Record<string, string[]> }).routing ?? {};
          const incidents = lines(topic('anomaly-events'))
            .map(parse)
            .filter((e) => e.marker === marker)
            .map((e, i) => ({ id: `INC-${i + 1}`, marker: e.marker, severity: e.severity, platforms: routing[String(e.severity)] ?? [] }));
          return [200, { incidents }];
        }
        return [404, { error: 'not found' }];
      });
      o.log(`data plane for ${ns}: vector :${vector.port}, opensearch :${opensearch.port}, ticketing agent :${agent.port}, topics ${topics}`);
      return { vector: vector.port, opensearch: opensearch.port, agent: agent.port, servers: [vector.server, agent.server], closers: [() => opensearch.close()] };
    })();
    planes.set(ns, p);
    return p;
  };

  const routes = (pod: KubeObject, p: NamespacePlane): Array<[number, number]> => {
    const labels: Record<string, string> = (pod.metadata.labels as Record<string, string> | undefined) ?? {};
    const name = labels['app.kubernetes.io/name'];
    if (name === 'logclaw-ingestion' && labels['app.kubernetes.io/component'] === 'receiver') return [[8080, p.vector], [8686, p.vector]];
    if (name === 'logclaw-opensearch') return [[9200, p.opensearch]];
    if (name === 'logclaw-ticketing-agent') return [[8080, p.agent]];
    return [];
  };

  stoppers.push(o.kube.informer('/api/v1/pods', (type, pod: KubeObject) => onPod(type, pod).catch((e) => o.log(`data plane: pod ${pod.metadata.namespace}/${pod.metadata.name}: ${String(e)}`)), (e) => o.log(`data plane pods: ${String(e)}`)));

  const mine = (ns: string | undefined) => Boolean(ns) && (o.namespaces?.(ns!) ?? true);

  // a deleted namespace takes its programs along (its broker and OpenSearch node; a new one starts if it comes back)
  const closePlane = (p: Promise<NamespacePlane>) => void p.then((x) => { x.servers.forEach((s) => { s.close(); s.closeAllConnections(); }); for (const c of x.closers) void c().catch(() => undefined); }, () => undefined);
  stoppers.push(o.kube.informer('/api/v1/namespaces', (type, ns: KubeObject) => {
    const name = ns.metadata.name!;
    if (type !== 'DELETED' || !mine(name)) return;
    const p = planes.get(name);
    if (p) closePlane(p);
    planes.delete(name);
    const b = brokers.get(name);
    if (b) void b.then((x) => x.stop(), () => undefined);
    brokers.delete(name);
  }, (e) => o.log(`data plane namespaces: ${String(e)}`)));

  async function onPod(type: string, pod: KubeObject): Promise<void> {
    if (type === 'DELETED' || !mine(pod.metadata.namespace)) return;
    const ns = pod.metadata.namespace!;
    const labels: Record<string, string> = (pod.metadata.labels as Record<string, string> | undefined) ?? {};
    if (labels['strimzi.io/kind'] === 'Kafka' && labels['sim.logclaw.dev/data-plane'] === 'broker') {
      const started = brokerOf(ns, pod.metadata.name, labels['strimzi.io/cluster']);
      const broker = await started?.catch(() => undefined);
      if (started && !broker) {
        // the broker did not start: as with a container that is not running, every exec into the pod fails
        // (kwok cannot enter a working directory that does not exist) instead of falling to the stand-in tools
        await o.kube.apply({ apiVersion: STAGE_API, kind: 'Exec', metadata: { name: pod.metadata.name, namespace: ns },
          spec: { execs: [{ local: { workDir: join(o.topicsDir, '..', 'kafka', ns, 'broker-did-not-start') } }] } } as KubeObject);
        return;
      }
      if (broker) {
        await o.kube.apply({ apiVersion: STAGE_API, kind: 'Exec', metadata: { name: pod.metadata.name, namespace: ns }, spec: { execs: [{ local: { workDir: broker.workDir, envs: broker.env } }] } } as KubeObject);
        await o.kube.apply({ apiVersion: STAGE_API, kind: 'PortForward', metadata: { name: pod.metadata.name, namespace: ns },
          spec: { forwards: broker.spec.listeners.map((l) => ({ ports: [l.port], target: { port: l.port, address: broker.address } })) } } as KubeObject);
        return;
      }
      await o.kube.apply({ apiVersion: STAGE_API, kind: 'Exec', metadata: { name: pod.metadata.name, namespace: ns },
        spec: { execs: [{ local: { workDir: join(o.handlersDir, 'root'), envs: [{ name: 'SIM_TOPICS_DIR', value: topicsOf(ns) }, { name: 'PATH', value: `${join(o.handlersDir, 'bin')}:${process.env.PATH}` }] } }] } } as KubeObject);
      return;
    }
    if (!labels['logclaw.io/tenant'] || !routes(pod, { vector: 0, opensearch: 0, agent: 0, servers: [], closers: [] }).length) return;
    const p = await plane(ns);
    await o.kube.apply({ apiVersion: STAGE_API, kind: 'PortForward', metadata: { name: pod.metadata.name, namespace: ns },
      spec: { forwards: routes(pod, p).map(([port, local]) => ({ ports: [port], target: { port: local, address: '127.0.0.1' } })) } } as KubeObject);
  }

  // Strimzi's broker pods for each node pool (StrimziPodSet pods: <cluster>-<pool>-<n>)
  const pools = async (type: string, pool: any) => {
    if (type === 'DELETED' || pool.metadata.deletionTimestamp || !mine(pool.metadata.namespace)) return;
    const cluster = pool.metadata.labels?.['strimzi.io/cluster'];
    if (!cluster) return;
    const ns = pool.metadata.namespace!;
    const roles: string[] = pool.spec?.roles ?? ['broker'];
    const replicas = Number(pool.spec?.replicas ?? 1);
    for (let i = 0; i < replicas; i++) {
      const name = `${cluster}-${pool.metadata.name}-${i}`;
      if (await o.kube.get('v1', 'Pod', name, ns)) continue;
      await o.kube.create({ apiVersion: 'v1', kind: 'Pod',
        metadata: { name, namespace: ns,
          labels: { 'strimzi.io/cluster': cluster, 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${cluster}-kafka`, 'strimzi.io/pool-name': pool.metadata.name!,
            'strimzi.io/broker-role': String(roles.includes('broker')), 'strimzi.io/controller-role': String(roles.includes('controller')), 'sim.logclaw.dev/data-plane': 'broker' },
          ownerReferences: [{ apiVersion: pool.apiVersion!, kind: 'KafkaNodePool', name: pool.metadata.name!, uid: pool.metadata.uid as string, controller: true }] },
        // what Strimzi sets: the tenant namespaces enforce Pod Security "restricted"
        spec: { securityContext: { runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:0.50.1-kafka-4.1.1', ports: [{ name: 'tcp-plain', containerPort: 9092 }, { name: 'tcp-tls', containerPort: 9093 }],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } }] } } as KubeObject)
        .then(() => o.log(`data plane: broker pod ${ns}/${name} for KafkaNodePool ${pool.metadata.name}`),
          (e: { status?: number }) => (e.status === 409 ? undefined : o.log(`data plane: broker pod ${ns}/${name}: ${String(e)}`)));
    }
  };
  // the CRD comes later (operators install): until then the list answers 404 and the informer retries
  stoppers.push(o.kube.informer('/apis/kafka.strimzi.io/v1/kafkanodepools', (type, pool) => pools(type, pool).catch((e) => o.log(`data plane: node pool: ${String(e)}`)), (e) => {
    if (![404, 429].includes((e as { status?: number }).status ?? 0)) o.log(`data plane node pools: ${String(e)}`);
  }));

  // Strimzi's topic operator: each KafkaTopic a topic on the namespace's broker (replicas capped at its one node)
  const onTopic = async (type: string, t: any) => {
    if (!mine(t.metadata.namespace)) return;
    const broker = await brokerOf(t.metadata.namespace);
    if (!broker) return;
    const name = String(t.spec?.topicName ?? t.metadata.name);
    if (type === 'DELETED') return void (await broker.deleteTopic(name));
    const config = Object.fromEntries(Object.entries((t.spec?.config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, k === 'min.insync.replicas' ? '1' : String(v)]));
    await broker.topic(name, Number(t.spec?.partitions ?? 1), 1, config);
  };
  // Strimzi's user operator: the SCRAM-SHA-512 credential of the user's Secret (the operator stage writes it) and its ACLs
  const onUser = async (type: string, u: any) => {
    if (!mine(u.metadata.namespace)) return;
    const ns = u.metadata.namespace;
    const broker = await brokerOf(ns);
    if (!broker) return;
    const name = String(u.metadata.name);
    if (type === 'DELETED') return void (await broker.deleteUser(name));
    if (u.spec?.authentication?.type === 'scram-sha-512') {
      let secret: (KubeObject & { data?: Record<string, string> }) | undefined;
      for (let i = 0; i < 50 && !(secret = await o.kube.get('v1', 'Secret', name, ns)); i++) await new Promise((r) => setTimeout(r, 200));
      const password = secret?.data?.password ? Buffer.from(String(secret.data.password), 'base64').toString('utf8') : undefined;
      if (password) await broker.user(name, password);
      else o.log(`data plane: KafkaUser ${ns}/${name}: its Secret has no password yet`);
    }
    const acls = ((u.spec?.authorization?.acls ?? []) as Array<{ resource?: { type?: string; name?: string; patternType?: string }; operations?: string[]; operation?: string }>).map((a) => ({
      type: String(a.resource?.type ?? 'topic'), name: String(a.resource?.name ?? '*'), pattern: String(a.resource?.patternType ?? 'literal'),
      operations: [...(a.operations ?? []), ...(a.operation ? [a.operation] : [])],
    }));
    await broker.acls(name, acls);
  };
  const strimziErrors = (what: string) => (e: unknown) => {
    if (![404, 429].includes((e as { status?: number }).status ?? 0)) o.log(`data plane ${what}: ${String(e)}`);
  };
  if (realKafka) {
    // a namespace's topics and users wait for its broker (started with its first broker pod)
    // status writes do not change what the operators do: one reconcile per generation
    const seen = new Map<string, unknown>();
    const later = (fn: (type: string, obj: any) => Promise<void>) => (type: string, obj: any) => {
      if (!mine(obj.metadata.namespace)) return;
      const key = String(obj.metadata.uid);
      if (type !== 'DELETED' && seen.get(key) === obj.metadata.generation) return;
      seen.set(key, obj.metadata.generation);
      const run = async () => {
        for (let i = 0; i < 600 && !brokers.has(obj.metadata.namespace); i++) await new Promise((r) => setTimeout(r, 500));
        await fn(type, obj);
      };
      run().catch((e) => o.log(`data plane: ${obj.kind ?? 'object'} ${obj.metadata.namespace}/${obj.metadata.name}: ${String(e)}`));
    };
    stoppers.push(o.kube.informer('/apis/kafka.strimzi.io/v1/kafkatopics', later(onTopic), strimziErrors('topics')));
    stoppers.push(o.kube.informer('/apis/kafka.strimzi.io/v1/kafkausers', later(onUser), strimziErrors('users')));
  }

  return {
    stop() {
      for (const b of brokers.values()) void b.then((x) => x.stop(), () => undefined);
      for (const s of stoppers) { try { s(); } catch { /* stopped */ } }
      for (const p of planes.values()) closePlane(p);
    },
  };
}
