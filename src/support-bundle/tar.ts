/**
 * A .tar.gz written with Node alone: POSIX ustar headers (long names split into prefix/name, longer ones as a
 * PAX `path` record), 512-byte blocks, two zero blocks at the end, gzip from node:zlib. Regular files only.
 */
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  path: string;
  content: Buffer | string;
  /** Seconds since the epoch (default: now). */
  mtime?: number;
  mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: number, mode: number, type: '0' | 'x', prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(mtime, 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder: spaces while summing
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

const pad = (n: number): Buffer => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK, 0);

/** ustar splits a path of up to 255 bytes at a slash into prefix (≤155) and name (≤100). */
function split(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return { name, prefix };
  }
  return undefined;
}

/** One PAX record: "<len> path=<value>\n", where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** The uncompressed tar stream of the entries. */
export function tarBuffer(entries: readonly TarEntry[], now = Math.floor(Date.now() / 1000)): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : e.content;
    const mtime = e.mtime ?? now;
    const mode = e.mode ?? 0o644;
    let fit = split(e.path);
    if (!fit) {
      const pax = Buffer.from(paxRecord('path', e.path), 'utf8');
      parts.push(header('PaxHeader', pax.length, mtime, 0o644, 'x'), pax, pad(pax.length));
      fit = { name: Buffer.from(e.path).subarray(0, 100).toString('utf8').replace(/\uFFFD+$/, ''), prefix: '' };
    }
    parts.push(header(fit.name, data.length, mtime, mode, '0', fit.prefix), data, pad(data.length));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** The entries as a gzip-compressed tar archive. */
export function tarGz(entries: readonly TarEntry[], now?: number): Buffer {
  return gzipSync(tarBuffer(entries, now), { level: 9 });
}

/** The entries of an uncompressed tar stream (ustar and PAX paths): what tests and `--json` consumers read back. */
export function readTar(tar: Buffer): Array<{ path: string; content: Buffer }> {
  const out: Array<{ path: string; content: Buffer }> = [];
  let paxPath: string | undefined;
  for (let off = 0; off + BLOCK <= tar.length; ) {
    const h = tar.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, n: number) => h.subarray(a, a + n).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(str(124, 12).trim() || '0', 8);
    const type = str(156, 1);
    const data = tar.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = m?.[1];
      continue;
    }
    const prefix = str(345, 155);
    out.push({ path: paxPath ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100)), content: Buffer.from(data) });
    paxPath = undefined;
  }
  return out;
}
