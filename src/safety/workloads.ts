/**
 * Core Kubernetes kinds: workloads (pod template rollouts, immutable selectors, StatefulSet's frozen fields),
 * PersistentVolumeClaims, Services, and ConfigMaps/Secrets read by workloads.
 */
import { changedPaths, deepEqual, type NamedKubeObject } from './objects.js';
import { finding, volumeSizeFindings, workloadName } from './finding.js';
import type { SafetyFinding } from './types.js';
import { asArray, get, isRecord } from '../object.js';
import { podSpecReferences } from '../pod-spec.js';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
export const isWorkload = (o: NamedKubeObject): boolean => apiCore(o) && WORKLOADS.has(o.kind);
const apiCore = (o: NamedKubeObject): boolean => /^(apps|batch)\/v1$|^v1$/.test(o.apiVersion);

/** The pod template of a workload (CronJob: its job template's). */
export function podTemplate(o: NamedKubeObject): Record<string, unknown> | undefined {
  const t = o.kind === 'CronJob' ? get(o, 'spec', 'jobTemplate', 'spec', 'template') : get(o, 'spec', 'template');
  return isRecord(t) ? t : undefined;
}

/** ConfigMaps and Secrets a pod template reads (volumes, projected volumes, envFrom, env valueFrom). */
export function referencedConfig(template: Record<string, unknown> | undefined): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const spec = get(template, 'spec');
  for (const r of isRecord(spec) ? podSpecReferences(spec, 'spec') : []) {
    if (r.via !== 'volume' && r.via !== 'env' && r.via !== 'envFrom') continue;
    if (r.kind === 'ConfigMap') configMaps.add(r.name);
    else if (r.kind === 'Secret') secrets.add(r.name);
  }
  return { configMaps, secrets };
}

/** StatefulSet spec fields the API server lets an update change; every other spec field is frozen. */
const STS_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

export function statefulSetRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const ns = after.metadata.namespace ?? '';
  const name = after.metadata.name;
  const recreate = { kind: 'StatefulSet' as const, namespace: ns, name };
  const recreateFix = `run \`logclaw upgrade --recreate\`: it deletes the StatefulSet with --cascade=orphan (pods and PVCs keep running) and re-creates it with the new spec`;
  const bs = (get(before, 'spec') ?? {}) as Record<string, unknown>;
  const as = (get(after, 'spec') ?? {}) as Record<string, unknown>;
  for (const field of new Set([...Object.keys(bs), ...Object.keys(as)])) {
    if (STS_MUTABLE.has(field) || deepEqual(bs[field], as[field])) continue;
    if (field === 'selector') {
      out.push(
        finding(after, 'immutable', 'the StatefulSet selector cannot change: the API server rejects the update', {
          field: 'spec.selector',
          fix: 'keep the selector labels; a new selector means a new StatefulSet (uninstall the component keeping its PVCs, then install)',
        }),
      );
    } else if (field === 'volumeClaimTemplates') {
      out.push(
        finding(after, 'immutable', `volumeClaimTemplates cannot change on a live StatefulSet (${describeClaimChange(bs[field], as[field])})`, {
          field: 'spec.volumeClaimTemplates',
          fix: `${recreateFix}; existing claims keep their size and class, bigger sizes are applied to bound claims whose StorageClass allows expansion`,
          recreate,
        }),
      );
    } else if (field === 'serviceName') {
      out.push(
        finding(after, 'immutable', `serviceName cannot change on a live StatefulSet (${String(bs[field] ?? '-')} → ${String(as[field] ?? '-')}); pod DNS names depend on it`, {
          field: 'spec.serviceName',
          fix: `${recreateFix}; pods get the new DNS names when they restart`,
          recreate,
        }),
      );
    } else {
      out.push(
        finding(after, 'immutable', `StatefulSet spec.${field} cannot change once created`, { field: `spec.${field}`, fix: recreateFix, recreate }),
      );
    }
  }
  const br = num(bs.replicas, 1);
  const ar = num(as.replicas, 1);
  if (ar < br) {
    const deletes = get(as, 'persistentVolumeClaimRetentionPolicy', 'whenScaled') === 'Delete';
    out.push(
      finding(after, deletes ? 'data-loss' : 'disruptive', deletes
        ? `replicas ${br} → ${ar} and persistentVolumeClaimRetentionPolicy.whenScaled is Delete: the claims of the removed pods are deleted`
        : `replicas ${br} → ${ar}: pods ${name}-${ar}..${name}-${br - 1} stop (their PVCs are kept)`, {
        field: 'spec.replicas',
        fix: deletes ? 'set whenScaled: Retain before scaling down, or keep the replica count' : undefined,
      }),
    );
  }
  out.push(...templateRollout(before, after));
  return out;
}

