// `logclaw port-forward` (the built CLI) against the simulated control plane: every Service of the tenant
// in one process with a table of local URLs, the next free port when the usual one is taken, a pod
// replaced while forwarding, and Ctrl-C closing everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer as createNetServer } from 'node:net';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bin } from '../helpers/cli.js';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { k, kjson } from '../helpers/kubectl.js';
import { makeTenant, routePod, type Tenant } from '../verify/fixture.ts';
import { isPortFree, listen } from '../../src/portforward/ports.js';

const cluster = setupCluster();
const cleanup: Array<() => Promise<void>> = [];
let shared: Tenant | undefined;
beforeAll(async () => {
  shared = await makeTenant(cluster(), 'pf');
}, 240_000);
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await shared?.close();
}, 60_000);

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(url, { agent: false, timeout: 5000 }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    r.on('error', reject);
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.end();
  });
}

interface Running {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number>;
}

function start(t: Tenant, ...args: string[]): Running {
  const child = spawn(process.execPath, [bin, 'port-forward', '--tenant', t.id, '--kube-context', cluster().context, ...args], {
    cwd: t.root,
    env: { ...process.env, ...t.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? 128 : 1))));
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, out: () => out, err: () => err, exited };
}

/** A Kafka ApiVersions v0 request on a plain connection: the correlation id and error code of the answer. */
function kafkaApiVersions(port: number): Promise<{ correlationId: number; errorCode: number }> {
  const clientId = Buffer.from('logclaw-test');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2); // version 0
  body.writeInt32BE(7, 4); // correlation id
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(Buffer.concat([size, body])));
    let got = Buffer.alloc(0);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        s.destroy();
        resolve({ correlationId: got.readInt32BE(4), errorCode: got.readInt16BE(8) });
      }
    });
    s.on('error', reject);
    setTimeout(() => (s.destroy(), reject(new Error('no answer from the Kafka bootstrap'))), 15_000).unref();
  });
}

/** Rows of the printed table: service → local URL. */
function table(out: string): Record<string, { url: string; line: string }> {
  const rows: Record<string, { url: string; line: string }> = {};
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+((?:https?:\/\/)?127\.0\.0\.1:\d+\S*)\s/.exec(line);
    if (m) rows[m[1]!] = { url: m[2]!, line };
  }
  return rows;
}

describe('logclaw port-forward on the simulator', () => {
  it('forwards every service, moves off taken ports, survives a pod replacement and closes all on Ctrl-C', async () => {
    const c = cluster();
    const t = shared!;
    // someone already listens on OpenSearch's usual port
    const blocker = createNetServer();
    const blocked = (await isPortFree(9200)) ? await listen(blocker, 9200) : 9200;
    cleanup.push(() => new Promise((r) => (blocker.listening ? blocker.close(() => r()) : r())));

    const pf = start(t);
    await eventually('the table', async () => /forwarding \d+ services/.test(pf.out()) && Object.keys(table(pf.out())).length >= 5, 60_000, 100);
    const rows = table(pf.out());
    expect(Object.keys(rows).sort()).toEqual(['kafka-bootstrap', 'opensearch', 'ticketing-agent', 'vector-api', 'vector-http', 'vector-metrics']);
    expect(pf.out()).toMatch(/forwarding 6 services of namespace logclaw-pf-\w+ \(context \S+\); Ctrl-C stops/);
    expect(rows['vector-http']!.line).toMatch(/svc\/logclaw-ingestion:8080\s+logclaw-ingestion-receiver-/);
    expect(rows['vector-api']!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    expect(rows['kafka-bootstrap']!.url).toMatch(/^127\.0\.0\.1:\d+$/);
    // OpenSearch's usual port is taken: the next free one, and the table says so
    expect(rows.opensearch!.url).not.toContain(`:${blocked}`);
    expect(rows.opensearch!.line).toContain('usual port taken');
    // Vector and the agent both usually use 8080: two distinct local ports
    expect(rows['vector-http']!.url).not.toBe(rows['ticketing-agent']!.url);

    // traffic really flows to the pods' handlers
    expect((await get(`${rows['vector-http']!.url}/health`)).status).toBe(200);
    expect(JSON.parse((await get(`${rows['ticketing-agent']!.url}/healthz`)).body)).toEqual({ status: 'ok' });
    expect(t.requests.agent).toContain('GET /healthz');
    // the Kafka bootstrap is the tenant's real broker: it answers a Kafka ApiVersions request
    if (t.broker) expect(await kafkaApiVersions(Number(rows['kafka-bootstrap']!.url.split(':')[1]))).toEqual({ correlationId: 7, errorCode: 0 });

    // the Vector pod is replaced (deleted; the Deployment makes another one), routed to a new handler
    const oldPod = await t.vectorPod();
    const replacement = createServer((_req, res) => res.end(JSON.stringify({ pod: 'replacement' })));
    await new Promise<void>((r) => replacement.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => (replacement.close(() => r()), replacement.closeAllConnections())));
    await k(c, 'delete', 'pod', oldPod, '-n', t.namespace, '--wait=false');
    const newPod = await eventually('the replacement pod', async () => {
      const p = await t.vectorPod();
      return p !== oldPod ? p : undefined;
    }, 60_000);
    await routePod(c, t.namespace, newPod, [[8080, (replacement.address() as AddressInfo).port]]);
    await eventually('the forward to follow the new pod', async () => pf.err().includes(`vector-http: pod ${oldPod} went away, forwarding to ${newPod}`), 30_000, 100);
    const answer = await eventually('an answer from the replacement', async () => {
      const r = await get(`${rows['vector-http']!.url}/health`).catch(() => undefined);
      return r && r.body.includes('replacement') ? r : undefined;
    }, 30_000, 250);
    expect(JSON.parse(answer.body)).toEqual({ pod: 'replacement' });
    const pods = await kjson(c, 'get', 'pods', '-n', t.namespace, '-l', 'app.kubernetes.io/name=logclaw-ingestion');
    expect(pods.items.map((p: { metadata: { name: string } }) => p.metadata.name)).not.toContain(oldPod);

    if (process.env.LOGCLAW_TEST_SHOW) process.stderr.write(`\n$ logclaw port-forward --tenant ${t.id}\n${pf.out()}${pf.err()}`);
    // Ctrl-C: exit 130, every local port closed
    const ports = Object.values(rows).map((r) => Number(/:(\d+)/.exec(r.url.replace(/^https?:\/\//, ''))![1]));
    pf.child.kill('SIGINT');
    expect(await pf.exited).toBe(130);
    expect(pf.err()).toContain('port-forward: all forwards closed');
    expect(pf.err()).not.toContain('EADDRINUSE');
    for (const p of ports) expect(await isPortFree(p), `port ${p} still open`).toBe(true);
  });

  it('--services limits the forwards; an unknown name is a usage error', async () => {
    const t = shared!;
    const pf = start(t, '--services', 'opensearch,ticketing-agent', '--json');
    await eventually('the JSON', async () => pf.out().trim().endsWith('}'), 60_000, 100);
    const json = JSON.parse(pf.out()) as { namespace: string; forwards: Array<{ name: string; url: string; pod: string; state: string }> };
    expect(json.namespace).toBe(t.namespace);
    expect(json.forwards.map((f) => [f.name, f.state])).toEqual([
      ['opensearch', 'ready'],
      ['ticketing-agent', 'ready'],
    ]);
    pf.child.kill('SIGINT');
    expect(await pf.exited).toBe(130);

    const bad = start(t, '--services', 'vectorr');
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toContain('unknown service "vectorr"');
  });
});
