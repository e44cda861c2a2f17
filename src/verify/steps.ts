/**
 * The six steps of `logclaw verify`, in pipeline order. Each returns pass / fail / skip with evidence; on
 * failure it names the hop that broke and what to do. Steps talk to the cluster only through the API
 * server: port-forwards (HTTP hops) and exec in pods (Kafka hops).
 */
import { parse as parseYaml } from 'yaml';
import { LogclawError } from '../errors.js';
import { catalog, discover, schemeFor } from '../portforward/catalog.js';
import type { ForwardManager } from '../portforward/forwarder.js';
import { statusOf, type Kube, type V1Pod, type V1Service } from '../portforward/kube.js';
import { verdict } from '../readiness/verdict.js';
import type { KubeObject } from '../readiness/types.js';
import type { IncidentSeverity } from '../tenant/types.js';
import { describeExecFailure, type ExecSessions } from './exec.js';
import { httpCall, isOk, snippet, type HttpResponse } from './http.js';
import {
  credentialsFor,
  findBroker,
  listKind,
  preferredVersion,
  topicState,
  watchTopic,
  producerCommand,
  TIMEOUT_EXIT,
  type Broker,
  type KafkaCredentials,
  type TopicWatch,
} from './kafka.js';
import { formatDuration, type Closer, type Step, type StepContext } from './runner.js';
import type { TenantInfo } from './tenant.js';
import type { StepOutcome } from './types.js';

export const RAW_TOPIC = 'raw-logs';
export const ANOMALY_TOPIC = 'anomaly-events';
export const LOGS_INDEX = 'logclaw-logs-*';
/** Re-send the marker when it has not shown up after this long (a consumer that started at "latest" may have joined after it). */
export const RESEND_AFTER_MS = 8000;
export const MAX_SENDS = 3;
/** Time given to a just-started console consumer before the marker is sent. */
export const CONSUMER_SETTLE_MS = 500;

export interface VerifyEnv {
  kube: Kube;
  tenant: TenantInfo;
  namespace: string;
  marker: string;
  startedAt: string;
  sessions: ExecSessions;
  forwards: ForwardManager;
  /** Marker data to remove at the end (unless --keep-data). */
  data: Closer;
  keepData: boolean;
  state: VerifyState;
}

export interface VerifyState {
  services?: V1Service[];
  broker?: Broker;
  brokerError?: unknown;
  rawWatch?: TopicWatch;
  rawGroup?: string;
  ingest?: { send(): Promise<HttpResponse>; sends: number; url: string };
  anomaly?: { severity: IncidentSeverity; seen: boolean };
  /** Data kept because of --keep-data (reported). */
  kept: string[];
}

type Ctx = VerifyEnv & StepContext;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** A share of the time left, at least `min` ms (and never past the deadline). */
const budget = (ctx: Ctx, share: number, min = 3000) => Math.min(ctx.remaining(), Math.max(min, ctx.remaining() * share));

const firstLine = (s: string): string => s.split('\n')[0]!.trim();

const errText = (e: unknown): string => {
  const body = (e as { body?: unknown })?.body;
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return e instanceof Error ? e.message : String(e);
};

async function services(ctx: Ctx): Promise<V1Service[]> {
  ctx.state.services ??= (await ctx.kube.core.listNamespacedService({ namespace: ctx.namespace })).items;
  return ctx.state.services;
}

interface Forwarded {
  /** What the node last reported about a connection through the forward (refused, reset...). */
  lastError(): string | undefined;
  base: string;
  service: string;
  servicePort: number;
  pod: string | undefined;
  label: string;
}

/** Forward the Service a catalog entry finds (on any free local port). */
async function forwardTo(ctx: Ctx, key: string): Promise<Forwarded> {
  const entry = catalog.find((e) => e.key === key)!;
  const found = discover(await services(ctx), [key])[0];
  if (!found) {
    throw new LogclawError(`no ${entry.title} Service in ${ctx.namespace} (looked for logclaw.io/component=${entryComponentLabel(key)} with port ${entry.ports.join(' or ')})`, {
      hint: `Is the ${entry.component} component installed? logclaw status --tenant ${ctx.tenant.id}`,
    });
  }
  const fwd = await ctx.forwards.add({
    name: `verify-${key}`,
    namespace: ctx.namespace,
    service: found.service,
    servicePort: found.port.port,
    localPort: 0,
    scheme: schemeFor(entry, ctx.tenant.environment),
  });
  const info = fwd.info();
  if (!info.pod) {
    throw new LogclawError(`cannot forward to svc/${found.service}:${found.port.port}: ${info.message ?? 'no ready pod'}`, {
      hint: `kubectl -n ${ctx.namespace} get pods shows why no pod behind ${found.service} is ready.`,
    });
  }
  const scheme = schemeFor(entry, ctx.tenant.environment) === 'https' ? 'https' : 'http';
  return { lastError: () => fwd.info().lastError, base: `${scheme}://127.0.0.1:${info.localPort}`, service: found.service, servicePort: found.port.port, pod: info.pod, label: `svc/${found.service}:${found.port.port}` };
}