function describeClaimChange(b: unknown, a: unknown): string {
  const parts: string[] = [];
  const bl = asArray(b);
  const al = asArray(a);
  for (const t of al) {
    const n = get(t, 'metadata', 'name');
    const old = bl.find((x) => get(x, 'metadata', 'name') === n);
    if (!old) {
      parts.push(`claim ${String(n)} added`);
      continue;
    }
    const bsz = get(old, 'spec', 'resources', 'requests', 'storage');
    const asz = get(t, 'spec', 'resources', 'requests', 'storage');
    if (!deepEqual(bsz, asz)) parts.push(`${String(n)} storage ${String(bsz)} → ${String(asz)}`);
    const bc = get(old, 'spec', 'storageClassName');
    const ac = get(t, 'spec', 'storageClassName');
    if (!deepEqual(bc, ac)) parts.push(`${String(n)} storageClassName ${String(bc ?? '-')} → ${String(ac ?? '-')}`);
    if (parts.length === 0 && !deepEqual(old, t)) parts.push(`${String(n)}: ${changedPaths(old, t).join(', ')}`);
  }
  for (const t of bl) if (!al.some((x) => get(x, 'metadata', 'name') === get(t, 'metadata', 'name'))) parts.push(`claim ${String(get(t, 'metadata', 'name'))} removed`);
  return parts.join('; ') || 'changed';
}

const num = (v: unknown, dflt: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !isNaN(Number(v)) ? Number(v) : dflt);

/** A changed pod template rolls the workload's pods. */
export function templateRollout(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const bt = podTemplate(before);
  const at = podTemplate(after);
  if (deepEqual(bt, at)) return [];
  const field = after.kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
  const what = changedPaths(bt, at, field).slice(0, 4).join(', ');
  const workloads = [workloadName(after)];
  switch (after.kind) {
    case 'CronJob':
      return [finding(after, 'safe', `job template changed (${what}); the next scheduled run uses it`, { field })];
    case 'Job':
      return [
        finding(after, 'immutable', `a Job's pod template cannot change (${what})`, {
          field,
          fix: `delete the Job first (a finished Job is safe to delete): kubectl delete job ${after.metadata.name} -n ${after.metadata.namespace ?? ''}`,
        }),
      ];
    case 'StatefulSet': {
      if (get(after, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
        return [finding(after, 'safe', `pod template changed (${what}); updateStrategy OnDelete: pods change only when deleted`, { field, workloads })];
      }
      const replicas = num(get(after, 'spec', 'replicas'), 1);
      if (replicas <= 1) {
        return [finding(after, 'disruptive', `pod template changed (${what}); its only pod restarts: a short outage`, { field, workloads, fix: 'run more than one replica (tier ha) to roll without an outage' })];
      }
      return [finding(after, 'restart', `pod template changed (${what}); pods roll one at a time`, { field, workloads })];
    }
    case 'Deployment':
      if (get(after, 'spec', 'strategy', 'type') === 'Recreate') {
        return [finding(after, 'disruptive', `pod template changed (${what}); strategy Recreate stops every pod before starting new ones`, { field, workloads })];
      }
      return [finding(after, 'restart', `pod template changed (${what}); pods roll`, { field, workloads })];
    default:
      return [finding(after, 'restart', `pod template changed (${what}); pods roll`, { field, workloads })];
  }
}

export function deploymentLikeRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  if (!deepEqual(get(before, 'spec', 'selector'), get(after, 'spec', 'selector'))) {
    out.push(
      finding(after, 'immutable', `the ${after.kind} selector cannot change: the API server rejects the update`, {
        field: 'spec.selector',
        fix: `keep the selector labels, or delete the ${after.kind} first (a short outage): kubectl delete ${after.kind.toLowerCase()} ${after.metadata.name} -n ${after.metadata.namespace ?? ''}`,
      }),
    );
  }
  if (after.kind === 'Job') {
    // a Job's template is covered by templateRollout; completions/parallelism etc. change in place or are rejected by the server
  }
  if (after.kind === 'Deployment') {
    const br = num(get(before, 'spec', 'replicas'), 1);
    const ar = num(get(after, 'spec', 'replicas'), 1);
    if (ar === 0 && br > 0) out.push(finding(after, 'disruptive', `replicas ${br} → 0: the Deployment stops serving`, { field: 'spec.replicas' }));
  }
  out.push(...templateRollout(before, after));
  return out;
}

