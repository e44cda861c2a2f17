#!/usr/bin/env node
// Build step of the tenant module, run after tsc (npm run build / prepare / pretest):
//  1. compiles schemas/tenant.schema.json with ajv into a standalone ESM validator,
//     dist/tenant/generated/tenant-validator-<schema hash>.mjs, so no run pays ajv's compile;
//  2. writes dist/tenant/generated/tenant-quick.json, the schema without annotations, for the quick
//     check that clears clean files without loading that validator.
// When the schema changes later, the CLI notices and compiles (and caches) it itself.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'dist', 'tenant', 'generated');
const { compileSchema, schemaHash } = await import('../dist/tenant/compile.js');
const { writeValidatorModule, writeQuickSchema, compactSchema, schemaStamp } = await import('../dist/tenant/schema.js');
const schemaFile = join(root, 'schemas', 'tenant.schema.json');
const stamp = schemaStamp(schemaFile);
const text = readFileSync(schemaFile, 'utf8');
const schema = JSON.parse(text);
const { source } = await compileSchema(schema);
const file = writeValidatorModule(source, schemaHash(text), generated);
writeQuickSchema(stamp, compactSchema(schema), join(generated, 'tenant-quick.json'));

process.stderr.write(`wrote ${file.slice(root.length + 1)}, dist/tenant/generated/tenant-quick.json\n`);
