// The forwarding manager against local TCP servers playing pods: piping, the next free port, a pod replaced
// (watch-driven and discovered on a refused tunnel), and closeAll leaving no listener or socket behind.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ForwardManager, type Endpoint, type ForwardBackend, type ForwardEvent, type ForwardTarget } from '../../src/portforward/forwarder.js';
import { bindNextFree, isPortFree, listen } from '../../src/portforward/ports.js';

/** A "pod": a TCP server answering every line with `<pod>:<line>`. */
async function startPod(name: string): Promise<{ name: string; port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (d) => s.write(`${name}:${d.toString()}`));
  });
  const port = await listen(server, 0);
  return { name, port, server, sockets };
}

async function stopPod(p: { server: Server; sockets: Set<Socket> }) {
  for (const s of p.sockets) s.destroy();
  await new Promise<void>((r) => p.server.close(() => r()));
}

/** A cluster of one Service whose ready pod can be replaced. */
class FakeCluster implements ForwardBackend {
  pods = new Map<string, { name: string; port: number; server: Server; sockets: Set<Socket> }>();
  current: string | undefined;
  onGone: ((pod: string, uid: string | undefined) => void) | undefined;
  resolves = 0;
  opened = new Set<Socket>();
  watchStopped = false;

  async add(name: string) {
    const p = await startPod(name);
    this.pods.set(name, p);
    this.current = name;
    return p;
  }
  async resolve(): Promise<Endpoint> {
    this.resolves++;
    const p = this.current ? this.pods.get(this.current) : undefined;
    if (!p) throw new Error('no ready pod behind Service ns/svc');
    return { pod: p.name, port: p.port };
  }
  async open(_t: ForwardTarget, ep: Endpoint, socket: Socket) {
    const pod = this.pods.get(ep.pod);
    if (!pod) throw new Error(`pods "${ep.pod}" not found`);
    const up = connect(pod.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      up.once('connect', resolve);
      up.once('error', reject);
    });
    this.opened.add(up);
    up.on('close', () => this.opened.delete(up));
    up.on('error', () => socket.destroy());
    socket.pipe(up).pipe(socket);
    return { close: () => up.destroy() };
  }
  async watchPods(_ns: string, onGone: (pod: string, uid: string | undefined) => void) {
    this.onGone = onGone;
    return () => {
      this.watchStopped = true;
    };
  }
  /** Delete the current pod and start its replacement (as a Deployment would). */
  async replace(next: string, notify = true) {
    const old = this.current!;
    await stopPod(this.pods.get(old)!);
    this.pods.delete(old);
    await this.add(next);
    if (notify) this.onGone?.(old, undefined);
  }
}

/** One request/answer over a fresh connection to the local port. */
function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got.includes('\n')) {
        s.end();
        resolve(got.trim());
      }
    });
    s.on('error', reject);
    s.on('close', () => (got ? undefined : reject(new Error('closed without an answer'))));
    s.write(`${text}\n`);
  });
}

const target = (name: string, localPort = 0): ForwardTarget => ({ name, namespace: 'ns', service: 'svc', servicePort: 8080, localPort, scheme: 'http' });
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ports', () => {
  it('uses the usual port when free and the next free one when it is taken', async () => {
    const blocker = createServer();
    const usual = await listen(blocker, 0);
    cleanups.push(() => new Promise((r) => blocker.close(() => r())));
    const s = createServer();
    cleanups.push(() => new Promise((r) => s.close(() => r())));
    const bound = await bindNextFree(s, usual);
    expect(bound.moved).toBe(true);
    expect(bound.port).toBeGreaterThan(usual);
    expect(await isPortFree(usual)).toBe(false);
    expect(await isPortFree(bound.port)).toBe(false);
  });

  it('skips ports this process already handed out', async () => {
    const probe = createServer();
    const free = await listen(probe, 0);
    await new Promise<void>((r) => probe.close(() => r()));
    const taken = new Set<number>();
    const a = createServer();
    const b = createServer();
    cleanups.push(() => new Promise((r) => a.close(() => r())), () => new Promise((r) => b.close(() => r())));
    const first = await bindNextFree(a, free, { taken });
    const second = await bindNextFree(b, free, { taken });
    expect(first).toEqual({ port: free, moved: false });
    expect(second.port).not.toBe(free);
    expect(second.moved).toBe(true);
  });

  it('takes any free port for 0', async () => {
    const s = createServer();
    cleanups.push(() => new Promise((r) => s.close(() => r())));
    const bound = await bindNextFree(s, 0);
    expect(bound.port).toBeGreaterThan(0);
    expect(bound.moved).toBe(false);
  });
});

