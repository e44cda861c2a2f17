/**
 * Compiling the tenant JSON Schema with ajv. Used at build time (scripts/build-tenant.mjs writes a
 * standalone ESM validator so `tenant validate` does not pay ajv's compile on every run) and as the
 * runtime fallback when the generated validator is missing or stale.
 */
import { createHash } from 'node:crypto';

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

/** Hash that names the generated validator of one schema text. */
export function schemaHash(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex').slice(0, 16);
}

/** Compile the schema: the validator itself and its standalone ESM source. */
export async function compileSchema(schema: object, options: { strict?: boolean } = {}): Promise<{ validate: SchemaValidator; source: string }> {
  const [{ default: ajvModule }, { default: formatsModule }, { default: standaloneModule }] = await Promise.all([
    import('ajv'),
    import('ajv-formats'),
    import('ajv/dist/standalone/index.js'),
  ]);
  type AjvCtor = typeof import('ajv').default;
  const Ajv = ((ajvModule as unknown as { default?: AjvCtor }).default ?? ajvModule) as AjvCtor;
  const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (a: InstanceType<AjvCtor>) => void;
  const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (a: InstanceType<AjvCtor>, v: unknown) => string;
  // Not strict: a chart may use an annotation ajv does not know (helm accepts it); keywords that
  // validate are all known to ajv. test/tenant/reference.test.ts compiles the base schema strictly.
  const ajv = new Ajv({ allErrors: true, strict: options.strict ?? false, strictRequired: false, allowUnionTypes: true, logger: false, code: { source: true, esm: true } });
  addFormats(ajv);
  // `examples` is a standard draft-06+ annotation ajv knows; nothing else to register.
  const validate = ajv.compile(schema) as unknown as SchemaValidator;
  const code = standaloneCode(ajv, validate);
  // ajv's ESM output still calls require() for its runtime helpers: give the module a require of its own.
  const source = `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n${code}\n`;
  return { validate, source };
}
