// A small Kubernetes REST client over node:https for the simulator's own work (bootstrap objects,
// the volume provisioner, stage application) where spawning kubectl or loading client-node would
// cost start-up time. Tests use the real clients (kubectl, helm, client-node) instead.
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

export interface Credentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export class KubeError extends Error {
  status: number;
  body: unknown;
  constructor(message: string, status: number, body: unknown) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

interface ResourceInfo { name: string; namespaced: boolean }

/** Reads server + embedded credentials of one context from a kubeconfig file. */
export function credentialsFromKubeconfig(file: string, context?: string): Credentials {
  const cfg = YAML.parse(readFileSync(file, 'utf8'));
  const ctxName = context ?? cfg['current-context'];
  const ctx = cfg.contexts.find((c: { name: string }) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`context ${ctxName} not found in ${file}`);
  const cluster = cfg.clusters.find((c: { name: string }) => c.name === ctx.cluster).cluster;
  const user = cfg.users.find((u: { name: string }) => u.name === ctx.user).user;
  const data = (inline: string | undefined, path: string | undefined) =>
    inline ? Buffer.from(inline, 'base64').toString('utf8') : readFileSync(path!, 'utf8');
  return {
    server: cluster.server,
    ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: data(user['client-certificate-data'], user['client-certificate']),
    key: data(user['client-key-data'], user['client-key']),
  };
}

export class Kube {
  readonly creds: Credentials;
  private agent: Agent;
  private discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(creds: Credentials) {
    this.creds = creds;
    this.agent = new Agent({ ca: creds.ca, cert: creds.cert, key: creds.key, keepAlive: true, maxSockets: 16 });
  }

  close(): void {
    this.agent.destroy();
  }

  raw(method: string, path: string, body?: unknown, contentType = 'application/json', timeoutMs = 30_000): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.creds.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, {
        method, agent: this.agent, timeout: timeoutMs,
        headers: {
          accept: 'application/json',
          'user-agent': 'logclaw-sim',
          ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async request<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const { status, text } = await this.raw(method, path, body, contentType);
    let parsed: any = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    if (status >= 400) {
      throw new KubeError(`${method} ${path}: ${status} ${parsed?.message ?? text.slice(0, 300)}`, status, parsed);
    }
    return parsed as T;
  }

  private resources(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    let p = this.discovery.get(apiVersion);
    if (!p) {
      const base = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
      p = this.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', base).then((list) => {
        const m = new Map<string, ResourceInfo>();
        for (const r of list.resources) if (!r.name.includes('/')) m.set(r.kind, { name: r.name, namespaced: r.namespaced });
        return m;
      });
      p.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, p);
    }
    return p;
  }

  /**
   * The kinds discovery lists for a group version now (asked afresh; none when the group version is not served).
   * A CRD is Established before the API server's discovery lists it, and its objects cannot be addressed until then.
   */
  async servedKinds(apiVersion: string): Promise<Set<string>> {
    this.discovery.delete(apiVersion);
    try {
      return new Set((await this.resources(apiVersion)).keys());
    } catch {
      return new Set();
    }
  }

  /** Forget discovery (after CRDs were installed). */
  resetDiscovery(): void {
    this.discovery.clear();
  }

  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    let info = (await this.resources(apiVersion)).get(kind);
    if (!info) {
      this.discovery.delete(apiVersion);
      info = (await this.resources(apiVersion)).get(kind);
    }
    if (!info) throw new Error(`the server has no resource for ${apiVersion} ${kind}`);
    const base = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
    return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.name}` : `${base}/${info.name}`;
  }

  async objectPath(obj: KubeObject): Promise<string> {
    return `${await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace)}/${encodeURIComponent(obj.metadata.name)}`;
  }

  /** Server-side apply (forced) under the given field manager. */
  async apply<T = KubeObject>(obj: KubeObject, fieldManager = 'logclaw-sim'): Promise<T> {
    const path = await this.objectPath(obj);
    return this.request<T>('PATCH', `${path}?fieldManager=${fieldManager}&force=true`, obj, 'application/apply-patch+yaml');
  }

  async applyAll(objs: KubeObject[], fieldManager?: string): Promise<void> {
    await Promise.all(objs.map((o) => this.apply(o, fieldManager)));
  }

  async create<T = KubeObject>(obj: KubeObject): Promise<T> {
    return this.request<T>('POST', await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace), obj);
  }

  async get<T = any>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', `${await this.collectionPath(apiVersion, kind, namespace)}/${encodeURIComponent(name)}`);
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<void> {
    try {
      await this.request('DELETE', `${await this.collectionPath(apiVersion, kind, namespace)}/${encodeURIComponent(name)}`);
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 404)) throw e;
    }
  }

  /**
   * Lists then watches a collection path forever (re-listing on 410 Gone), calling onEvent for
   * every ADDED/MODIFIED/DELETED object. Returns a stop function.
   */
  informer(path: string, onEvent: (type: string, obj: any) => void | Promise<void>, onError?: (e: unknown) => void): () => void {
    let stopped = false;
    let current: IncomingMessage | undefined;
    const loop = async () => {
      let rv = '';
      while (!stopped) {
        try {
          if (!rv) {
            const list = await this.request<{ items: any[]; metadata: { resourceVersion: string } }>('GET', path);
            for (const item of list.items) await onEvent('ADDED', item);
            rv = list.metadata.resourceVersion;
          }
          rv = await this.watchOnce(`${path}${path.includes('?') ? '&' : '?'}watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
            rv, onEvent, (res) => { current = res; });
        } catch (e) {
          if (stopped) return;
          onError?.(e);
          if (e instanceof KubeError && e.status === 410) rv = '';
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    void loop();
    return () => { stopped = true; current?.destroy(); };
  }

  private watchOnce(path: string, rv: string, onEvent: (type: string, obj: any) => void | Promise<void>, onRes: (r: IncomingMessage) => void): Promise<string> {
    const url = new URL(path, this.creds.server);
    return new Promise((resolve, reject) => {
      let last = rv;
      const req = httpsRequest(url, { method: 'GET', agent: this.agent, headers: { accept: 'application/json', 'user-agent': 'logclaw-sim' } }, (res) => {
        onRes(res);
        if ((res.statusCode ?? 0) >= 400) {
          res.resume();
          reject(new KubeError(`watch ${path}: ${res.statusCode}`, res.statusCode ?? 0, undefined));
          return;
        }
        let buf = '';
        let chain = Promise.resolve();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (!line.trim()) continue;
            const ev = JSON.parse(line) as { type: string; object: any };
            if (ev.type === 'ERROR') {
              const code = ev.object?.code ?? 500;
              chain = chain.then(() => { throw new KubeError(`watch error ${ev.object?.message}`, code, ev.object); });
              continue;
            }
            if (ev.object?.metadata?.resourceVersion) last = ev.object.metadata.resourceVersion;
            if (ev.type === 'BOOKMARK') continue;
            chain = chain.then(() => onEvent(ev.type, ev.object));
          }
        });
        res.on('end', () => chain.then(() => resolve(last), reject));
        res.on('error', () => chain.then(() => resolve(last), reject));
        res.on('close', () => chain.then(() => resolve(last), reject));
      });
      req.on('error', reject);
      req.end();
    });
  }
}

export function parseYamlDocs(text: string): KubeObject[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && typeof o === 'object' && o.kind) as KubeObject[];
}
