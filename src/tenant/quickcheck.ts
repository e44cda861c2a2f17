/**
 * A small interpreter of the JSON Schema keywords the tenant schema uses, answering only "valid?".
 *
 * Why: the ajv validator of the full tenant schema (all errors, ~1,000 error sites) is ~0.5 MB of
 * generated code that costs ~40 ms to load and JIT on the first call, more than everything else in
 * `tenant validate <one file>`. Most files are valid, so they are cleared here in well under a
 * millisecond and ajv is loaded only when a file fails, to produce its errors.
 *
 * It is conservative: any keyword or value it does not model exactly like ajv (formats,
 * patternProperties, object enums, non-finite numbers, ...) makes it answer `undefined`, "ask
 * ajv". A differential test checks it against ajv on every fixture and on mutated tenants.
 *
 * Kept because it saves at least 20 % of its command's wall time (BENCHMARKS.md, hand-written parsers).
 */
import type { JsonSchema } from './schema.js';
import { isRecord } from '../object.js';

class Unsure extends Error {}
const unsure = (): never => {
  throw new Unsure();
};

/** Keywords that never affect validity. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'definitions', '$defs', 'readOnly', 'writeOnly', 'deprecated', 'contentMediaType', 'contentEncoding']);

const HANDLED = new Set([
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'uniqueItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minProperties', 'maxProperties', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', '$ref',
]);

type Schema = JsonSchema | boolean;
const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** true: valid, false: invalid, undefined: not sure (use ajv). */
export function quickValidate(root: JsonSchema, value: unknown): boolean | undefined {
  try {
    return new QuickValidator(root).valid(root, value, 0);
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    if (e instanceof SyntaxError) return undefined; // a pattern this engine cannot compile: let ajv say
    throw e;
  }
}

type Sub = (schema: Schema, v: unknown) => boolean;

/** One validation against one root schema: its local $refs and compiled patterns cached. */
class QuickValidator {
  private readonly regexps = new Map<string, RegExp>();
  private readonly refs = new Map<string, Schema>();

  constructor(private readonly root: JsonSchema) {}

  valid(schema: Schema, v: unknown, depth: number): boolean {
    if (schema === true) return true;
    if (schema === false) return false;
    if (depth > 64) unsure();
    if (typeof v === 'number' && !Number.isFinite(v)) unsure();
    for (const key of Object.keys(schema)) {
      if (ANNOTATIONS.has(key)) continue;
      if (!HANDLED.has(key)) unsure();
    }
    const s = schema as Record<string, unknown> & JsonSchema;
    const sub: Sub = (x, y) => this.valid(x, y, depth + 1);
    if (s.$ref !== undefined && !sub(this.resolveRef(String(s.$ref)), v)) return false;
    return (
      scalarOk(s, v, (pattern) => this.re(pattern)) &&
      (!Array.isArray(v) || arrayOk(s, v, sub)) &&
      (!isRecord(v) || objectOk(s, v, sub)) &&
      combinatorsOk(s, v, sub)
    );
  }

  /** A local reference (#/...), JSON-pointer unescaped; anything else is not for this engine. */
  private resolveRef(ref: string): Schema {
    let r = this.refs.get(ref);
    if (r !== undefined) return r;
    if (!ref.startsWith('#/')) unsure();
    let node: unknown = this.root;
    for (const seg of ref.slice(2).split('/')) {
      const key = decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isRecord(node) || !(key in node)) unsure();
      node = (node as Record<string, unknown>)[key];
    }
    if (typeof node !== 'boolean' && !isRecord(node)) unsure();
    r = node as Schema;
    this.refs.set(ref, r);
    return r;
  }

  private re(pattern: string): RegExp {
    let r = this.regexps.get(pattern);
    if (!r) {
      r = new RegExp(pattern, 'u');
      this.regexps.set(pattern, r);
    }
    return r;
  }
}

function typeOk(t: unknown, v: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'object':
      return isRecord(v);
    case 'array':
      return Array.isArray(v);
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    default:
      return unsure();
  }
}

/** type, enum, const, and the string and number keywords. */
function scalarOk(s: Record<string, unknown> & JsonSchema, v: unknown, re: (pattern: string) => RegExp): boolean {
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeOk(t, v))) return false;
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum) || !s.enum.every(isPrimitive) || !isPrimitive(v)) unsure();
    if (!(s.enum as unknown[]).includes(v)) return false;
  }
  if ('const' in s) {
    if (!isPrimitive(s.const) || !isPrimitive(v)) unsure();
    if (s.const !== v) return false;
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined || s.maxLength !== undefined) {
      const len = [...v].length; // ajv counts code points
      if (typeof s.minLength === 'number' && len < s.minLength) return false;
      if (typeof s.maxLength === 'number' && len > s.maxLength) return false;
    }
    if (s.pattern !== undefined && !re(String(s.pattern)).test(v)) return false;
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) return false;
    if (typeof s.maximum === 'number' && v > s.maximum) return false;
    if (s.exclusiveMinimum !== undefined) {
      if (typeof s.exclusiveMinimum !== 'number') unsure();
      if (v <= (s.exclusiveMinimum as number)) return false;
    }
    if (s.exclusiveMaximum !== undefined) {
      if (typeof s.exclusiveMaximum !== 'number') unsure();
      if (v >= (s.exclusiveMaximum as number)) return false;
    }
    if (s.multipleOf !== undefined) {
      const m = s.multipleOf;
      if (typeof m !== 'number' || !Number.isInteger(m) || !Number.isInteger(v)) unsure();
      if (v % (m as number) !== 0) return false;
    }
  }
  return true;
}

function arrayOk(s: Record<string, unknown> & JsonSchema, v: unknown[], sub: Sub): boolean {
  if (typeof s.minItems === 'number' && v.length < s.minItems) return false;
  if (typeof s.maxItems === 'number' && v.length > s.maxItems) return false;
  if (s.uniqueItems === true) {
    if (!v.every(isPrimitive)) unsure();
    if (new Set(v).size !== v.length) return false;
  }
  if (s.items !== undefined) {
    if (Array.isArray(s.items)) unsure();
    for (const item of v) if (!sub(s.items as Schema, item)) return false;
  }
  return true;
}

function objectOk(s: Record<string, unknown> & JsonSchema, v: Record<string, unknown>, sub: Sub): boolean {
  const keys = Object.keys(v);
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties) return false;
  if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) return false;
  if (Array.isArray(s.required)) for (const r of s.required) if (!Object.prototype.hasOwnProperty.call(v, r)) return false;
  const props = (s.properties ?? {}) as Record<string, Schema>;
  for (const k of keys) {
    if (Object.prototype.hasOwnProperty.call(props, k)) {
      if (!sub(props[k]!, v[k])) return false;
    } else if (s.additionalProperties !== undefined) {
      if (!sub(s.additionalProperties as Schema, v[k])) return false;
    }
  }
  return true;
}

/** allOf, anyOf, oneOf, not, if/then/else. */
function combinatorsOk(s: Record<string, unknown> & JsonSchema, v: unknown, sub: Sub): boolean {
  if (Array.isArray(s.allOf)) for (const x of s.allOf as Schema[]) if (!sub(x, v)) return false;
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some((x) => sub(x, v))) return false;
  if (Array.isArray(s.oneOf) && (s.oneOf as Schema[]).filter((x) => sub(x, v)).length !== 1) return false;
  if (s.not !== undefined && sub(s.not as Schema, v)) return false;
  if (s.if !== undefined) {
    const branch = sub(s.if as Schema, v) ? s.then : s.else;
    if (branch !== undefined && !sub(branch as Schema, v)) return false;
  }
  return true;
}
