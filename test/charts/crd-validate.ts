/**
 * Validates rendered custom resources against the openAPIV3Schema of the served version of the
 * pinned upstream CRDs (../shared/crds), with unknown fields as errors (additionalProperties:false
 * wherever the CRD does not preserve unknown fields). Interim helper until `logclaw lint` exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { loadAll } from 'js-yaml';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: unknown };
  [k: string]: unknown;
}

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

const objectMeta: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
  },
};

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
};

/** Turn a structural CRD schema into a strict JSON schema. */
export function strict(node: unknown, top = false): unknown {
  if (Array.isArray(node)) return node.map((n) => strict(n));
  if (!isObj(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && isObj(v)) {
      out.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, strict(pv)]));
    } else if (k === 'format' || k === 'description') {
      continue;
    } else if (k === 'pattern' && typeof v === 'string' && !compiles(v)) {
      continue; // Go-only syntax such as (?i): the API server checks it, JS cannot
    } else if (['items', 'additionalProperties', 'not'].includes(k)) {
      out[k] = typeof v === 'boolean' ? v : strict(v);
    } else if (['allOf', 'anyOf', 'oneOf'].includes(k)) {
      // structural schemas only use these for validation, never to declare fields
      out[k] = (v as unknown[]).map((s) => strict(s, true));
    } else {
      out[k] = v;
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...((out.anyOf as unknown[]) ?? []), { type: 'integer' }, { type: 'string' }];
    if (!out.anyOf) delete out.anyOf;
  }
  if (node['x-kubernetes-embedded-resource'] && out.properties) {
    const p = out.properties as Schema;
    p.apiVersion ??= { type: 'string' };
    p.kind ??= { type: 'string' };
    p.metadata ??= { type: 'object' };
  }
  const isObject = out.type === 'object' || (out.properties && !out.type);
  if (!top && isObject && out.properties && out.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

export interface CrdIndex {
  /** "group/version/Kind" → validator */
  validators: Map<string, ValidateFunction>;
  /** "group/version/Kind" for every served version */
  served: Set<string>;
}

/** Load every CRD below dir (recursively) and compile validators for the served versions. */
export function loadCrds(dir: string): CrdIndex {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addKeyword('x-kubernetes-preserve-unknown-fields');
  const validators = new Map<string, ValidateFunction>();
  const served = new Set<string>();
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(join(d, e.name));
    }
  };
  walk(dir);
  const pending = new Map<string, Schema>();
  for (const f of files) {
    for (const doc of loadAll(readFileSync(f, 'utf8'))) {
      const crd = doc as Schema | null;
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[] };
      for (const v of spec.versions) {
        if (!v.served) continue;
        const key = `${spec.group}/${v.name}/${spec.names.kind}`;
        served.add(key);
        if (v.schema) pending.set(key, v.schema.openAPIV3Schema);
      }
    }
  }
  const cache = new Map<string, ValidateFunction>();
  for (const [key, raw] of pending) {
    const schema = strict(raw, true) as Schema;
    const props = { ...((schema.properties as Schema) ?? {}) };
    props.apiVersion = { type: 'string' };
    props.kind = { type: 'string' };
    props.metadata = objectMeta;
    schema.properties = props;
    schema.additionalProperties = false;
    schema.required = [...new Set([...(((schema.required as string[]) ?? [])), 'apiVersion', 'kind', 'metadata'])];
    // compile lazily: some CRDs are large
    validators.set(key, ((data: unknown) => {
      let fn = cache.get(key);
      if (!fn) {
        fn = ajv.compile(schema);
        cache.set(key, fn);
      }
      const ok = fn(data);
      (validators.get(key) as unknown as { errors: unknown }).errors = fn.errors;
      return ok;
    }) as unknown as ValidateFunction);
  }
  return { validators, served };
}

export const apiKey = (o: Obj): string => `${o.apiVersion}/${o.kind}`;

/** Errors of every object whose group/version/Kind has a CRD; objects of built-in kinds are skipped. */
export function validateCustomResources(index: CrdIndex, objects: Obj[]): string[] {
  const errors: string[] = [];
  for (const o of objects) {
    const key = apiKey(o);
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
    if (!group.includes('.')) continue; // core and built-in groups (apps, batch, policy, ...)
    if (['networking.k8s.io', 'rbac.authorization.k8s.io', 'policy', 'apps', 'batch', 'autoscaling', 'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io', 'scheduling.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'node.k8s.io', 'certificates.k8s.io'].includes(group)) continue;
    const validate = index.validators.get(key);
    if (!validate) {
      errors.push(`${key} ${o.metadata.name}: no served CRD version`);
      continue;
    }
    if (!validate(o)) {
      for (const e of validate.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
        errors.push(`${key} ${o.metadata.name}: ${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
  }
  return errors;
}
