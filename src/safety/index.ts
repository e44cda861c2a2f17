/**
 * Change safety: classifies what applying a tenant's new render would do to what runs, before anything is applied.
 * Used by `diff`, `install` and `upgrade`. Pure: it reads (before, after) object pairs and context, never a cluster.
 *
 *   const a = assess([{ before: liveSts, after: desiredSts }], { tenant: {...} });
 *   a.verdict            // 'immutable'
 *   a.blocking[0].fix    // 'run `logclaw upgrade --recreate`: ...'
 */
import { componentOf, deepEqual, objectKey, objectRef, type NamedKubeObject } from './objects.js';
import { finding, workloadName } from './finding.js';
import { deploymentLikeRules, isWorkload, podTemplate, pvcRules, referencedConfig, serviceRules, statefulSetRules } from './workloads.js';
import { hasCruiseControl, isStrimzi, kafkaRules, nodePoolRules, topicRules } from './kafka.js';
import { indexReplicasFrom, isOpenSearch, openSearchClusterRules } from './opensearch.js';
import { flinkRules, isFlink, savepointsOf } from './flink.js';
import { isBlocking, VERDICTS, worst, type Assessment, type SafetyFinding, type ObjectChange, type SafetyContext, type TenantValues, type Verdict } from './types.js';
import { get, isRecord } from '../object.js';

export * from './types.js';
export { objectRef, objectKey, type NamedKubeObject } from './objects.js';
export { parseQuantity } from './quantity.js';

/** Per-object outcome, for headers in `diff`. */
export interface ObjectVerdict {
  object: string;
  action: 'create' | 'update' | 'delete';
  verdict: Verdict;
}

export interface FullAssessment extends Assessment {
  objects: ObjectVerdict[];
}

/** Classify every change; the result's verdict is the worst finding. */
export function assess(changes: ObjectChange[], ctx: SafetyContext = {}): FullAssessment {
  const desired = ctx.desired ?? changes.flatMap((c) => (c.after ? [c.after] : []));
  const live = ctx.live ?? changes.flatMap((c) => (c.before ? [c.before] : []));
  const indexReplicas = ctx.indexReplicas ?? indexReplicasFrom(desired) ?? indexReplicasFrom(live) ?? 1;
  const cruiseControl = hasCruiseControl(desired);
  const findings: SafetyFinding[] = [];
  const objects: ObjectVerdict[] = [];

  // which workloads roll anyway (their own pod template changes)
  const rolling = new Set<string>();
  for (const c of changes) {
    if (c.before && c.after && isWorkload(c.after) && !deepEqual(podTemplate(c.before), podTemplate(c.after))) rolling.add(objectKey(c.after));
  }

  for (const c of changes) {
    const o = c.after ?? c.before;
    if (!o) continue;
    let fs: SafetyFinding[];
    let action: ObjectVerdict['action'];
    if (c.before && c.after) {
      action = 'update';
      fs = updateRules(c.before, c.after, { indexReplicas, cruiseControl, desired, rolling });
    } else if (c.after) {
      action = 'create';
      fs = [];
    } else {
      action = 'delete';
      fs = deleteRules(c.before!);
    }
    findings.push(...fs);
    objects.push({ object: objectRef(o), action, verdict: worst(fs.map((f) => f.verdict)) });
  }

  findings.push(...tenantRules(changes, ctx));

  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const f of findings) counts[f.verdict]++;
  const restarts = [...new Set(findings.filter((f) => f.verdict !== 'safe').flatMap((f) => f.workloads ?? []))];
  return {
    verdict: worst(findings.map((f) => f.verdict)),
    findings: findings.sort((a, b) => VERDICTS.indexOf(b.verdict) - VERDICTS.indexOf(a.verdict)),
    blocking: findings.filter((f) => isBlocking(f.verdict)),
    restarts,
    counts,
    objects,
  };
}

interface RuleFacts {
  indexReplicas: number;
  cruiseControl: boolean;
  desired: NamedKubeObject[];
  rolling: Set<string>;
}

/** Findings for one object that exists before and after. */
export function updateRules(before: NamedKubeObject, after: NamedKubeObject, facts: RuleFacts): SafetyFinding[] {
  const core = /^(apps\/v1|batch\/v1|v1)$/.test(after.apiVersion);
  if (core) {
    switch (after.kind) {
      case 'StatefulSet':
        return statefulSetRules(before, after);
      case 'Deployment':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job':
      case 'CronJob':
        return deploymentLikeRules(before, after);
      case 'PersistentVolumeClaim':
        return pvcRules(before, after);
      case 'Service':
        return serviceRules(before, after);
      case 'ConfigMap':
      case 'Secret':
        return configRules(before, after, facts);
    }
  }
  if (isStrimzi(after)) {
    if (after.kind === 'KafkaNodePool') return nodePoolRules(before, after);
    if (after.kind === 'Kafka') return kafkaRules(before, after);
    if (after.kind === 'KafkaTopic') return topicRules(before, after, facts.cruiseControl);
  }
  if (isOpenSearch(after) && after.kind === 'OpenSearchCluster') return openSearchClusterRules(before, after, facts.indexReplicas);
  if (isFlink(after)) return flinkRules(before, after);
  return [];
}

