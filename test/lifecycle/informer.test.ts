/**
 * The watch protocol corners, on a scripted HTTP endpoint (the test cluster covers the normal path and
 * connection cuts; an expired resourceVersion cannot be forced on it): a watch closed by the server is resumed
 * from the last resourceVersion seen, a 410 Gone (ERROR event or HTTP status) makes the informer list again and
 * reconcile its cache (deletions included), 5xx answers to lists are retried.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApi } from '../../src/kube/api.js';
import { WatchHub } from '../../src/kube/watch.js';
import { waitForReady } from '../../src/readiness/wait.js';

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;
const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function fakeApi(handler: Handler): Promise<{ api: KubeApi; requests: string[] }> {
  const requests: string[] = [];
  const srv = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/apis/apps/v1') {
      res.end(JSON.stringify({ resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }] }));
      return;
    }
    if (url.pathname === '/api/v1') {
      res.end(JSON.stringify({ resources: [{ name: 'pods', kind: 'Pod', namespaced: true }] }));
      return;
    }
    // the waiter also watches the namespace's pods: none here
    if (url.pathname.endsWith('/pods')) {
      if (url.searchParams.get('watch') === 'true') res.writeHead(200);
      else res.end(JSON.stringify({ metadata: { resourceVersion: '1' }, items: [] }));
      return;
    }
    handler(req, url, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  servers.push({ close: () => srv.close() });
  const port = (srv.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: fake, context: {cluster: fake, user: u}}]
current-context: ""
`);
  return { api: await KubeApi.load({ context: 'fake', kubeconfig }), requests };
}

const dep = (name: string, rv: string, available: number) => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, generation: 1 },
  spec: { replicas: 1 },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: available },
});

const send = (res: ServerResponse, type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);

describe('informer', () => {
  it('resumes a dropped watch from the last resourceVersion it saw', async () => {
    let watches = 0;
    const { api, requests } = await fakeApi((_req, url, res) => {
      if (url.searchParams.get('watch') !== 'true') {
        res.end(JSON.stringify({ metadata: { resourceVersion: '10' }, items: [dep('a', '10', 0)] }));
        return;
      }
      watches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watches === 1) {
        send(res, 'MODIFIED', dep('a', '11', 0));
        send(res, 'BOOKMARK', { metadata: { resourceVersion: '15' } });
        res.end(); // the server (or a proxy) closes the stream
      } else {
        send(res, 'MODIFIED', dep('a', '16', 1));
      }
    });
    const hub = new WatchHub(api);
    const r = await waitForReady(hub, [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'a' }], { timeoutMs: 5000 });
    hub.stop();
    expect(r.ok).toBe(true);
    const watchCalls = requests.filter((q) => q.includes('/deployments?') && q.includes('watch=true'));
    expect(watchCalls[0]).toContain('resourceVersion=10');
    expect(watchCalls[1]).toContain('resourceVersion=15'); // after the bookmark, not from scratch
    expect(requests.filter((q) => q.startsWith('GET /apis/apps/v1/namespaces/ns/deployments') && !q.includes('watch=true'))).toHaveLength(1);
    expect(hub.informer('apps/v1', 'Deployment', 'ns').stats).toMatchObject({ lists: 1, watches: 2, relists: 0 });
  });

  it('lists again on 410 Gone and reconciles the cache (an object deleted meanwhile is gone)', async () => {
    let lists = 0;
    let watches = 0;
    const { api } = await fakeApi((_req, url, res) => {
      if (url.searchParams.get('watch') !== 'true') {
        lists++;
        res.end(JSON.stringify(lists === 1 ? { metadata: { resourceVersion: '5' }, items: [dep('a', '5', 0), dep('b', '5', 1)] } : { metadata: { resourceVersion: '90' }, items: [dep('a', '88', 1)] }));
        return;
      }
      watches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watches === 1) {
        send(res, 'ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (80)' });
        res.end();
      } else if (watches === 2) {
        res.end();
      }
    });
    const hub = new WatchHub(api);
    const inf = hub.informer('apps/v1', 'Deployment', 'ns');
    const deleted: string[] = [];
    inf.subscribe((e) => e.type === 'DELETED' && deleted.push(e.object.metadata!.name!));
    const r = await waitForReady(hub, [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'a' }], { timeoutMs: 5000 });
    hub.stop();
    expect(r.ok, JSON.stringify(hub.stats())).toBe(true);
    expect(lists, JSON.stringify(hub.stats())).toBe(2);
    expect(deleted).toEqual(['b']);
    expect(inf.stats.relists).toBe(1);
  });

  it('retries 5xx answers of the API server', async () => {
    let n = 0;
    const { api, requests } = await fakeApi((_req, url, res) => {
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200);
        return;
      }
      if (n++ < 2) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', message: 'injected fault', code: 503 }));
        return;
      }
      res.end(JSON.stringify({ metadata: { resourceVersion: '1' }, items: [dep('a', '1', 1)] }));
    });
    const r = await api.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns' });
    expect(r.items.map((i) => i.metadata!.name)).toEqual(['a']);
    expect(requests.filter((q) => q.includes('/deployments'))).toHaveLength(3);
    expect(api.requests).toBe(4); // discovery + 3 attempts
  });
});
