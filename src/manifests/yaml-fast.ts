/**
 * A fast reader for the YAML that `helm template` prints, with the yaml package as the fallback.
 *
 * Why: parsing rendered manifests with the yaml package costs more CPU than helm spends rendering them
 * (about 2 ms per KB), and lint parses every render. Helm output is block-style YAML written by chart
 * templates; this reader handles exactly that subset line by line (block mappings and sequences, compact
 * `- key: value` items, plain/quoted scalars on one line, literal/folded block scalars, one-line flow
 * collections, comments) and gives up — returning undefined so the caller uses the yaml package — on
 * anything else (anchors, aliases, tags, multi-line plain or quoted scalars, complex keys, tabs,
 * duplicate keys, flow collections over several lines).
 *
 * Scalars resolve the way Kubernetes reads them (sigs.k8s.io/yaml, go-yaml v2, i.e. YAML 1.1): `yes`,
 * `on`, `y` are booleans, `~` and empty are null, 0x/0o/octal integers. The fallback uses the yaml
 * package's 1.1 schema so both paths agree (test/lint/yaml-fast.test.ts compares them).
 */
import { parse as yamlParse } from 'yaml';

class Unsupported extends Error {}
const bail = (why: string): never => {
  throw new Unsupported(why);
};

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Resolve a plain scalar the YAML 1.1 way. */
export function resolvePlain(s: string): unknown {
  if (NULL.has(s)) return null;
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  const c = s.charCodeAt(0);
  // Only strings that start like a number can be one. Forms on which YAML 1.1 readers disagree
  // (exponents without a dot, underscores, leading zeros, sexagesimal) go to the fallback.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (/^[-+]?(0|[1-9][0-9]*)$/.test(s)) {
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : bail('big integer');
    }
    if (/^[-+]?0[0-7]+$/.test(s)) return parseInt(s, 8);
    if (/^[-+]?0x[0-9a-fA-F]+$/.test(s)) return (s.startsWith('-') ? -1 : 1) * parseInt(s.replace(/^[-+]?0x/, ''), 16);
    if (/^[-+]?([0-9]+\.[0-9]+|\.[0-9]+)([eE][-+][0-9]+)?$/.test(s)) return Number(s);
    if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    // Readers disagree on these: exponents without a dot or sign, underscores, 08/09, sexagesimal, 0b.
    if (
      /^[-+]?[0-9]+[eE][-+]?[0-9]+$/.test(s) ||
      /^[-+]?[0-9]+\.([eE][-+]?[0-9]+)?$/.test(s) ||
      /^[-+]?[0-9]*\.[0-9]+[eE][0-9]+$/.test(s) ||
      /^[-+]?[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?$/.test(s) ||
      /^[-+]?0[0-9]*[89][0-9]*$/.test(s) ||
      /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s) ||
      /^[-+]?0b[01_]+$/.test(s)
    ) {
      bail('number-like scalar');
    }
    // Anything else (1.2.3, 0.0.0.0:80, UUIDs) is a string, as go-yaml reads it.
  }
  if (s === '.nan' || s === '.NaN' || s === '.NAN') return NaN;
  if (s === '.inf' || s === '.Inf' || s === '.INF') return Infinity;
  if (s === '<<' || s === '=') bail('merge or value key');
  return s;
}

interface Line {
  indent: number;
  /** Text after the indentation, comments included. */
  text: string;
  /** 0-based line number in the document. */
  n: number;
}

/** Strip a trailing comment (` #...`) from a plain value; quoted values are handled by their readers. */
function stripComment(s: string): string {
  const i = s.search(/(^|\s)#/);
  return (i < 0 ? s : s.slice(0, i)).trimEnd();
}

function readDoubleQuoted(s: string, start: number): { value: string; end: number } {
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case ' ': out += ' '; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'e': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'x': out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16)); i += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(s.slice(i + 1, i + 9), 16)); i += 8; break;
      default: bail(`escape \\${e}`);
    }
  }
  return bail('double-quoted scalar over several lines');
}

