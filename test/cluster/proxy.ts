// Fault proxy: a TLS reverse proxy in front of the API server. It logs every request as one JSON
// line (time, method, path, query, status, ms, watch, userAgent) and can inject faults:
//   errorRate   share of requests answered 503 (watches and upgrades included unless errorWatch false)
//   latencyMs   added before forwarding (plus up to jitterMs)
//   cutWatchAfterEvents / cutWatchAfterMs   break watch connections after N events or that long
//   match       only requests whose path matches this regular expression get faults
// Spec string form (--faults): "5xx=0.2,latency=100ms,jitter=50ms,cut-watch-events=3,cut-watch-after=5s,match=/api/v1/pods,seed=7"
import { createServer as createHttpsServer, request as httpsRequest, Agent } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { appendFileSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';

export interface Faults {
  errorRate?: number;
  errorStatus?: number;
  latencyMs?: number;
  jitterMs?: number;
  cutWatchAfterEvents?: number;
  cutWatchAfterMs?: number;
  match?: string;
  seed?: number;
}

export interface RequestRecord {
  time: string;
  method: string;
  path: string;
  query: string;
  status: number;
  ms: number;
  watch: boolean;
  userAgent?: string;
  fault?: string;
}

function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new Error(`bad duration ${v}`);
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

export function parseFaults(spec: string | undefined): Faults {
  const f: Faults = {};
  if (!spec || spec === 'none') return f;
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v = ''] = part.split('=');
    switch (k) {
      case '5xx': case 'errors': f.errorRate = Number(v); break;
      case 'status': f.errorStatus = Number(v); break;
      case 'latency': f.latencyMs = duration(v); break;
      case 'jitter': f.jitterMs = duration(v); break;
      case 'cut-watch-events': f.cutWatchAfterEvents = Number(v); break;
      case 'cut-watch-after': f.cutWatchAfterMs = duration(v); break;
      case 'match': f.match = v; break;
      case 'seed': f.seed = Number(v); break;
      default: throw new Error(`unknown fault ${k} (5xx, status, latency, jitter, cut-watch-events, cut-watch-after, match, seed)`);
    }
  }
  for (const [k, v] of Object.entries(f)) if (typeof v === 'number' && Number.isNaN(v)) throw new Error(`bad number for ${k} in ${spec}`);
  return f;
}

