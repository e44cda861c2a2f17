/**
 * Dev secrets: in environment dev the charts read Secrets that an ExternalSecret would deliver elsewhere.
 * logclaw finds them in the rendered releases (every secretKeyRef / secret volume no rendered object provides:
 * not a rendered Secret, not one an operator makes from a rendered object: operatorSecrets in src/pod-spec.ts), and creates each one
 * with random values — only when absent, never written to disk or printed. `logclaw dev credentials` shows them.
 * Keys come from secretKeyRef / volume items; a chart can declare others with the annotation
 * `logclaw.io/dev-secrets: "<secret>:<key>,<key>;<secret>:<key>"` on any object it renders in dev.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../readiness/types.js';
import { isConflict, type KubeApi } from '../kube/api.js';
import { operatorSecrets, valueFromReferences, volumeReferences } from '../pod-spec.js';

export const DEV_SECRET_LABEL = 'logclaw.io/dev-secret';
export const DEV_SECRETS_ANNOTATION = 'logclaw.io/dev-secrets';

export interface SecretNeed {
  name: string;
  keys: string[];
  /** Objects that read it (for the report). */
  readers: string[];
}

function walk(v: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (v && typeof v === 'object') {
    visit(v as Record<string, unknown>);
    for (const x of Object.values(v)) walk(x, visit);
  }
}

/** Secrets (name → keys) the rendered objects read and do not create themselves. */
export function devSecretNeeds(objects: KubeObject[]): SecretNeed[] {
  const provided = new Set<string>();
  for (const o of objects) {
    if (o.kind === 'Secret') provided.add(o.metadata!.name!);
    for (const s of operatorSecrets(o)) provided.add(s);
  }
  const needs = new Map<string, SecretNeed>();
  const add = (name: unknown, key: unknown, reader: string) => {
    if (typeof name !== 'string' || !name || provided.has(name) || name.includes('{{')) return;
    const n = needs.get(name) ?? { name, keys: [], readers: [] };
    if (typeof key === 'string' && !n.keys.includes(key)) n.keys.push(key);
    if (!n.readers.includes(reader)) n.readers.push(reader);
    needs.set(name, n);
  };
  for (const o of objects) {
    const reader = `${o.kind}/${o.metadata?.name}`;
    // a chart may also declare them: annotation logclaw.io/dev-secrets: "name:key1,key2;other:key"
    const declared = o.metadata?.annotations?.[DEV_SECRETS_ANNOTATION];
    for (const entry of (declared ?? '').split(';').map((x) => x.trim()).filter(Boolean)) {
      const [name, keys = ''] = entry.split(':');
      for (const k of keys.split(',').map((x) => x.trim()).filter(Boolean)) add(name!.trim(), k, reader);
    }
    // wherever an env var's valueFrom or a volume stands: operators' custom resources embed them at their own paths
    walk(o, (node) => {
      for (const ref of [...valueFromReferences(node, ''), ...volumeReferences(node, '')]) {
        if (ref.kind !== 'Secret' || ref.optional) continue;
        if (ref.keys.length) for (const k of ref.keys) add(ref.name, k, reader);
        else add(ref.name, undefined, reader);
      }
    });
  }
  return [...needs.values()].filter((n) => n.keys.length > 0).sort((a, b) => a.name.localeCompare(b.name));
}

/** A value for a key: "admin" for user-name keys, else 24 random URL-safe characters. */
export function devValue(key: string): string {
  if (/^(user(name)?|.*[-_.]user(name)?)$/i.test(key)) return 'admin';
  return randomBytes(18).toString('base64url');
}

export interface EnsureResult {
  created: string[];
  extended: string[];
  present: string[];
}

/** Create the missing Secrets, add missing keys to existing ones; never change a value that exists. */
export async function ensureDevSecrets(api: KubeApi, namespace: string, needs: SecretNeed[], signal?: AbortSignal): Promise<EnsureResult> {
  const result: EnsureResult = { created: [], extended: [], present: [] };
  for (const n of needs) {
    const ref = { apiVersion: 'v1', kind: 'Secret', namespace, name: n.name };
    const existing = (await api.get(ref, signal)) as (KubeObject & { data?: Record<string, string> }) | undefined;
    if (!existing) {
      const data = Object.fromEntries(n.keys.map((k) => [k, Buffer.from(devValue(k)).toString('base64')]));
      try {
        await api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: n.name, namespace, labels: { [DEV_SECRET_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'logclaw' } }, type: 'Opaque', data } as KubeObject, signal);
        result.created.push(n.name);
      } catch (e) {
        if (!isConflict(e)) throw e;
        result.present.push(n.name);
      }
      continue;
    }
    const missing = n.keys.filter((k) => existing.data?.[k] === undefined);
    if (!missing.length) {
      result.present.push(n.name);
      continue;
    }
    await api.patch(ref, { data: Object.fromEntries(missing.map((k) => [k, Buffer.from(devValue(k)).toString('base64')])) }, { signal });
    result.extended.push(n.name);
  }
  return result;
}

/**
 * The credentials of a dev tenant, decoded (for `logclaw dev credentials`): the random Secrets `dev up` created
 * (label logclaw.io/dev-secret) and the Opaque Secrets the tenant's charts render in dev (label
 * logclaw.io/tenant, owned by a helm release: their values come from the chart's dev values). TLS, service
 * account and helm release Secrets are not credentials and are left out.
 */
export async function readDevSecrets(api: KubeApi, namespace: string, signal?: AbortSignal, tenant?: string): Promise<Array<{ name: string; source: string; data: Record<string, string> }>> {
  const { items } = await api.list({ apiVersion: 'v1', kind: 'Secret', namespace }, { signal });
  const decoded = (s: KubeObject) => Object.fromEntries(Object.entries((s as KubeObject & { data?: Record<string, string> }).data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  const out: Array<{ name: string; source: string; data: Record<string, string> }> = [];
  for (const s of items) {
    const labels = s.metadata?.labels ?? {};
    const type = (s as KubeObject & { type?: string }).type ?? 'Opaque';
    if (labels[DEV_SECRET_LABEL] === 'true') out.push({ name: s.metadata!.name!, source: 'random (logclaw dev up)', data: decoded(s) });
    else if (type === 'Opaque' && (!tenant || labels['logclaw.io/tenant'] === tenant) && labels['logclaw.io/tenant'] && s.metadata?.annotations?.['meta.helm.sh/release-name']) {
      out.push({ name: s.metadata!.name!, source: `chart values (release ${s.metadata.annotations['meta.helm.sh/release-name']})`, data: decoded(s) });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
