/**
 * Names fit Kubernetes limits: DNS labels (63) for Services, Namespaces and pod host names, label values (63),
 * StatefulSets and CronJobs (52, because the controller appends a suffix that must still fit a label), port
 * names (15), and Helm release names (53). Lint runs these on every render and on one extra render with the
 * longest tenantId the tenant schema allows.
 */
import type { RenderModel } from '../model.js';
import { type Emit } from '../types.js';
import { containersOf } from '../../pod-spec.js';
import { asArray, get, isRecord } from '../../object.js';

const LIMITS: Record<string, number> = {
  Service: 63,
  Namespace: 63,
  StatefulSet: 52,
  CronJob: 52,
  Job: 63,
  Deployment: 63,
  DaemonSet: 63,
  ReplicaSet: 63,
  Pod: 63,
  // Flink's kubernetes.cluster-id (the FlinkDeployment name) is limited to 45 so task manager pod names fit.
  FlinkDeployment: 45,
};
export const RELEASE_NAME_LIMIT = 53;

export function checkNames(model: RenderModel, emit: Emit): void {
  for (const ro of model.objects) {
    const o = ro.obj;
    const name = o.metadata.name ?? '';
    const limit = LIMITS[o.kind] ?? 253;
    if (name.length > limit) emit({ owner: ro, path: 'metadata.name', rule: 'name-too-long', message: `${o.kind} name "${name}" is ${name.length} characters; the limit is ${limit}${o.kind === 'FlinkDeployment' ? " (Flink's kubernetes.cluster-id)" : ''}` });
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      if (String(v).length > 63) emit({ owner: ro, path: `metadata.labels["${k}"]`, rule: 'name-too-long', message: `label value "${String(v)}" is ${String(v).length} characters; the limit is 63` });
    }
    if (o.kind === 'Service' && o.apiVersion === 'v1') {
      asArray<Record<string, unknown>>(get(o, 'spec', 'ports')).forEach((p, i) => {
        if (isRecord(p) && typeof p.name === 'string' && p.name.length > 15) emit({ owner: ro, path: `spec.ports[${i}].name`, rule: 'name-too-long', message: `port name "${p.name}" is longer than 15 characters` });
      });
    }
  }
  for (const pod of model.pods) {
    const seen = new Set<string>();
    for (const n of pod.podNames) {
      if (n.length > 63 && !seen.has(n)) {
        seen.add(n);
        emit({ owner: pod.owner, path: 'metadata.name', rule: 'name-too-long', message: `pods will be named like "${n}" (${n.length} characters), over the 63 a host name allows` });
      }
    }
    if (pod.synthetic) continue;
    for (const [k, v] of Object.entries(pod.labels)) {
      if (v.length > 63) emit({ owner: pod.owner, path: `${pod.path}.metadata.labels["${k}"]`, rule: 'name-too-long', message: `label value "${v}" is ${v.length} characters; the limit is 63` });
    }
    for (const { c, path } of containersOf(pod.spec)) {
      asArray<Record<string, unknown>>(c.ports).forEach((p, i) => {
        if (isRecord(p) && typeof p.name === 'string' && p.name.length > 15) emit({ owner: pod.owner, path: `${pod.path}.spec.${path}.ports[${i}].name`, rule: 'name-too-long', message: `port name "${p.name}" is longer than 15 characters` });
      });
    }
  }
  for (const svc of model.services) {
    if (svc.synthetic && svc.name.length > 63) emit({ owner: svc.owner, path: 'metadata.name', rule: 'name-too-long', message: `the operator will create Service "${svc.name}" (${svc.name.length} characters), over the 63 a DNS label allows` });
  }
}
