/**
 * A validator for the JSON-Schema subset Kubernetes uses (OpenAPI v3 structural schemas): type, properties,
 * additionalProperties, required, items, enum, pattern, length/size/range limits, allOf/anyOf/oneOf/not, $ref
 * into a definitions table, and the x-kubernetes-int-or-string / preserve-unknown-fields / embedded-resource
 * extensions.
 *
 * Why not ajv: compiling the Kafka CRD or a PodSpec with ajv costs 0.5–1.5 s per schema and per process,
 * which dominated a lint run. Interpreting needs no compile step, walks each object once, and produces
 * field paths directly. Schemas are prepared once (prepareCrdSchema) so that "unknown fields are errors"
 * is explicit (`additionalProperties: false`), exactly like the API server's pruning would drop them.
 */

export type Schema = Record<string, unknown>;

export interface SchemaProblem {
  path: string;
  message: string;
}

interface Ctx {
  defs: Record<string, Schema>;
  problems: SchemaProblem[];
  limit: number;
}

const regexCache = new Map<string, RegExp | null>();
function regex(p: string): RegExp | null {
  let r = regexCache.get(p);
  if (r === undefined) {
    try {
      r = new RegExp(p);
    } catch {
      r = null; // an RE2-only construct: skip the check rather than guess
    }
    regexCache.set(p, r);
  }
  return r;
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

function typeMatches(t: string, v: unknown): boolean {
  const actual = typeOf(v);
  if (t === actual) return true;
  if (t === 'number' && actual === 'integer') return true;
  return false;
}

const key = (base: string, k: string): string => (/^[A-Za-z_$][\w$-]*$/.test(k) ? (base ? `${base}.${k}` : k) : `${base}[${JSON.stringify(k)}]`);
const short = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function add(ctx: Ctx, path: string, message: string): void {
  if (ctx.problems.length < ctx.limit) ctx.problems.push({ path, message });
}

function deref(s: Schema, ctx: Ctx): Schema {
  let cur = s;
  for (let i = 0; i < 32 && typeof cur.$ref === 'string'; i++) {
    const name = (cur.$ref as string).replace(/^#\/definitions\//, '');
    const next = ctx.defs[name];
    if (!next) return {};
    cur = next;
  }
  return cur;
}

function passes(s: Schema, v: unknown, ctx: Ctx, inJunctor: boolean): boolean {
  const scratch: Ctx = { defs: ctx.defs, problems: [], limit: 1 };
  walk(s, v, '', scratch, inJunctor);
  return scratch.problems.length === 0;
}

function walk(schema: Schema, v: unknown, path: string, ctx: Ctx, inJunctor: boolean): void {
  if (ctx.problems.length >= ctx.limit) return;
  const s = schema.$ref ? deref(schema, ctx) : schema;
  if (v === null && (s.nullable === true || inJunctor)) return;

  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) {
      add(ctx, path, `must be an integer or a string, not ${typeOf(v)}`);
      return;
    }
  } else if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(t, v))) {
      add(ctx, path, `must be ${types.join(' or ')}, not ${typeOf(v)}${typeof v !== 'object' ? ` (${short(v)})` : ''}`);
      return;
    }
  }

  if (Array.isArray(s.enum) && !(s.enum as unknown[]).some((e) => e === v || JSON.stringify(e) === JSON.stringify(v))) {
    add(ctx, path, `must be one of ${(s.enum as unknown[]).map(short).join(', ')} (got ${short(v)})`);
  }

  if (typeof v === 'string') {
    if (typeof s.pattern === 'string') {
      const r = regex(s.pattern);
      if (r && !r.test(v)) add(ctx, path, `${short(v)} does not match the pattern ${s.pattern}`);
    }
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) add(ctx, path, `is longer than ${s.maxLength} characters`);
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) add(ctx, path, `is shorter than ${s.minLength} characters`);
  } else if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) add(ctx, path, `must be ${s.exclusiveMinimum === true ? '>' : '>='} ${s.minimum} (got ${v})`);
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) add(ctx, path, `must be ${s.exclusiveMaximum === true ? '<' : '<='} ${s.maximum} (got ${v})`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) add(ctx, path, `must be a multiple of ${s.multipleOf}`);
  } else if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) add(ctx, path, `must have at most ${s.maxItems} items`);
    if (typeof s.minItems === 'number' && v.length < s.minItems) add(ctx, path, `must have at least ${s.minItems} items`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      for (let i = 0; i < v.length; i++) walk(s.items as Schema, v[i], `${path}[${i}]`, ctx, inJunctor);
    }
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    for (const [k, x] of Object.entries(o)) {
      const ps = props[k];
      if (ps) walk(ps, x, key(path, k), ctx, inJunctor);
      else if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties as Schema, x, key(path, k), ctx, inJunctor);
      else if (s.additionalProperties === false && !preserve && !inJunctor) add(ctx, key(path, k), `unknown field "${k}"`);
    }
    if (Array.isArray(s.required)) for (const r of s.required as string[]) if (!(r in o)) add(ctx, key(path, r), 'required field is missing');
    const n = Object.keys(o).length;
    if (typeof s.maxProperties === 'number' && n > s.maxProperties) add(ctx, path, `must have at most ${s.maxProperties} fields`);
    if (typeof s.minProperties === 'number' && n < s.minProperties) add(ctx, path, `must have at least ${s.minProperties} fields`);
  }

  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) walk(sub, v, path, ctx, true);
  if (Array.isArray(s.anyOf) && !intOrString) {
    const alts = s.anyOf as Schema[];
    if (!alts.some((a) => passes(a, v, ctx, true))) add(ctx, path, describeAlternatives(alts, v, ctx));
  }
  if (Array.isArray(s.oneOf)) {
    const alts = s.oneOf as Schema[];
    const n = alts.filter((a) => passes(a, v, ctx, true)).length;
    if (n === 0) add(ctx, path, describeAlternatives(alts, v, ctx));
    else if (n > 1 && !alts.every((a) => a.type !== undefined)) add(ctx, path, `matches more than one of the exclusive forms (oneOf)`);
  }
  if (s.not && typeof s.not === 'object' && passes(s.not as Schema, v, ctx, true)) add(ctx, path, 'matches a form that is not allowed (not)');
}

