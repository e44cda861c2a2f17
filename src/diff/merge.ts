/**
 * Client-side approximations used around the server-side dry run:
 * - mergePreview: what an update would look like when the server refuses it (an immutable field: the dry run
 *   fails with 422), so the diff can still show the change: the desired fields laid over the live object;
 * - removeDropped: helm's three-way merge removes fields the previous release rendered and the new one no longer
 *   does; a server-side apply under another field manager keeps them. Deleting them from the prediction makes
 *   the diff show those removals.
 * Lists of objects are matched by `name` (containers, env, ports, volumes) or `metadata.name` (claim templates).
 */
import { isRecord } from '../object.js';

const keyOf = (item: unknown): string | undefined => {
  if (!isRecord(item)) return undefined;
  if (typeof item.name === 'string') return `name=${item.name}`;
  const md = item.metadata;
  if (isRecord(md) && typeof md.name === 'string') return `metadata.name=${md.name}`;
  if (typeof item.mountPath === 'string') return `mountPath=${item.mountPath}`;
  return undefined;
};
const keyed = (list: unknown[]): boolean => list.length > 0 && list.every((i) => keyOf(i) !== undefined);

export function mergePreview(live: unknown, desired: unknown): unknown {
  if (isRecord(live) && isRecord(desired)) {
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(desired)) out[k] = k in live ? mergePreview(live[k], v) : v;
    return out;
  }
  if (Array.isArray(live) && Array.isArray(desired) && keyed(desired) && keyed(live)) {
    return desired.map((d) => {
      const match = live.find((l) => keyOf(l) === keyOf(d));
      return match === undefined ? d : mergePreview(match, d);
    });
  }
  return desired;
}

/** Remove from `predicted` what `previous` (the last release's render) had and `desired` no longer has. */
export function removeDropped(predicted: unknown, previous: unknown, desired: unknown): unknown {
  if (isRecord(predicted) && isRecord(previous)) {
    const d = isRecord(desired) ? desired : {};
    const out: Record<string, unknown> = { ...predicted };
    for (const k of Object.keys(previous)) {
      if (!(k in d)) delete out[k];
      else if (k in out) out[k] = removeDropped(out[k], previous[k], d[k]);
    }
    return out;
  }
  if (Array.isArray(predicted) && Array.isArray(previous) && Array.isArray(desired) && keyed(previous) && keyed(predicted)) {
    const wanted = new Set(desired.map(keyOf));
    const dropped = new Set(previous.map(keyOf).filter((k) => !wanted.has(k)));
    return predicted
      .filter((p) => !dropped.has(keyOf(p)))
      .map((p) => {
        const prev = previous.find((x) => keyOf(x) === keyOf(p));
        const des = desired.find((x) => keyOf(x) === keyOf(p));
        return prev !== undefined && des !== undefined ? removeDropped(p, prev, des) : p;
      });
  }
  return predicted;
}
