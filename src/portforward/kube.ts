/**
 * Cluster access over @kubernetes/client-node (imported lazily: it costs ~370 ms at start-up), shared by
 * `port-forward` and `verify`: the kubeconfig with an explicit context, a reachability probe (exit 4 when
 * the API server cannot be reached), service → pod resolution (Service selector, or EndpointSlices for
 * Services without one), tunnels over the API server's portforward subresource and a pod watch.
 */
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import type { Endpoint, ForwardBackend, ForwardTarget, Tunnel } from './forwarder.js';

type ClientNode = typeof import('@kubernetes/client-node');
export type KubeConfig = import('@kubernetes/client-node').KubeConfig;
export type V1Pod = import('@kubernetes/client-node').V1Pod;
export type V1Service = import('@kubernetes/client-node').V1Service;

export interface Kube {
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
  /** Probe the API server (default true); exit 4 when it does not answer within this many ms. */
  probeTimeoutMs?: number;
  probe?: boolean;
  signal?: AbortSignal;
}

const NETWORK_CODES = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT|UND_ERR_SOCKET|CERT_|SELF_SIGNED|fetch failed|socket hang up/;

/** True when an error means "the API server could not be reached" rather than "it answered no". */
export function isNetworkError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof err.code === 'string' && NETWORK_CODES.test(err.code)) return true;
    if (typeof err.message === 'string' && NETWORK_CODES.test(err.message)) return true;
    cur = err.cause;
  }
  return false;
}

/** HTTP status of a client-node ApiException, if any. */
export const statusOf = (e: unknown): number | undefined => {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
};

export function unreachable(server: string, context: string, cause: unknown): LogclawError {
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause);
  return new LogclawError(`the cluster of context "${context}" is unreachable (${server})`, {
    exitCode: ExitCode.timeout,
    details: [`  ${reason}`],
    hint: 'Check that the cluster runs and that --kube-context names it (kubectl --context <ctx> get ns).',
    cause,
  });
}

export async function connect(options: ConnectOptions = {}): Promise<Kube> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new LogclawError(`cannot read the kubeconfig: ${(e as Error).message}`, {
      exitCode: ExitCode.missingPrerequisite,
      hint: 'Set KUBECONFIG or create ~/.kube/config (kind and cloud CLIs write it).',
    });
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw usageError(
        `kube context "${options.context}" is not in the kubeconfig`,
        known.length ? `Known contexts: ${known.join(', ')}.` : 'The kubeconfig has no contexts.',
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    throw usageError('no kube context selected', 'Pass --kube-context or set a current context (kubectl config use-context).');
  }
  const kube: Kube = {
    k8s,
    kc,
    context,
    server: cluster.server,
    core: kc.makeApiClient(k8s.CoreV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
  if (options.probe !== false) await probe(kube, options.probeTimeoutMs ?? 10_000, options.signal);
  return kube;
}

/** One cheap request (GET /version); exit 4 when the API server does not answer. */
export async function probe(kube: Kube, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const api = kube.kc.makeApiClient(kube.k8s.VersionApi);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`)), timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(signal.reason);
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  try {
    await Promise.race([api.getCode(), timeout, aborted]);
  } catch (e) {
    if (e instanceof LogclawError) throw e;
    if (isNetworkError(e) || /no answer within/.test((e as Error).message)) throw unreachable(kube.server, kube.context, e);
    throw e;
  } finally {
    clearTimeout(timer);
  }
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
