/**
 * Literal credentials in a rendered Secret or ConfigMap outside dev: a password, token or key written into the
 * chart or the tenant file ends up in git, in the helm release history and in every render. Outside dev they come
 * from the tenant's SecretStore (ExternalSecret) or are generated in the cluster.
 */
import type { RenderModel } from './model.js';
import { podSpecReferences } from '../pod-spec.js';
import { type Emit, type RenderedObject } from './types.js';
import { asRecord, get, isRecord } from '../object.js';

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

/** Admin credentials of a data store (Secret name → the component whose own objects may use them). */
const ADMIN_SECRETS: Record<string, string> = { 'logclaw-opensearch-admin': 'opensearch' };

/** Pod templates of FlinkDeployments (the operator merges them into the JobManager and TaskManager pods). */
const FLINK_POD_TEMPLATES = [['spec', 'podTemplate'], ['spec', 'jobManager', 'podTemplate'], ['spec', 'taskManager', 'podTemplate']];

/**
 * Outside dev, a data store's admin credentials stay with the store's own objects: a pod of another component that
 * reads them (env, envFrom, volume) can do anything to every index of the tenant; it gets a user of its own
 * with the permissions it needs.
 */
export function checkAdminCredentials(model: RenderModel, ctx: { environment?: string }, emit: Emit): void {
  if (ctx.environment === 'dev') return;
  const templates: Array<{ owner: RenderedObject; spec: Record<string, unknown>; base: string; component?: string }> = [];
  for (const pod of model.pods) {
    if (pod.synthetic || !pod.spec) continue;
    templates.push({ owner: pod.owner, spec: pod.spec, base: pod.path ? `${pod.path}.spec` : 'spec', component: pod.labels['logclaw.io/component'] ?? pod.owner.obj.metadata.labels?.['logclaw.io/component'] });
  }
  for (const ro of model.byKind.get('FlinkDeployment') ?? []) {
    for (const path of FLINK_POD_TEMPLATES) {
      const spec = get(ro.obj, ...path, 'spec');
      if (isRecord(spec)) templates.push({ owner: ro, spec, base: `${path.join('.')}.spec`, component: ro.obj.metadata.labels?.['logclaw.io/component'] });
    }
  }
  for (const t of templates) {
    for (const ref of podSpecReferences(t.spec, t.base)) {
      const store = ref.kind === 'Secret' ? ADMIN_SECRETS[ref.name] : undefined;
      if (!store || store === t.component) continue;
      emit({ owner: t.owner, path: ref.path, rule: 'admin-credentials', message: `${t.component ? `a ${t.component} pod` : 'a pod'} reads Secret "${ref.name}", the ${store} admin credentials: give it a ${store} user of its own with only the permissions it needs` });
    }
  }
}
