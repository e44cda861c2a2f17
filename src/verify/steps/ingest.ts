/**
 * Step 2, ingest: the marker log POSTed to Vector's HTTP source through a port-forward, once. The raw-logs
 * consumer of step 3 is started first; it reads from before it started, so the marker cannot slip past it.
 */
import { parse as parseYaml } from 'yaml';
import { httpCall, isOk, snippet, type HttpResponse } from '../http.js';
import { credentialsFor, findBroker, topicState, watchTopic } from '../kafka.js';
import { formatDuration } from '../runner.js';
import { consumerGroup, EXEC_OPEN_WAIT_MS, errText, forwardTo, RAW_TOPIC, sleep, type Ctx, type VerifyEnv, type VerifyStep } from './step.js';

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
    if (creds) ctx.state.rawUser = creds.user;
    // lives across steps 2 and 3: its own signal, closed by the run's closer
    // bounded by what step 3 may wait (a third of the time left) plus slack
    const bound = Math.min(ctx.remaining(), ctx.remaining() / 3 + 10_000);
    ctx.state.rawWatch = watchTopic(ctx.sessions, ctx.namespace, broker, RAW_TOPIC, ctx.marker, group, bound, creds, new AbortController().signal);
  } catch (e) {
    ctx.state.brokerError = e;
  }
}

export const ingest: VerifyStep = {
  id: 'ingest',
  title: 'ingest (Vector HTTP)',
  hop: 'client → Vector HTTP source',
  async run(ctx) {
    const fwd = await forwardTo(ctx, 'vector-http');
    const configMaps = (await ctx.kube.api.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.namespace }, { labelSelector: 'logclaw.io/component=ingestion' })).items;
    const path = vectorHttpPath(configMaps.map((c) => (c.data as Record<string, string> | undefined) ?? {}), fwd.servicePort);
    const url = `${fwd.base}${path}`;
    await startRawWatch(ctx);
    // the consumer's command is running before the marker is sent (it reads back to before it started)
    if (ctx.state.rawWatch) await Promise.race([ctx.state.rawWatch.opened, sleep(EXEC_OPEN_WAIT_MS, ctx.signal)]);
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
    ctx.state.ingest = { url };
    return { status: 'pass', summary: `marker log accepted (${res.status})`, evidence };
  },
};

