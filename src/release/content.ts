/**
 * What a chart archive contains, independent of how it was packed. helm 3 stamps the packaging time into every
 * tar header (two packages of one chart differ byte for byte; so do the dependency archives inside charts/),
 * helm 4's archives are reproducible. Comparing content means: the same files with the same bytes, nested
 * chart archives compared by their own content, and Chart.lock without its `generated:` time stamp.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { LogclawError } from '../errors.js';

export interface ArchiveEntry {
  path: string;
  data: Buffer;
}

/** Read the regular files of a .tgz (ustar, pax and GNU long names). */
export function readTgz(bytes: Buffer, where = 'archive'): ArchiveEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch (e) {
    throw new LogclawError(`${where} is not a gzip archive: ${(e as Error).message}`);
  }
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(345, 155);
    const name = field(0, 100);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      paxPath = paxRecords(body).path ?? paxPath;
      continue;
    }
    if (type === 'g') continue;
    const path = paxPath ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = undefined;
    paxPath = undefined;
    if (type === '0' || type === '\0' || type === '7') entries.push({ path, data: Buffer.from(body) });
  }
  return entries;
}

function parseOctal(b: Buffer): number {
  if ((b[0]! & 0x80) !== 0) {
    // base-256 (GNU) for big sizes
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i]!;
    return n;
  }
  const s = b.toString('ascii').replace(/[\0 ]+/g, '');
  return s ? parseInt(s, 8) : 0;
}

function paxRecords(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let text = body.toString('utf8');
  while (text.length) {
    const sp = text.indexOf(' ');
    const len = parseInt(text.slice(0, sp), 10);
    if (!len || sp < 0) break;
    const rec = text.slice(sp + 1, len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    text = text.slice(len);
  }
  return out;
}

export interface ChartContent {
  name: string;
  version: string;
  /** sha256 over the normalised file list: equal for equal content, whatever packed it. */
  digest: string;
  files: Record<string, string>;
}

/** The content identity of a chart archive. */
export function chartContent(bytes: Buffer, where = 'chart archive'): ChartContent {
  const entries = readTgz(bytes, where);
  const files: Record<string, string> = {};
  let chartYaml: string | undefined;
  for (const e of entries) {
    // strip the top directory (<chart name>/) so the name of the folder does not matter
    const rel = e.path.includes('/') ? e.path.slice(e.path.indexOf('/') + 1) : e.path;
    if (rel === 'Chart.yaml') chartYaml = e.data.toString('utf8');
    // logclaw's dependency-build stamp (src/charts) is build state, not chart content
    if (rel === 'Chart.lock.hash' || rel.endsWith('/Chart.lock.hash')) continue;
    let data: Buffer | string = e.data;
    if (/^charts\/[^/]+\.tgz$/.test(rel)) data = `chart:${chartContent(e.data, `${where}:${rel}`).digest}`;
    else if (rel === 'Chart.lock') data = e.data.toString('utf8').replace(/^generated:.*$/m, '');
    files[rel] = sha256(data);
  }
  if (!chartYaml) throw new LogclawError(`${where} has no Chart.yaml: not a helm chart archive`);
  const meta = parse(chartYaml) as { name?: string; version?: string };
  const digest = sha256(
    Object.keys(files)
      .sort()
      .map((k) => `${k}\0${files[k]}\n`)
      .join(''),
  );
  return { name: String(meta.name), version: String(meta.version), digest: `sha256:${digest}`, files };
}

export const chartContentOfFile = (file: string): ChartContent => chartContent(readFileSync(file), file);

/** Files that differ between two contents (added, removed or changed), for the refusal message. */
export function contentDifferences(a: ChartContent, b: ChartContent): string[] {
  const keys = new Set([...Object.keys(a.files), ...Object.keys(b.files)]);
  return [...keys].filter((k) => a.files[k] !== b.files[k]).sort();
}

const sha256 = (d: Buffer | string): string => createHash('sha256').update(d).digest('hex');
