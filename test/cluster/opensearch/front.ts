// What stands at a tenant's OpenSearch pod port in the test cluster: the real node (node.ts), started when the
// first request arrives (most namespaces never search), with the ETL job's side played from the raw-logs
// topic file, and in front of it what the security plugin would do when asked: TLS and basic authentication
// (401 with a security_exception, as the plugin answers). Every request is recorded for the tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { openSearchAvailable, startOpenSearch, type OpenSearchNode } from './node.ts';

export interface OpenSearchFrontOptions {
  /** Where the node keeps its data and log. */
  dir: string;
  /** The raw-logs topic as a file of JSON lines (the mirror of the tenant's broker): what the ETL job indexes. */
  rawLogs: string;
  tls?: { cert: string; key: string };
  /** The credentials the security plugin accepts; none: no authentication (dev). */
  auth?: () => { username: string; password: string } | undefined;
  onRequest?: (line: string) => void;
  log?: (m: string) => void;
}

export interface OpenSearchFront {
  port: number;
  server: Server;
  /** The node once a request started it. */
  node(): Promise<OpenSearchNode> | undefined;
  close(): Promise<void>;
}

export async function openSearchFront(o: OpenSearchFrontOptions): Promise<OpenSearchFront> {
  const log = o.log ?? (() => undefined);
  let starting: Promise<OpenSearchNode> | undefined;
  let follower: { stop(): void } | undefined;
  let closed = false;
  const node = () => {
    starting ??= (async () => {
      if (!openSearchAvailable()) throw new Error('OpenSearch is not built or Java is missing: node test/cluster/opensearch/build.mjs');
      const n = await startOpenSearch(o.dir, log);
      if (closed) {
        await n.stop();
        throw new Error('closed while the node started');
      }
      follower = followTopic(o.rawLogs, (records) => n.index(records), (e) => log(`opensearch: indexing raw-logs: ${String(e)}`));
      await follower.caughtUp;
      return n;
    })();
    starting.catch((e) => log(`opensearch: ${String(e)}`));
    return starting;
  };

  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    o.onRequest?.(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const want = o.auth?.();
    if (want && req.headers.authorization !== `Basic ${Buffer.from(`${want.username}:${want.password}`).toString('base64')}`) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="OpenSearch Security"' });
      res.end(JSON.stringify({ error: { root_cause: [{ type: 'security_exception', reason: 'Unauthorized' }], type: 'security_exception', reason: 'Unauthorized' }, status: 401 }));
      return;
    }
    let n: OpenSearchNode;
    try {
      n = await node();
    } catch {
      // the pod's process is not running: nothing answers on its port
      res.socket?.destroy();
      return;
    }
    const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
    const contentType = req.headers['content-type'];
    const r = await n.call(req.method ?? 'GET', req.url ?? '/', body, contentType ? { 'content-type': contentType } : {}).catch(() => undefined);
    if (!r) return void res.socket?.destroy();
    res.writeHead(r.status, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
    res.end(r.body);
  };
  const server: Server = o.tls ? createHttpsServer(o.tls, listener) : createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    node: () => starting,
    async close() {
      closed = true;
      follower?.stop();
      await new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections()));
      await starting?.then((n) => n.stop(), () => undefined);
    },
  };
}

/**
 * Every JSON line of a file, from the start and as it grows, handed on in batches (polled: the file is appended
 * to by another writer). `caughtUp` resolves once what was there at the start is handed on.
 */
export function followTopic(file: string, take: (records: unknown[]) => Promise<void>, onError: (e: unknown) => void): { stop(): void; caughtUp: Promise<void> } {
  let offset = 0;
  let partial = '';
  let stopped = false;
  const readNew = async () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size <= offset) return;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(size - offset);
    try {
      readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const text = partial + buf.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    const records = lines.filter((l) => l.trim()).flatMap((l) => {
      try {
        return [JSON.parse(l) as unknown];
      } catch {
        return [{ message: l }];
      }
    });
    await take(records);
  };
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    await readNew().catch(onError);
    if (!stopped) timer = setTimeout(() => void loop(), 200).unref();
  };
  const caughtUp = readNew().catch(onError).then(() => {
    if (!stopped) timer = setTimeout(() => void loop(), 200).unref();
  });
  return {
    caughtUp,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
