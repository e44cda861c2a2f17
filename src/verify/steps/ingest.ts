/**
 * Step 2, ingest: the marker log POSTed to Vector's HTTP source through a port-forward, once. The raw-logs
 * consumer of step 3 is started first; it reads from before it started, so the marker cannot slip past it.
 */
import { parse as parseYaml } from 'yaml';
import { LogclawError } from '../../errors.js';
import type { KubeObject } from '../../kube-object.js';
import { httpCall, isOk, snippet, type HttpRequest, type HttpResponse } from '../http.js';
import { credentialsFor, findBroker, topicState, watchTopic } from '../kafka.js';
import { formatDuration } from '../../duration.js';
import { consumerGroup, EXEC_OPEN_WAIT_MS, errText, forwardTo, RAW_TOPIC, sleep, type Ctx, type VerifyEnv, type VerifyStep } from './step.js';

/** What a client needs to know of Vector's HTTP source on a port: its path, whether it speaks TLS, its basic auth. */
export interface VectorHttpSource {
  path: string;
  tls: boolean;
  /** The source asks clients for a certificate of its CA (mutual TLS). */
  clientCertificate: boolean;
  /** Basic auth the source asks for; the password may be `${VAR}`, an environment variable of Vector's container. */
  auth?: { username: string; password: string };
}

/** Vector's HTTP source on a port, read from the ingestion chart's Vector config (default: "/", plain, no auth). */
export function vectorHttpSource(configs: Array<Record<string, string>>, port = 8080): VectorHttpSource {
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
          const t = s.tls as { enabled?: unknown; verify_certificate?: unknown } | undefined;
          const tls = t?.enabled === true;
          const a = s.auth as { username?: unknown; password?: unknown } | undefined;
          const auth = a && typeof a.username === 'string' && typeof a.password === 'string' ? { username: a.username, password: a.password } : undefined;
          return { path: typeof s.path === 'string' && s.path ? s.path : '/', tls, clientCertificate: tls && t?.verify_certificate === true, ...(auth ? { auth } : {}) };
        }
      }
    }
  }
  return { path: '/', tls: false, clientCertificate: false };
}

/** Path of Vector's HTTP source, read from the ingestion chart's Vector config (default "/"). */
export function vectorHttpPath(configs: Array<Record<string, string>>, port = 8080): string {
  return vectorHttpSource(configs, port).path;
}

/** The name of the environment variable a Vector config value is entirely made of (`${RECEIVER_TOKEN}`), if it is one. */
export const envReference = (value: string): string | undefined => /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value)?.[1];

interface EnvVar {
  name?: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name?: string; key?: string } };
}

/**
 * The value of an environment variable of the receiver's Vector container: literal, or read from the Secret
 * its secretKeyRef names. Undefined when no receiver Deployment sets it.
 */
async function receiverEnv(ctx: Ctx, name: string): Promise<string | undefined> {
  const deployments = (await ctx.kube.api.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ctx.namespace }, { labelSelector: 'logclaw.io/component=ingestion' })).items;
  for (const d of deployments) {
    const containers = ((d as { spec?: { template?: { spec?: { containers?: Array<{ env?: EnvVar[] }> } } } }).spec?.template?.spec?.containers ?? []);
    for (const c of containers) {
      const v = (c.env ?? []).find((e) => e.name === name);
      if (!v) continue;
      if (typeof v.value === 'string') return v.value;
      const ref = v.valueFrom?.secretKeyRef;
      if (!ref?.name || !ref.key) continue;
      const secret = await ctx.kube.api.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace: ctx.namespace, name: ref.name });
      if (!secret) throw new LogclawError(`the Secret ${ref.name} holding Vector's ${name} does not exist`, { hint: `kubectl -n ${ctx.namespace} get externalsecret ${ref.name} shows whether External Secrets could fill it.` });
      const raw = secret.data?.[ref.key];
      if (raw === undefined) throw new LogclawError(`the Secret ${ref.name} has no key ${ref.key} (Vector's ${name})`);
      return Buffer.from(raw, 'base64').toString('utf8');
    }
  }
  return undefined;
}

/** The basic-auth credentials of the source, its password resolved from the receiver's environment when it is `${VAR}`. */
async function sourceAuth(ctx: Ctx, auth: VectorHttpSource['auth']): Promise<HttpRequest['auth']> {
  if (!auth) return undefined;
  const ref = envReference(auth.password);
  if (!ref) return auth;
  const password = await receiverEnv(ctx, ref);
  if (password === undefined) throw new LogclawError(`Vector's HTTP source takes its password from \${${ref}}, which no receiver Deployment in ${ctx.namespace} sets`);
  return { username: auth.username, password };
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
    const source = vectorHttpSource(configMaps.map((c) => (c.data as Record<string, string> | undefined) ?? {}), fwd.servicePort);
    const path = source.path;
    // the source's own TLS and token (on by default outside dev), whatever the environment suggests
    const url = `${fwd.base.replace(/^https?:/, source.tls ? 'https:' : 'http:')}${path}`;
    if (source.clientCertificate) {
      return {
        status: 'fail',
        summary: `Vector's HTTP source asks for a client certificate of the tenant's CA (receiver.security.clientAuth mtls); verify has none to present`,
        hop: `client → Vector HTTP source (${fwd.label})`,
        evidence: [`${url}: tls.verify_certificate is true`],
        hint: 'Verify sends its marker with the shared token: use ingestion.receiver.security.clientAuth token (OTLP keeps client certificates), or send a marker yourself with a certificate from the tenant Issuer.',
      };
    }
    const auth = await sourceAuth(ctx, source.auth);
    await startRawWatch(ctx);
    // the consumer's command is running before the marker is sent (it reads back to before it started)
    if (ctx.state.rawWatch) await Promise.race([ctx.state.rawWatch.opened, sleep(EXEC_OPEN_WAIT_MS, ctx.signal)]);
    const send = () => httpCall({ url, body: markerLog(ctx), ...(auth ? { auth } : {}), signal: ctx.signal, timeoutMs: Math.min(15_000, Math.max(1000, ctx.remaining())) });
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
            : res.status === 401 || res.status === 403
              ? `Vector refused the shared token: the receiver reads it at start, so restart it after the token Secret changed (kubectl -n ${ctx.namespace} rollout restart deployment -l logclaw.io/component=ingestion).`
              : `Vector rejected the request: check the HTTP source's path and decoding in the ingestion chart's config.`,
      };
    }
    ctx.state.ingest = { url };
    return { status: 'pass', summary: `marker log accepted (${res.status})`, evidence };
  },
};

