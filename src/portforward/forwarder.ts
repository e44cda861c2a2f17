/**
 * Forwarding manager: one local listener per target (a Service port), each incoming connection tunnelled to
 * a ready pod behind the Service. The pod is resolved once and reused; when it is deleted, stops being ready
 * or refuses a tunnel, the forward re-resolves (a replacement pod) and new connections go there
 * ("re-established"), without the user restarting anything. close()/closeAll() stop listeners, sockets and
 * tunnels; nothing is left behind.
 *
 * The cluster side is a ForwardBackend (kube.ts: @kubernetes/client-node PortForward over the API server);
 * tests plug in local TCP servers as "pods".
 */
import { createServer, type Server, type Socket } from 'node:net';
import { bindNextFree, LOOPBACK } from './ports.js';

export interface ForwardTarget {
  /** Short name people use (`vector-http`, `opensearch`...). */
  name: string;
  namespace: string;
  service: string;
  /** The Service's port number. */
  servicePort: number;
  /** Local port wanted (0: any free port). */
  localPort: number;
  /** How to show the local address: http://, https:// or host:port. */
  scheme?: 'http' | 'https' | 'tcp';
  /** Path appended to the local URL in the table (e.g. /health), display only. */
  path?: string;
}

/** A pod and the container port a Service port maps to on it. */
export interface Endpoint {
  pod: string;
  uid?: string;
  port: number;
}

export interface Tunnel {
  close(): void;
}

export interface ForwardBackend {
  /** A ready pod behind the target's Service and the container port; throws when there is none. */
  resolve(target: ForwardTarget, signal?: AbortSignal): Promise<Endpoint>;
  /**
   * Connect `socket` to the endpoint; resolves once the tunnel is open, rejects when it cannot open.
   * `onError` receives what the node reports about the connection (e.g. "connection refused" to the pod port).
   */
  open(target: ForwardTarget, endpoint: Endpoint, socket: Socket, onError?: (message: string) => void): Promise<Tunnel>;
  /** Report pods that are deleted, terminating or no longer ready in a namespace; returns a stop function. */
  watchPods?(namespace: string, onGone: (pod: string, uid: string | undefined) => void): Promise<() => void>;
}

export type ForwardEvent =
  | { type: 'ready'; name: string; pod: string; localPort: number }
  | { type: 'reestablished'; name: string; pod: string; previousPod: string | undefined; localPort: number }
  | { type: 'waiting'; name: string; message: string }
  | { type: 'error'; name: string; message: string };

export interface ForwardInfo {
  name: string;
  namespace: string;
  service: string;
  servicePort: number;
  localPort: number;
  /** The usual local port was taken and another one is used. */
  moved: boolean;
  url: string;
  pod: string | undefined;
  state: 'ready' | 'waiting' | 'closed';
  message?: string;
  reconnects: number;
  /** The last error the node reported for a connection through this forward. */
  lastError?: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export const errorText = (e: unknown): string => {
  if (e instanceof Error) {
    const body = (e as { body?: unknown }).body;
    const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : undefined;
    return message ?? e.message;
  }
  return String(e);
};

export class Forward {
  readonly target: ForwardTarget;
  localPort = 0;
  moved = false;
  private endpoint: Endpoint | undefined;
  private resolving: Promise<Endpoint> | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly tunnels = new Map<Socket, { tunnel: Tunnel | undefined; pod: string }>();
  private readonly abort = new AbortController();
  private message: string | undefined;
  private lastError: string | undefined;
  private reconnects = 0;
  private closed = false;

  constructor(
    target: ForwardTarget,
    private readonly backend: ForwardBackend,
    private readonly emit: (e: ForwardEvent) => void,
  ) {
    this.target = target;
    this.server = createServer((socket) => void this.onConnection(socket));
  }

  async start(taken: Set<number>): Promise<void> {
    const bound = await bindNextFree(this.server, this.target.localPort, { taken });
    // errors while binding were tried around (next free port); from now on they are worth telling
    this.server.on('error', (e) => this.emit({ type: 'error', name: this.target.name, message: errorText(e) }));
    this.localPort = bound.port;
    this.moved = bound.moved && this.target.localPort > 0;
    try {
      const ep = await this.currentEndpoint();
      this.emit({ type: 'ready', name: this.target.name, pod: ep.pod, localPort: this.localPort });
    } catch (e) {
      // Keep listening: a connection (or the pod watch) retries once a pod is ready.
      this.message = errorText(e);
      this.emit({ type: 'waiting', name: this.target.name, message: this.message });
    }
  }

