import { objectRef, type NamedKubeObject } from './objects.js';
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
