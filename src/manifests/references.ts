/**
 * References inside one render: what pods use exists (or is declared external), Services select pods,
 * NetworkPolicies select something.
 *
 * A pod spec's references are read by podSpecReferences (src/pod-spec.ts). A reference is satisfied by an object
 * of the render, by what an operator or controller creates from one (operatorSecrets: ExternalSecret target,
 * cert-manager Certificate secretName, Strimzi KafkaUser and cluster CA secrets, OpenSearch admin password),
 * by what every namespace has (ServiceAccount default, ConfigMap kube-root-ca.crt), or by a declared
 * prerequisite: the annotation `logclaw.io/prerequisites: "Secret/name, ConfigMap/name"` on the object
 * (or its pod template) that uses it.
 */
import { mapSelects, selectorMatches, type PodModel, type RenderModel } from './model.js';
import { operatorSecrets, podSpecReferences, type ReferenceKind } from '../pod-spec.js';
import { PREREQUISITES_ANNOTATION, type Emit, type RenderedObject } from './types.js';
import { asArray, asRecord, get, isRecord } from '../object.js';

export interface Provided {
  Secret: Set<string>;
  ConfigMap: Set<string>;
  ServiceAccount: Set<string>;
  PersistentVolumeClaim: Set<string>;
}

/** Names the render provides, directly or through an operator/controller. */
export function providedNames(model: RenderModel): Provided {
  const p: Provided = { Secret: new Set(), ConfigMap: new Set(['kube-root-ca.crt']), ServiceAccount: new Set(['default']), PersistentVolumeClaim: new Set() };
  for (const { obj: o } of model.objects) {
    const name = o.metadata.name ?? '';
    switch (o.kind) {
      case 'Secret':
      case 'ConfigMap':
      case 'ServiceAccount':
      case 'PersistentVolumeClaim':
        if (o.apiVersion === 'v1') p[o.kind].add(name);
        break;
      default:
        for (const secret of operatorSecrets(o)) p.Secret.add(secret);
    }
  }
  return p;
}

/** `Kind/name` entries of the prerequisites annotation on the object and its pod template. */
export function declaredPrerequisites(pod: Pick<PodModel, 'owner' | 'annotations'>): Set<string> {
  const out = new Set<string>();
  for (const text of [pod.owner.obj.metadata.annotations?.[PREREQUISITES_ANNOTATION], pod.annotations[PREREQUISITES_ANNOTATION]]) {
    for (const part of String(text ?? '').split(/[,\n]/)) {
      const t = part.trim();
      if (t) out.add(t);
    }
  }
  return out;
}

const RULE: Record<ReferenceKind, string> = {
  Secret: 'ref-secret-missing',
  ConfigMap: 'ref-configmap-missing',
  ServiceAccount: 'ref-serviceaccount-missing',
  PersistentVolumeClaim: 'ref-pvc-missing',
};

export function checkReferences(model: RenderModel, emit: Emit): void {
  const provided = providedNames(model);
  for (const pod of model.pods) {
    if (pod.synthetic || !pod.spec) continue;
    const declared = declaredPrerequisites(pod);
    for (const ref of podSpecReferences(pod.spec, pod.path ? `${pod.path}.spec` : 'spec')) {
      if (ref.optional || provided[ref.kind].has(ref.name) || declared.has(`${ref.kind}/${ref.name}`)) continue;
      emit({
        owner: pod.owner,
        path: ref.path,
        rule: RULE[ref.kind],
        message: `${ref.kind} "${ref.name}" is not in the render${ref.kind === 'Secret' ? ', not created by an ExternalSecret/Certificate/operator,' : ''} and not declared in ${PREREQUISITES_ANNOTATION}`,
      });
    }
  }
  // Services select pods; named target ports exist on them.
  for (const svc of model.services) {
    if (svc.synthetic || !svc.selector) continue;
    const selected = model.pods.filter((p) => mapSelects(svc.selector!, p.labels));
    if (!selected.length) {
      emit({ owner: svc.owner, path: 'spec.selector', rule: 'service-selector-unmatched', message: `selector ${JSON.stringify(svc.selector)} matches no pod template in the render` });
      continue;
    }
    svc.ports.forEach((p, i) => {
      if (typeof p.targetPort !== 'string') return;
      if (!selected.some((pod) => pod.ports.some((cp) => cp.name === p.targetPort))) {
        emit({ owner: svc.owner, path: `spec.ports[${i}].targetPort`, rule: 'service-target-port', message: `targetPort "${p.targetPort}" is not a named container port of the selected pods` });
      }
    });
  }
  for (const ro of model.byKind.get('NetworkPolicy') ?? []) {
    const sel = get(ro.obj, 'spec', 'podSelector');
    const empty = !isRecord(sel) || (!Object.keys(asRecord(sel.matchLabels)).length && !asArray(sel.matchExpressions).length);
    if (empty) continue;
    if (!model.pods.some((p) => selectorMatches(sel, p.labels))) {
      emit({ owner: ro, path: 'spec.podSelector', rule: 'networkpolicy-selects-nothing', message: `podSelector ${JSON.stringify(sel)} matches no pod in the render` });
    }
  }
}

export type { RenderedObject };
