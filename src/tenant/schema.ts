/**
 * The tenant schema and its validator. The validator is the standalone module generated from
 * schemas/tenant.schema.json (named by the schema's hash, so a changed schema is never checked with
 * a stale validator); when it is missing, the schema is compiled here and the module written for
 * the next run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LogclawError, ExitCode } from '../errors.js';
import type { SchemaValidator } from './compile.js';
import { isRecord } from '../object.js';

/** The package root (this file is src/tenant/schema.ts or dist/tenant/schema.js). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const tenantSchemaFile = join(packageRoot, 'schemas', 'tenant.schema.json');
export const generatedDir = join(packageRoot, 'dist', 'tenant', 'generated');

export const validatorFileName = (hash: string): string => `tenant-validator-${hash}.mjs`;
/** The schema without annotations, keyed by the schema file's size and mtime (see quickSchema). */
export const quickSchemaFile = join(generatedDir, 'tenant-quick.json');

export interface TenantSchema {
  file: string;
  text: string;
  /** The parsed schema. */
  json(): JsonSchema;
  /** The schema without annotations, for quickValidate. */
  quick(): JsonSchema;
  /**
   * The ajv validator (all errors). Loaded on first use: a clean file is cleared by quickValidate
   * (quickcheck.ts) without loading it.
   */
  validator(): Promise<SchemaValidator>;
}

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  uniqueItems?: boolean;
  $ref?: string;
  $comment?: string;
  definitions?: Record<string, JsonSchema>;
  [k: string]: unknown;
}

const cache = new Map<string, Promise<TenantSchema>>();

/** Load the schema and its validator once per process. */
export function loadTenantSchema(file: string = tenantSchemaFile): Promise<TenantSchema> {
  let p = cache.get(file);
  if (!p) {
    p = load(file);
    cache.set(file, p);
  }
  return p;
}

async function load(file: string): Promise<TenantSchema> {
  let stamp: string;
  try {
    stamp = schemaStamp(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  // The text is read only when needed: a clean file is checked against the compact copy.
  let text: string | undefined;
  const readText = (): string => {
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw unreadable(file, e);
      }
    }
    return text;
  };
  let parsed: JsonSchema | undefined;
  const json = (): JsonSchema => {
    if (parsed === undefined) {
      try {
        parsed = JSON.parse(readText()) as JsonSchema;
      } catch (e) {
        if (e instanceof LogclawError) throw e;
        throw new LogclawError(`the tenant schema ${file} is not valid JSON`, { exitCode: ExitCode.missingPrerequisite, hint: 'run `npm run gen:schemas`', cause: e });
      }
    }
    return parsed;
  };
  let compact: JsonSchema | undefined;
  const quick = (): JsonSchema => (compact ??= file === tenantSchemaFile ? quickSchema(stamp, json) : json());
  let validator: Promise<SchemaValidator> | undefined;
  return {
    file,
    get text() {
      return readText();
    },
    json,
    quick,
    validator: () => (validator ??= loadValidator(readText(), json)),
  };
}

const unreadable = (file: string, e: unknown): LogclawError =>
  new LogclawError(`cannot read the tenant schema ${file}`, {
    exitCode: ExitCode.missingPrerequisite,
    hint: 'run `npm run gen:schemas` in the logclaw repository',
    cause: e,
  });

/**
 * The compact schema for the quick check: a third of the text, so the start-up of `tenant validate`
 * parses less and allocates less (one young-generation GC less). Valid while the schema file keeps
 * the size and mtime it had when the copy was made (`npm run build`, or any run that found it stale).
 */
function quickSchema(stamp: string, json: () => JsonSchema): JsonSchema {
  try {
    const saved = JSON.parse(readFileSync(quickSchemaFile, 'utf8')) as { stamp: string; schema: JsonSchema };
    if (saved.stamp === stamp) return saved.schema;
  } catch {
    // none yet, or unreadable: make it below
  }
  const schema = compactSchema(json()) as JsonSchema;
  try {
    writeQuickSchema(stamp, schema);
  } catch {
    // read-only install: parse the full schema every time
  }
  return schema;
}

