/**
 * Redaction of what a support bundle holds, before anything is written: the data of every Secret (helm's
 * release records too), values of credential-looking keys and env vars, `sasl.jaas.config`, user info in URLs,
 * bearer tokens and JWTs. What looks like a credential is defined once, in src/tools/redact.ts (isSecretKey,
 * redactFreeText), which also masks the command lines and logs of every tool call.
 */
import type { KubeObject } from '../kube-object.js';
import { isSecretKey, redactFreeText } from '../tools/redact.js';

export const MASK = '***';

/** Free text (logs, config files, command output). */
export const redactString = (text: string): string => redactFreeText(text);

/**
 * Any data structure (helm values, a parsed config): every value under a credential-looking key masked, `{name,
 * value}` pairs (container env) whose name looks like a credential masked, and every other string redacted as
 * free text.
 */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const pair = typeof o.name === 'string' && 'value' in o && isSecretKey(o.name);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (pair && k === 'value' && v !== undefined && v !== null && v !== '') out[k] = MASK;
    else if (isSecretKey(k) && v !== null && v !== undefined && v !== '' && typeof v !== 'boolean' && typeof v !== 'object') out[k] = MASK;
    else out[k] = redactValue(v);
  }
  return out;
}

/**
 * A Kubernetes object as the bundle stores it: managedFields dropped; a Secret's data and stringData masked
 * key by key (the keys and sizes stay: they tell what is configured), and its last-applied annotation dropped
 * (it holds the data again); everything else through redactValue.
 */
export function redactObject(obj: KubeObject): KubeObject {
  const meta = { ...(obj.metadata ?? {}) };
  delete meta.managedFields;
  const copy: KubeObject = { ...obj, metadata: meta };
  if (obj.kind === 'Secret') {
    const annotations = { ...(meta.annotations ?? {}) };
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    meta.annotations = annotations;
    for (const field of ['data', 'stringData'] as const) {
      const d = obj[field] as Record<string, string> | undefined;
      if (!d) continue;
      copy[field] = Object.fromEntries(
        Object.entries(d).map(([k, v]) => [k, `${MASK} (${field === 'data' ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)} bytes)`]),
      );
    }
    const { data, stringData, ...rest } = copy;
    return { ...(redactValue(rest) as KubeObject), ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) };
  }
  const annotations = meta.annotations;
  delete meta.annotations;
  const out = redactValue(copy) as KubeObject;
  if (annotations) out.metadata!.annotations = Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, redactAnnotation(v)]));
  return out;
}

/**
 * An annotation holding JSON (kubectl's last-applied-configuration: the whole object again, env and data
 * included) is redacted as the object it is; escaped inside a string, its credentials would slip past the text rules.
 */
function redactAnnotation(value: string): string {
  const t = value.trim();
  if (!t.startsWith('{')) return redactString(value);
  try {
    const parsed = JSON.parse(t) as KubeObject;
    return JSON.stringify(parsed && typeof parsed === 'object' && parsed.kind ? redactObject(parsed) : redactValue(parsed));
  } catch {
    return redactString(value);
  }
}
