// Local handlers a test starts and routes pod ports to (Cluster.forwardPort → kwok PortForward):
// a fake Vector HTTP endpoint (the ingestion Service's port 8080 / API 8686) and an OpenSearch
// _search/_count stand-in. Kafka's console producer/consumer stand-ins are scripts in handlers/bin
// that kwok runs for `kubectl exec` (records live in topic files, see Cluster.topic()).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let b = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { b += c; });
    req.on('end', () => resolve(b));
    req.on('error', reject);
  });
}

async function listen(server: Server, port = 0): Promise<LocalServer> {
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()); });
  const p = (server.address() as AddressInfo).port;
  return { port: p, url: `http://127.0.0.1:${p}`, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

export interface FakeVector extends LocalServer {
  events: unknown[];
}

/**
 * Vector's http_server source (POST JSON, JSON array or NDJSON on any path) and its API health
 * endpoint (GET /health → {"ok":true}). With `topic` set, every event is also appended to that topic
 * file, as Vector's Kafka sink would produce it.
 */
export async function startFakeVector(opts: { port?: number; topicsDir?: string; topic?: string } = {}): Promise<FakeVector> {
  const events: unknown[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && (url.pathname === '/health' || url.pathname === '/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
      return;
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      const text = await body(req);
      let batch: unknown[];
      try {
        const parsed = JSON.parse(text);
        batch = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        batch = text.split('\n').filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return { message: l }; } });
      }
      events.push(...batch);
      if (opts.topicsDir && opts.topic) {
        mkdirSync(opts.topicsDir, { recursive: true });
        appendFileSync(join(opts.topicsDir, `${opts.topic}.log`), batch.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      res.writeHead(200);
      res.end();
      return;
    }
    res.writeHead(405);
    res.end();
  });
  const s = await listen(server, opts.port);
  return { ...s, events };
}

export interface FakeOpenSearch extends LocalServer {
  indices: Map<string, Record<string, unknown>[]>;
}

function matches(doc: Record<string, unknown>, query: any): boolean {
  if (!query || query.match_all) return true;
  const pair = (q: any) => Object.entries(q ?? {})[0] as [string, any] | undefined;
  if (query.term || query.match || query.match_phrase) {
    const [f, v] = pair(query.term ?? query.match ?? query.match_phrase) ?? [];
    if (!f) return true;
    const want = typeof v === 'object' && v !== null ? (v.value ?? v.query) : v;
    const got = f.split('.').reduce<any>((o, k) => o?.[k], doc);
    return query.term ? got === want : String(got ?? '').includes(String(want));
  }
  if (query.bool) {
    const must = [...(query.bool.must ?? []), ...(query.bool.filter ?? [])];
    return must.every((q: any) => matches(doc, q)) && !(query.bool.must_not ?? []).some((q: any) => matches(doc, q));
  }
  return true;
}

/**
 * OpenSearch stand-in: GET / (version), /_cluster/health, /<index>/_search and /<index>/_count
 * (match_all, term, match, bool.must/filter/must_not; index wildcards), POST /<index>/_doc, /_bulk.
 * `fromTopic` serves the records of a topic file as documents of an index (e.g. what the Vector
 * stand-in wrote), re-read on every query.
 */
export async function startFakeOpenSearch(opts: { port?: number; indices?: Record<string, Record<string, unknown>[]>; fromTopic?: { topicsDir: string; topic: string; index: string } } = {}): Promise<FakeOpenSearch> {
  const indices = new Map<string, Record<string, unknown>[]>(Object.entries(opts.indices ?? {}));
  const docsOf = (pattern: string) => {
    const re = new RegExp(`^(${pattern.split(',').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`);
    const all = new Map(indices);
    if (opts.fromTopic) {
      const f = join(opts.fromTopic.topicsDir, `${opts.fromTopic.topic}.log`);
      const docs = existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return { message: l }; } }) : [];
      all.set(opts.fromTopic.index, [...(all.get(opts.fromTopic.index) ?? []), ...docs]);
    }
    return [...all.entries()].filter(([name]) => re.test(name)).flatMap(([name, docs]) => docs.map((d, i) => ({ index: name, id: String(i), doc: d })));
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean);
    const reply = (status: number, data: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(data)); };
    const text = await body(req);
    if (parts.length === 0) return reply(200, { name: 'opensearch-sim', cluster_name: 'logclaw', version: { distribution: 'opensearch', number: '2.19.0' }, tagline: 'The OpenSearch Project: https://opensearch.org/' });
    if (parts[0] === '_cluster' && parts[1] === 'health') return reply(200, { cluster_name: 'logclaw', status: 'green', timed_out: false, number_of_nodes: 3, number_of_data_nodes: 3, active_primary_shards: indices.size, active_shards: indices.size, unassigned_shards: 0 });
    if (parts[0] === '_bulk') {
      const lines = text.split('\n').filter(Boolean);
      const items = [];
      for (let i = 0; i < lines.length; i += 2) {
        const action = JSON.parse(lines[i]!);
        const meta = action.index ?? action.create;
        const docs = indices.get(meta._index) ?? [];
        docs.push(JSON.parse(lines[i + 1] ?? '{}'));
        indices.set(meta._index, docs);
        items.push({ index: { _index: meta._index, _id: String(docs.length - 1), result: 'created', status: 201 } });
      }
      return reply(200, { took: 1, errors: false, items });
    }
    const [index, op] = parts;
    if (op === '_doc' && (req.method === 'POST' || req.method === 'PUT')) {
      const docs = indices.get(index!) ?? [];
      docs.push(JSON.parse(text || '{}'));
      indices.set(index!, docs);
      return reply(201, { _index: index, _id: String(docs.length - 1), result: 'created' });
    }
    if (op === '_search' || op === '_count') {
      const q = text ? JSON.parse(text) : {};
      const found = docsOf(index!).filter((d) => matches(d.doc, q.query));
      if (op === '_count') return reply(200, { count: found.length, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
      const size = Number(url.searchParams.get('size') ?? q.size ?? 10);
      return reply(200, {
        took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: found.length, relation: 'eq' }, max_score: 1, hits: found.slice(0, size).map((d) => ({ _index: d.index, _id: d.id, _score: 1, _source: d.doc })) },
      });
    }
    return reply(404, { error: { type: 'index_not_found_exception', reason: `no such index [${index}]` }, status: 404 });
  });
  const s = await listen(server, opts.port);
  return { ...s, indices };
}