function readSingleQuoted(s: string, start: number): { value: string; end: number } {
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === "'") {
      if (s[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    out += s[i];
  }
  return bail('single-quoted scalar over several lines');
}

/** A whole inline value: quoted, flow collection, or plain (comment stripped). */
function inlineValue(raw: string): unknown {
  const s = raw.trim();
  if (!s) return null;
  const c = s[0]!;
  if (c === '"' || c === "'") {
    const q = c === '"' ? readDoubleQuoted(s, 0) : readSingleQuoted(s, 0);
    const rest = s.slice(q.end).trim();
    if (rest && !rest.startsWith('#')) bail('text after a quoted scalar');
    return q.value;
  }
  if (c === '[' || c === '{') {
    const r = flow(s, 0);
    const rest = s.slice(r.end).trim();
    if (rest && !rest.startsWith('#')) bail('text after a flow collection');
    return r.value;
  }
  if (c === '&' || c === '*' || c === '!' || c === '%' || c === '@' || c === '`' || c === '?') bail(`indicator ${c}`);
  if (c === '|' || c === '>') bail('block scalar in an unexpected place');
  if (c === '-' && (s.length === 1 || s[1] === ' ')) bail('nested sequence on one line');
  const v = stripComment(s);
  if (/:\s|:$/.test(v)) bail('mapping inside a plain value');
  return resolvePlain(v);
}

/** One-line flow collections: `[a, "b", {c: 1}]`, `{cpu: 1, memory: 1Gi}`. */
function flow(s: string, start: number): { value: unknown; end: number } {
  const open = s[start];
  const close = open === '[' ? ']' : '}';
  const items: unknown[] = [];
  const map: Record<string, unknown> = {};
  let i = start + 1;
  const skip = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const scalarUntil = (stops: string): unknown => {
    skip();
    const c = s[i];
    if (c === '"' || c === "'") {
      const q = c === '"' ? readDoubleQuoted(s, i) : readSingleQuoted(s, i);
      i = q.end;
      return q.value;
    }
    if (c === '[' || c === '{') {
      const r = flow(s, i);
      i = r.end;
      return r.value;
    }
    let j = i;
    while (j < s.length && !stops.includes(s[j]!) && !(s[j] === ':' && (s[j + 1] === ' ' || s[j + 1] === ',' || s[j + 1] === close))) j++;
    const tok = s.slice(i, j).trim();
    i = j;
    if (/^[&*!|>#%@`]/.test(tok)) bail('indicator in a flow collection');
    return resolvePlain(tok);
  };
  skip();
  if (s[i] === close) return { value: open === '[' ? [] : {}, end: i + 1 };
  for (;;) {
    skip();
    if (i >= s.length) bail('flow collection over several lines');
    if (open === '{') {
      const k = scalarUntil(',}');
      skip();
      let v: unknown = null;
      if (s[i] === ':') {
        i++;
        v = scalarUntil(',}');
      }
      const key = String(k);
      if (key in map) bail('duplicate key');
      map[key] = v;
    } else {
      const start2 = i;
      const v = scalarUntil(',]');
      skip();
      if (s[i] === ':') bail('single-pair mapping in a flow sequence');
      if (i === start2 && s[i] !== ',' && s[i] !== ']') bail('empty flow entry');
      items.push(v);
    }
    skip();
    if (s[i] === ',') {
      i++;
      skip();
      if (s[i] === close) {
        i++;
        break;
      }
      continue;
    }
    if (s[i] === close) {
      i++;
      break;
    }
    bail('unexpected character in a flow collection');
  }
  return { value: open === '[' ? items : map, end: i };
}

class Reader {
  private i = 0;
  constructor(
    private readonly lines: Line[],
    private readonly raw: string[],
  ) {}

  peek(): Line | undefined {
    return this.lines[this.i];
  }

  /** A node whose first line is at `indent` (mapping, sequence or, at the top, a scalar). */
  node(indent: number): unknown {
    const l = this.peek();
    if (!l || l.indent < indent) return null;
    if (l.text === '-' || l.text.startsWith('- ')) return this.seq(l.indent);
    if (this.isKeyLine(l.text)) return this.map(l.indent);
    // A lone scalar document.
    this.i++;
    if (this.peek() && this.peek()!.indent >= indent) bail('multi-line scalar');
    return inlineValue(l.text);
  }

  private isKeyLine(t: string): boolean {
    if (t[0] === '"' || t[0] === "'") {
      const q = t[0] === '"' ? readDoubleQuoted(t, 0) : readSingleQuoted(t, 0);
      return t[q.end] === ':';
    }
    return /^[^\s#&*!|>'"%@`{[\-?][^#]*?:(\s|$)/.test(t) || /^-[^\s][^#]*?:(\s|$)/.test(t);
  }

  private splitKey(t: string): { key: string; rest: string } {
    if (t[0] === '"' || t[0] === "'") {
      const q = t[0] === '"' ? readDoubleQuoted(t, 0) : readSingleQuoted(t, 0);
      if (t[q.end] !== ':') bail('quoted key without colon');
      return { key: q.value, rest: t.slice(q.end + 1) };
    }
    const m = /^([^#]*?):(\s|$)/.exec(t);
    if (!m) bail('key');
    const plain = m![1]!.trimEnd();
    if (plain === '<<') bail('merge key');
    if (/^[&*!]/.test(plain)) bail('indicator in key');
    // Plain keys resolve like values (`on:` is the key "true" in YAML 1.1), then become strings.
    const v = resolvePlain(plain);
    if (v === null || (typeof v === 'number' && !Number.isFinite(v))) bail('null or special key');
    return { key: typeof v === 'string' ? v : String(v), rest: t.slice(m![0].length - (m![2] ? 1 : 0)) };
  }

  private map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const l = this.peek();
      if (!l || l.indent < indent) return out;
      if (l.indent > indent) bail('unexpected indentation');
      if (l.text === '-' || l.text.startsWith('- ')) return out; // a sequence at the parent's indent ends this map
      if (!this.isKeyLine(l.text)) bail(`not a key: ${l.text.slice(0, 40)}`);
      const { key, rest } = this.splitKey(l.text);
      if (Object.prototype.hasOwnProperty.call(out, key)) bail('duplicate key');
      this.i++;
      out[key] = this.value(rest, indent, l.n);
    }
  }

  /** The value after `key:` or `- `, at parent indentation `indent`. */
  private value(rest: string, indent: number, lineNo: number): unknown {
    const r = rest.trim();
    if (r === '' || r.startsWith('#')) {
      const next = this.peek();
      if (!next) return null;
      if (next.indent > indent) return this.node(next.indent);
      // `key:` followed by `- item` at the same indentation (the usual Kubernetes style)
      if (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) return this.seqAt(indent);
      return null;
    }
    if (r[0] === '|' || r[0] === '>') return this.blockScalar(r, indent, lineNo);
    const v = inlineValue(r);
    const next = this.peek();
    if (next && next.indent > indent) bail('multi-line plain scalar or unexpected indentation');
    return v;
  }

  /** A sequence whose dashes sit at `indent` (used for `key:\n- a` too). */
  private seqAt(indent: number): unknown[] {
    return this.seq(indent);
  }

  private seq(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const l = this.peek();
      if (!l || l.indent !== indent || !(l.text === '-' || l.text.startsWith('- '))) {
        if (l && l.indent > indent) bail('unexpected indentation in a sequence');
        return out;
      }
      const after = l.text === '-' ? '' : l.text.slice(2);
      const inner = after.trimStart();
      const col = indent + 2 + (after.length - inner.length);
      if (inner === '' || inner.startsWith('#')) {
        this.i++;
        const next = this.peek();
        out.push(next && next.indent > indent ? this.node(next.indent) : null);
      } else if (inner.startsWith('- ') || inner === '-') {
        bail('nested sequence on one line');
      } else if (this.isKeyLine(inner)) {
        // compact mapping: `- key: value` continues on lines indented to `col`
        this.lines[this.i] = { indent: col, text: inner, n: l.n };
        out.push(this.map(col));
      } else {
        this.i++;
        out.push(this.value(inner, indent, l.n));
      }
    }
  }

  private blockScalar(header: string, indent: number, lineNo: number): string {
    const m = /^([|>])([1-9])?([-+])?([1-9])?\s*(#.*)?$/.exec(header);
    if (!m) bail('block scalar header');
    const folded = m![1] === '>';
    const chomp = m![3] ?? '';
    const explicit = m![2] ?? m![4];
    if (folded) bail('folded block scalar');
    // Block scalar content comes from the raw lines (blank lines and comments inside belong to it).
    const start = lineNo + 1;
    let end = start;
    let contentIndent = explicit ? indent + Number(explicit) : -1;
    const rawLines: string[] = [];
    for (let k = start; k < this.raw.length; k++) {
      const line = this.raw[k]!;
      if (/^\s*$/.test(line)) {
        rawLines.push('');
        end = k + 1;
        continue;
      }
      const ind = line.length - line.trimStart().length;
      if (line.slice(0, ind).includes('\t')) bail('tab indentation');
      if (contentIndent < 0) {
        if (ind <= indent) break;
        contentIndent = ind;
      }
      if (ind < contentIndent) break;
      rawLines.push(line.slice(contentIndent));
      end = k + 1;
    }
    // Trailing blank lines are not part of the node for what follows; skip the parsed lines past `end`.
    while (this.i < this.lines.length && this.lines[this.i]!.n < end) {
      if (this.lines[this.i]!.indent <= indent && this.lines[this.i]!.n >= start) break;
      this.i++;
    }
    let body = rawLines.join('\n');
    const trailing = /\n*$/.exec(body)![0].length;
    body = body.slice(0, body.length - trailing);
    if (chomp === '-') return body;
    if (chomp === '+') return body + '\n'.repeat(trailing + 1);
    return body.length ? body + '\n' : '';
  }
}

/**
 * Parse one YAML document of helm output. Returns the value, or undefined when the document uses YAML this
 * reader does not handle (the caller then uses parseYamlDocument).
 */
export function fastParseDocument(text: string, onUnsupported?: (why: string) => void): { value: unknown } | undefined {
  const raw = text.split('\n');
  const lines: Line[] = [];
  for (let n = 0; n < raw.length; n++) {
    const line = raw[n]!;
    let ind = 0;
    while (ind < line.length && line.charCodeAt(ind) === 32) ind++;
    if (ind === line.length) continue;
    const rest = line.slice(ind);
    if (rest[0] === '#') continue;
    if (rest[0] === '\t') return undefined;
    if (ind === 0 && (rest.startsWith('---') || rest.startsWith('...') || rest[0] === '%')) return undefined;
    lines.push({ indent: ind, text: line.slice(ind).replace(/\s+$/, ''), n });
  }
  if (!lines.length) return { value: null };
  try {
    const r = new Reader(lines, raw);
    const value = r.node(lines[0]!.indent);
    if (r.peek()) bail('content after the document');
    return { value };
  } catch (e) {
    if (e instanceof Unsupported) {
      onUnsupported?.(e.message);
      return undefined;
    }
    throw e;
  }
}

let fallbacks = 0;
/** How many documents needed the yaml package since the process started (for tests and profiling). */
export const fallbackCount = (): number => fallbacks;

/** Parse one document: the fast reader, else the yaml package with the YAML 1.1 schema. */
export function parseYamlDocument(text: string): unknown {
  const fast = fastParseDocument(text);
  if (fast) return fast.value;
  fallbacks++;
  return yamlParse(text, { version: '1.1', uniqueKeys: false, maxAliasCount: 1000, merge: true });
}