/** A changed ConfigMap/Secret: the workloads that read it only see it after a restart. */
function configRules(before: NamedKubeObject, after: NamedKubeObject, facts: RuleFacts): SafetyFinding[] {
  const keys = ['data', 'binaryData', 'stringData'];
  const changedKeys = new Set<string>();
  for (const k of keys) {
    const b = (get(before, k) ?? {}) as Record<string, unknown>;
    const a = (get(after, k) ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) if (!deepEqual(b[key], a[key])) changedKeys.add(key);
  }
  if (changedKeys.size === 0) return [];
  const readers = facts.desired.filter((w) => {
    if (!isWorkload(w) || w.metadata.namespace !== after.metadata.namespace) return false;
    const refs = referencedConfig(podTemplate(w));
    return (after.kind === 'ConfigMap' ? refs.configMaps : refs.secrets).has(after.metadata.name);
  });
  const what = `keys ${[...changedKeys].sort().join(', ')} changed`;
  if (readers.length === 0) return [finding(after, 'safe', `${what}; no workload of the tenant mounts it`)];
  const restartNeeded = readers.filter((w) => !facts.rolling.has(objectKey(w)) && w.kind !== 'CronJob' && w.kind !== 'Job');
  const f = finding(after, 'restart', `${what}; read by ${readers.map(workloadName).join(', ')}${restartNeeded.length ? ` (${restartNeeded.map(workloadName).join(', ')} ${restartNeeded.length === 1 ? 'is' : 'are'} restarted to pick it up)` : ''}`, {
    workloads: readers.filter((w) => w.kind !== 'CronJob' && w.kind !== 'Job').map(workloadName),
  });
  if (restartNeeded.length) f.rolloutRestart = restartNeeded.map((w) => ({ kind: w.kind, namespace: w.metadata.namespace ?? '', name: w.metadata.name }));
  return [f];
}

/** What deleting an object does (a disabled component deletes all its objects). */
export function deleteRules(o: NamedKubeObject): SafetyFinding[] {
  const core = /^(apps\/v1|batch\/v1|v1)$/.test(o.apiVersion);
  if (core && o.kind === 'PersistentVolumeClaim') {
    return [finding(o, 'data-loss', 'the claim is deleted, and with it the volume and its data (reclaim policy Delete)', { fix: 'keep the claim; back up its data before removing it' })];
  }
  if (core && o.kind === 'StatefulSet') {
    const claims = Array.isArray(get(o, 'spec', 'volumeClaimTemplates')) ? (get(o, 'spec', 'volumeClaimTemplates') as unknown[]).length : 0;
    if (claims && get(o, 'spec', 'persistentVolumeClaimRetentionPolicy', 'whenDeleted') === 'Delete') {
      return [finding(o, 'data-loss', 'deleted with persistentVolumeClaimRetentionPolicy.whenDeleted Delete: its PVCs and data are deleted', { fix: 'keep the component, or back up its volumes first' })];
    }
    return [finding(o, claims ? 'data-loss' : 'disruptive', claims ? 'deleted: its pods stop and its PVCs are orphaned (the data stays on the volumes, but nothing serves it and an uninstall deletes them)' : 'deleted: its pods stop', claims ? { fix: 'keep the component enabled; back up its volumes before removing it' } : {})];
  }
  if (core && (o.kind === 'Deployment' || o.kind === 'DaemonSet')) return [finding(o, 'disruptive', 'deleted: its pods stop')];
  if (core && o.kind === 'Service') return [finding(o, 'disruptive', 'deleted: clients of this Service fail')];
  if (isStrimzi(o)) {
    if (o.kind === 'Kafka') return [finding(o, 'data-loss', 'the Kafka cluster is deleted: every topic and record in it', { fix: 'keep kafka enabled; mirror the topics elsewhere before removing it' })];
    if (o.kind === 'KafkaNodePool') {
      const brokers = Array.isArray(get(o, 'spec', 'roles')) && (get(o, 'spec', 'roles') as string[]).includes('broker');
      return [finding(o, brokers ? 'data-loss' : 'disruptive', brokers ? 'the broker pool is deleted with the partitions it stores' : 'the controller pool is deleted: the KRaft quorum loses these voters', brokers ? { fix: 'move partitions off the pool (KafkaRebalance remove-brokers) before deleting it' } : {})];
    }
    if (o.kind === 'KafkaTopic') return [finding(o, 'data-loss', `the topic ${String(get(o, 'spec', 'topicName') ?? o.metadata.name)} is deleted in Kafka with all its records`, { fix: 'keep the KafkaTopic (or annotate it strimzi.io/managed: "false" to stop managing it without deleting it)' })];
  }
  if (isOpenSearch(o) && o.kind === 'OpenSearchCluster') {
    return [finding(o, 'data-loss', 'the OpenSearch cluster is deleted: every index in it', { fix: 'keep opensearch enabled; snapshot the indices to object storage before removing it' })];
  }
  if (isFlink(o)) {
    const sps = savepointsOf(o);
    return [sps.length ? finding(o, 'data-loss', `the Flink job is deleted with its state (${sps.length} savepoint(s), latest ${sps[0]}); the operator forgets them`, { fix: 'keep the job, or note the savepoint path to start a new one from it' }) : finding(o, 'disruptive', 'the Flink job is deleted')];
  }
  return [];
}