  info(): ForwardInfo {
    const t = this.target;
    const scheme = t.scheme ?? 'tcp';
    const hostPort = `${LOOPBACK}:${this.localPort}`;
    return {
      name: t.name,
      namespace: t.namespace,
      service: t.service,
      servicePort: t.servicePort,
      localPort: this.localPort,
      moved: this.moved,
      url: scheme === 'tcp' ? hostPort : `${scheme}://${hostPort}${t.path ?? ''}`,
      pod: this.endpoint?.pod,
      state: this.closed ? 'closed' : this.endpoint ? 'ready' : 'waiting',
      ...(this.endpoint || this.message === undefined ? {} : { message: this.message }),
      reconnects: this.reconnects,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** The pod in use, resolving one when there is none (one resolution at a time). */
  private currentEndpoint(): Promise<Endpoint> {
    if (this.endpoint) return Promise.resolve(this.endpoint);
    if (!this.resolving) {
      this.resolving = this.backend
        .resolve(this.target, this.abort.signal)
        .then((ep) => {
          this.endpoint = ep;
          this.message = undefined;
          return ep;
        })
        .finally(() => {
          this.resolving = undefined;
        });
    }
    return this.resolving;
  }

  /** The pod went away (deleted, terminating, not ready): drop it, close its tunnels, find its replacement. */
  podGone(pod: string): void {
    if (this.closed || this.endpoint?.pod !== pod) return;
    const previous = this.endpoint.pod;
    this.endpoint = undefined;
    for (const [socket, t] of this.tunnels) {
      if (t.pod === pod) {
        t.tunnel?.close();
        socket.destroy();
      }
    }
    void this.reestablish(previous);
  }

  private async reestablish(previousPod: string | undefined): Promise<void> {
    let delay = 200;
    while (!this.closed) {
      try {
        const ep = await this.currentEndpoint();
        if (this.closed) return;
        this.reconnects++;
        this.emit({ type: 'reestablished', name: this.target.name, pod: ep.pod, previousPod, localPort: this.localPort });
        return;
      } catch (e) {
        const message = errorText(e);
        if (message !== this.message) this.emit({ type: 'waiting', name: this.target.name, message });
        this.message = message;
        await sleep(delay, this.abort.signal);
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  private async onConnection(socket: Socket): Promise<void> {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.tunnels.get(socket)?.tunnel?.close();
      this.tunnels.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    // Two attempts: the pod we knew, then (if it refused) a freshly resolved one.
    for (let attempt = 0; attempt < 2 && !this.closed && !socket.destroyed; attempt++) {
      let ep: Endpoint;
      try {
        ep = await this.currentEndpoint();
      } catch (e) {
        this.message = errorText(e);
        this.emit({ type: 'error', name: this.target.name, message: `no pod to forward to: ${this.message}` });
        socket.destroy();
        return;
      }
      const entry: { tunnel: Tunnel | undefined; pod: string } = { tunnel: undefined, pod: ep.pod };
      this.tunnels.set(socket, entry);
      try {
        entry.tunnel = await this.backend.open(this.target, ep, socket, (m) => {
          this.lastError = m.trim();
        });
        if (this.closed || socket.destroyed) entry.tunnel.close();
        return;
      } catch (e) {
        this.tunnels.delete(socket);
        if (attempt === 0 && this.endpoint?.pod === ep.pod) {
          const previous = ep.pod;
          this.endpoint = undefined;
          try {
            const next = await this.currentEndpoint();
            if (next.pod !== previous) {
              this.reconnects++;
              this.emit({ type: 'reestablished', name: this.target.name, pod: next.pod, previousPod: previous, localPort: this.localPort });
            }
          } catch {
            /* reported on the next attempt */
          }
          continue;
        }
        this.emit({ type: 'error', name: this.target.name, message: `tunnel to pod ${ep.pod} failed: ${errorText(e)}` });
        socket.destroy();
        return;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const { tunnel } of this.tunnels.values()) tunnel?.close();
    this.tunnels.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface ForwardManagerOptions {
  onEvent?: (e: ForwardEvent) => void;
}

/** Several forwards in one process, sharing one pod watch per namespace; closeAll() on exit or Ctrl-C. */
export class ForwardManager {
  private readonly forwards: Forward[] = [];
  private readonly taken = new Set<number>();
  private readonly watches = new Map<string, Promise<() => void>>();
  private closed = false;

  constructor(
    private readonly backend: ForwardBackend,
    private readonly options: ForwardManagerOptions = {},
  ) {}

  async add(target: ForwardTarget): Promise<Forward> {
    if (this.closed) throw new Error('forward manager is closed');
    const fwd = new Forward(target, this.backend, (e) => this.options.onEvent?.(e));
    this.forwards.push(fwd);
    await this.ensureWatch(target.namespace);
    await fwd.start(this.taken);
    return fwd;
  }

  /** Add several targets in order (so the first gets its usual port when two share one). */
  async addAll(targets: ForwardTarget[]): Promise<Forward[]> {
    const out: Forward[] = [];
    for (const t of targets) out.push(await this.add(t));
    return out;
  }

  list(): ForwardInfo[] {
    return this.forwards.map((f) => f.info());
  }

  private async ensureWatch(namespace: string): Promise<void> {
    if (!this.backend.watchPods || this.watches.has(namespace)) return;
    const stop = this.backend.watchPods(namespace, (pod) => {
      for (const f of this.forwards) if (f.target.namespace === namespace) f.podGone(pod);
    });
    this.watches.set(namespace, stop);
    try {
      await stop;
    } catch (e) {
      this.watches.delete(namespace);
      this.options.onEvent?.({ type: 'error', name: namespace, message: `cannot watch pods: ${errorText(e)}` });
    }
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const stops = [...this.watches.values()];
    this.watches.clear();
    await Promise.all([
      ...this.forwards.map((f) => f.close()),
      ...stops.map((s) => s.then((fn) => fn()).catch(() => undefined)),
    ]);
  }
}