const entryComponentLabel = (key: string): string => {
  const c = catalog.find((e) => e.key === key)!.component;
  return c === 'mlEngine' ? 'ml-engine' : c === 'ticketingAgent' ? 'ticketing-agent' : c;
};

// ---------------------------------------------------------------------------------------------------
// 1. components ready

/** Kinds whose objects make up a tenant, by API group (only the ones the cluster serves are listed). */
export const TENANT_KINDS: Array<[group: string, kind: string]> = [
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['batch', 'Job'],
  ['', 'PersistentVolumeClaim'],
  ['', 'Pod'],
  ['kafka.strimzi.io', 'Kafka'],
  ['kafka.strimzi.io', 'KafkaNodePool'],
  ['kafka.strimzi.io', 'KafkaTopic'],
  ['kafka.strimzi.io', 'KafkaUser'],
  ['kafka.strimzi.io', 'KafkaMirrorMaker2'],
  ['kafka.strimzi.io', 'KafkaConnect'],
  ['opensearch.opster.io', 'OpenSearchCluster'],
  ['flink.apache.org', 'FlinkDeployment'],
  ['serving.kserve.io', 'InferenceService'],
  ['external-secrets.io', 'ExternalSecret'],
  ['external-secrets.io', 'SecretStore'],
  ['cert-manager.io', 'Certificate'],
  ['cert-manager.io', 'Issuer'],
];

export function componentOf(o: KubeObject): string {
  const l = o.metadata?.labels ?? {};
  return l['logclaw.io/component'] ?? (l['strimzi.io/cluster'] ? 'kafka' : l['opster.io/opensearch-cluster'] ? 'opensearch' : l.tier === 'airflow' ? 'airflow' : l['app.kubernetes.io/name'] ?? 'other');
}

/** Pods and Jobs that a controller owns are judged through their owner (a CronJob's runs are transient). */
const ownedAway = (o: KubeObject): boolean =>
  (o.kind === 'Pod' && Boolean(o.metadata?.ownerReferences?.length)) || (o.kind === 'Job' && Boolean(o.metadata?.ownerReferences?.some((r) => r.kind === 'CronJob')));

export async function tenantObjects(kube: Kube, namespace: string): Promise<KubeObject[]> {
  const apis = await kube.kc.makeApiClient(kube.k8s.ApisApi).getAPIVersions();
  const versions = new Map<string, string>([['', 'v1']]);
  for (const g of apis.groups) versions.set(g.name, g.preferredVersion?.groupVersion ?? g.versions[0]!.groupVersion);
  const lists = await Promise.all(
    TENANT_KINDS.filter(([g]) => versions.has(g)).map(async ([g, kind]) => {
      const apiVersion = versions.get(g)!;
      const items = (await listKind(kube, apiVersion, kind, namespace)) ?? [];
      return items.map((o) => ({ ...(o as KubeObject), apiVersion, kind }));
    }),
  );
  return lists.flat().filter((o) => !ownedAway(o));
}

/** One row per component: from the helm releases (as `logclaw status` shows) or, without releases, by label. */
interface ComponentVerdicts {
  source: string;
  total: number;
  rows: Array<{ component: string; status: string; message: string; objects: number }>;
  notReady: string[];
}

/** Installed with helm (logclaw install / dev up): the lifecycle engine's rows over each release's objects. */
async function releaseVerdicts(ctx: Ctx, api: import('../cluster/api.js').KubeApi): Promise<ComponentVerdicts | undefined> {
  const { tenantStatus } = await import('../cluster/tenant-state.js');
  const { rows } = await tenantStatus(api, ctx.namespace, ctx.signal);
  if (!rows.length) return undefined;
  const bad = rows.filter((r) => r.status !== 'ready');
  return {
    source: `${rows.length} helm releases`,
    total: rows.reduce((n, r) => n + r.objects, 0),
    rows: rows.map((r) => ({ component: r.component, status: r.status, message: r.message, objects: r.objects })),
    notReady: bad.map((r) => `${r.component} (release ${r.release}): ${r.status} — ${r.message}`),
  };
}

/** Applied another way (Argo CD renders and applies without helm releases): every tenant object by kind. */
async function namespaceVerdicts(ctx: Ctx): Promise<ComponentVerdicts> {
  const objects = await tenantObjects(ctx.kube, ctx.namespace);
  const byComponent = new Map<string, { status: string; message: string; objects: number }>();
  const rank: Record<string, number> = { failed: 0, progressing: 1, ready: 2 };
  const notReady: string[] = [];
  for (const o of objects) {
    const v = verdict(o);
    const c = componentOf(o);
    const row = byComponent.get(c) ?? { status: 'ready', message: '', objects: 0 };
    row.objects++;
    if (rank[v.status]! < rank[row.status]!) Object.assign(row, { status: v.status, message: `${o.kind}/${o.metadata?.name}: ${v.message}` });
    byComponent.set(c, row);
    if (v.status !== 'ready') notReady.push(`${o.kind}/${o.metadata?.name} (${c}): ${v.status} — ${v.message}`);
  }
  return {
    source: 'objects in the namespace',
    total: objects.length,
    rows: [...byComponent.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([component, r]) => ({ component, ...r })),
    notReady,
  };
}

