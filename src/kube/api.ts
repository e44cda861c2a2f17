/**
 * A small Kubernetes REST client: kubeconfig/auth from @kubernetes/client-node (imported lazily, it costs ~370 ms),
 * requests over undici (a declared dependency; client-node's dispatcher is an undici Agent of the same copy), API discovery for any kind, retries of transient failures,
 * streaming watches, and a count of every HTTP request made (for `bench/lifecycle.mjs`).
 * The context is always explicit: logclaw never acts on "whatever kubectl points at".
 */
import { readFileSync } from 'node:fs';
import { ExitCode, LogclawError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { KubeObject } from '../kube-object.js';

export interface KubeTarget {
  /** The context; the kubeconfig's current context when omitted (always named in output). */
  context: string;
  kubeconfig?: string;
  /** User-Agent of the requests (default logclaw/<version>). */
  userAgent?: string;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

export type WatchEnd = { reason: 'closed' } | { reason: 'gone' } | { reason: 'error'; error: Error } | { reason: 'aborted' };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.status === 409;

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

type Undici = typeof import('undici');

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolvePromise) => {
    const t = setTimeout(resolvePromise, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolvePromise();
    }, { once: true });
  });

const AUTH_REFRESH_MS = 4 * 60_000;
/** How logclaw's own API calls show in audit logs (and in the test cluster's request log). */
export const USER_AGENT = `logclaw/${packageVersion()} (node ${process.versions.node})`;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0';
  }
}
const REQUEST_TIMEOUT_MS = 30_000;

export class KubeApi {
  /** HTTP requests made so far (every attempt, every watch opened, every discovery call). */
  requests = 0;
  readonly server: string;
  private headers: Record<string, string> = {};
  private dispatcher: unknown;
  private authAt = 0;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();

  private constructor(
    readonly target: KubeTarget,
    /** The kubeconfig with the context selected: for client-node's exec and port-forward, nothing else. */
    readonly kc: import('@kubernetes/client-node').KubeConfig,
    readonly k8s: typeof import('@kubernetes/client-node'),
    private readonly undici: Undici,
  ) {
    this.server = kc.getCurrentCluster()!.server.replace(/\/$/, '');
  }

  /**
   * Load the kubeconfig (KUBECONFIG / ~/.kube/config, or the file given) and select the context, without
   * asking the server anything: commands use connect() below, which also checks that the server answers.
   */
  static async load(target: KubeTarget): Promise<KubeApi> {
    const { kubeconfigSource, unknownContext } = await import('./kubeconfig.js');
    const source = kubeconfigSource(target.kubeconfig);
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    try {
      if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
      else kc.loadFromDefault();
    } catch (e) {
      throw new LogclawError(`cannot read the kubeconfig${target.kubeconfig ? ` ${target.kubeconfig}` : ''}: ${(e as Error).message}`, {
        exitCode: ExitCode.missingPrerequisite,
      });
    }
    if (!target.context) {
      const current = kc.getCurrentContext();
      if (!current || !kc.getContextObject(current)) throw new LogclawError('no kube context selected', { exitCode: ExitCode.usage, hint: 'Pass --kube-context or set a current context (kubectl config use-context).' });
      target = { ...target, context: current };
    }
    if (!kc.getContextObject(target.context)) throw unknownContext(target.context, kc.getContexts().map((c) => c.name), source);
    kc.setCurrentContext(target.context);
    if (!kc.getCurrentCluster()) throw new LogclawError(`kube context "${target.context}" names no cluster`, { exitCode: ExitCode.usage });
    const undici = await import('undici');
    const api = new KubeApi(target, kc, k8s, undici);
    await api.refreshAuth();
    return api;
  }

