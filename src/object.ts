/**
 * Small helpers over JSON-like data (parsed YAML, JSON from the API server, tenant values): the one home of
 * isRecord, asRecord, asArray and get. Pure functions: no I/O, no imports.
 */

/** A plain object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value when it is a plain object, else an empty one: asRecord(values.global).tenantId. */
export const asRecord = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

/** The value when it is an array, else an empty one. */
export const asArray = <T = unknown>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/**
 * Safe deep read, one argument per step (array indices as numbers, keys with dots as they are):
 * get(o, 'spec', 'template', 'spec'), get(o, 'spec', 'config', 'cleanup.policy'). Undefined where a step is missing.
 */
export function get(o: unknown, ...path: Array<string | number>): unknown {
  let cur = o;
  for (const p of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}