describe('ForwardManager', () => {
  it('tunnels connections to the resolved pod and reports the forward', async () => {
    const cluster = new FakeCluster();
    await cluster.add('vector-0');
    const events: ForwardEvent[] = [];
    const m = new ForwardManager(cluster, { onEvent: (e) => events.push(e) });
    cleanups.push(() => m.closeAll());
    const [fwd] = await m.addAll([target('vector-http')]);
    expect(await ask(fwd!.localPort, 'hello')).toBe('vector-0:hello');
    expect(await ask(fwd!.localPort, 'again')).toBe('vector-0:again');
    expect(cluster.resolves).toBe(1); // the pod is resolved once, not per connection
    const [info] = m.list();
    expect(info).toMatchObject({ name: 'vector-http', pod: 'vector-0', state: 'ready', url: `http://127.0.0.1:${fwd!.localPort}`, reconnects: 0 });
    expect(events).toEqual([{ type: 'ready', name: 'vector-http', pod: 'vector-0', localPort: fwd!.localPort }]);
  });

  it('gives two forwards that share a usual port that port and the next free one', async () => {
    const probe = createServer();
    const free = await listen(probe, 0);
    await new Promise<void>((r) => probe.close(() => r()));
    const cluster = new FakeCluster();
    await cluster.add('p-0');
    const m = new ForwardManager(cluster);
    cleanups.push(() => m.closeAll());
    await m.addAll([target('vector-http', free), target('ticketing-agent', free)]);
    const [a, b] = m.list();
    expect(a).toMatchObject({ localPort: free, moved: false });
    expect(b!.localPort).not.toBe(free);
    expect(b!.moved).toBe(true);
  });

  it('re-establishes on the replacement pod when the watch reports the pod gone', async () => {
    const cluster = new FakeCluster();
    await cluster.add('vector-aaaa');
    const events: ForwardEvent[] = [];
    const m = new ForwardManager(cluster, { onEvent: (e) => events.push(e) });
    cleanups.push(() => m.closeAll());
    const [fwd] = await m.addAll([target('vector-http')]);
    expect(await ask(fwd!.localPort, 'one')).toBe('vector-aaaa:one');
    await cluster.replace('vector-bbbb');
    await until(() => events.some((e) => e.type === 'reestablished'));
    expect(events.find((e) => e.type === 'reestablished')).toEqual({
      type: 'reestablished',
      name: 'vector-http',
      pod: 'vector-bbbb',
      previousPod: 'vector-aaaa',
      localPort: fwd!.localPort,
    });
    expect(await ask(fwd!.localPort, 'two')).toBe('vector-bbbb:two');
    expect(m.list()[0]).toMatchObject({ pod: 'vector-bbbb', reconnects: 1, localPort: fwd!.localPort });
  });

  it('keeps retrying while no pod is ready, then forwards to the new one', async () => {
    const cluster = new FakeCluster();
    await cluster.add('ta-1');
    const events: ForwardEvent[] = [];
    const m = new ForwardManager(cluster, { onEvent: (e) => events.push(e) });
    cleanups.push(() => m.closeAll());
    const [fwd] = await m.addAll([target('ticketing-agent')]);
    // the pod goes away and its replacement is not ready for a while
    await stopPod(cluster.pods.get('ta-1')!);
    cluster.pods.delete('ta-1');
    cluster.current = undefined;
    cluster.onGone?.('ta-1', undefined);
    await until(() => events.some((e) => e.type === 'waiting'));
    expect(m.list()[0]).toMatchObject({ state: 'waiting', pod: undefined });
    await cluster.add('ta-2');
    await until(() => events.some((e) => e.type === 'reestablished'));
    expect(await ask(fwd!.localPort, 'x')).toBe('ta-2:x');
  });

  it('finds the replacement when a tunnel to the old pod is refused (no watch event)', async () => {
    const cluster = new FakeCluster();
    await cluster.add('os-0');
    const events: ForwardEvent[] = [];
    const m = new ForwardManager(cluster, { onEvent: (e) => events.push(e) });
    cleanups.push(() => m.closeAll());
    const [fwd] = await m.addAll([target('opensearch')]);
    await cluster.replace('os-1', false);
    expect(await ask(fwd!.localPort, 'q')).toBe('os-1:q');
    expect(events.at(-1)).toMatchObject({ type: 'reestablished', pod: 'os-1', previousPod: 'os-0' });
  });

  it('closeAll closes listeners, client sockets, tunnels and the watch', async () => {
    const cluster = new FakeCluster();
    await cluster.add('p');
    const m = new ForwardManager(cluster);
    const [fwd] = await m.addAll([target('vector-http')]);
    const port = fwd!.localPort;
    // an idle connection held open by a client
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write('hi\n');
    await new Promise((r) => client.once('data', r));
    expect(cluster.opened.size).toBe(1);
    const closed = new Promise((r) => client.once('close', r));
    await m.closeAll();
    await closed;
    await until(() => cluster.opened.size === 0);
    expect(await isPortFree(port)).toBe(true);
    expect(cluster.watchStopped).toBe(true);
    expect(m.list()[0]!.state).toBe('closed');
    await expect(m.add(target('again'))).rejects.toThrow(/closed/);
  });
});
