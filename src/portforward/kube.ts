/**
 * What `port-forward` and `verify` use of a cluster: the one connection of src/kube/api.ts (kubeconfig,
 * explicit context, the reachability probe that exits 4) for every REST call and watch (Services, pods,
 * EndpointSlices, Secrets, ConfigMaps, custom resources, the pod informer), and client-node only for what it
 * alone does: the portforward and exec websockets.
 */
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { connect as connectApi, isNetworkError, unreachable, type KubeApi } from '../kube/api.js';
import type { Endpoint, ForwardBackend, ForwardTarget, Tunnel } from './forwarder.js';

type ClientNode = typeof import('@kubernetes/client-node');
export type KubeConfig = import('@kubernetes/client-node').KubeConfig;
export type V1Pod = import('@kubernetes/client-node').V1Pod;
export type V1Service = import('@kubernetes/client-node').V1Service;

export interface Kube {
  /** The REST and watch client (src/kube/api.ts). */
  api: KubeApi;
  k8s: ClientNode;
  kc: KubeConfig;
  context: string;
  server: string;
}

export interface ConnectOptions {
  context?: string;
  /** A kubeconfig file (default: $KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  /** Exit 4 when the API server does not answer within this many ms (default 10 s). */
  probeTimeoutMs?: number;
  signal?: AbortSignal;
}

export { isNetworkError, unreachable };

/** connect() of src/kube/api.ts, with client-node's clients over the same kubeconfig and context. */
export async function connect(options: ConnectOptions = {}): Promise<Kube> {
  const api = await connectApi({ context: options.context, kubeconfig: options.kubeconfig, signal: options.signal, probeTimeoutMs: options.probeTimeoutMs });
  const { k8s, kc } = api;
  return {
    api,
    k8s,
    kc,
    context: api.target.context,
    server: api.server,
  };
}

export const isPodReady = (pod: V1Pod): boolean =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.phase === 'Running' &&
  Boolean(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

export const selectorString = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** The container port a Service port lands on in a pod (numeric targetPort, or a named one looked up). */
export function containerPort(service: V1Service, servicePort: number, pod: V1Pod | undefined): number {
  const sp = service.spec?.ports?.find((p) => p.port === servicePort);
  if (!sp) throw new Error(`Service ${service.metadata?.name} has no port ${servicePort}`);
  const tp = sp.targetPort as unknown;
  if (tp === undefined || tp === null || tp === '') return sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(String(tp))) return Number(tp);
  for (const c of pod?.spec?.containers ?? []) {
    const hit = c.ports?.find((p) => p.name === tp);
    if (hit) return hit.containerPort;
  }
  throw new Error(`pod ${pod?.metadata?.name} has no container port named "${String(tp)}" (targetPort of ${service.metadata?.name}:${servicePort})`);
}

/** Oldest ready pods first: a stable choice that does not hop between replicas. */
const byAge = (a: V1Pod, b: V1Pod) =>
  String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? '')) ||
  String(a.metadata?.name).localeCompare(String(b.metadata?.name));

/** Ready pods behind a Service: by its selector, or by its EndpointSlices when it has no selector. */
export async function podsOfService(kube: Kube, namespace: string, service: V1Service): Promise<V1Pod[]> {
  const selector = service.spec?.selector;
  if (selector && Object.keys(selector).length) {
    const list = await kube.api.list({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: selectorString(selector) });
    return (list.items as unknown as V1Pod[]).filter(isPodReady).sort(byAge);
  }
  const slices = await kube.api.list({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace }, { labelSelector: `kubernetes.io/service-name=${service.metadata?.name}` });
  const names = new Set<string>();
  for (const s of slices.items as unknown as import('@kubernetes/client-node').V1EndpointSlice[]) {
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false || ep.targetRef?.kind !== 'Pod' || !ep.targetRef.name) continue;
      names.add(ep.targetRef.name);
    }
  }
  const pods: V1Pod[] = [];
  for (const name of names) {
    const pod = (await kube.api.get({ apiVersion: 'v1', kind: 'Pod', namespace, name })) as unknown as V1Pod | undefined;
    if (pod && isPodReady(pod)) pods.push(pod);
  }
  return pods.sort(byAge);
}

export async function resolveService(kube: Kube, namespace: string, serviceName: string, servicePort: number): Promise<Endpoint> {
  const service = (await kube.api.get({ apiVersion: 'v1', kind: 'Service', namespace, name: serviceName })) as unknown as V1Service | undefined;
  if (!service) throw new Error(`Service ${namespace}/${serviceName} not found`);
  const pods = await podsOfService(kube, namespace, service);
  const pod = pods[0];
  if (!pod) throw new Error(`no ready pod behind Service ${namespace}/${serviceName}`);
  return { pod: pod.metadata!.name!, uid: pod.metadata?.uid, port: containerPort(service, servicePort, pod) };
}

/** The part of a `ws` WebSocket used here (client-node returns one; @types/ws is not installed). */
export interface WebSocketLike {
  readyState: number;
  close(): void;
  terminate(): void;
  on(event: 'close' | 'error', fn: (...args: unknown[]) => void): void;
}
export const WS_CLOSED = 3;

/** An error message the kubelet (or KWOK) sends on the error stream of a port-forward. */
class ErrorSink extends Writable {
  text = '';
  constructor(private readonly onError: (text: string) => void) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    if (chunk.length) {
      this.text += chunk.toString();
      this.onError(this.text);
    }
    cb();
  }
}

/** ForwardBackend over the API server: Service → ready pod, and a websocket tunnel per local connection. */
export function kubeBackend(kube: Kube): ForwardBackend {
  const pf = new kube.k8s.PortForward(kube.kc, true);
  return {
    resolve: (t: ForwardTarget) => resolveService(kube, t.namespace, t.service, t.servicePort),
    async open(t: ForwardTarget, ep: Endpoint, socket: Socket, onError?: (message: string) => void): Promise<Tunnel> {
      const errors = new ErrorSink((text) => {
        onError?.(text);
        socket.destroy();
      });
      const ws = (await pf.portForward(t.namespace, ep.pod, [ep.port], socket, errors, socket, 0)) as unknown as WebSocketLike;
      const close = () => {
        try {
          ws.close();
        } catch {
          /* already closed */
        }
        // terminate() if the close handshake does not finish promptly
        setTimeout(() => ws.readyState !== WS_CLOSED && ws.terminate(), 1000).unref();
      };
      ws.on('close', () => socket.end());
      ws.on('error', () => socket.destroy());
      socket.on('close', close);
      return { close };
    },
    async watchPods(namespace, onGone) {
      // the shared list+watch of src/kube/watch.ts (resumes dropped watches, relists on 410 Gone)
      const { Informer } = await import('../kube/watch.js');
      const pods = new Informer(kube.api, 'v1', 'Pod', namespace);
      pods.subscribe((e) => {
        const pod = e.object as unknown as V1Pod;
        const name = pod.metadata?.name;
        if (name && (e.type === 'DELETED' || (e.type === 'MODIFIED' && !isPodReady(pod)))) onGone(name, pod.metadata?.uid);
      });
      await pods.synced;
      return () => pods.stop();
    },
  };
}