function describeAlternatives(alts: Schema[], v: unknown, ctx: Ctx): string {
  const resolved = alts.map((a) => deref(a, ctx));
  const types = resolved.map((a) => a.type).filter((t): t is string => typeof t === 'string');
  if (types.length === resolved.length) {
    const same = resolved.find((a) => typeMatches(a.type as string, v));
    if (same && typeof same.pattern === 'string') return `${short(v)} does not match the pattern ${same.pattern}`;
    return `must be ${[...new Set(types)].join(' or ')}, not ${typeOf(v)} (${short(v)})`;
  }
  const required = resolved.map((a) => (Array.isArray(a.required) ? (a.required as string[]).join('+') : '')).filter(Boolean);
  if (required.length) return `must set one of: ${required.join(' | ')}`;
  return `does not match any allowed form (got ${short(v)})`;
}

/** Validate a value; problems carry field paths relative to `base`. */
export function validateSchema(schema: Schema, value: unknown, defs: Record<string, Schema> = {}, base = '', limit = 25): SchemaProblem[] {
  const ctx: Ctx = { defs, problems: [], limit };
  walk(schema, value, base, ctx, false);
  return ctx.problems;
}

/**
 * Make a CRD version's openAPIV3Schema explicit about unknown fields, the way the API server prunes:
 * an object node (outside allOf/anyOf/oneOf/not) without x-kubernetes-preserve-unknown-fields and without
 * an additionalProperties schema gets `additionalProperties: false`. Descriptions are dropped to save memory.
 * The root's metadata is left to the ObjectMeta check; apiVersion and kind are always allowed.
 */
export function prepareCrdSchema(schema: Schema): Schema {
  const prep = (s: unknown, inJunctor: boolean): unknown => {
    if (Array.isArray(s)) return s.map((x) => prep(x, inJunctor));
    if (!s || typeof s !== 'object') return s;
    const src = s as Schema;
    const out: Schema = {};
    for (const [k, v] of Object.entries(src)) {
      if (k === 'description' || k === 'example' || k === 'x-kubernetes-validations') continue;
      if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, prep(ps, inJunctor)]));
      else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not') out[k] = prep(v, true);
      else if (k === 'items' || k === 'additionalProperties') out[k] = typeof v === 'object' ? prep(v, inJunctor) : v;
      else out[k] = v;
    }
    const isObject = out.type === 'object' || (out.type === undefined && out.properties !== undefined);
    if (isObject && !inJunctor && out['x-kubernetes-preserve-unknown-fields'] !== true && out.additionalProperties === undefined) {
      out.additionalProperties = false;
    }
    return out;
  };
  const root = prep(schema, false) as Schema;
  const props = { ...((root.properties ?? {}) as Record<string, Schema>) };
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  props.metadata = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return { ...root, type: 'object', properties: props };
}
