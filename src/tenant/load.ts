/**
 * Reading and parsing one tenant file: a size cap checked before reading, strict YAML
 * (one document, a mapping, unique keys, no unknown tags, bounded alias expansion), and a
 * locator that maps a value path back to the line and column it came from.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import type * as YamlModule from 'yaml';
import type { Document, Node } from 'yaml';
import { parseSimpleYaml } from './simple-yaml.js';
import { MAX_ALIAS_COUNT, MAX_TENANT_BYTES, type Finding, type Position, type RuleId, type ValuePath } from './types.js';

export interface LoadedTenant {
  /** The file as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** Absolute path. */
  path: string;
  /** The values when the file parsed into a mapping without errors; undefined otherwise. */
  values: Record<string, unknown> | undefined;
  /** File and YAML problems (schema and rules are checked by validateTenantFiles). */
  findings: Finding[];
  /** The source text (undefined when the file was not read). */
  text: string | undefined;
  /** The parsed document (comments and positions kept). */
  document: Document | undefined;
  /** Line and column of a value (or of its key with at='key'); falls back to the nearest existing parent. */
  locate(path: ValuePath, at?: 'key' | 'value'): Position;
  /**
   * True when the values come from the position-keeping parser (`yaml`). A plain file is read by the
   * much faster simple-yaml.ts; validateTenantFiles re-reads a file precisely as soon as it has a finding.
   */
  precise: boolean;
}

// `yaml` keeps positions and comments but costs ~60 ms to import and ~2 ms a file to parse:
// it is loaded (synchronously: it is CommonJS) only for files that need positions or editing.
let yamlModule: typeof YamlModule | undefined;
export const yamlLib = (): typeof YamlModule => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof YamlModule);

export interface LoadOptions {
  /** Directory file names are shown relative to (default process.cwd()). */
  cwd?: string;
  /** Override the size cap (bytes). */
  maxBytes?: number;
}

/** Show a path relative to cwd when it lies inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

const START: Position = { line: 1, column: 1 };

/** Read and parse a tenant file. Never throws for bad input: problems come back as findings. */
export async function loadTenant(path: string, options: LoadOptions = {}): Promise<LoadedTenant> {
  return loadTenantSync(path, options);
}

export function loadTenantSync(path: string, options: LoadOptions = {}): LoadedTenant {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, path);
  const file = displayPath(abs, cwd);
  const read = readCapped(abs, options.maxBytes ?? MAX_TENANT_BYTES);
  if ('problem' in read) {
    return {
      file,
      path: abs,
      values: undefined,
      text: undefined,
      document: undefined,
      findings: [{ file, line: read.line ?? 1, column: read.column ?? 1, path: '', rule: read.rule, severity: 'error', message: read.problem }],
      locate: () => START,
      precise: true,
    };
  }
  return parseTenantText(read.text, file, abs);
}

type ReadResult = { text: string } | { rule: RuleId; problem: string; line?: number; column?: number };

