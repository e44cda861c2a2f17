/**
 * References inside one render: what pods use exists (or is declared external), Services select pods,
 * NetworkPolicies select something.
 *
 * A reference is satisfied by an object of the render, by what an operator or controller creates from one
 * (ExternalSecret target, cert-manager Certificate secretName, Strimzi KafkaUser and cluster CA secrets),
 * by what every namespace has (ServiceAccount default, ConfigMap kube-root-ca.crt), or by a declared
 * prerequisite: the annotation `logclaw.io/prerequisites: "Secret/name, ConfigMap/name"` on the object
 * (or its pod template) that uses it.
 */
import { containersOf, mapSelects, selectorMatches, type PodModel, type RenderModel } from './model.js';
import { PREREQUISITES_ANNOTATION, type Emit, type RenderedObject } from './types.js';
import { asArray, asRecord, get, isRecord } from '../object.js';

type RefKind = 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'PersistentVolumeClaim';

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
      case 'ExternalSecret':
        p.Secret.add(String(get(o, 'spec', 'target', 'name') ?? name));
        break;
      case 'Certificate':
        if (typeof get(o, 'spec', 'secretName') === 'string') p.Secret.add(get(o, 'spec', 'secretName') as string);
        break;
      case 'KafkaUser':
        p.Secret.add(String(get(o, 'spec', 'template', 'secret', 'metadata', 'name') ?? name));
        break;
      case 'Kafka':
        for (const s of ['cluster-ca-cert', 'clients-ca-cert', 'cluster-ca', 'clients-ca']) p.Secret.add(`${name}-${s}`);
        break;
      case 'OpenSearchCluster':
        p.Secret.add(`${name}-admin-password`);
        break;
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

interface Ref {
  kind: RefKind;
  name: string;
  path: string;
  optional: boolean;
}

/** Every Secret, ConfigMap, ServiceAccount and PVC a pod spec names, with field paths. */
export function podReferences(spec: Record<string, unknown>, base: string): Ref[] {
  const refs: Ref[] = [];
  const add = (kind: RefKind, name: unknown, path: string, optional: unknown) => {
    if (typeof name === 'string' && name) refs.push({ kind, name, path: `${base}.${path}`, optional: optional === true });
  };
  if (typeof spec.serviceAccountName === 'string') add('ServiceAccount', spec.serviceAccountName, 'serviceAccountName', false);
  asArray<Record<string, unknown>>(spec.imagePullSecrets).forEach((s, i) => add('Secret', s?.name, `imagePullSecrets[${i}].name`, false));
  asArray<Record<string, unknown>>(spec.volumes).forEach((v, i) => {
    if (!isRecord(v)) return;
    add('Secret', get(v, 'secret', 'secretName'), `volumes[${i}].secret.secretName`, get(v, 'secret', 'optional'));
    add('ConfigMap', get(v, 'configMap', 'name'), `volumes[${i}].configMap.name`, get(v, 'configMap', 'optional'));
    add('PersistentVolumeClaim', get(v, 'persistentVolumeClaim', 'claimName'), `volumes[${i}].persistentVolumeClaim.claimName`, false);
    asArray<Record<string, unknown>>(get(v, 'projected', 'sources')).forEach((s, j) => {
      add('Secret', get(s, 'secret', 'name'), `volumes[${i}].projected.sources[${j}].secret.name`, get(s, 'secret', 'optional'));
      add('ConfigMap', get(s, 'configMap', 'name'), `volumes[${i}].projected.sources[${j}].configMap.name`, get(s, 'configMap', 'optional'));
    });
  });
  for (const { c, path } of containersOf(spec)) {
    asArray<Record<string, unknown>>(c.env).forEach((e, i) => {
      add('Secret', get(e, 'valueFrom', 'secretKeyRef', 'name'), `${path}.env[${i}].valueFrom.secretKeyRef.name`, get(e, 'valueFrom', 'secretKeyRef', 'optional'));
      add('ConfigMap', get(e, 'valueFrom', 'configMapKeyRef', 'name'), `${path}.env[${i}].valueFrom.configMapKeyRef.name`, get(e, 'valueFrom', 'configMapKeyRef', 'optional'));
    });
    asArray<Record<string, unknown>>(c.envFrom).forEach((e, i) => {
      add('Secret', get(e, 'secretRef', 'name'), `${path}.envFrom[${i}].secretRef.name`, get(e, 'secretRef', 'optional'));
      add('ConfigMap', get(e, 'configMapRef', 'name'), `${path}.envFrom[${i}].configMapRef.name`, get(e, 'configMapRef', 'optional'));
    });
  }
  return refs;
}

const RULE: Record<RefKind, string> = {
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
    for (const ref of podReferences(pod.spec, pod.path ? `${pod.path}.spec` : 'spec')) {
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
