/**
 * The tenant schema and its validator. The validator is the standalone module generated from
 * schemas/tenant.schema.json (named by the schema's hash, so a changed schema is never checked with
 * a stale validator); when it is missing, the schema is compiled here and the module written for
 * the next run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LogclawError, ExitCode } from '../errors.js';
import type { SchemaValidator } from './compile.js';

/** The package root (this file is src/tenant/schema.ts or dist/tenant/schema.js). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const tenantSchemaFile = join(packageRoot, 'schemas', 'tenant.schema.json');
export const generatedDir = join(packageRoot, 'dist', 'tenant', 'generated');

export const validatorFileName = (hash: string): string => `tenant-validator-${hash}.mjs`;

export interface TenantSchema {
  file: string;
  text: string;
  hash: string;
  /** The parsed schema (parsed on first use: only error messages and init need it). */
  json(): JsonSchema;
  validate: SchemaValidator;
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LogclawError(`cannot read the tenant schema ${file}`, {
      exitCode: ExitCode.missingPrerequisite,
      hint: 'run `npm run gen:schemas` in the logclaw repository',
      cause: e,
    });
  }
  const { schemaHash } = await import('./compile.js');
  const hash = schemaHash(text);
  let parsed: JsonSchema | undefined;
  const json = (): JsonSchema => (parsed ??= JSON.parse(text) as JsonSchema);
  const generated = join(generatedDir, validatorFileName(hash));
  let validate: SchemaValidator | undefined;
  if (existsSync(generated)) {
    try {
      const mod = (await import(pathToFileURL(generated).href)) as { default: SchemaValidator };
      validate = mod.default;
    } catch {
      validate = undefined; // a broken or half-written module: compile below
    }
  }
  if (!validate) validate = await compileAndCache(json(), hash);
  return { file, text, hash, json, validate };
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