/** Open, check the size with fstat before reading a byte, then read at most maxBytes+1 bytes. */
function readCapped(abs: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named like a tenant file must not hang the open (fstat refuses it below)
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code ?? e);
    return { rule: 'file-unreadable', problem: `cannot read the file: ${why}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { rule: 'file-unreadable', problem: 'not a regular file' };
    if (st.size > maxBytes) return { rule: 'file-too-large', problem: `the file is ${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit for a tenant file; it was not read` };
    // The file may grow between fstat and read: never read more than the cap + 1 byte.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > maxBytes) return { rule: 'file-too-large', problem: `the file grew over the ${formatBytes(maxBytes)} limit while being read` };
    const bytes = buf.subarray(0, n);
    if (!isUtf8(bytes)) {
      const lossy = bytes.toString('utf8');
      const at = lossy.indexOf('\ufffd');
      const before = lossy.slice(0, Math.max(0, at));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return { rule: 'yaml-syntax', problem: 'the file is not valid UTF-8 text', line, column };
    }
    // a byte-order mark is allowed and not part of the text
    const text = bytes.toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } finally {
    closeSync(fd);
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}

const yamlRule = (code: string): RuleId =>
  code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : code === 'MULTIPLE_DOCS' ? 'yaml-multi-document' : code === 'TAG_RESOLVE_FAILED' ? 'yaml-tag' : 'yaml-syntax';

/**
 * Parse tenant YAML text (exported for `tenant init`, which validates before it writes).
 * First the fast path: simple-yaml.ts (the plain block style tenant files are written in). Anything
 * outside it goes to the precise path, which also gives the right message for what is wrong.
 */
export function parseTenantText(text: string, file: string, abs: string = file, options: { precise?: boolean } = {}): LoadedTenant {
  if (!options.precise) {
    const values = parseSimpleYaml(text);
    if (values !== undefined) {
      let precise: LoadedTenant | undefined;
      const slow = () => (precise ??= parsePrecise(text, file, abs));
      return {
        file,
        path: abs,
        text,
        values: values as Record<string, unknown>,
        findings: [],
        get document() {
          return slow().document;
        },
        locate: (path, at) => slow().locate(path, at),
        precise: false,
      };
    }
  }
  return parsePrecise(text, file, abs);
}

function parsePrecise(text: string, file: string, abs: string): LoadedTenant {
  const { LineCounter, parseDocument, isMap, isScalar, isSeq, isAlias } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2' });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, column: p.col };
  };
  const findings: Finding[] = [];
  const add = (offset: number, rule: RuleId, message: string, path = '') => findings.push({ file, ...pos(offset), path, rule, severity: 'error', message });

  for (const e of doc.errors) add(openedAt(doc, e.pos[0], e.code, e.message), yamlRule(e.code), yamlMessage(e.code, e.message));
  // yaml reports an unknown tag as a warning and keeps the value as a string; a tenant file has no business with tags.
  for (const w of doc.warnings) add(w.pos[0], yamlRule(w.code), yamlMessage(w.code, w.message));

  const locate = (path: ValuePath, at: 'key' | 'value' = 'value'): Position => {
    const r = findNode(doc, path, at);
    return r === undefined ? START : pos(r);
  };
  const base = { file, path: abs, text, document: doc, locate, precise: true };

  if (findings.length > 0) return { ...base, values: undefined, findings };

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === undefined))) {
    add(contents?.range?.[0] ?? 0, 'yaml-not-mapping', 'the file holds no values: a tenant file is a mapping with at least `global`');
    return { ...base, values: undefined, findings };
  }
  if (!isMap(contents)) {
    const kind = isSeq(contents) ? 'a list' : isAlias(contents) ? 'an alias' : 'a single value';
    add(contents.range?.[0] ?? 0, 'yaml-not-mapping', `the document is ${kind}, not a mapping of keys to values`);
    return { ...base, values: undefined, findings };
  }
  let values: unknown;
  try {
    values = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(msg)) {
      add(firstAliasOffset(doc), 'yaml-alias-limit', `aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions): refused as a possible alias bomb`);
    } else {
      add(0, 'yaml-syntax', `the YAML cannot be turned into values: ${msg}`);
    }
    return { ...base, values: undefined, findings };
  }
  return { ...base, values: values as Record<string, unknown>, findings };
}

/** yaml's messages minus its trailing position (we print our own). */
function yamlMessage(code: string, message: string): string {
  const m = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document (`---`): a tenant file is exactly one document';
  if (code === 'DUPLICATE_KEY') return 'duplicate key: a mapping must not repeat a key';
  if (code === 'TAG_RESOLVE_FAILED') return `${m}: tenant files do not use YAML tags`;
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/**
 * An unclosed quote or flow list is reported by yaml where the file ends; point at where it opened
 * (the deepest quoted scalar or flow collection that runs up to the error).
 */
function openedAt(doc: Document, offset: number, code: string, message: string): number {
  if (code !== 'MISSING_CHAR' && !/flow/i.test(message)) return offset;
  const { visit, isScalar, isCollection } = yamlLib();
  let best: number | undefined;
  visit(doc, (_key, node) => {
    const r = (node as Node).range;
    if (!r || r[0] >= offset || r[1] < offset) return;
    const open = (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) || (isCollection(node) && (node as { flow?: boolean }).flow === true);
    if (open && (best === undefined || r[0] > best)) best = r[0];
  });
  return best ?? offset;
}

function firstAliasOffset(doc: Document): number {
  const { isAlias, isMap, isSeq, isPair } = yamlLib();
  let found: number | undefined;
  const walk = (n: unknown): void => {
    if (found !== undefined || !n) return;
    if (isAlias(n)) {
      found = n.range?.[0];
      return;
    }
    if (isMap(n) || isSeq(n)) for (const it of n.items) walk(it);
    else if (isPair(n)) {
      walk(n.key);
      walk(n.value);
    }
  };
  walk(doc.contents);
  return found ?? 0;
}

/** Offset of the node at `path`, its key or its value; for a path that does not exist, the key of the deepest parent that does. */
function findNode(doc: Document, path: ValuePath, at: 'key' | 'value'): number | undefined {
  const { isAlias, isMap, isSeq } = yamlLib();
  let node: unknown = doc.contents;
  let keyPos: number | undefined = (node as Node | null)?.range?.[0];
  let valuePos: number | undefined = keyPos;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let nextKey: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) return keyPos;
      nextKey = (pair.key as Node | null)?.range?.[0];
      next = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      next = node.items[seg];
      nextKey = (next as Node | null)?.range?.[0];
    } else {
      return keyPos;
    }
    node = next;
    keyPos = nextKey ?? keyPos;
    valuePos = (next as Node | null)?.range?.[0] ?? keyPos;
  }
  return at === 'key' ? keyPos : valuePos;
}

function keyText(key: unknown): string | undefined {
  if (yamlLib().isScalar(key)) return String(key.value);
  return undefined;
}
