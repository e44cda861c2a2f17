/**
 * Checks that the custom resources used as test input only use fields the pinned upstream CRDs define,
 * so the safety rules are tested against real field names (unknown fields are errors).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdDir } from '../helpers/tools.js';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  enum?: unknown[];
  required?: string[];
};

const schemas = new Map<string, Schema>();

function load(): void {
  if (schemas.size) return;
  for (const dir of readdirSync(crdDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(crdDir, dir.name))) {
      if (!/\.ya?ml$/.test(f)) continue;
      for (const doc of parseAllDocuments(readFileSync(join(crdDir, dir.name, f), 'utf8'))) {
        const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema: Schema } }> } };
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const v of crd.spec.versions) {
          if (v.schema) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
        }
      }
    }
  }
}

/** Problems of `obj` against its CRD (empty when it conforms). */
export function crdProblems(obj: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
  load();
  const schema = schemas.get(`${obj.apiVersion}/${obj.kind}`);
  if (!schema) return [`no CRD for ${obj.apiVersion} ${obj.kind}`];
  const problems: string[] = [];
  for (const key of ['spec', 'status']) {
    if (obj[key] !== undefined) walk(obj[key], schema.properties?.[key], key, problems);
  }
  return problems;
}

function walk(value: unknown, s: Schema | undefined, path: string, problems: string[]): void {
  if (!s) {
    problems.push(`${path}: unknown field`);
    return;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-int-or-string']) return;
  if (s.enum && !s.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (Array.isArray(value)) {
    if (s.type !== 'array') problems.push(`${path}: array where ${s.type} expected`);
    value.forEach((v, i) => walk(v, s.items, `${path}[${i}]`, problems));
    return;
  }
  if (value !== null && typeof value === 'object') {
    if (s.type !== 'object') problems.push(`${path}: object where ${s.type} expected`);
    for (const req of s.required ?? []) if (!(req in value)) problems.push(`${path}.${req}: required`);
    for (const [k, v] of Object.entries(value)) {
      const sub = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : s.additionalProperties === true ? {} as Schema : undefined);
      if (s.additionalProperties === true) continue;
      walk(v, sub, `${path}.${k}`, problems);
    }
    return;
  }
  const t = typeof value;
  const ok = s.type === undefined || (s.type === 'integer' && Number.isInteger(value)) || (s.type === 'number' && t === 'number') || s.type === t;
  if (!ok) problems.push(`${path}: ${t} where ${s.type} expected`);
}