const storageKinds = (f: SafetyFinding): boolean => f.verdict === 'data-loss';
const tenantObj = (name: string) => ({ kind: 'Tenant', name, object: `tenant ${name}` });

/** tenantId / namespace changes and components switched off. */
function tenantRules(changes: ObjectChange[], ctx: SafetyContext): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const b = ctx.tenant?.before;
  const a = ctx.tenant?.after;
  if (b?.tenantId && a?.tenantId && b.tenantId !== a.tenantId) {
    out.push({
      ...tenantObj(b.tenantId),
      verdict: 'immutable',
      field: 'global.tenantId',
      message: `tenantId ${b.tenantId} → ${a.tenantId}: the tenant ID names the namespace and every resource; changing it installs a second tenant and orphans the first one's data`,
      fix: `keep tenantId ${b.tenantId}; to rename a tenant, install the new one, move the data, then uninstall the old one`,
    });
  }
  if (b?.namespace && a?.namespace && b.namespace !== a.namespace) {
    out.push({
      ...tenantObj(a.tenantId ?? b.tenantId ?? b.namespace),
      verdict: 'immutable',
      field: 'namespace',
      message: `namespace ${b.namespace} → ${a.namespace}: objects cannot move between namespaces; every volume would be re-created empty`,
      fix: `keep namespace ${b.namespace}`,
    });
  }
  const name = a?.tenantId ?? b?.tenantId ?? '-';
  for (const c of ctx.removedComponents ?? []) {
    out.push(
      componentDisabled(name, c.objects, {
        field: `release ${c.name}`,
        withData: (data) => `component ${c.name} disabled: its release is uninstalled with data (${data}) that is deleted or left unserved`,
        without: `component ${c.name} disabled: its release is uninstalled`,
        fix: `keep ${c.name} enabled; back up its data, then disable it with --force`,
      }),
    );
  }
  const bv = b?.values;
  const av = a?.values;
  if (bv && av) {
    for (const alias of Object.keys(bv)) {
      if (alias === 'global') continue;
      if (enabled(bv, alias) !== true || enabled(av, alias) !== false) continue;
      const deleted = changes.filter((c) => c.before && !c.after && componentOf(c.before) === alias).map((c) => c.before!);
      out.push(
        componentDisabled(name, deleted, {
          field: `${alias}.enabled`,
          withData: (data) => `component ${alias} disabled: it keeps data (${data}) that is deleted or left unserved`,
          without: `component ${alias} disabled: its workloads are removed`,
          fix: `keep ${alias}.enabled: true; back up its data, then disable it with --force`,
        }),
      );
    }
  }
  return out;
}

/** A component the change disables: data-loss when the objects it deletes hold storage, else disruptive. */
function componentDisabled(tenant: string, deleted: NamedKubeObject[], text: { field: string; withData: (data: string) => string; without: string; fix: string }): SafetyFinding {
  const lossy = deleted.flatMap(deleteRules).filter(storageKinds);
  return {
    ...tenantObj(tenant),
    verdict: lossy.length ? 'data-loss' : 'disruptive',
    field: text.field,
    message: lossy.length ? text.withData(lossy.map((f) => f.object).join(', ')) : text.without,
    fix: lossy.length ? text.fix : undefined,
  };
}

function enabled(values: TenantValues, alias: string): boolean | undefined {
  const v = values[alias];
  return isRecord(v) && typeof v.enabled === 'boolean' ? v.enabled : undefined;
}
