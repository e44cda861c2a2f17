/**
 * Shared watches: one list+watch per (kind, namespace), however many objects are awaited in it.
 * A watch that drops is resumed from the last resourceVersion seen (bookmarks keep it fresh); a 410 Gone
 * means the server forgot that version, so the informer lists again and reconciles its cache.
 */
import { ApiError, type KubeApi, type WatchEvent } from './api.js';
import type { KubeObject } from '../kube-object.js';

export type InformerEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };
type Listener = (e: InformerEvent) => void;

export interface InformerStats {
  lists: number;
  watches: number;
  drops: number;
  relists: number;
  events: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

export class Informer {
  readonly objects = new Map<string, KubeObject>();
  readonly stats: InformerStats = { lists: 0, watches: 0, drops: 0, relists: 0, events: 0 };
  /** Set when the kind is not served (CRD missing) or listing keeps failing; cleared on success. */
  lastError: Error | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly controller = new AbortController();
  private resourceVersion = '';
  private syncedResolve!: () => void;
  /** Resolves after the first successful list. */
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private started = false;

  constructor(
    private readonly api: KubeApi,
    readonly apiVersion: string,
    readonly kind: string,
    readonly namespace: string | undefined,
    private readonly parentSignal?: AbortSignal,
  ) {
    parentSignal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  get key(): string {
    return `${this.apiVersion}/${this.kind}/${this.namespace ?? ''}`;
  }

  /** Subscribe; the listener first receives ADDED for every cached object. Returns an unsubscribe function. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    for (const o of this.objects.values()) fn({ type: 'ADDED', object: o });
    if (!this.started) this.start();
    return () => this.listeners.delete(fn);
  }

  get(name: string): KubeObject | undefined {
    return this.objects.get(name);
  }

  stop(): void {
    this.controller.abort();
  }

  private emit(e: InformerEvent): void {
    this.stats.events++;
    for (const l of [...this.listeners]) l(e);
  }

  private start(): void {
    this.started = true;
    void this.loop();
  }

  private async list(): Promise<void> {
    this.stats.lists++;
    const r = await this.api.list({ apiVersion: this.apiVersion, kind: this.kind, namespace: this.namespace }, { signal: this.controller.signal });
    const seen = new Set<string>();
    for (const o of r.items) {
      const name = o.metadata!.name!;
      seen.add(name);
      const before = this.objects.get(name);
      this.objects.set(name, o);
      if (!before) this.emit({ type: 'ADDED', object: o });
      else if (before.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.emit({ type: 'MODIFIED', object: o });
    }
    for (const [name, o] of [...this.objects]) {
      if (!seen.has(name)) {
        this.objects.delete(name);
        this.emit({ type: 'DELETED', object: o });
      }
    }
    this.resourceVersion = r.resourceVersion;
    this.lastError = undefined;
    this.syncedResolve();
  }

  private onEvent = (e: WatchEvent): void => {
    const rv = e.object?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return;
    const o = { apiVersion: this.apiVersion, kind: this.kind, ...e.object } as KubeObject;
    const name = o.metadata?.name;
    if (!name) return;
    if (e.type === 'DELETED') {
      this.objects.delete(name);
      this.emit({ type: 'DELETED', object: o });
    } else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      const existed = this.objects.has(name);
      this.objects.set(name, o);
      this.emit({ type: existed ? 'MODIFIED' : 'ADDED', object: o });
    }
  };

  private async loop(): Promise<void> {
    const signal = this.controller.signal;
    let backoff = 100;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          backoff = 100;
        }
        const path = await this.api.path({ apiVersion: this.apiVersion, kind: this.kind, namespace: this.namespace });
        this.stats.watches++;
        const end = await this.api.watch(
          path,
          { resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(240 + Math.floor(Math.random() * 60)) },
          this.onEvent,
          signal,
        );
        if (end.reason === 'aborted') return;
        if (end.reason === 'gone') {
          this.stats.relists++;
          needList = true;
          continue;
        }
        if (end.reason === 'error') {
          this.stats.drops++;
          this.lastError = end.error;
          // 410 answered as an HTTP error body by some proxies
          if (end.error instanceof ApiError && end.error.status === 410) needList = true;
          await sleep(backoff, signal);
          backoff = Math.min(backoff * 2, 3000);
          continue;
        }
        // closed by the server (timeoutSeconds) or by a proxy: resume from the last resourceVersion
        this.stats.drops++;
        backoff = 100;
      } catch (e) {
        if (signal.aborted) return;
        this.lastError = e as Error;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 3000);
      }
    }
  }
}

/** One informer per (apiVersion, kind, namespace), shared by every waiter. */
export class WatchHub {
  private readonly informers = new Map<string, Informer>();
  private readonly controller = new AbortController();

  constructor(
    readonly api: KubeApi,
    signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  informer(apiVersion: string, kind: string, namespace?: string): Informer {
    const key = `${apiVersion}/${kind}/${namespace ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.api, apiVersion, kind, namespace, this.controller.signal);
      this.informers.set(key, inf);
    }
    return inf;
  }

  stats(): InformerStats & { informers: number } {
    const total: InformerStats & { informers: number } = { lists: 0, watches: 0, drops: 0, relists: 0, events: 0, informers: this.informers.size };
    for (const i of this.informers.values()) for (const k of Object.keys(i.stats) as Array<keyof InformerStats>) total[k] += i.stats[k];
    return total;
  }

  stop(): void {
    this.controller.abort();
  }
}

/** When a watched view should be read again: the caller calls `again` on each trigger; returns how to stop. */
export type Wake = (again: () => void) => () => void;

/** Read again every `ms` milliseconds (a view that has no watch events: polled). */
export const every = (ms: number): Wake => (again) => {
  const t = setInterval(again, ms);
  return () => clearInterval(t);
};

/**
 * The one watch loop (`status --watch`, `gitops status --watch`): read the view, hand it over when its key
 * differs from the last one handed over, and read again on each wake-up (coalesced: one read at a time) until the
 * signal aborts. The first read is always handed over.
 */
export async function watchChanges<T>(o: { read: () => T | Promise<T>; key: (view: T) => string; onChange: (view: T) => void; wake: Wake; signal: AbortSignal }): Promise<void> {
  let last: string | undefined;
  let pending = true;
  let wakeUp: (() => void) | undefined;
  const again = () => {
    pending = true;
    wakeUp?.();
  };
  const stop = o.wake(again);
  const onAbort = () => wakeUp?.();
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!o.signal.aborted) {
      if (!pending) {
        await new Promise<void>((resolve) => (wakeUp = resolve));
        wakeUp = undefined;
        continue;
      }
      pending = false;
      const view = await o.read();
      const key = o.key(view);
      if (key !== last) {
        last = key;
        o.onChange(view);
      }
    }
  } finally {
    stop();
    o.signal.removeEventListener('abort', onAbort);
  }
}
