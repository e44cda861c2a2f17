#!/usr/bin/env node
// Generates, from schemas/tenant.schema.json (run `npm run gen:schemas` first when charts changed):
//   schemas/VALUES.md              every tenant field: path, type, default, allowed values, description
//   gitops/tenants/_template.yaml  every field with its comment and the editor modeline
// Run by `npm run gen:schemas` (after the schema) and `npm run gen:reference`. Uses the build (dist/, made by
// `npm ci` / `npm run build`). `--check` writes nothing and exits 1 when a file is stale.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'tenant', 'reference.js');
if (!existsSync(built)) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
const { valuesReference, tenantTemplate } = await import('../dist/tenant/reference.js');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'tenant.schema.json'), 'utf8'));
const base = JSON.parse(readFileSync(join(root, 'schemas', 'tenant.base.schema.json'), 'utf8'));

const outputs = [
  [join(root, 'schemas', 'VALUES.md'), valuesReference(schema)],
  [join(root, 'gitops', 'tenants', '_template.yaml'), tenantTemplate(schema, base)],
];
const check = process.argv.includes('--check');
let stale = false;
for (const [file, text] of outputs) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current === text) continue;
  const rel = file.slice(root.length + 1);
  if (check) {
    stale = true;
    process.stderr.write(`${rel} is stale: run npm run gen:reference\n`);
  } else {
    writeFileSync(file, text);
    process.stderr.write(`wrote ${rel}\n`);
  }
}
process.exit(stale ? 1 : 0);
