import { objectRef, type NamedKubeObject } from './objects.js';
import { compareQuantity } from './quantity.js';
import type { SafetyFinding, Verdict } from './types.js';

/** Build a finding about an object. */
export function finding(
  o: NamedKubeObject,
  verdict: Verdict,
  message: string,
  extra: Partial<Omit<SafetyFinding, 'verdict' | 'object' | 'kind' | 'name' | 'namespace' | 'message'>> = {},
): SafetyFinding {
  const f: SafetyFinding = { verdict, object: objectRef(o), kind: o.kind, name: o.metadata.name, message, ...extra };
  if (o.metadata.namespace) f.namespace = o.metadata.namespace;
  return f;
}

/** `Kind name` of a workload, as listed under restart findings. */
export const workloadName = (o: NamedKubeObject): string => `${o.kind} ${o.metadata.name}`;

/**
 * A volume size that changed (`label` before → after, at `field`): smaller is data loss, as no volume shrinks (the
 * fix keeps `key` at the old size or more); larger is safe with `grown` saying how it is expanded (no finding when
 * `grown` is not given).
 */
export function volumeSizeFindings(o: NamedKubeObject, before: unknown, after: unknown, at: { label: string; key: string; field: string }, why: { shrunk: string; grown?: string }): SafetyFinding[] {
  const cmp = compareQuantity(after, before);
  const change = `${at.label} ${String(before)} → ${String(after)}`;
  if (cmp === -1) return [finding(o, 'data-loss', `${change}: ${why.shrunk}`, { field: at.field, fix: `keep ${at.key} at ${String(before)} or more` })];
  if (cmp === 1 && why.grown) return [finding(o, 'safe', `${change}: ${why.grown}`, { field: at.field })];
  return [];
}
