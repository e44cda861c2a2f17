#!/usr/bin/env node
/**
 * Generate the compact Kubernetes schema bundles under schemas/kubernetes/ that `logclaw lint`
 * validates built-in kinds against (offline, no Go needed at run time).
 *
 *   node scripts/gen-k8s-schemas.mjs 1.27.16 1.37.2
 *
 * Source: the upstream OpenAPI v3 documents in api/openapi-spec/v3/ of the k8s.io/kubernetes Go
 * module at each version (fetched with `go mod download -json`, i.e. the Go module proxy).
 * Output per version: schemas/kubernetes/v<major.minor>.json =
 *   { version, kinds: { "<group/version>/<Kind>": "<definition name>" }, definitions: { ... } }
 * Transformations (so that ajv checks what the API server checks):
 * - descriptions, defaults, formats and x-kubernetes-* annotations other than preserve-unknown-fields are dropped;
 * - `allOf: [{$ref}]` wrappers become plain `$ref`;
 * - every object schema with properties gets `additionalProperties: false` (unknown fields are errors)
 *   unless it preserves unknown fields;
 * - IntOrString accepts integer|string, Quantity accepts number|quantity string;
 * - alpha API versions are left out: no cluster serves them by default.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'schemas', 'kubernetes');
const versions = process.argv.slice(2);
if (!versions.length) {
  console.error('usage: node scripts/gen-k8s-schemas.mjs <k8s version> ... (e.g. 1.27.16 1.37.2)');
  process.exit(2);
}

const QUANTITY = '^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+|[numkMGTPE]|[KMGTPE]i)?$';
const ref = (name) => `#/definitions/${name}`;

function specDir(version) {
  const json = execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@v${version}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const info = JSON.parse(json);
  if (info.Error) throw new Error(info.Error);
  return join(info.Dir, 'api', 'openapi-spec', 'v3');
}

function transform(node) {
  if (Array.isArray(node)) return node.map(transform);
  if (!node || typeof node !== 'object') return node;
  if (node.$ref) return { $ref: ref(node.$ref.split('/').pop()) };
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && node.allOf[0].$ref && !node.properties) {
    return { $ref: ref(node.allOf[0].$ref.split('/').pop()) };
  }
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'default' || k === 'format' || k === 'example' || k === 'nullable') continue;
    if (k.startsWith('x-kubernetes-') && k !== 'x-kubernetes-preserve-unknown-fields') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, transform(s)]));
    } else out[k] = transform(v);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function build(version) {
  const dir = specDir(version);
  const defs = {};
  const kinds = {};
  const namespaced = new Set();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('_openapi.json')) continue;
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (!path.includes('/namespaces/{namespace}/')) continue;
      for (const op of Object.values(item)) {
        const gvk = op && op['x-kubernetes-group-version-kind'];
        if (gvk) namespaced.add(`${gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version}/${gvk.kind}`);
      }
    }
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      if (!defs[name]) defs[name] = schema;
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        if (/alpha/.test(gvk.version)) continue;
        if (gvk.kind.endsWith('List') || ['Status', 'DeleteOptions', 'WatchEvent', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions', 'Eviction', 'Scale', 'TokenRequest', 'Binding'].includes(gvk.kind)) continue;
        // Skip meta kinds listed under every group (DeleteOptions & co.) and keep real resources.
        if (!name.startsWith('io.k8s.api.') && !name.startsWith('io.k8s.kube-aggregator.') && !name.startsWith('io.k8s.apiextensions-apiserver.')) continue;
        const gv = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        kinds[`${gv}/${gvk.kind}`] = name;
      }
    }
  }
  // Keep only what the kinds reach.
  const keep = new Set();
  const visit = (name) => {
    if (keep.has(name) || !defs[name]) return;
    keep.add(name);
    JSON.stringify(defs[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string') visit(v.split('/').pop());
      return v;
    });
  };
  Object.values(kinds).forEach(visit);
  const definitions = {};
  for (const name of [...keep].sort()) definitions[name] = transform(defs[name]);
  definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { anyOf: [{ type: 'number' }, { type: 'string', pattern: QUANTITY }] };
  for (const t of ['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']) {
    if (definitions[t]) definitions[t] = { type: 'string' };
  }
  const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b)));
  const [maj, min] = version.split('.');
  const clusterScoped = Object.keys(sortedKinds).filter((k) => !namespaced.has(k));
  const bundle = { version: `v${version}`, source: `k8s.io/kubernetes@v${version} api/openapi-spec/v3`, kinds: sortedKinds, clusterScoped, definitions };
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `v${maj}.${min}.json`);
  writeFileSync(file, JSON.stringify(bundle) + '\n');
  console.log(`${file}: ${Object.keys(sortedKinds).length} kinds, ${Object.keys(definitions).length} definitions, ${(JSON.stringify(bundle).length / 1024).toFixed(0)} KiB`);
}

for (const v of versions) build(v);