export function pvcRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  out.push(
    ...volumeSizeFindings(after, get(before, 'spec', 'resources', 'requests', 'storage'), get(after, 'spec', 'resources', 'requests', 'storage'), { label: 'storage', key: 'storage', field: 'spec.resources.requests.storage' }, {
      shrunk: 'a volume cannot shrink; the only way is deleting the claim and its data',
      grown: 'expanded in place when its StorageClass allows volume expansion',
    }),
  );
  for (const field of ['storageClassName', 'accessModes', 'volumeMode', 'selector', 'volumeName', 'dataSource', 'dataSourceRef']) {
    const b = get(before, 'spec', field);
    const a = get(after, 'spec', field);
    if (a === undefined && (field === 'volumeName' || field === 'storageClassName' || field === 'volumeMode')) continue; // filled in by the cluster
    if (!deepEqual(a, b)) {
      out.push(
        finding(after, 'immutable', `a PersistentVolumeClaim's ${field} cannot change (${fmt(b)} → ${fmt(a)})`, {
          field: `spec.${field}`,
          fix: field === 'storageClassName'
            ? 'keep the storage class for existing volumes (global.storageClass applies to new ones); to move data, create a new claim and copy the data over'
            : `keep spec.${field}; a different claim needs a new PVC and a data copy`,
        }),
      );
    }
  }
  return out;
}

export function serviceRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const bip = get(before, 'spec', 'clusterIP');
  const aip = get(after, 'spec', 'clusterIP');
  if (typeof aip === 'string' && aip !== '' && typeof bip === 'string' && bip !== '' && aip !== bip) {
    out.push(
      finding(after, 'immutable', `a Service's clusterIP cannot change (${bip} → ${aip})${aip === 'None' || bip === 'None' ? ': switching between headless and ClusterIP needs a new Service' : ''}`, {
        field: 'spec.clusterIP',
        fix: `delete the Service first (clients lose it until it is re-created): kubectl delete service ${after.metadata.name} -n ${after.metadata.namespace ?? ''}`,
      }),
    );
  }
  if (!deepEqual(get(before, 'spec', 'selector'), get(after, 'spec', 'selector'))) {
    out.push(finding(after, 'disruptive', 'selector changed: traffic moves to different pods', { field: 'spec.selector' }));
  }
  const bt = get(before, 'spec', 'type') ?? 'ClusterIP';
  const at = get(after, 'spec', 'type') ?? 'ClusterIP';
  if (bt !== at) out.push(finding(after, 'disruptive', `type ${String(bt)} → ${String(at)}: its addresses change`, { field: 'spec.type' }));
  const portKey = (p: unknown) => `${String(get(p, 'port'))}/${String(get(p, 'protocol') ?? 'TCP')}`;
  const aports = new Set(asArray(get(after, 'spec', 'ports')).map(portKey));
  const removed = asArray(get(before, 'spec', 'ports')).map(portKey).filter((p) => !aports.has(p));
  if (removed.length) out.push(finding(after, 'disruptive', `port ${removed.join(', ')} removed: clients using it fail`, { field: 'spec.ports' }));
  return out;
}

const fmt = (v: unknown): string => (v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));
