/**
 * RBAC and log collection that reach beyond the tenant: rules granting every resource or verb, and log
 * collection from every namespace of the node (Vector's kubernetes_logs source without a namespace selector, or a
 * ClusterRole that reads pod logs).
 */
import { parse as parseYaml } from 'yaml';
import type { RenderModel } from './model.js';
import { type Emit } from './types.js';
import { asArray, asRecord, isRecord } from '../object.js';

export function checkRbac(model: RenderModel, emit: Emit): void {
  for (const kind of ['Role', 'ClusterRole']) {
    for (const ro of model.byKind.get(kind) ?? []) {
      asArray<Record<string, unknown>>(ro.obj.rules).forEach((rule, i) => {
        if (!isRecord(rule)) return;
        const wild = ['apiGroups', 'resources', 'verbs'].filter((k) => asArray<string>(rule[k]).map(String).includes('*'));
        if (wild.length) emit({ owner: ro, path: `rules[${i}]`, rule: 'rbac-wildcard', message: `${kind} rule grants "*" in ${wild.join(', ')}: name the resources and verbs the workload needs` });
        if (kind === 'ClusterRole') {
          const resources = asArray<string>(rule.resources).map(String);
          const verbs = asArray<string>(rule.verbs).map(String);
          if (resources.some((r) => r === 'pods/log' || r === '*') && verbs.some((v) => v === 'get' || v === '*')) {
            emit({ owner: ro, path: `rules[${i}]`, rule: 'cluster-wide-collection', message: 'a tenant ClusterRole reads the logs of pods in every namespace' });
          }
        }
      });
    }
  }
  for (const ro of [...(model.byKind.get('ConfigMap') ?? []), ...(model.byKind.get('Secret') ?? [])]) {
    for (const [key, text] of Object.entries(asRecord(ro.obj.kind === 'Secret' ? ro.obj.stringData : ro.obj.data))) {
      if (typeof text !== 'string' || !text.includes('kubernetes_logs')) continue;
      for (const { name, path } of unscopedKubernetesLogs(text)) {
        emit({ owner: ro, path: `data["${key}"]${path}`, rule: 'cluster-wide-collection', message: `Vector source "${name}" (kubernetes_logs) has no extra_namespace_label_selector naming the tenant's namespaces: it collects the logs of every namespace on the node` });
      }
    }
  }
}

/** kubernetes_logs sources of a Vector config (YAML or JSON) that select no namespaces. */
function unscopedKubernetesLogs(text: string): Array<{ name: string; path: string }> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return [];
  }
  const sources = asRecord(asRecord(doc).sources);
  const out: Array<{ name: string; path: string }> = [];
  for (const [name, src] of Object.entries(sources)) {
    if (!isRecord(src) || src.type !== 'kubernetes_logs') continue;
    const selector = typeof src.extra_namespace_label_selector === 'string' ? src.extra_namespace_label_selector : '';
    const field = typeof src.extra_field_selector === 'string' ? src.extra_field_selector : '';
    if (!/kubernetes\.io\/metadata\.name\s*(=|==|in\s*\()/.test(selector) && !/metadata\.namespace\s*==?/.test(field)) out.push({ name, path: `.sources.${name}` });
  }
  return out;
}