export const componentsReady: Step<VerifyEnv> = {
  id: 'components',
  title: 'components ready',
  hop: 'tenant components',
  async run(ctx) {
    try {
      await ctx.kube.core.readNamespace({ name: ctx.namespace });
    } catch (e) {
      if (statusOf(e) === 404) {
        return {
          status: 'fail',
          summary: `namespace ${ctx.namespace} does not exist`,
          hop: `namespace ${ctx.namespace}`,
          hint: `Install the tenant: logclaw install --tenant ${ctx.tenant.id} --kube-context ${ctx.kube.context}`,
        };
      }
      throw e;
    }
    return judge(ctx, ctx.kube.api);
  },
};

async function judge(ctx: Ctx, api: import('../cluster/api.js').KubeApi): Promise<StepOutcome> {
  const waitUntil = Date.now() + budget(ctx, 0.25);
  for (;;) {
    const v = (await releaseVerdicts(ctx, api)) ?? (await namespaceVerdicts(ctx));
    if (!v.total) {
      return { status: 'fail', summary: `nothing is installed in ${ctx.namespace}`, hint: `logclaw install --tenant ${ctx.tenant.id}` };
    }
    const progressing = v.rows.some((r) => r.status === 'progressing');
    if (v.notReady.length && progressing && Date.now() < waitUntil && !ctx.signal.aborted) {
      await sleep(1000, ctx.signal);
      continue;
    }
    const perComponent = v.rows.map((r) => `${r.component} ${r.objects}`).join(', ');
    if (!v.notReady.length) {
      return { status: 'pass', summary: `${v.total} objects ready in ${v.rows.length} components`, evidence: [`from ${v.source}: ${perComponent}`] };
    }
    const components = v.rows.filter((r) => r.status !== 'ready').map((r) => r.component);
    return {
      status: 'fail',
      summary: `${components.join(', ')} not ready (${v.notReady.length} of ${v.source === 'objects in the namespace' ? `${v.total} objects` : `${v.rows.length} releases`})`,
      hop: `components: ${components.join(', ')}`,
      evidence: v.notReady.slice(0, 12).concat(v.notReady.length > 12 ? [`… and ${v.notReady.length - 12} more`] : []),
      hint: `logclaw status --tenant ${ctx.tenant.id} explains each one.`,
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. ingest

/** Path of Vector's HTTP source, read from the ingestion chart's Vector config (default "/"). */
export function vectorHttpPath(configs: Array<Record<string, string>>, port = 8080): string {
  for (const data of configs) {
    for (const text of Object.values(data)) {
      let doc: unknown;
      try {
        doc = parseYaml(text);
      } catch {
        continue;
      }
      const sources = (doc as { sources?: Record<string, Record<string, unknown>> })?.sources;
      for (const s of Object.values(sources ?? {})) {
        if (s && (s.type === 'http_server' || s.type === 'http') && String(s.address ?? '').endsWith(`:${port}`)) {
          return typeof s.path === 'string' && s.path ? s.path : '/';
        }
      }
    }
  }
  return '/';
}

export function markerLog(env: Pick<VerifyEnv, 'marker' | 'tenant'>): Record<string, unknown> {
  return {
    message: `logclaw verify marker ${env.marker}`,
    marker: env.marker,
    level: 'info',
    service: 'logclaw-verify',
    source: 'logclaw-verify',
    tenant: env.tenant.id,
    timestamp: new Date().toISOString(),
  };
}

export const consumerGroup = (prefix: string | undefined, marker: string): string => {
  const p = prefix ?? 'logclaw-';
  return `${p}${p === '' || /[-._]$/.test(p) ? '' : '-'}verify-${marker}`;
};

/** Open the raw-logs consumer before the POST, so the marker cannot slip past it. Errors are kept for step 3. */
async function startRawWatch(ctx: Ctx): Promise<void> {
  if (!ctx.tenant.enabled.kafka) return;
  try {
    const broker = (ctx.state.broker ??= await findBroker(ctx.kube, ctx.namespace, ctx.tenant.environment));
    const topic = await topicState(ctx.kube, ctx.namespace, RAW_TOPIC);
    if (topic.state === 'missing') return;
    const creds = await credentialsFor(ctx.kube, ctx.namespace, broker, RAW_TOPIC, 'Read');
    const group = consumerGroup(creds?.groupPrefix, `raw-${ctx.marker}`);
    ctx.state.rawGroup = group;
    // lives across steps 2 and 3: its own signal, closed by the run's closer
    // bounded by what step 3 may wait (a third of the time left) plus slack
    const bound = Math.min(ctx.remaining(), ctx.remaining() / 3 + 10_000);
    ctx.state.rawWatch = watchTopic(ctx.sessions, ctx.namespace, broker, RAW_TOPIC, ctx.marker, group, bound, creds, new AbortController().signal);
  } catch (e) {
    ctx.state.brokerError = e;
  }
}

export const ingest: Step<VerifyEnv> = {
  id: 'ingest',
  title: 'ingest (Vector HTTP)',
  hop: 'client → Vector HTTP source',
  async run(ctx) {
    const fwd = await forwardTo(ctx, 'vector-http');
    const configMaps = (await ctx.kube.core.listNamespacedConfigMap({ namespace: ctx.namespace, labelSelector: 'logclaw.io/component=ingestion' })).items;
    const path = vectorHttpPath(configMaps.map((c) => c.data ?? {}), fwd.servicePort);
    const url = `${fwd.base}${path}`;
    await startRawWatch(ctx);
    // let the consumer start before the marker is sent (a late one is covered by re-sending in step 3)
    if (ctx.state.rawWatch) {
      await Promise.race([ctx.state.rawWatch.opened.then(() => sleep(CONSUMER_SETTLE_MS, ctx.signal)), sleep(10_000, ctx.signal)]);
    }
    const send = () => httpCall({ url, body: markerLog(ctx), signal: ctx.signal, timeoutMs: Math.min(15_000, Math.max(1000, ctx.remaining())) });
    const hop = `client → Vector HTTP source (${fwd.label}, pod ${fwd.pod})`;
    let res: HttpResponse;
    try {
      res = await send();
    } catch (e) {
      ctx.state.rawWatch?.stop();
      return {
        status: 'fail',
        summary: `POST ${path} through the port-forward failed: ${errText(e)}${fwd.lastError() ? ` (${fwd.lastError()})` : ''}`,
        hop,
        evidence: [`POST ${url}`],
        hint: `Is Vector listening on ${fwd.servicePort}? kubectl -n ${ctx.namespace} logs ${fwd.pod}`,
      };
    }
    const evidence = [`POST ${path} → ${res.status} in ${formatDuration(res.durationMs)} (${fwd.label}, pod ${fwd.pod})`];
    if (!isOk(res.status)) {
      ctx.state.rawWatch?.stop();
      if (res.body) evidence.push(`body: ${snippet(res.body)}`);
      return {
        status: 'fail',
        summary: `Vector answered ${res.status} to the marker log`,
        hop,
        evidence,
        hint:
          res.status >= 500
            ? `Vector could not accept the event (often: its Kafka sink is failing). kubectl -n ${ctx.namespace} logs ${fwd.pod}`
            : `Vector rejected the request: check the HTTP source's path and decoding in the ingestion chart's config.`,
      };
    }
    ctx.state.ingest = {
      sends: 1,
      url,
      send: async () => {
        ctx.state.ingest!.sends++;
        return send();
      },
    };
    return { status: 'pass', summary: `marker log accepted (${res.status})`, evidence };
  },
};

// ---------------------------------------------------------------------------------------------------
// 3. Kafka raw-logs

/** Wait for a watch, re-sending every RESEND_AFTER_MS (up to MAX_SENDS in all) while it has not seen the marker. */
async function awaitWatch(watch: TopicWatch, waitMs: number, resend: () => Promise<unknown>, sends: () => number, signal: AbortSignal) {
  const until = Date.now() + waitMs;
  let timer: NodeJS.Timeout | undefined;
  for (;;) {
    const left = until - Date.now();
    const tick = new Promise<'tick'>((r) => (timer = setTimeout(() => r('tick'), Math.max(0, Math.min(left, RESEND_AFTER_MS)))));
    const r = await Promise.race([watch.result, tick]);
    clearTimeout(timer);
    if (r !== 'tick') return r;
    if (Date.now() >= until || signal.aborted) {
      watch.stop();
      return watch.result;
    }
    if (sends() < MAX_SENDS) await resend().catch(() => undefined);
  }
}

export const kafkaRaw: Step<VerifyEnv> = {
  id: 'kafka',
  title: `kafka ${RAW_TOPIC}`,
  hop: `Vector → Kafka ${RAW_TOPIC}`,
  needs: ['ingest'],
  async run(ctx) {
    if (!ctx.tenant.enabled.kafka) return { status: 'skip', summary: 'kafka.enabled is false in the tenant file' };
    if (ctx.state.brokerError) {
      const e = ctx.state.brokerError;
      return {
        status: 'fail',
        summary: errText(e),
        hop: 'Kafka broker pod (exec)',
        ...(e instanceof LogclawError && e.hint ? { hint: e.hint } : {}),
      };
    }
    const topic = await topicState(ctx.kube, ctx.namespace, RAW_TOPIC);
    if (topic.state === 'missing') {
      return { status: 'fail', summary: `topic ${RAW_TOPIC} does not exist (no KafkaTopic for it in ${ctx.namespace})`, hop: `Kafka topic ${RAW_TOPIC}`, hint: 'The kafka chart declares the topics; check `logclaw status` and the topic operator.' };
    }
    const watch = ctx.state.rawWatch;
    const broker = ctx.state.broker;
    if (!watch || !broker || !ctx.state.ingest) return { status: 'fail', summary: 'the raw-logs consumer was not started', hop: 'Kafka broker pod (exec)' };
    const ingestState = ctx.state.ingest;
    const waitMs = budget(ctx, 1 / 3);
    const r = await awaitWatch(watch, waitMs, ingestState.send, () => ingestState.sends, ctx.signal);
    const where = `pod ${broker.pod}, ${broker.bootstrap}${broker.security === 'scram' ? ' SASL_SSL SCRAM-SHA-512' : ' plain'}, group ${ctx.state.rawGroup}`;
    if (r.found) {
      return {
        status: 'pass',
        summary: `marker read back from ${RAW_TOPIC} in ${formatDuration(r.exec.durationMs)}`,
        evidence: [`consumer in ${where}`, `record: ${snippet(r.line ?? '', 160)}`, ...(ingestState.sends > 1 ? [`marker POSTed ${ingestState.sends} times`] : [])],
      };
    }
    if (r.exec.error || (r.exec.exitCode > 0 && r.exec.exitCode !== TIMEOUT_EXIT)) {
      return {
        status: 'fail',
        summary: `the console consumer in pod ${broker.pod} failed${r.exec.error ? `: ${firstLine(r.exec.error)}` : ` (exit ${r.exec.exitCode})`}`,
        hop: `exec into Kafka broker pod ${broker.pod}`,
        evidence: describeExecFailure(r.exec),
        hint: `Check exec works (kubectl -n ${ctx.namespace} exec ${broker.pod} -c ${broker.container} -- ls) and the listener/credentials: ${broker.bootstrap}.`,
      };
    }
    return {
      status: 'fail',
      summary: `marker not on ${RAW_TOPIC} within ${formatDuration(waitMs)} (POSTed ${ingestState.sends} time${ingestState.sends > 1 ? 's' : ''}, Vector answered 2xx)`,
      hop: `Vector → Kafka ${RAW_TOPIC}`,
      evidence: [`consumer in ${where}`, ...(topic.state === 'present' && topic.ready === false ? [`KafkaTopic ${topic.resource}: ${topic.message}`] : [])],
      hint: `Vector accepted the log but did not deliver it: look for Kafka sink errors in its logs (kubectl -n ${ctx.namespace} logs -l logclaw.io/component=ingestion) — bootstrap, listener and credentials must match the environment.`,
    };
  },
};

// ---------------------------------------------------------------------------------------------------
// 4. OpenSearch

async function opensearchAuth(ctx: Ctx): Promise<{ username: string; password: string } | undefined> {
  if (ctx.tenant.environment === 'dev') return undefined;
  try {
    const s = await ctx.kube.core.readNamespacedSecret({ name: 'logclaw-opensearch-admin', namespace: ctx.namespace });
    const d = s.data ?? {};
    if (!d.username || !d.password) return undefined;
    return { username: Buffer.from(d.username, 'base64').toString(), password: Buffer.from(d.password, 'base64').toString() };
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** The marker is in the log's message by construction (markerLog), whatever fields the ETL keeps. */
export const markerQuery = (marker: string) => ({ query: { match_phrase: { message: marker } } });

export const opensearch: Step<VerifyEnv> = {
  id: 'opensearch',
  title: 'opensearch logclaw-logs-*',
  hop: `Kafka → Flink → OpenSearch ${LOGS_INDEX}`,
  needs: ['ingest'],
  async run(ctx) {
    if (!ctx.tenant.enabled.opensearch) return { status: 'skip', summary: 'opensearch.enabled is false in the tenant file' };
    if (!ctx.tenant.enabled.flink) return { status: 'skip', summary: `flink.enabled is false in the tenant file: nothing indexes logs into ${LOGS_INDEX}` };
    const gv = await preferredVersion(ctx.kube, 'flink.apache.org');
    const jobs = gv ? ((await listKind(ctx.kube, gv, 'FlinkDeployment', ctx.namespace)) ?? []) : [];
    const running = jobs.filter((j) => (j as { spec?: { job?: unknown } }).spec?.job);
    if (!running.length) {
      return {
        status: 'skip',
        summary: `no Flink jobs run in ${ctx.namespace}${ctx.tenant.environment === 'dev' ? ' (environment dev turns them off)' : ''}: nothing indexes logs into ${LOGS_INDEX}`,
      };
    }
    const fwd = await forwardTo(ctx, 'opensearch');
    const auth = await opensearchAuth(ctx);
    const url = `${fwd.base}/${LOGS_INDEX}/_search`;
    const waitMs = budget(ctx, 1 / 2);
    const until = Date.now() + waitMs;
    let lastError: string | undefined;
    let answered = 0;
    let tries = 0;
    while (!ctx.signal.aborted) {
      tries++;
      try {
        const res = await httpCall({ url, body: { size: 1, ...markerQuery(ctx.marker) }, auth, signal: ctx.signal, timeoutMs: Math.max(1000, Math.min(5000, until - Date.now())) });
        if (isOk(res.status)) {
          answered++;
          const hits = (res.json as { hits?: { total?: { value?: number } | number; hits?: Array<{ _index?: string; _id?: string }> } })?.hits;
          const total = typeof hits?.total === 'number' ? hits.total : hits?.total?.value ?? hits?.hits?.length ?? 0;
          if (total > 0) {
            const doc = hits?.hits?.[0];
            if (ctx.keepData) ctx.state.kept.push(`OpenSearch documents with the marker in ${LOGS_INDEX}`);
            else {
              ctx.data.add(`OpenSearch documents with the marker in ${LOGS_INDEX}`, async () => {
                const del = await httpCall({ url: `${fwd.base}/${LOGS_INDEX}/_delete_by_query?refresh=true`, body: markerQuery(ctx.marker), auth, timeoutMs: 10_000 });
                if (!isOk(del.status)) throw new Error(`_delete_by_query answered ${del.status}: ${snippet(del.body)}`);
              });
            }
            return {
              status: 'pass',
              summary: `marker indexed (${total} hit${total > 1 ? 's' : ''})`,
              evidence: [`POST /${LOGS_INDEX}/_search (${fwd.label}, pod ${fwd.pod}) → ${res.status}`, ...(doc ? [`document ${doc._index}/${doc._id}`] : [])],
            };
          }
          lastError = undefined;
        } else if (res.status === 404 && /index_not_found/.test(res.body)) {
          answered++;
          lastError = `no index matches ${LOGS_INDEX} yet`;
        } else {
          lastError = `OpenSearch answered ${res.status}: ${snippet(res.body, 160)}`;
        }
      } catch (e) {
        const node = fwd.lastError();
        lastError = node ? `${errText(e)} (${node})` : errText(e);
      }
      if (Date.now() + 1000 >= until) break;
      await sleep(1000, ctx.signal);
    }
    if (!answered) {
      return {
        status: 'fail',
        summary: `OpenSearch did not answer the search (${tries} ${tries === 1 ? 'try' : 'tries'} in ${formatDuration(waitMs)}): ${lastError ?? 'no answer'}`,
        hop: `OpenSearch (${fwd.label})`,
        evidence: [`POST /${LOGS_INDEX}/_search via pod ${fwd.pod}`],
        hint: `Check OpenSearch's health: kubectl -n ${ctx.namespace} logs ${fwd.pod}; logclaw status --tenant ${ctx.tenant.id}`,
      };
    }
    return {
      status: 'fail',
      summary: `marker not indexed in ${LOGS_INDEX} within ${formatDuration(waitMs)}${lastError ? ` (${lastError})` : ''}`,
      hop: `Kafka → Flink → OpenSearch ${LOGS_INDEX}`,
      evidence: [`POST /${LOGS_INDEX}/_search (${fwd.label}) answered ${answered} time${answered > 1 ? 's' : ''} without the marker`],
      hint: 'The ETL Flink job reads raw-logs and writes the index: check the FlinkDeployment job state and its task manager logs.',
    };
  },
};

// ---------------------------------------------------------------------------------------------------
// 5. anomalies

/** The severity of the synthetic anomaly: the mildest one the tenant routes somewhere (else low). */
export function anomalySeverity(tenant: Pick<TenantInfo, 'routing'>): IncidentSeverity {
  const order: IncidentSeverity[] = ['low', 'medium', 'high', 'critical'];
  return order.find((s) => tenant.routing[s].length > 0) ?? 'low';
}

export function anomalyEvent(env: Pick<VerifyEnv, 'marker' | 'tenant'>, severity: IncidentSeverity): Record<string, unknown> {
  return {
    type: 'anomaly',
    marker: env.marker,
    tenant: env.tenant.id,
    severity,
    service: 'logclaw-verify',
    message: `logclaw verify synthetic anomaly ${env.marker}`,
    score: 0.99,
    synthetic: true,
    timestamp: new Date().toISOString(),
  };
}

export const anomalies: Step<VerifyEnv> = {
  id: 'anomalies',
  title: `anomalies ${ANOMALY_TOPIC}`,
  hop: `Kafka ${ANOMALY_TOPIC}`,
  async run(ctx) {
    if (!ctx.tenant.enabled.kafka) return { status: 'skip', summary: 'kafka.enabled is false in the tenant file' };
    let broker: Broker;
    try {
      broker = ctx.state.broker ??= await findBroker(ctx.kube, ctx.namespace, ctx.tenant.environment);
    } catch (e) {
      return { status: 'fail', summary: errText(e), hop: 'Kafka broker pod (exec)', ...(e instanceof LogclawError && e.hint ? { hint: e.hint } : {}) };
    }
    const topic = await topicState(ctx.kube, ctx.namespace, ANOMALY_TOPIC);
    if (topic.state === 'missing') {
      return {
        status: 'fail',
        summary: `topic ${ANOMALY_TOPIC} does not exist (no KafkaTopic for it in ${ctx.namespace})`,
        hop: `Kafka topic ${ANOMALY_TOPIC}`,
        hint: 'The kafka chart declares the topics: check that the KafkaTopic was rendered and is Ready (logclaw status).',
      };
    }
    let readCreds: KafkaCredentials | undefined;
    let writeCreds: KafkaCredentials | undefined;
    try {
      readCreds = await credentialsFor(ctx.kube, ctx.namespace, broker, ANOMALY_TOPIC, 'Read');
      writeCreds = await credentialsFor(ctx.kube, ctx.namespace, broker, ANOMALY_TOPIC, 'Write');
    } catch (e) {
      return { status: 'fail', summary: errText(e), hop: `Kafka credentials for ${ANOMALY_TOPIC}`, ...(e instanceof LogclawError && e.hint ? { hint: e.hint } : {}) };
    }
    const severity = anomalySeverity(ctx.tenant);
    const group = consumerGroup(readCreds?.groupPrefix, `anomaly-${ctx.marker}`);
    const waitMs = budget(ctx, 1 / 2);
    const watch = watchTopic(ctx.sessions, ctx.namespace, broker, ANOMALY_TOPIC, ctx.marker, group, waitMs, readCreds, ctx.signal);
    const event = JSON.stringify(anomalyEvent(ctx, severity));
    let sends = 0;
    let producerFailure: StepOutcome | undefined;
    // producers still running once the event is read back are closed (a producer waits for end of input)
    const producing = new AbortController();
    const produce = async () => {
      sends++;
      const r = await ctx.sessions.run({
        namespace: ctx.namespace,
        pod: broker.pod,
        container: broker.container,
        command: producerCommand(broker, ANOMALY_TOPIC, Math.min(30_000, ctx.remaining()), writeCreds),
        secrets: writeCreds?.secrets,
        stdin: `${event}\n`,
        signal: AbortSignal.any([ctx.signal, producing.signal]),
        timeoutMs: Math.min(30_000, ctx.remaining()) + 2000,
      });
      if (r.error || (r.exitCode > 0 && r.exitCode !== TIMEOUT_EXIT)) {
        producerFailure ??= {
          status: 'fail',
          summary: `the console producer in pod ${broker.pod} failed${r.error ? `: ${firstLine(r.error)}` : ` (exit ${r.exitCode})`}`,
          hop: `produce to ${ANOMALY_TOPIC} (exec into Kafka broker pod ${broker.pod})`,
          evidence: describeExecFailure(r),
          hint: `Check that topic ${ANOMALY_TOPIC} exists and that the producer may write it (${broker.bootstrap}).`,
        };
        watch.stop();
      }
    };
    await Promise.race([watch.opened.then(() => sleep(CONSUMER_SETTLE_MS, ctx.signal)), sleep(10_000, ctx.signal)]);
    const first = produce();
    const r = await awaitWatch(watch, waitMs, produce, () => sends, ctx.signal);
    if (!r.found && !producerFailure) await Promise.race([first, sleep(2000, ctx.signal)]);
    producing.abort();
    if (r.found) {
      ctx.state.anomaly = { severity, seen: true };
      return {
        status: 'pass',
        summary: `anomaly event (severity ${severity}) produced and read back`,
        evidence: [`producer and consumer in pod ${broker.pod} (${broker.bootstrap}, group ${group})`, `record: ${snippet(r.line ?? '', 160)}`, ...(sends > 1 ? [`produced ${sends} times`] : [])],
      };
    }
    if (producerFailure) return producerFailure;
    if (r.exec.error || (r.exec.exitCode > 0 && r.exec.exitCode !== TIMEOUT_EXIT)) {
      return {
        status: 'fail',
        summary: `the console consumer in pod ${broker.pod} failed${r.exec.error ? `: ${firstLine(r.exec.error)}` : ` (exit ${r.exec.exitCode})`}`,
        hop: `read ${ANOMALY_TOPIC} (exec into Kafka broker pod ${broker.pod})`,
        evidence: describeExecFailure(r.exec),
      };
    }
    return {
      status: 'fail',
      summary: `the anomaly event was produced but not read back from ${ANOMALY_TOPIC} within ${formatDuration(waitMs)}`,
      hop: `Kafka ${ANOMALY_TOPIC}`,
      evidence: [`producer and consumer in pod ${broker.pod} (${broker.bootstrap}, group ${group}), produced ${sends} time${sends > 1 ? 's' : ''}`],
      hint: `Check the topic's partitions are online: kubectl -n ${ctx.namespace} get kafkatopic; logclaw status --tenant ${ctx.tenant.id}`,
    };
  },
};

// ---------------------------------------------------------------------------------------------------
// 6. ticketing agent

/** The agent's health path, from its pod's liveness (or readiness) probe; /health otherwise. */
export function healthPath(pod: V1Pod | undefined): string {
  for (const c of pod?.spec?.containers ?? []) {
    const path = c.livenessProbe?.httpGet?.path ?? c.readinessProbe?.httpGet?.path;
    if (path) return path;
  }
  return '/health';
}

/** Platforms an incident says it was routed to (`platforms`, `routedTo` or `routes[].platform`). */
export function routedPlatforms(incident: Record<string, unknown>): string[] | undefined {
  if (Array.isArray(incident.platforms)) return incident.platforms.map(String);
  if (Array.isArray(incident.routedTo)) return incident.routedTo.map(String);
  if (Array.isArray(incident.routes)) return incident.routes.map((r) => String((r as { platform?: unknown }).platform ?? r));
  return undefined;
}

/** The agent's incident for the marker from a GET /incidents?marker= answer (an array or {incidents: [...]}). */
export function incidentFor(body: unknown, marker: string): Record<string, unknown> | undefined {
  const list = Array.isArray(body) ? body : Array.isArray((body as { incidents?: unknown })?.incidents) ? (body as { incidents: unknown[] }).incidents : [];
  return list.find((i) => JSON.stringify(i).includes(marker)) as Record<string, unknown> | undefined;
}

export const INCIDENTS_PATH = '/incidents';

export const ticketing: Step<VerifyEnv> = {
  id: 'ticketing',
  title: 'ticketing agent',
  hop: 'ticketing agent',
  async run(ctx) {
    if (!ctx.tenant.enabled.ticketingAgent) return { status: 'skip', summary: 'ticketingAgent.enabled is false in the tenant file' };
    const fwd = await forwardTo(ctx, 'ticketing-agent');
    const pod = fwd.pod ? await ctx.kube.core.readNamespacedPod({ name: fwd.pod, namespace: ctx.namespace }).catch(() => undefined) : undefined;
    const path = healthPath(pod);
    let health: HttpResponse;
    try {
      health = await httpCall({ url: `${fwd.base}${path}`, signal: ctx.signal, timeoutMs: Math.min(10_000, Math.max(1000, ctx.remaining())) });
    } catch (e) {
      return { status: 'fail', summary: `GET ${path} failed: ${errText(e)}${fwd.lastError() ? ` (${fwd.lastError()})` : ''}`, hop: `ticketing agent health (${fwd.label})`, hint: `kubectl -n ${ctx.namespace} logs ${fwd.pod}` };
    }
    const evidence = [`GET ${path} → ${health.status} (${fwd.label}, pod ${fwd.pod})`];
    if (!isOk(health.status)) {
      return {
        status: 'fail',
        summary: `health endpoint answered ${health.status}`,
        hop: `ticketing agent health (${fwd.label})`,
        evidence: [...evidence, ...(health.body ? [`body: ${snippet(health.body)}`] : [])],
        hint: `kubectl -n ${ctx.namespace} logs ${fwd.pod}`,
      };
    }
    const anomaly = ctx.state.anomaly;
    if (!anomaly?.seen) return { status: 'pass', summary: 'healthy; routing not checked: no anomaly event was sent', evidence };
    const expected = ctx.tenant.routing[anomaly.severity];
    const waitMs = Math.min(budget(ctx, 1), 20_000);
    const until = Date.now() + waitMs;
    const url = `${fwd.base}${INCIDENTS_PATH}?marker=${encodeURIComponent(ctx.marker)}`;
    while (!ctx.signal.aborted) {
      let res: HttpResponse | undefined;
      try {
        res = await httpCall({ url, signal: ctx.signal, timeoutMs: 5000 });
      } catch {
        res = undefined;
      }
      if (res && [404, 405, 501].includes(res.status)) {
        return { status: 'pass', summary: `healthy; routing not checked: the agent does not expose incidents (GET ${INCIDENTS_PATH} → ${res.status})`, evidence };
      }
      const incident = res && isOk(res.status) ? incidentFor(res.json, ctx.marker) : undefined;
      if (incident) {
        const actual = routedPlatforms(incident);
        const id = String(incident.id ?? incident.key ?? '?');
        evidence.push(`incident ${id} for the marker (severity ${String(incident.severity ?? anomaly.severity)})`);
        if (!actual) return { status: 'pass', summary: `healthy; incident ${id} raised; routing not checked: the incident does not list its platforms`, evidence };
        const want = [...new Set(expected)].sort();
        const got = [...new Set(actual)].sort();
        if (want.join(',') === got.join(',')) {
          return { status: 'pass', summary: `healthy; incident ${id} routed to ${got.join(', ') || 'no platform'} as routing.${anomaly.severity} says`, evidence };
        }
        return {
          status: 'fail',
          summary: `incident ${id} was routed to [${got.join(', ')}] but routing.${anomaly.severity} names [${want.join(', ')}]`,
          hop: 'ticketing agent routing',
          evidence,
          hint: `Compare ticketingAgent.config.routing in ${ctx.tenant.file} with the agent's ConfigMap (helm upgrade may be pending).`,
        };
      }
      if (Date.now() + 1000 >= until) break;
      await sleep(1000, ctx.signal);
    }
    return { status: 'pass', summary: `healthy; routing not checked: no incident for the marker within ${formatDuration(waitMs)}`, evidence };
  },
};

export const STEPS: Step<VerifyEnv>[] = [componentsReady, ingest, kafkaRaw, opensearch, anomalies, ticketing];
