// Local handlers a test starts and routes pod ports to (Cluster.forwardPort → kwok PortForward):
// a fake Vector HTTP endpoint (the ingestion Service's port 8080 / API 8686). Kafka's console producer/consumer stand-ins are scripts in handlers/bin
// that kwok runs for `kubectl exec` (records live in topic files, see Cluster.topic()).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { appendFileSync, mkdirSync } from 'node:fs';
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

