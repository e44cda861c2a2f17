/**
 * What `port-forward` and `verify` use of a cluster: the one connection of src/kube/api.ts (kubeconfig,
 * explicit context, the reachability probe that exits 4), plus client-node for what only it does here: the
 * portforward and exec websockets (and, for now, verify's typed reads through CoreV1Api; its REST calls move
 * to KubeApi with the split of src/verify/steps.ts). Service → pod resolution (selector, or EndpointSlices for
 * Services without one), tunnels and a pod watch.
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
  core: import('@kubernetes/client-node').CoreV1Api;
  objects: import('@kubernetes/client-node').KubernetesObjectApi;
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

/** HTTP status of a client-node ApiException, if any. */
export const statusOf = (e: unknown): number | undefined => {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
};

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
    core: kc.makeApiClient(k8s.CoreV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
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
    const list = await kube.core.listNamespacedPod({ namespace, labelSelector: selectorString(selector) });
    return list.items.filter(isPodReady).sort(byAge);
  }
  const discovery = kube.kc.makeApiClient(kube.k8s.DiscoveryV1Api);
  const slices = await discovery.listNamespacedEndpointSlice({
    namespace,
    labelSelector: `kubernetes.io/service-name=${service.metadata?.name}`,
  });
  const names = new Set<string>();
  for (const s of slices.items) {
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false || ep.targetRef?.kind !== 'Pod' || !ep.targetRef.name) continue;
      names.add(ep.targetRef.name);
    }
  }
  const pods: V1Pod[] = [];
  for (const name of names) {
    try {
      const pod = await kube.core.readNamespacedPod({ name, namespace });
      if (isPodReady(pod)) pods.push(pod);
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }
  return pods.sort(byAge);
}

export async function resolveService(kube: Kube, namespace: string, serviceName: string, servicePort: number): Promise<Endpoint> {
  let service: V1Service;
  try {
    service = await kube.core.readNamespacedService({ name: serviceName, namespace });
  } catch (e) {
    if (statusOf(e) === 404) throw new Error(`Service ${namespace}/${serviceName} not found`);
    throw e;
  }
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
      const watch = new kube.k8s.Watch(kube.kc);
      let stopped = false;
      let current: AbortController | undefined;
      let timer: NodeJS.Timeout | undefined;
      const start = async (): Promise<void> => {
        current = await watch.watch(
          `/api/v1/namespaces/${namespace}/pods`,
          { allowWatchBookmarks: true },
          (phase: string, pod: V1Pod) => {
            const name = pod?.metadata?.name;
            if (!name) return;
            if (phase === 'DELETED' || (phase === 'MODIFIED' && !isPodReady(pod))) onGone(name, pod.metadata?.uid);
          },
          () => {
            // ended (timeout, dropped connection): start again unless stopped
            if (!stopped) timer = setTimeout(() => void start().catch(() => undefined), 500);
          },
        );
      };
      await start();
      return () => {
        stopped = true;
        clearTimeout(timer);
        current?.abort();
      };
    },
  };
}
