/**
 * Literal credentials in a rendered Secret or ConfigMap outside dev: a password, token or key written into the
 * chart or the tenant file ends up in git, in the helm release history and in every render. Outside dev they come
 * from the tenant's SecretStore (ExternalSecret) or are generated in the cluster.
 */
import type { RenderModel } from './model.js';
import { asRecord, type Emit } from './types.js';

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credentials?)$/i;
/** `password: x`, `password=x`, `"token": "x"` in a config text. */
/** Keys that hold a credential (not `existingSecret`, `credentialsSecret`, `secretName`: those name a Secret). */
const ASSIGNMENT = /(?:^|[\s{,"'])([A-Za-z0-9_.-]*(?:password|passwd|token|api[_-]?key|client[_-]?secret|secret[_-]?key|private[_-]?key))["']?\s*[:=]\s*["']?([^\s"',}]+)/gi;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]+:([^\s@/'"]+)@/gi;
/** Values that refer to a credential instead of holding it. */
const REFERENCE = /^(\$\{?|\{\{|%\(|env:|file:|\/|<|secret:|vault:|none$|null$|true$|false$|\*+$)/i;

const decode = (v: string): string => {
  try {
    return Buffer.from(v, 'base64').toString('utf8');
  } catch {
    return v;
  }
};

export function checkLiteralCredentials(model: RenderModel, ctx: { environment?: string }, emit: Emit): void {
  if (ctx.environment === 'dev') return;
  for (const ro of model.byKind.get('Secret') ?? []) {
    for (const field of ['data', 'stringData'] as const) {
      for (const [key, raw] of Object.entries(asRecord(ro.obj[field]))) {
        const value = field === 'data' ? decode(String(raw ?? '')) : String(raw ?? '');
        if (!value.trim() || REFERENCE.test(value.trim())) continue;
        if (SECRET_KEY.test(key) || findCredential(value)) {
          emit({ owner: ro, path: `${field}["${key}"]`, rule: 'literal-credentials', message: `Secret key "${key}" holds a literal credential in the render: outside dev take it from the SecretStore (ExternalSecret) or generate it in the cluster` });
        }
      }
    }
  }
  for (const ro of model.byKind.get('ConfigMap') ?? []) {
    for (const [key, raw] of Object.entries(asRecord(ro.obj.data))) {
      const hit = findCredential(String(raw ?? ''));
      if (hit) emit({ owner: ro, path: `data["${key}"]`, rule: 'literal-credentials', message: `ConfigMap key "${key}" holds a literal credential (${hit}): a ConfigMap is readable by anyone who may read the namespace's configuration; reference a Secret instead` });
    }
  }
}

/** The name of the first literal credential in a config text, or undefined. */
export function findCredential(text: string): string | undefined {
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[2]!;
    if (!REFERENCE.test(value) && value.length >= 4) return m[1];
  }
  for (const m of text.matchAll(URL_CREDENTIALS)) if (!REFERENCE.test(m[1]!)) return 'a password in a URL';
  return undefined;
}
