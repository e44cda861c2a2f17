import { objectRef, type KubeObject } from './objects.js';
import type { Finding, Verdict } from './types.js';

/** Build a finding about an object. */
export function finding(
  o: KubeObject,
  verdict: Verdict,
  message: string,
  extra: Partial<Omit<Finding, 'verdict' | 'object' | 'kind' | 'name' | 'namespace' | 'message'>> = {},
): Finding {
  const f: Finding = { verdict, object: objectRef(o), kind: o.kind, name: o.metadata.name, message, ...extra };
  if (o.metadata.namespace) f.namespace = o.metadata.namespace;
  return f;
}

/** `Kind name` of a workload, as listed under restart findings. */
export const workloadName = (o: KubeObject): string => `${o.kind} ${o.metadata.name}`;
