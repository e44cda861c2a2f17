// What the operator charts' admission and conversion webhooks need from a cluster, for a cluster whose pods
// never run: a route from the API server to a webhook server on this machine, that server, and the CA bundle
// the charts' own components (cert-manager's cainjector, External Secrets' cert-controller) would inject.
//
// - Egress: kube-apiserver sends its cluster traffic (admission and conversion webhooks, aggregated APIs,
//   kubelet calls) through an HTTP CONNECT proxy on a Unix socket (--egress-selector-config-file, selection
//   `cluster`, as konnectivity does on managed clusters). The proxy connects only loopback addresses: a
//   loopback destination as asked (KWOK's kubelet address), a Service's ClusterIP to the webhook server below,
//   anything else refused (502) and recorded. Every CONNECT is appended to a JSON-lines log.
// - Webhook server: TLS on 127.0.0.1, a certificate per server name (`<service>.<namespace>.svc`) signed by
//   the test cluster's CA. AdmissionReview: allowed, no patch. ConversionReview: the objects at the desired
//   apiVersion. (The operators' own webhook programs would validate the objects; their images never run.)
// - CA bundles: every webhook clientConfig that names a Service (Validating/MutatingWebhookConfigurations,
//   CRD conversion webhooks) gets the test cluster's CA as caBundle, re-injected whenever it changes.
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { join } from 'node:path';
import YAML from 'yaml';
import { Kube } from './lib/kube.ts';
import { servingCert, type Pki } from './lib/pki.ts';

/** Is this address on this machine (IPv4 127.0.0.0/8, IPv6 ::1, or a v4-mapped loopback address)? */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  if (a === 'localhost') return true;
  if (isIP(a) === 4) return a.startsWith('127.');
  if (isIP(a) === 6) return /^(0*:)*:?0*1$/.test(a) || a === '::1';
  return false;
}

/** The kube-apiserver egress selector configuration: cluster traffic through the HTTP CONNECT proxy on this socket. */
export function egressSelectorConfig(socket: string): string {
  return YAML.stringify({
    apiVersion: 'apiserver.k8s.io/v1beta1',
    kind: 'EgressSelectorConfiguration',
    egressSelections: [{ name: 'cluster', connection: { proxyProtocol: 'HTTPConnect', transport: { uds: { udsName: socket } } } }],
  });
}

/** A CONNECT the proxy routed or refused, or (webhook) a review the webhook server answered. */
export interface EgressRecord { time: string; destination?: string; routedTo?: string; refused?: string; webhook?: string; review?: string }

/** Where a non-loopback destination goes: the webhook server's loopback address, or a reason to refuse. */
export type EgressResolver = (host: string, port: number) => { to: { host: string; port: number } } | { refuse: string };

export interface EgressProxy {
  socket: string;
  log: string;
  /** Set once the cluster answers (Services are looked up through it). */
  setResolver(r: EgressResolver): void;
  close(): Promise<void>;
}

