/**
 * Workload hardening beyond Pod Security restricted (what kube-score calls critical): ephemeral-storage
 * requests and limits (eviction order), a read-only root filesystem, readiness and liveness probes that differ
 * (a slow dependency must not restart the pod), and a StatefulSet whose serviceName is a headless Service.
 */
import type { RenderModel } from './model.js';
import { containersOf } from '../pod-spec.js';
import { type Emit } from './types.js';
import { asRecord, get, isRecord } from '../object.js';

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (isRecord(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

export function checkWorkloadHardening(model: RenderModel, emit: Emit): void {
  for (const pod of model.pods) {
    if (pod.synthetic || !pod.spec) continue;
    const base = pod.path ? `${pod.path}.spec` : 'spec';
    for (const { c, path } of containersOf(pod.spec)) {
      if (path.startsWith('ephemeral')) continue;
      const name = String(c.name ?? path);
      const at = (p: string) => ({ owner: pod.owner, path: `${base}.${path}${p ? `.${p}` : ''}` });
      const req = asRecord(get(c, 'resources', 'requests'));
      const lim = asRecord(get(c, 'resources', 'limits'));
      const missing = [req['ephemeral-storage'] === undefined ? 'requests' : '', lim['ephemeral-storage'] === undefined ? 'limits' : ''].filter(Boolean);
      if (missing.length) emit({ ...at('resources'), rule: 'resources-ephemeral-storage', message: `container "${name}" has no ephemeral-storage ${missing.join(' or ')}: the kubelet evicts it first under disk pressure and nothing bounds what it writes` });
      if (get(c, 'securityContext', 'readOnlyRootFilesystem') !== true) {
        emit({ ...at('securityContext.readOnlyRootFilesystem'), rule: 'readonly-root-filesystem', message: `container "${name}" has a writable root filesystem: set readOnlyRootFilesystem: true and mount emptyDirs where it writes, or waive the rule with the reason` });
      }
      if (path.startsWith('containers') && c.readinessProbe !== undefined && c.livenessProbe !== undefined && canonical(c.readinessProbe) === canonical(c.livenessProbe)) {
        emit({ ...at('livenessProbe'), rule: 'probes-identical', message: `container "${name}" has identical readiness and liveness probes: a dependency that makes it unready also restarts it` });
      }
    }
  }
  const services = new Map(model.services.filter((s) => !s.synthetic).map((s) => [s.name, s]));
  for (const sts of model.byKind.get('StatefulSet') ?? []) {
    const serviceName = get(sts.obj, 'spec', 'serviceName');
    if (typeof serviceName !== 'string' || !serviceName) continue;
    const svc = services.get(serviceName);
    if (!svc) continue;
    const clusterIP = get(svc.owner.obj, 'spec', 'clusterIP');
    if (clusterIP !== 'None') {
      emit({ owner: sts, path: 'spec.serviceName', rule: 'statefulset-service-not-headless', message: `serviceName "${serviceName}" is a Service with a cluster IP: the pods get no stable DNS names (set clusterIP: None on a Service of their own)` });
    }
  }
}