export function writeQuickSchema(stamp: string, schema: unknown, file: string = quickSchemaFile): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ stamp, schema }));
  renameSync(tmp, file);
}

/** The stamp quickSchema compares: size and mtime of the schema file. */
export function schemaStamp(file: string = tenantSchemaFile): string {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

const ANNOTATIONS = new Set(['description', 'examples', 'default', 'title', '$comment', '$id', '$schema', 'readOnly', 'writeOnly', 'deprecated']);
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties', '$defs', 'dependencies']);
const SCHEMA_VALUED = new Set(['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'additionalItems', 'allOf', 'anyOf', 'oneOf']);

/** A schema without its annotations (descriptions, examples, defaults): what validation needs. */
export function compactSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (ANNOTATIONS.has(k)) continue;
    if (SCHEMA_MAPS.has(k) && isRecord(v)) {
      // names are data here: keep every name, compact each subschema (dependencies may hold name lists)
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, Array.isArray(sub) ? sub : compactSchema(sub)]));
    } else if (SCHEMA_VALUED.has(k)) out[k] = compactSchema(v);
    else out[k] = v; // enum, const, required, type, pattern...: values, not schemas
  }
  return out;
}

async function loadValidator(text: string, json: () => JsonSchema): Promise<SchemaValidator> {
  const { schemaHash } = await import('./compile.js');
  const hash = schemaHash(text);
  const generated = join(generatedDir, validatorFileName(hash));
  if (existsSync(generated)) {
    try {
      const mod = (await import(pathToFileURL(generated).href)) as { default: SchemaValidator };
      return mod.default;
    } catch {
      // a broken or half-written module: compile below
    }
  }
  return compileAndCache(json(), hash);
}

async function compileAndCache(schema: JsonSchema, hash: string): Promise<SchemaValidator> {
  const { compileSchema } = await import('./compile.js');
  let compiled;
  try {
    compiled = await compileSchema(schema);
  } catch (e) {
    throw new LogclawError(`the tenant schema does not compile: ${(e as Error).message}`, { exitCode: ExitCode.missingPrerequisite, cause: e });
  }
  try {
    writeValidatorModule(compiled.source, hash);
  } catch {
    // read-only install: validate with the in-memory function
  }
  return compiled.validate;
}

/** Write the generated module atomically and drop the ones of older schemas. */
export function writeValidatorModule(source: string, hash: string, dir: string = generatedDir): string {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, validatorFileName(hash));
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, `// GENERATED from schemas/tenant.schema.json (sha256 ${hash}) by logclaw; do not edit.\n${source}`);
  renameSync(tmp, target);
  for (const f of readdirSync(dir)) {
    if (f.startsWith('tenant-validator-') && f !== validatorFileName(hash) && f.endsWith('.mjs')) {
      try {
        unlinkSync(join(dir, f));
      } catch {
        /* another process may have removed it */
      }
    }
  }
  return target;
}

/** The schema node at a JSON-schema path (`#/properties/global/...`), following local $refs. */
export function schemaAt(root: JsonSchema, schemaPath: string): JsonSchema | undefined {
  const segs = schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean).map(unescapePointer);
  let node: unknown = root;
  for (const s of segs) {
    if (node && typeof node === 'object') node = (node as Record<string, unknown>)[s];
    else return undefined;
    node = deref(root, node as JsonSchema);
  }
  return node as JsonSchema | undefined;
}

/** The schema node describing the value at a value path. */
export function schemaForValue(root: JsonSchema, path: Array<string | number>): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const s of path) {
    node = deref(root, node);
    if (!node) return undefined;
    if (typeof s === 'number') node = node.items;
    else node = node.properties?.[s];
  }
  return deref(root, node);
}

export function deref(root: JsonSchema, node: JsonSchema | undefined): JsonSchema | undefined {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 16; i++) {
    const { $ref, ...siblings } = n;
    const target = schemaAt(root, $ref);
    n = target ? { ...target, ...siblings } : undefined;
  }
  return n;
}

export const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');