/** The HTTP CONNECT proxy the API server's egress selector dials (listening on a Unix socket). */
export async function startEgressProxy(socket: string, log: string): Promise<EgressProxy> {
  let resolver: EgressResolver = () => ({ refuse: 'the test cluster is still starting' });
  const record = (r: Omit<EgressRecord, 'time'>) => appendFileSync(log, `${JSON.stringify({ time: new Date().toISOString(), ...r })}\n`);
  const sockets = new Set<Socket>();
  const server: Server = createHttpServer((_req, res) => { res.writeHead(405); res.end('CONNECT only\n'); });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const target = req.url ?? '';
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    const refuse = (why: string) => {
      record({ destination: target, refused: why });
      client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\n${why}\n`);
    };
    if (!m) return refuse('not host:port');
    const [host, port] = [m[1]!, Number(m[2])];
    let to: { host: string; port: number };
    if (isLoopback(host)) to = { host, port };
    else {
      const r = resolver(host, port);
      if ('refuse' in r) return refuse(r.refuse);
      to = r.to;
    }
    if (!isLoopback(to.host)) return refuse(`${to.host} is not a loopback address`);
    record({ destination: target, routedTo: `${to.host}:${to.port}` });
    const upstream = netConnect({ host: to.host, port: to.port }, () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
    upstream.on('error', (e) => { if (!client.writableEnded) client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n${e.message}\n`); });
    client.on('error', () => upstream.destroy());
  });
  rmSync(socket, { force: true });
  await new Promise<void>((r, j) => { server.once('error', j); server.listen(socket, () => r()); });
  return {
    socket, log,
    setResolver: (r) => { resolver = r; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

export interface WebhookServer { port: number; close(): Promise<void> }

/** The TLS server answering AdmissionReview and ConversionReview for every webhook Service. */
export async function startWebhookServer(pki: Pki, certDir: string, onRequest?: (server: string, path: string, kind: string) => void): Promise<WebhookServer> {
  const contexts = new Map<string, SecureContext>();
  const contextFor = (name: string) => {
    let c = contexts.get(name);
    if (!c) {
      c = createSecureContext(servingCert(pki, name, certDir));
      contexts.set(name, c);
    }
    return c;
  };
  const fallback = servingCert(pki, 'webhook.sim.local', certDir);
  const server = createHttpsServer({
    ...fallback,
    SNICallback: (name, cb) => {
      try { cb(null, contextFor(name)); } catch (e) { cb(e as Error); }
    },
  }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const reply = (status: number, data: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(data)); };
      let review: any;
      try { review = JSON.parse(body); } catch { return reply(400, { error: 'not JSON' }); }
      onRequest?.((req.socket as import('node:tls').TLSSocket).servername || '', new URL(req.url ?? '/', 'https://webhook').pathname, review?.kind ?? '');
      if (review?.kind === 'AdmissionReview') {
        return reply(200, { apiVersion: review.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request?.uid, allowed: true } });
      }
      if (review?.kind === 'ConversionReview') {
        const desired = review.request?.desiredAPIVersion;
        return reply(200, {
          apiVersion: review.apiVersion ?? 'apiextensions.k8s.io/v1', kind: 'ConversionReview',
          response: { uid: review.request?.uid, convertedObjects: (review.request?.objects ?? []).map((o: any) => ({ ...o, apiVersion: desired })), result: { status: 'Success' } },
        });
      }
      return reply(400, { error: `expected an AdmissionReview or ConversionReview, got ${review?.kind}` });
    });
  });
  await new Promise<void>((r, j) => { server.once('error', j); server.listen(0, '127.0.0.1', () => r()); });
  return {
    port: (server.address() as import('node:net').AddressInfo).port,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/** JSON patches that set caBundle on every Service-backed clientConfig of a webhook configuration or CRD that lacks this CA. */
export function caBundlePatches(obj: any, caBundle: string): { op: 'add'; path: string; value: string }[] {
  const out: { op: 'add'; path: string; value: string }[] = [];
  if (obj.spec?.group !== undefined && !obj.webhooks) {
    const cc = obj.spec?.conversion?.webhook?.clientConfig;
    if (obj.spec?.conversion?.strategy === 'Webhook' && cc?.service && cc.caBundle !== caBundle) out.push({ op: 'add', path: '/spec/conversion/webhook/clientConfig/caBundle', value: caBundle });
    return out;
  }
  (obj.webhooks ?? []).forEach((w: any, i: number) => {
    if (w.clientConfig?.service && w.clientConfig.caBundle !== caBundle) out.push({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle });
  });
  return out;
}

export interface ClusterWebhooks { stop(): void }

/**
 * Serve the webhooks of whatever the cluster installs: route ClusterIPs to the webhook server, inject the CA
 * into webhook configurations and conversion CRDs as they appear.
 */
export async function serveWebhooks(o: { kube: Kube; pki: Pki; dir: string; egress: EgressProxy; log: (m: string) => void }): Promise<ClusterWebhooks> {
  const { egress, log } = o;
  // a client of its own: its watches must not take the connections of the simulator's client
  const kube = new Kube(o.kube.creds);
  const caBundle = Buffer.from(readFileSync(o.pki.caCert, 'utf8')).toString('base64');
  // every review answered goes to the egress log too (a webhook client keeps its tunnel open across calls)
  const server = await startWebhookServer(o.pki, join(o.dir, 'webhook-certs'), (name, path, kind) =>
    appendFileSync(egress.log, `${JSON.stringify({ time: new Date().toISOString(), webhook: `${name}${path}`, review: kind })}\n`));
  const clusterIPs = new Map<string, string>();
  const stops: (() => void)[] = [];
  stops.push(kube.informer('/api/v1/services', (type, svc) => {
    const ips: string[] = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    for (const ip of ips.filter((x) => x && x !== 'None')) {
      if (type === 'DELETED') clusterIPs.delete(ip);
      else clusterIPs.set(ip, `${svc.metadata.namespace}/${svc.metadata.name}`);
    }
  }, (e) => log(`webhooks: services watch: ${String(e)}`)));
  egress.setResolver((host) => {
    const svc = clusterIPs.get(host);
    if (svc) return { to: { host: '127.0.0.1', port: server.port } };
    return { refuse: `${host} is neither a loopback address nor a Service ClusterIP of the test cluster` };
  });
  const inject = (apiVersion: string, plural: string) => kube.informer(`/apis/${apiVersion}/${plural}`, async (type, obj) => {
    if (type === 'DELETED') return;
    const patch = caBundlePatches(obj, caBundle);
    if (!patch.length) return;
    await kube.request('PATCH', `/apis/${apiVersion}/${plural}/${encodeURIComponent(obj.metadata.name)}`, patch, 'application/json-patch+json')
      .then(() => log(`webhooks: CA bundle injected into ${plural} ${obj.metadata.name}`))
      .catch((e) => log(`webhooks: CA bundle for ${plural} ${obj.metadata.name}: ${String(e)}`));
  }, (e) => log(`webhooks: ${plural} watch: ${String(e)}`));
  stops.push(inject('admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations'));
  stops.push(inject('admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations'));
  stops.push(inject('apiextensions.k8s.io/v1', 'customresourcedefinitions'));
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      for (const s of stops) s();
      kube.close();
      void server.close();
    },
  };
}
