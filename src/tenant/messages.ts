/**
 * Human messages: value paths as `global.objectStorage.bucket`, values shown safely (control and
 * non-ASCII characters escaped so look-alikes and terminal escapes are visible), and ajv errors
 * turned into positioned findings.
 */
import type { AjvError } from './compile.js';
import type { LoadedTenant } from './load.js';
import { schemaAt, unescapePointer, type JsonSchema } from './schema.js';
import type { Finding, ValuePath } from './types.js';
import { formatPath, quote } from './format.js';

export { formatPath, quote };

/** A value for a message: strings quoted and escaped, others as compact JSON, long ones cut. */
export function show(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** What a wrong value is, for type errors: `string "yes"`, `integer 3`, `a list`, `null (an empty value)`. */
function got(v: unknown): string {
  if (v === null || v === undefined || Array.isArray(v) || typeof v === 'object') return show(v);
  return `${typeOf(v)} ${show(v)}`;
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const typeName = (t: unknown): string => {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', boolean: 'true or false', integer: 'an integer', number: 'a number', null: 'null' };
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => names[String(x)] ?? String(x)).join(' or ');
};

export function pointerToPath(pointer: string): ValuePath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map(unescapePointer)
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function valueAt(values: unknown, path: ValuePath): unknown {
  let v = values;
  for (const s of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** Edit distance for "did you mean" suggestions on unknown keys. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

export function suggest(word: string, candidates: string[]): string | undefined {
  const w = word.normalize('NFKC').toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 4)) ? best : undefined;
}

/** The first sentence of a description (for pattern errors: what the value should look like). */
function firstSentence(d: string | undefined): string | undefined {
  if (!d) return undefined;
  const m = /^(.+?\.)(\s|$)/.exec(d);
  return (m ? m[1]! : d).replace(/\.$/, '');
}

/** Turn ajv's errors for one file into findings positioned in that file. */
export function schemaFindings(tenant: LoadedTenant, errors: AjvError[], schema: () => JsonSchema): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // `if` only says which branch applied; the branch's own errors carry the information.
    if (e.keyword === 'if') continue;
    const f = one(tenant, e, schema);
    const key = `${f.line}:${f.column}:${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function one(tenant: LoadedTenant, e: AjvError, schema: () => JsonSchema): Finding {
  const at = pointerToPath(e.instancePath);
  const value = valueAt(tenant.values, at);
  const p = e.params;
  let path = at;
  let where: 'key' | 'value' = 'value';
  let message: string;
  const name = () => formatPath(path) || 'the file';
  switch (e.keyword) {
    case 'required': {
      const missing = String(p.missingProperty);
      path = [...at, missing];
      message = `${formatPath(path)} is required`;
      const pos = at.length ? tenant.locate(at, 'key') : { line: 1, column: 1 };
      return { file: tenant.file, ...pos, path: formatPath(path), rule: 'schema', severity: 'error', message };
    }
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      path = [...at, extra];
      where = 'key';
      const parent = schemaAt(schema(), e.schemaPath.replace(/\/additionalProperties$/, ''));
      const known = Object.keys(parent?.properties ?? {});
      const s = suggest(extra, known);
      message = `${name()} is not a known key${s ? ` (did you mean ${s}?)` : known.length ? ` (known: ${known.join(', ')})` : ''}`;
      break;
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      message = `${name()} must be one of ${allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')} (got ${show(value)})`;
      break;
    }
    case 'const':
      message = `${name()} must be ${JSON.stringify(p.allowedValue)} (got ${show(value)})`;
      break;
    case 'type':
      message = `${name()} must be ${typeName(p.type)} (got ${got(value)})`;
      break;
    case 'pattern': {
      const about = firstSentence(schemaAt(schema(), e.schemaPath.replace(/\/pattern$/, ''))?.description);
      message = `${name()} must match ${String(p.pattern)} (got ${show(value)})${about ? `: ${about}` : ''}`;
      break;
    }
    case 'maxLength':
      message = `${name()} must be at most ${String(p.limit)} characters (got ${[...String(value)].length})`;
      break;
    case 'minLength':
      message = Number(p.limit) <= 1 ? `${name()} must not be empty` : `${name()} must be at least ${String(p.limit)} characters (got ${[...String(value)].length})`;
      break;
    case 'format':
      message = `${name()} must be a valid ${String(p.format)} (got ${show(value)})`;
      break;
    case 'uniqueItems':
      message = `${name()} repeats ${show((value as unknown[])?.[Number(p.j)])}`;
      path = [...at, Number(p.j)];
      break;
    default:
      message = `${name()} ${e.message ?? `fails ${e.keyword}`}`;
  }
  const pos = tenant.locate(path, where);
  return { file: tenant.file, ...pos, path: formatPath(path), rule: 'schema', severity: 'error', message };
}
