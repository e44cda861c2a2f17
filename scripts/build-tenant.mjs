#!/usr/bin/env node
// Build step: compiles schemas/tenant.schema.json with ajv into a standalone ESM validator,
// dist/tenant/generated/tenant-validator-<schema hash>.mjs (and tenant-quick.json, the schema
// without annotations for the quick check of clean files), so `logclaw tenant validate` does not
// compile the schema on every run. Run after tsc (npm run build / prepare / pretest). When the schema
// changes later, the CLI notices the hash and compiles (and caches) it itself.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { compileSchema, schemaHash } = await import('../dist/tenant/compile.js');
const { writeValidatorModule, writeQuickSchema, compactSchema, schemaStamp } = await import('../dist/tenant/schema.js');
const schemaFile = join(root, 'schemas', 'tenant.schema.json');
const stamp = schemaStamp(schemaFile);
const text = readFileSync(schemaFile, 'utf8');
const schema = JSON.parse(text);
const { source } = await compileSchema(schema);
const file = writeValidatorModule(source, schemaHash(text), join(root, 'dist', 'tenant', 'generated'));
writeQuickSchema(stamp, compactSchema(schema), join(root, 'dist', 'tenant', 'generated', 'tenant-quick.json'));
process.stderr.write(`wrote ${file.slice(root.length + 1)}\n`);