  private async refreshAuth(): Promise<void> {
    const ctx = new this.k8s.RequestContext(this.server, this.k8s.HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    this.headers = ctx.getHeaders();
    this.dispatcher = ctx.getDispatcher() ?? this.dispatcher;
    this.authAt = Date.now();
  }

  private async fetch(path: string, init: { method: string; body?: string; contentType?: string; signal?: AbortSignal; timeoutMs?: number | null; accept?: string }) {
    if (Date.now() - this.authAt > AUTH_REFRESH_MS) await this.refreshAuth();
    this.requests++;
    const signals = [init.signal, init.timeoutMs === null ? undefined : AbortSignal.timeout(init.timeoutMs ?? REQUEST_TIMEOUT_MS)].filter(Boolean) as AbortSignal[];
    return this.undici.fetch(`${this.server}${path}`, {
      method: init.method,
      headers: { ...this.headers, 'User-Agent': this.target.userAgent ?? USER_AGENT, Accept: init.accept ?? 'application/json', ...(init.body !== undefined ? { 'Content-Type': init.contentType ?? 'application/json' } : {}) },
      body: init.body,
      dispatcher: this.dispatcher as never,
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    });
  }

  /**
   * One API call, retried on 429/5xx/network errors (the API server answers them during restarts and
   * under load). 4xx answers become ApiError at once.
   */
  async request<T = unknown>(method: string, path: string, o: { body?: unknown; contentType?: string; signal?: AbortSignal; retries?: number; raw?: boolean } = {}): Promise<T> {
    const retries = o.retries ?? 4;
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** attempt), o.signal);
      if (o.signal?.aborted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
      let res: Awaited<ReturnType<Undici['fetch']>>;
      try {
        res = await this.fetch(path, { method, signal: o.signal, contentType: o.contentType, body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body), accept: o.raw ? '*/*' : undefined });
      } catch (e) {
        if (o.signal?.aborted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
        lastError = e as Error;
        continue;
      }
      const text = await res.text().catch(() => '');
      if (res.status === 429 || res.status >= 500) {
        lastError = new ApiError(res.status, `${method} ${path}: ${res.status} ${statusMessage(text) ?? res.statusText}`);
        continue;
      }
      if (!res.ok) {
        const parsed = safeJson(text) as { message?: string; reason?: string } | undefined;
        throw new ApiError(res.status, parsed?.message ?? `${method} ${path}: ${res.status} ${res.statusText}`, parsed?.reason);
      }
      return (o.raw ? text : text ? JSON.parse(text) : undefined) as T;
    }
    throw new LogclawError(`the Kubernetes API at ${this.server} (context ${this.target.context}) is not answering: ${lastError?.message ?? 'unknown error'}`, {
      exitCode: ExitCode.timeout,
      cause: lastError,
      hint: 'Check that the cluster is running (kubectl --context ' + this.target.context + ' get --raw /readyz).',
    });
  }

  /** Kind → plural and scope, from the API server's discovery document for that group/version. */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const load = () => {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const p = this.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>('GET', path).then((doc) => {
        const m = new Map<string, ResourceInfo>();
        for (const r of doc.resources) if (!r.name.includes('/')) m.set(r.kind, { plural: r.name, namespaced: r.namespaced });
        return m;
      });
      this.discovery.set(apiVersion, p);
      p.catch(() => this.discovery.delete(apiVersion));
      return p;
    };
    let info = (await (this.discovery.get(apiVersion) ?? load()).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))))?.get(kind);
    if (!info) {
      // A CRD may have been installed since the last discovery: ask once more.
      this.discovery.delete(apiVersion);
      info = (await load().catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))))?.get(kind);
    }
    if (!info) throw new ApiError(404, `the cluster does not serve ${kind} (${apiVersion}): is its CRD installed?`, 'NotFound');
    return info;
  }

  /** The preferred version of every served API group (discovery of /apis), by group name. */
  async preferredVersions(signal?: AbortSignal): Promise<Map<string, string>> {
    const doc = await this.request<{ groups?: { name: string; preferredVersion?: { groupVersion: string }; versions: { groupVersion: string }[] }[] }>('GET', '/apis', { signal });
    return new Map((doc.groups ?? []).map((g) => [g.name, g.preferredVersion?.groupVersion ?? g.versions[0]!.groupVersion]));
  }

  /** Collection path (name omitted) or object path. */
  async path(ref: Omit<ObjectRef, 'name'> & { name?: string }): Promise<string> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = info.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
    return `${base}${ns}/${info.plural}${ref.name ? `/${encodeURIComponent(ref.name)}` : ''}`;
  }

  /** The object, or undefined when it does not exist (or its kind is not served). */
  async get<T extends KubeObject = KubeObject>(ref: ObjectRef, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', await this.path(ref), { signal });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async list<T extends KubeObject = KubeObject>(
    ref: { apiVersion: string; kind: string; namespace?: string },
    o: { labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const q = new URLSearchParams();
    if (o.labelSelector) q.set('labelSelector', o.labelSelector);
    if (o.fieldSelector) q.set('fieldSelector', o.fieldSelector);
    const qs = q.toString();
    const r = await this.request<{ items: T[]; metadata: { resourceVersion: string } }>('GET', `${await this.path(ref)}${qs ? `?${qs}` : ''}`, { signal: o.signal });
    const kind = ref.kind;
    return { items: (r.items ?? []).map((i) => ({ apiVersion: ref.apiVersion, kind, ...i })), resourceVersion: r.metadata?.resourceVersion ?? '' };
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject, signal?: AbortSignal): Promise<T> {
    const path = await this.path({ apiVersion: obj.apiVersion!, kind: obj.kind!, namespace: obj.metadata?.namespace });
    return this.request<T>('POST', path, { body: obj, signal, retries: 2 });
  }

  /** Server-side apply of one object (field manager logclaw). */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject, o: { force?: boolean; signal?: AbortSignal } = {}): Promise<T> {
    const path = await this.path({ apiVersion: obj.apiVersion!, kind: obj.kind!, namespace: obj.metadata?.namespace, name: obj.metadata!.name! });
    return this.request<T>('PATCH', `${path}?fieldManager=logclaw${o.force ? '&force=true' : ''}`, { body: obj, contentType: 'application/apply-patch+yaml', signal: o.signal });
  }

  async patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, o: { type?: 'merge' | 'json' | 'strategic'; subresource?: string; signal?: AbortSignal } = {}): Promise<T> {
    const type = { merge: 'application/merge-patch+json', json: 'application/json-patch+json', strategic: 'application/strategic-merge-patch+json' }[o.type ?? 'merge'];
    return this.request<T>('PATCH', `${await this.path(ref)}${o.subresource ? `/${o.subresource}` : ''}`, { body: patch, contentType: type, signal: o.signal });
  }

  /** Delete; true when something was deleted, false when it did not exist. */
  async delete(ref: ObjectRef, o: { propagation?: 'Foreground' | 'Background' | 'Orphan'; signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.request('DELETE', await this.path(ref), { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: o.propagation ?? 'Background' }, signal: o.signal });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** The last lines of a container's log (previous: the crashed instance). */
  async logs(namespace: string, pod: string, o: { container?: string; tailLines?: number; previous?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const q = new URLSearchParams({ tailLines: String(o.tailLines ?? 20) });
    if (o.container) q.set('container', o.container);
    if (o.previous) q.set('previous', 'true');
    try {
      return await this.request<string>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`, { raw: true, signal: o.signal, retries: 1 });
    } catch (e) {
      if (e instanceof ApiError) return '';
      throw e;
    }
  }

  async serverVersion(signal?: AbortSignal): Promise<string> {
    return (await this.request<{ gitVersion: string }>('GET', '/version', { signal })).gitVersion;
  }

  /**
   * Open one watch and deliver its events until the server closes it, it fails, or `signal` aborts.
   * 410 Gone (as HTTP status or ERROR event) ends it with reason "gone": the caller must list again.
   */
  async watch(path: string, query: Record<string, string>, onEvent: (e: WatchEvent) => void, signal?: AbortSignal): Promise<WatchEnd> {
    const q = new URLSearchParams({ watch: 'true', ...query });
    let res: Awaited<ReturnType<Undici['fetch']>>;
    try {
      res = await this.fetch(`${path}?${q}`, { method: 'GET', signal, timeoutMs: null });
    } catch (e) {
      return signal?.aborted ? { reason: 'aborted' } : { reason: 'error', error: e as Error };
    }
    if (res.status === 410) {
      await res.body?.cancel().catch(() => undefined);
      return { reason: 'gone' };
    }
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      return { reason: 'error', error: new ApiError(res.status, `watch ${path}: ${res.status} ${statusMessage(text) ?? res.statusText}`) };
    }
    const decoder = new TextDecoder();
    let buf = '';
    let gone = false;
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const ev = safeJson(line) as WatchEvent | undefined;
          if (!ev?.type) continue;
          if (ev.type === 'ERROR') {
            if (ev.object?.code === 410) gone = true;
            else return { reason: 'error', error: new ApiError(ev.object?.code ?? 500, `watch ${path}: ${ev.object?.message ?? 'error event'}`) };
            continue;
          }
          onEvent(ev);
        }
        if (gone) break;
      }
    } catch (e) {
      if (signal?.aborted) return { reason: 'aborted' };
      return { reason: 'error', error: e as Error };
    }
    if (gone) return { reason: 'gone' };
    return signal?.aborted ? { reason: 'aborted' } : { reason: 'closed' };
  }

  /** Close pooled connections. */
  async close(): Promise<void> {
    const d = this.dispatcher as { close?: () => Promise<void> } | undefined;
    await d?.close?.().catch(() => undefined);
  }
}

export interface ConnectOptions {
  /** --kube-context; the kubeconfig's current context when omitted. */
  context?: string;
  kubeconfig?: string;
  userAgent?: string;
  signal?: AbortSignal;
  /** How long the server has to answer GET /version (default 10 s). */
  probeTimeoutMs?: number;
}

const NETWORK_CODES = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT|UND_ERR_SOCKET|CERT_|SELF_SIGNED|fetch failed|socket hang up/;

/** True when an error means "the API server could not be reached" rather than "it answered no". */
export function isNetworkError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof err.code === 'string' && NETWORK_CODES.test(err.code)) return true;
    if (typeof err.message === 'string' && NETWORK_CODES.test(err.message)) return true;
    cur = err.cause;
  }
  return false;
}

/** The error of a cluster that cannot be reached: exit 4, naming the context, the server and the cause. */
export function unreachable(server: string, context: string, cause: unknown): LogclawError {
  const chain: string[] = [];
  for (let cur: unknown = cause, depth = 0; cur && depth < 4; depth++) {
    const m = cur instanceof Error ? cur.message : String(cur);
    if (m && !chain.includes(m)) chain.push(m);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return new LogclawError(`the cluster of context "${context}" is unreachable (${server})`, {
    exitCode: ExitCode.timeout,
    details: [`  ${chain.join(': ') || 'no answer'}`],
    hint: context.startsWith('kind-')
      ? `Is the kind cluster running? (kind get clusters; kubectl --context ${context} get --raw /readyz)`
      : `Check that the cluster runs and that --kube-context names it (kubectl --context ${context} get --raw /readyz).`,
    cause,
  });
}

/**
 * The one way commands connect to a cluster: kubeconfig and context (explicit, or the current one), then
 * GET /version must answer within probeTimeoutMs, else exit 4 with the server URL, the context and the cause.
 * A server that answers with an HTTP error (401, 403, 5xx) is reachable: that error is reported as it is.
 */
export async function connect(o: ConnectOptions = {}): Promise<KubeApi> {
  const api = await KubeApi.load({ context: o.context ?? '', kubeconfig: o.kubeconfig, userAgent: o.userAgent });
  const timeoutMs = o.probeTimeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  try {
    await api.request('GET', '/version', { signal, retries: 1 });
  } catch (e) {
    if (o.signal?.aborted) throw new LogclawError('interrupted', { exitCode: ExitCode.interrupted });
    await api.close();
    if (e instanceof ApiError && e.status < 500 && e.status !== 429) throw e;
    const cause = timeout.aborted ? new Error(`no answer within ${formatDuration(timeoutMs)}`) : e instanceof LogclawError && e.cause ? e.cause : e;
    throw unreachable(api.server, api.target.context, cause);
  }
  return api;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function statusMessage(text: string): string | undefined {
  const j = safeJson(text) as { message?: string } | undefined;
  return j?.message ?? (text ? text.slice(0, 200) : undefined);
}