/** Deterministic PRNG (mulberry32) so a seeded fault spec fails the same requests every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultProxy {
  port: number;
  url: string;
  logFile: string;
  faults: Faults;
  setFaults(f: Faults): void;
  records(): RequestRecord[];
  close(): Promise<void>;
}

export interface ProxyTls { ca: string; cert: string; key: string; serverCert: string; serverKey: string }

export async function startFaultProxy(upstream: string, tls: ProxyTls, logFile: string, faults: Faults = {}, port = 0): Promise<FaultProxy> {
  const up = new URL(upstream);
  const agent = new Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, keepAlive: true, maxSockets: 256 });
  let current: Faults = { ...faults };
  let random = rng(current.seed ?? Date.now());
  writeFileSync(logFile, '');
  const record = (r: RequestRecord) => appendFileSync(logFile, `${JSON.stringify(r)}\n`);
  const applies = (path: string) => !current.match || new RegExp(current.match).test(path);
  const delay = () => {
    const ms = (current.latencyMs ?? 0) + (current.jitterMs ? random() * current.jitterMs : 0);
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const t0 = Date.now();
    const u = new URL(req.url ?? '/', 'https://x');
    const watch = u.searchParams.get('watch') === 'true' || u.searchParams.get('watch') === '1' || /\/watch\//.test(u.pathname);
    const base: Omit<RequestRecord, 'status' | 'ms'> = {
      time: new Date(t0).toISOString(), method: req.method ?? 'GET', path: u.pathname, query: u.search.replace(/^\?/, ''),
      watch, userAgent: req.headers['user-agent'],
    };
    const faulty = applies(u.pathname);
    if (faulty) await delay();
    if (faulty && current.errorRate && random() < current.errorRate) {
      const status = current.errorStatus ?? 503;
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'injected fault', reason: status === 503 ? 'ServiceUnavailable' : 'InternalError', code: status }));
      record({ ...base, status, ms: Date.now() - t0, fault: 'error' });
      return;
    }
    const headers = { ...req.headers, host: up.host };
    const cutting = faulty && watch && (current.cutWatchAfterEvents !== undefined || current.cutWatchAfterMs !== undefined);
    // Event counting needs newline-delimited JSON; every client accepts it for watches.
    if (cutting) headers.accept = 'application/json';
    const preq = httpsRequest({ protocol: 'https:', hostname: up.hostname, port: up.port, method: req.method, path: req.url, headers, agent }, (pres) => {
      res.writeHead(pres.statusCode ?? 502, pres.headers);
      // Watches send headers long before their first event; pass them on at once.
      res.flushHeaders();
      let events = 0;
      let done = false;
      const finish = (fault?: string) => {
        if (done) return;
        done = true;
        record({ ...base, status: pres.statusCode ?? 502, ms: Date.now() - t0, ...(fault ? { fault } : {}) });
      };
      let timer: NodeJS.Timeout | undefined;
      const cut = (why: string) => {
        finish(why);
        pres.destroy();
        res.socket?.destroy();
      };
      if (cutting && current.cutWatchAfterMs !== undefined) timer = setTimeout(() => cut('cut-watch-time'), current.cutWatchAfterMs);
      pres.on('data', (chunk: Buffer) => {
        res.write(chunk);
        if (cutting && current.cutWatchAfterEvents !== undefined) {
          for (const b of chunk) if (b === 10) events++;
          if (events >= current.cutWatchAfterEvents) cut('cut-watch-events');
        }
      });
      pres.on('end', () => { clearTimeout(timer); res.end(); finish(); });
      pres.on('error', () => { clearTimeout(timer); res.destroy(); finish('upstream-error'); });
      res.on('close', () => { clearTimeout(timer); pres.destroy(); finish(); });
    });
    preq.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
      record({ ...base, status: 502, ms: Date.now() - t0, fault: 'upstream-error' });
    });
    req.pipe(preq);
  };

  // exec / attach / port-forward upgrade the connection (SPDY or WebSocket): splice raw sockets.
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const t0 = Date.now();
    const u = new URL(req.url ?? '/', 'https://x');
    const base = { time: new Date(t0).toISOString(), method: req.method ?? 'GET', path: u.pathname, query: u.search.replace(/^\?/, ''), watch: false, userAgent: req.headers['user-agent'] };
    const faulty = applies(u.pathname);
    if (faulty) await delay();
    if (faulty && current.errorRate && random() < current.errorRate) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      record({ ...base, status: 503, ms: Date.now() - t0, fault: 'error' });
      return;
    }
    const upstreamSocket = tlsConnect({ host: up.hostname, port: Number(up.port), ca: tls.ca, cert: tls.cert, key: tls.key, servername: up.hostname === '127.0.0.1' ? undefined : up.hostname }, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i]!;
        lines.push(`${k}: ${k.toLowerCase() === 'host' ? up.host : req.rawHeaders[i + 1]}`);
      }
      upstreamSocket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstreamSocket.write(head);
      let logged = false;
      upstreamSocket.once('data', (first: Buffer) => {
        const status = Number(/^HTTP\/1\.1 (\d+)/.exec(first.toString('latin1'))?.[1] ?? 0);
        record({ ...base, status, ms: Date.now() - t0 });
        logged = true;
      });
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
      upstreamSocket.on('close', () => { if (!logged) record({ ...base, status: 502, ms: Date.now() - t0 }); });
    });
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
  };

  const server = createHttpsServer({ cert: tls.serverCert, key: tls.serverKey, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => { void handler(req, res); });
  server.on('upgrade', (req, socket, head) => { void onUpgrade(req, socket, head); });
  server.keepAliveTimeout = 60_000;
  // Upgraded (exec / port-forward) sockets are not closed by closeAllConnections(); track them all.
  const sockets = new Set<Duplex>();
  server.on('connection', (sock) => { sockets.add(sock); sock.on('close', () => sockets.delete(sock)); });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()); });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `https://127.0.0.1:${actual}`,
    logFile,
    get faults() { return current; },
    setFaults(f: Faults) { current = { ...f }; random = rng(current.seed ?? Date.now()); },
    records() { return readRecords(logFile); },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const sock of sockets) sock.destroy();
      agent.destroy();
    }),
  };
}

export function readRecords(logFile: string): RequestRecord[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RequestRecord);
}
