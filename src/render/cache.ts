/**
 * A content-addressed cache of `helm template` output, shared by lint and render: an unchanged tenant is
 * never rendered twice (across runs and CI jobs sharing the cache directory).
 *
 * Key: SHA-256 over everything helm's output depends on: the chart tree digest (every file of the chart and,
 * recursively, of its file:// dependencies, plus the vendored archives of its remote dependencies), the
 * content of each values file in order, --set values, release, namespace, helm major and version, the
 * Kubernetes version, the API versions (sorted) and the template flags.
 *
 * Storage: `<cacheDir>/render/<k0k1>/<key>` (LOGCLAW_CACHE_DIR, else ~/.cache/logclaw), one file per entry:
 * a header line `logclaw-render v1 <sha256 of the text> <byte length> <ok|error>` and the gzipped text (the
 * rendered YAML, or helm's stderr for a failed render). Written atomically (temp file + rename), so parallel
 * runs never see half an entry; a read checks the length and checksum, and a corrupt or truncated entry is a
 * miss (and gets rewritten), never trusted. A hit refreshes the entry's mtime; past the size bound
 * (LOGCLAW_RENDER_CACHE_MAX bytes, default 1 GiB) the least recently used entries are removed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chartContentHash, vendoredDigest } from '../charts/index.js';
import { cacheDir, writeAtomic } from '../manifests/cache.js';
import type { HelmTemplateOptions } from '../tools/helm.js';

const MAGIC = 'logclaw-render v1';
export const DEFAULT_RENDER_CACHE_MAX = 1 << 30;

export interface RenderKeyInput extends Pick<HelmTemplateOptions, 'release' | 'namespace' | 'valuesFiles' | 'set' | 'kubeVersion' | 'apiVersions' | 'includeCrds' | 'skipTests'> {
  chartDir: string;
  /** helm's version (e.g. 3.17.2); the major is part of it. */
  helmVersion: string;
}

export interface CachedRender {
  ok: boolean;
  /** The rendered YAML (ok) or helm's stderr (failed render). */
  text: string;
}

export interface RenderCacheStats {
  hits: number;
  misses: number;
  /** Entries found but rejected (bad header, length, checksum or gzip): rewritten on the next put. */
  corrupt: number;
  writes: number;
  evicted: number;
}

const treeDigests = new Map<string, string>();

/** Digest of a chart as helm sees it: its files, its file:// dependencies' files (recursively) and vendored archives. */
export function chartTreeDigest(chartDir: string): string {
  const key = resolve(chartDir);
  let d = treeDigests.get(key);
  if (!d) {
    const h = createHash('sha256');
    h.update(`tree:${chartContentHash(key)}\0`);
    vendoredDigest(key, h, new Set());
    treeDigests.set(key, (d = h.digest('hex')));
  }
  return d;
}

/** Forget memoized chart digests (tests and benchmarks change charts between calls in one process). */
export const resetChartTreeDigests = (): void => treeDigests.clear();

/** The cache key of one render. */
export function renderKey(k: RenderKeyInput): string {
  const h = createHash('sha256');
  const part = (name: string, v: string | Buffer) => {
    h.update(`${name}:${typeof v === 'string' ? Buffer.byteLength(v) : v.length}:`);
    h.update(v);
    h.update('\0');
  };
  part('format', MAGIC);
  part('chart', chartTreeDigest(k.chartDir));
  for (const f of k.valuesFiles ?? []) part('values', readFileSync(f));
  for (const s of k.set ?? []) part('set', s);
  part('release', k.release);
  part('namespace', k.namespace);
  part('helm', k.helmVersion);
  part('kube', k.kubeVersion ?? '');
  part('api', JSON.stringify([...new Set(k.apiVersions ?? [])].sort()));
  part('flags', JSON.stringify({ crds: Boolean(k.includeCrds), skipTests: k.skipTests !== false }));
  return h.digest('hex');
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export class RenderCache {
  readonly stats: RenderCacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0, evicted: 0 };
  private index?: Map<string, { size: number; atime: number }>;
  private total = 0;

  constructor(
    readonly dir: string = cacheDir('render'),
    readonly maxBytes: number = Number(process.env.LOGCLAW_RENDER_CACHE_MAX) || DEFAULT_RENDER_CACHE_MAX,
  ) {}

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), key);
  }

  /** The entry for `key`, or undefined (missing, or rejected as corrupt/truncated). */
  get(key: string): CachedRender | undefined {
    const file = this.file(key);
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const entry = decode(buf);
    if (!entry) {
      this.stats.corrupt++;
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    try {
      const now = new Date();
      utimesSync(file, now, now);
      const e = this.index?.get(file);
      if (e) e.atime = now.getTime();
    } catch {
      /* evicted by another run meanwhile: the content read is still valid */
    }
    return entry;
  }

  /** Store an entry atomically; then keep the cache under its size bound. */
  put(key: string, entry: CachedRender): void {
    const body = Buffer.from(entry.text, 'utf8');
    const data = Buffer.concat([Buffer.from(`${MAGIC} ${sha256(body)} ${body.length} ${entry.ok ? 'ok' : 'error'}\n`), gzipSync(body, { level: 1 })]);
    const file = this.file(key);
    try {
      writeAtomic(file, data);
    } catch {
      return; // a cache that cannot be written is only slower
    }
    this.stats.writes++;
    const index = this.load();
    const old = index.get(file);
    this.total += data.length - (old?.size ?? 0);
    index.set(file, { size: data.length, atime: Date.now() });
    if (this.total > this.maxBytes) this.evict();
  }

  /** Bytes the cache holds (as this process last saw it). */
  size(): number {
    this.load();
    return this.total;
  }

  private load(): Map<string, { size: number; atime: number }> {
    if (this.index) return this.index;
    this.index = new Map();
    this.total = 0;
    if (!existsSync(this.dir)) return this.index;
    for (const sub of readdirSync(this.dir)) {
      const d = join(this.dir, sub);
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.endsWith('.tmp')) continue;
        try {
          const st = statSync(join(d, n));
          this.index.set(join(d, n), { size: st.size, atime: st.mtimeMs });
          this.total += st.size;
        } catch {
          /* removed by another run */
        }
      }
    }
    return this.index;
  }

  /** Remove least recently used entries until the cache is at 80% of its bound. */
  private evict(): void {
    const index = this.load();
    const target = this.maxBytes * 0.8;
    for (const [file, e] of [...index].sort((a, b) => a[1].atime - b[1].atime)) {
      if (this.total <= target) break;
      rmSync(file, { force: true });
      index.delete(file);
      this.total -= e.size;
      this.stats.evicted++;
    }
  }
}

/** Parse and verify an entry; undefined when anything does not match (never a partial text). */
export function decode(buf: Buffer): CachedRender | undefined {
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 200) return undefined;
  const m = /^logclaw-render v1 ([0-9a-f]{64}) (\d+) (ok|error)$/.exec(buf.subarray(0, nl).toString('latin1'));
  if (!m) return undefined;
  let body: Buffer;
  try {
    body = gunzipSync(buf.subarray(nl + 1));
  } catch {
    return undefined;
  }
  if (body.length !== Number(m[2]) || sha256(body) !== m[1]) return undefined;
  return { ok: m[3] === 'ok', text: body.toString('utf8') };
}
