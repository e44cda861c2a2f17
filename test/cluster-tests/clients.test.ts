// @kubernetes/client-node against the simulated cluster through fault proxies: list, a watch that
// the proxy cuts and the client resumes from its last resourceVersion, exec and port-forward; and
// what the request log records.
import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { execa } from 'execa';
import { createServer, type AddressInfo } from 'node:net';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { deployment, k, kjson, kubectl, namespace } from '../helpers/kubectl.js';
import { startFakeVector } from '../cluster/handlers.ts';

const cluster = setupCluster();

const clientNode = () => import('@kubernetes/client-node');

describe('@kubernetes/client-node through the fault proxy', () => {
  it('lists, and resumes a watch the proxy cuts after N events without losing one', async () => {
    const c = cluster();
    const ns = await namespace(c, 'watch');
    const proxy = await c.proxy({ cutWatchAfterEvents: 3 });
    const { KubeConfig, CoreV1Api, Watch } = await clientNode();
    const kc = new KubeConfig();
    kc.loadFromFile(proxy.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 2; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `seed-${i}` }, data: { i: String(i) } } });
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    expect(list.items.map((x) => x.metadata?.name).filter((n) => n?.startsWith('seed-')).sort()).toEqual(['seed-0', 'seed-1']);

    const seen: string[] = [];
    let rv = list.metadata!.resourceVersion!;
    let cuts = 0;
    let stopped = false;
    const watchFrom = async (): Promise<void> => {
      await new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: rv, allowWatchBookmarks: true },
        (type, obj) => {
          if (obj?.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
          if (type === 'ADDED' && obj.metadata.name.startsWith('ev-')) seen.push(obj.metadata.name);
        },
        () => { if (!stopped) { cuts++; void watchFrom(); } });
    };
    await watchFrom();
    for (let i = 0; i < 8; i++) {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `ev-${i}` } } });
    }
    await eventually('all 8 events', async () => seen.length >= 8, 20_000);
    stopped = true;
    expect([...new Set(seen)].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `ev-${i}`));
    expect(cuts).toBeGreaterThanOrEqual(2);
    const watches = proxy.requests().filter((r) => r.watch && r.path.endsWith(`/namespaces/${ns}/configmaps`));
    expect(watches.filter((r) => r.fault === 'cut-watch-events').length).toBeGreaterThanOrEqual(2);
    expect(watches.every((r) => r.query.includes('resourceVersion='))).toBe(true);
    await proxy.close();
  });

  it('execs and port-forwards over WebSockets', async () => {
    const c = cluster();
    const ns = await namespace(c, 'ws');
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('api', ns)) });
    await k(c, 'rollout', 'status', 'deployment/api', '-n', ns, '--timeout=60s');
    const pod = (await kjson(c, 'get', 'pods', '-n', ns, '-l', 'app=api')).items[0].metadata.name as string;
    const proxy = await c.proxy({});
    const { KubeConfig, Exec, PortForward } = await clientNode();
    const kc = new KubeConfig();
    kc.loadFromFile(proxy.kubeconfig);

    const topic = `ws-${ns}`;
    let out = '';
    const stdout = new Writable({ write(chunk, _e, cb) { out += chunk; cb(); } });
    const status = await new Promise<any>((resolve, reject) => {
      const stdin = new PassThrough();
      void new Exec(kc).exec(ns, pod, 'main', ['kafka-console-producer.sh', '--topic', topic], stdout, null, stdin, false, resolve).catch(reject);
      stdin.end('from-client-node\n');
    });
    expect(status.status).toBe('Success');
    expect(c.topic(topic)).toEqual(['from-client-node']);

    const vector = await startFakeVector();
    await c.forwardPort({ namespace: ns, pod, podPort: 8080, localPort: vector.port });
    const server = createServer((socket) => { void new PortForward(kc).portForward(ns, pod, [8080], socket, null, socket); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const body = await eventually('health through client-node port-forward', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3000) });
      return res.ok ? res.json() : undefined;
    }, 20_000, 500);
    expect(body).toEqual({ ok: true });
    server.close();
    await vector.close();
    const upgrades = proxy.requests().filter((r) => r.path.endsWith('/exec') || r.path.endsWith('/portforward'));
    expect(upgrades.map((r) => r.status)).toContain(101);
    await proxy.close();
  });

  it('injects 5xx and latency, and records every request for call counting', async () => {
    const c = cluster();
    const ns = await namespace(c, 'faults');
    const proxy = await c.proxy('5xx=1,match=/configmaps');
    const via = (...args: string[]) => execa('kubectl', ['--kubeconfig', proxy.kubeconfig, ...args], { reject: false });
    const failed = await via('get', 'configmaps', '-n', ns);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/unable to handle the request|ServiceUnavailable|injected fault/);
    const ok = await via('get', 'serviceaccounts', '-n', ns);
    expect(ok.exitCode, ok.stderr).toBe(0);

    await proxy.setFaults({ latencyMs: 300 });
    const t0 = Date.now();
    expect((await via('get', 'configmaps', '-n', ns)).exitCode).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);

    const reqs = proxy.requests();
    const cmGets = reqs.filter((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/${ns}/configmaps`);
    expect(cmGets.filter((r) => r.status === 503 && r.fault === 'error').length).toBeGreaterThanOrEqual(1);
    expect(cmGets.at(-1)).toMatchObject({ status: 200 });
    expect(cmGets.at(-1)!.ms).toBeGreaterThanOrEqual(300);
    for (const r of reqs) expect(Object.keys(r)).toEqual(expect.arrayContaining(['time', 'method', 'path', 'query', 'status', 'ms']));
    await proxy.close();
  });
});
