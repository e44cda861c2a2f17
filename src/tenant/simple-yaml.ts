/**
 * A parser for the plain block-style YAML that tenant files are written in (what `tenant init` and
 * the template produce): block mappings and sequences, plain and simply quoted scalars resolved with
 * the YAML 1.2 core schema, one-line flow lists, comments.
 *
 * It exists for speed (the full `yaml` parser costs ~60 ms to load and ~2 ms per file; this one,
 * nothing): anything outside that subset, or anything odd (tabs, anchors, tags, block scalars,
 * quoted keys, duplicate keys, multi-line scalars, several documents...) returns `undefined`, and the
 * file is read by `yaml`, which also reports the errors. A differential test checks that it never
 * accepts what `yaml` refuses and never reads a value differently.
 *
 * Kept because it saves at least 20 % of its command's wall time (BENCHMARKS.md, hand-written parsers).
 */

type Obj = Record<string, unknown>;

const KEY = /^([A-Za-z_][A-Za-z0-9_.\/-]*):(?: +(.*))?$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

class Outside extends Error {}
const outside = (): never => {
  throw new Outside();
};

/** A plain scalar resolved by the YAML 1.2 core schema. */
function plain(s: string): unknown {
  switch (s) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  if (INT.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : outside();
  }
  if (OCT.test(s) || HEX.test(s)) {
    const n = s.startsWith('0o') ? parseInt(s.slice(2), 8) : parseInt(s.slice(2), 16);
    return Number.isSafeInteger(n) ? n : outside();
  }
  if (FLOAT.test(s)) return Number(s);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s) || /^\.(nan|NaN|NAN)$/.test(s)) return outside();
  return s;
}

/** Strip a trailing ` # comment` and spaces; quotes make this ambiguous, so a quoted value must end at its quote. */
function stripComment(s: string): string {
  const i = s.search(/(^|\s)#/);
  return (i < 0 ? s : s.slice(0, i)).trimEnd();
}

/** One scalar or one-line flow list. */
function value(raw: string): unknown {
  const s = raw;
  if (s === '') return null;
  const c = s[0]!;
  if (c === '"') {
    const m = /^"([^"\\]*)"(\s+#.*)?$/.exec(s);
    return m ? m[1] : outside();
  }
  if (c === "'") {
    const m = /^'((?:[^']|'')*)'(\s+#.*)?$/.exec(s);
    return m ? m[1]!.replace(/''/g, "'") : outside();
  }
  const v = stripComment(s);
  if (v === '[]') return [];
  if (v === '{}') return {};
  if (v[0] === '[') {
    if (!v.endsWith(']')) return outside();
    const inner = v.slice(1, -1);
    if (/[\[\]{}"'#&*!|>%@`?]/.test(inner) || /:(\s|$)/.test(inner)) return outside();
    const items = inner.split(',').map((x) => x.trim());
    if (items.some((x) => x === '' || x.startsWith('-') && x.length > 1 && !/^-[0-9.]/.test(x))) return outside();
    return items.map(plain);
  }
  // a plain scalar: no indicator at the start, no `: ` or ` #` inside (the comment is already gone)
  if (/^[\[\]{}&*!|>'"%@`#,?:]/.test(v) || (v[0] === '-' && !/^-[0-9.]/.test(v))) return outside();
  if (/:(\s|$)/.test(v) || /\s#/.test(v)) return outside();
  return plain(v);
}

interface Line {
  indent: number;
  text: string;
  no: number;
}

/** How YAML 1.2 core resolves a plain scalar (null, booleans, numbers; otherwise the string itself). */
export function resolveScalar(s: string): unknown {
  try {
    return plain(s);
  } catch {
    return s;
  }
}

/** Parse `text`, or `undefined` when it is not in the subset (use the full parser). */
export function parseSimpleYaml(text: string): Obj | undefined {
  if (/[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/.test(text)) return undefined;
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!;
    const t = l.trimStart();
    if (t === '' || t.startsWith('#')) continue;
    const indent = l.length - t.length;
    if (indent === 0 && (t.startsWith('---') || t.startsWith('...') || t.startsWith('%'))) return undefined;
    lines.push({ indent, text: t.trimEnd(), no: i });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  let pos = 0;

  const mapping = (indent: number): Obj => {
    const obj: Obj = {};
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) outside();
      const m = KEY.exec(l.text);
      if (!m) outside();
      const key = m![1]!;
      if (typeof plain(key) !== 'string' || key === '__proto__' || Object.prototype.hasOwnProperty.call(obj, key)) outside();
      pos++;
      const rest = m![2] ?? '';
      if (rest === '' || rest.startsWith('#')) {
        const next = lines[pos];
        if (next && next.indent > indent) obj[key] = next.text.startsWith('- ') || next.text === '-' ? sequence(next.indent) : mapping(next.indent);
        else if (next && next.indent === indent && (next.text.startsWith('- ') || next.text === '-')) obj[key] = sequence(indent);
        else obj[key] = null;
      } else {
        obj[key] = value(rest);
        const next = lines[pos];
        if (next && next.indent > indent) outside(); // a multi-line scalar or a bad indent
      }
    }
    return obj;
  };

  const sequence = (indent: number): unknown[] => {
    const list: unknown[] = [];
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent !== indent || !(l.text.startsWith('- ') || l.text === '-')) break;
      const rest = l.text === '-' ? '' : l.text.slice(2).trimStart();
      if (rest === '' || KEY.test(rest) || rest.startsWith('- ')) outside(); // nested blocks in a list: leave them to yaml
      list.push(value(rest));
      pos++;
      const next = lines[pos];
      if (next && next.indent > indent) outside();
    }
    return list;
  };

  try {
    const root = mapping(0);
    return pos === lines.length ? root : undefined;
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}
