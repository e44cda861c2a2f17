/**
 * Objects as the diff shows them: without what the server maintains (managedFields, resourceVersion, uid,
 * generation, timestamps, status), keys sorted for a stable text, and Secret values masked unless asked.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { NamedKubeObject } from '../safety/objects.js';
import { unifiedDiff } from './unified.js';

const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** A copy without server-maintained fields. */
export function stripServerFields(o: NamedKubeObject): NamedKubeObject {
  const c = structuredClone(o) as NamedKubeObject & { status?: unknown };
  delete c.status;
  for (const k of SERVER_METADATA) delete c.metadata[k];
  if (c.metadata.annotations) {
    for (const k of SERVER_ANNOTATIONS) delete c.metadata.annotations[k];
    if (Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  }
  return c;
}

/**
 * Mask Secret values in a before/after pair the way kubectl diff does: equal values become `***`, changed ones
 * `*** (before)` / `*** (after)`, so the diff shows which keys change and never their values.
 */
export function maskSecretPair(before: NamedKubeObject | undefined, after: NamedKubeObject | undefined): [NamedKubeObject | undefined, NamedKubeObject | undefined] {
  const isSecret = (o?: NamedKubeObject) => o?.kind === 'Secret' && o.apiVersion === 'v1';
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const b = before ? structuredClone(before) : undefined;
  const a = after ? structuredClone(after) : undefined;
  for (const field of ['data', 'stringData']) {
    const bd = (b?.[field] ?? undefined) as Record<string, string> | undefined;
    const ad = (a?.[field] ?? undefined) as Record<string, string> | undefined;
    for (const key of new Set([...Object.keys(bd ?? {}), ...Object.keys(ad ?? {})])) {
      const same = bd?.[key] !== undefined && ad?.[key] !== undefined && bd[key] === ad[key];
      if (bd && key in bd) bd[key] = same ? '***' : '*** (before)';
      if (ad && key in ad) ad[key] = same ? '***' : '*** (after)';
    }
  }
  return [b, a];
}

/** A short fingerprint of secret data, to tell "changed" without showing it (used in JSON output). */
export const fingerprint = (v: string): string => createHash('sha256').update(v).digest('hex').slice(0, 8);

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Stable YAML of an object for diffing. */
export function toYaml(o: NamedKubeObject | undefined): string {
  if (!o) return '';
  return stringify(sortKeys(o), { lineWidth: 0, sortMapEntries: false });
}

/** The unified diff of an object's two sides as YAML, Secret values masked unless `showSecrets`. */
export function objectDiff(before: NamedKubeObject | undefined, after: NamedKubeObject | undefined, showSecrets = false): string {
  const [mb, ma] = showSecrets ? [before, after] : maskSecretPair(before, after);
  return unifiedDiff(toYaml(mb), toYaml(ma));
}
