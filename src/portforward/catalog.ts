/**
 * Which Services of a tenant are worth forwarding, found by labels rather than names so the list follows
 * the charts: `logclaw.io/component` (logclaw-common's selector label) for LogClaw's own charts, and the
 * labels the wrapped upstream charts and operators put on theirs (Strimzi `strimzi.io/*`, the OpenSearch
 * operator's `opster.io/opensearch-cluster`, the Airflow chart's `component`/`tier`, Zammad's
 * `app.kubernetes.io/name`). Each entry says which Service port to use and the usual local port.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';

export interface CatalogEntry {
  /** Name used in --services and in the table. */
  key: string;
  title: string;
  /** Tenant values key of the component (ingestion, kafka, opensearch, ...). */
  component: string;
  /** Service ports to use, in order of preference (first one present wins). */
  ports: number[];
  /** Port names accepted when none of the numbers is present. */
  portNames?: string[];
  /** Usual local port (the next free one is used when it is taken). */
  localPort: number;
  scheme: 'http' | 'https' | 'tcp';
  /** Served over TLS outside `environment: dev` (OpenSearch with its security plugin on). */
  tlsOutsideDev?: boolean;
  /** A path worth opening (display only). */
  path?: string;
  note?: string;
  match(svc: V1Service): boolean;
  /** Among several matches, lower ranks first (default: shortest name). */
  rank?(svc: V1Service): number;
}

const labels = (s: V1Service): Record<string, string> => s.metadata?.labels ?? {};
const comp = (s: V1Service): string | undefined => labels(s)['logclaw.io/component'];
const name = (s: V1Service): string => s.metadata?.name ?? '';
const headless = (s: V1Service): boolean => s.spec?.clusterIP === 'None';


export const catalog: readonly CatalogEntry[] = [
  {
    key: 'vector-http',
    title: 'Vector HTTP source',
    component: 'ingestion',
    ports: [8080],
    portNames: ['http'],
    localPort: 8080,
    scheme: 'http',
    // the receiver's inputs use TLS outside dev unless the tenant turns it off (ingestion.receiver.security.tls)
    tlsOutsideDev: true,
    match: (s) => comp(s) === 'ingestion' && !headless(s),
  },
  {
    key: 'vector-api',
    title: 'Vector API',
    component: 'ingestion',
    ports: [8686],
    portNames: ['api'],
    localPort: 8686,
    scheme: 'http',
    path: '/health',
    match: (s) => comp(s) === 'ingestion' && !headless(s),
  },
  {
    key: 'vector-metrics',
    title: 'Vector metrics',
    component: 'ingestion',
    ports: [9598],
    portNames: ['metrics', 'prom-exporter'],
    localPort: 9598,
    scheme: 'http',
    path: '/metrics',
    match: (s) => comp(s) === 'ingestion' && !headless(s),
  },
  {
    key: 'opensearch',
    title: 'OpenSearch',
    component: 'opensearch',
    ports: [9200],
    portNames: ['http'],
    localPort: 9200,
    scheme: 'http',
    tlsOutsideDev: true,
    match: (s) => !headless(s) && (comp(s) === 'opensearch' || 'opster.io/opensearch-cluster' in labels(s)) && !/dashboards/.test(name(s)),
    // the cluster's own Service (logclaw-opensearch) before per-node-pool ones (logclaw-opensearch-masters)
    rank: (s) => (name(s) === 'logclaw-opensearch' ? 0 : name(s).length),
  },
  {
    key: 'opensearch-dashboards',
    title: 'OpenSearch Dashboards',
    component: 'opensearch',
    ports: [5601],
    localPort: 5601,
    scheme: 'http',
    match: (s) => !headless(s) && (comp(s) === 'opensearch' || 'opster.io/opensearch-cluster' in labels(s)),
  },
  {
    key: 'kafka-bootstrap',
    title: 'Kafka bootstrap',
    component: 'kafka',
    ports: [9092, 9093],
    localPort: 9092,
    scheme: 'tcp',
    note: 'bootstrap only: brokers advertise in-cluster addresses',
    match: (s) => !headless(s) && (labels(s)['strimzi.io/kind'] === 'Kafka' || comp(s) === 'kafka') && name(s).endsWith('-kafka-bootstrap'),
  },
  {
    key: 'airflow-webserver',
    title: 'Airflow webserver',
    component: 'airflow',
    ports: [8080],
    portNames: ['airflow-ui', 'http'],
    localPort: 8080,
    scheme: 'http',
    match: (s) =>
      !headless(s) &&
      ((labels(s).tier === 'airflow' && (labels(s).component === 'webserver' || labels(s).component === 'api-server')) ||
        (comp(s) === 'airflow' && /(webserver|api-server)$/.test(name(s)))),
  },
  {
    key: 'feast',
    title: 'Feast feature server',
    component: 'mlEngine',
    ports: [6567, 6566],
    portNames: ['http', 'feast'],
    localPort: 6567,
    scheme: 'http',
    match: (s) => !headless(s) && ((comp(s) === 'ml-engine' && /feast/.test(name(s) + (labels(s)['app.kubernetes.io/component'] ?? ''))) || labels(s)['app.kubernetes.io/name'] === 'feast'),
  },
  {
    key: 'ticketing-agent',
    title: 'Ticketing agent',
    component: 'ticketingAgent',
    ports: [8080],
    portNames: ['http'],
    localPort: 8080,
    scheme: 'http',
    match: (s) => !headless(s) && comp(s) === 'ticketing-agent',
  },
  {
    key: 'zammad',
    title: 'Zammad',
    component: 'zammad',
    ports: [8080, 80],
    portNames: ['http'],
    localPort: 8080,
    scheme: 'http',
    match: (s) => !headless(s) && (comp(s) === 'zammad' || labels(s)['app.kubernetes.io/name'] === 'zammad') && /nginx|^zammad$|^logclaw-zammad$/.test(name(s)),
    rank: (s) => (/nginx/.test(name(s)) ? 0 : 1),
  },
];

export const schemeFor = (entry: CatalogEntry, environment: string | undefined): CatalogEntry['scheme'] =>
  entry.tlsOutsideDev && environment !== 'dev' ? 'https' : entry.scheme;

export const catalogKeys = (): string[] => catalog.map((e) => e.key);

export interface FoundService {
  entry: CatalogEntry;
  service: string;
  port: V1ServicePort;
}

export function portOf(entry: CatalogEntry, svc: V1Service): V1ServicePort | undefined {
  const ports = svc.spec?.ports ?? [];
  for (const n of entry.ports) {
    const p = ports.find((x) => x.port === n);
    if (p) return p;
  }
  for (const n of entry.portNames ?? []) {
    const p = ports.find((x) => x.name === n);
    if (p) return p;
  }
  return undefined;
}

/** The Service and port of each catalog entry found among a namespace's Services (entries not found are absent). */
export function discover(services: V1Service[], keys?: string[]): FoundService[] {
  const found: FoundService[] = [];
  for (const entry of catalog) {
    if (keys && !keys.includes(entry.key)) continue;
    const candidates = services
      .filter((s) => entry.match(s) && portOf(entry, s))
      .sort((a, b) => (entry.rank ? entry.rank(a) - entry.rank(b) : 0) || name(a).length - name(b).length || name(a).localeCompare(name(b)));
    const svc = candidates[0];
    if (svc) found.push({ entry, service: name(svc), port: portOf(entry, svc)! });
  }
  return found;
}

