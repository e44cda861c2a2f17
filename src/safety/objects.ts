/**
 * Small helpers over Kubernetes objects as plain data (parsed YAML / JSON from the API server).
 * Pure functions: no I/O.
 */

import type { NamedKubeObject } from '../kube-object.js';
import { isRecord } from '../object.js';
export type { NamedKubeObject } from '../kube-object.js';

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects): how objects are named to people. */
export function objectRef(o: Pick<NamedKubeObject, 'kind' | 'metadata'>): string {
  const ns = o.metadata.namespace;
  return ns ? `${o.kind} ${ns}/${o.metadata.name}` : `${o.kind} ${o.metadata.name}`;
}

/** A key that identifies an object in a cluster: group/kind/namespace/name (the version is not part of identity). */
export function objectKey(o: Pick<NamedKubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export const apiGroup = (o: Pick<NamedKubeObject, 'apiVersion'>): string => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '');


/** Structural equality of JSON-like data; `undefined` members and missing members are equal. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  // numbers written as strings by some templates ("3" vs 3) are still different values to the API server
  return false;
}

/** Dotted paths (under `prefix`) whose values differ; objects are walked, arrays and scalars compared whole. */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (deepEqual(a, b)) return [];
  if (isRecord(a) && isRecord(b)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      out.push(...changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
    }
    return out;
  }
  return [prefix];
}

/** The tenant component an object belongs to, from the subchart's `helm.sh/chart` label (logclaw-kafka-0.1.0 → kafka). */
export function componentOf(o: NamedKubeObject): string | undefined {
  const labels = o.metadata.labels ?? {};
  const chart = labels['helm.sh/chart'];
  const m = chart ? /^logclaw-(.+)-\d+\.\d+\.\d+.*$/.exec(chart) : null;
  if (m && m[1] !== 'tenant' && m[1] !== 'common') return aliasOf(m[1]!);
  const c = labels['logclaw.io/component'] ?? labels['app.kubernetes.io/part-of'];
  return c ? aliasOf(c.replace(/^logclaw-/, '')) : undefined;
}

/** Chart suffix (ml-engine) → umbrella alias (mlEngine). */
export const aliasOf = (chartSuffix: string): string => chartSuffix.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
