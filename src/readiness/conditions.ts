/** Accessors shared by the verdict functions: conditions, generations, numbers. Pure. */
import type { Condition, KubeObject, Verdict } from './types.js';

export const groupOf = (apiVersion: string | undefined): string =>
  apiVersion && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';

export function conditions(obj: KubeObject): Condition[] {
  const list = obj.status?.conditions;
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === 'object' && typeof c.type === 'string') as Condition[]) : [];
}

export function condition(obj: KubeObject, type: string): Condition | undefined {
  return conditions(obj).find((c) => c.type === type);
}

export const isTrue = (c: Condition | undefined): boolean => c?.status === 'True';
export const isFalse = (c: Condition | undefined): boolean => c?.status === 'False';

export const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export const hasStatus = (obj: KubeObject): boolean =>
  obj.status !== undefined && obj.status !== null && typeof obj.status === 'object' && Object.keys(obj.status).length > 0;

/** "reason: message" of a condition, whichever parts it has. */
export function describe(c: Condition | undefined, fallback = ''): string {
  if (!c) return fallback;
  const msg = (c.message ?? '').trim();
  if (msg) return msg;
  return c.reason ? `${c.type}=${c.status} (${c.reason})` : fallback || `${c.type}=${c.status}`;
}

/**
 * kstatus: a controller that reports status.observedGeneration has not seen the current spec while it is
 * behind metadata.generation; whatever the rest of its status says describes an older spec.
 */
export function notObserved(obj: KubeObject, what = 'the controller'): Verdict | undefined {
  const generation = obj.metadata?.generation;
  const observed = obj.status?.observedGeneration;
  if (typeof generation === 'number' && typeof observed === 'number' && observed < generation) {
    return {
      status: 'progressing',
      reason: 'NotObserved',
      message: `waiting for ${what} to observe generation ${generation} (observed ${observed})`,
    };
  }
  return undefined;
}

/** Same check for a condition that carries its own observedGeneration (cert-manager, metav1.Condition). */
export function conditionStale(obj: KubeObject, c: Condition | undefined): boolean {
  const generation = obj.metadata?.generation;
  return typeof generation === 'number' && typeof c?.observedGeneration === 'number' && c.observedGeneration < generation;
}

export const ready = (message: string): Verdict => ({ status: 'ready', message });
export const progressing = (message: string, reason?: Verdict['reason']): Verdict =>
  reason ? { status: 'progressing', message, reason } : { status: 'progressing', message };
export const failed = (message: string): Verdict => ({ status: 'failed', message });
