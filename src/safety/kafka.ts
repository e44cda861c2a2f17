/**
 * Strimzi (kafka.strimzi.io, v1 and v1beta2): Kafka, KafkaNodePool, KafkaTopic.
 * Field names from the Strimzi 0.50.1 CRDs: KafkaNodePool spec.replicas, spec.roles, spec.storage
 * {type ephemeral|persistent-claim|jbod, size, class, deleteClaim, volumes[]{id,...}}; KafkaTopic spec.partitions,
 * spec.replicas, spec.topicName, spec.config.
 */
import { changedPaths, deepEqual, type NamedKubeObject } from './objects.js';
import { finding, volumeSizeFindings } from './finding.js';
import type { SafetyFinding } from './types.js';
import { get, isRecord } from '../object.js';

export const isStrimzi = (o: NamedKubeObject): boolean => o.apiVersion.startsWith('kafka.strimzi.io/');

const roles = (o: NamedKubeObject): string[] => (Array.isArray(get(o, 'spec', 'roles')) ? (get(o, 'spec', 'roles') as string[]) : []);

export function nodePoolRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const br = Number(get(before, 'spec', 'replicas') ?? 0);
  const ar = Number(get(after, 'spec', 'replicas') ?? 0);
  const brokers = roles(after).includes('broker') || roles(before).includes('broker');
  if (ar < br) {
    out.push(
      brokers
        ? finding(after, 'data-loss', `broker replicas ${br} → ${ar}: the partitions on the removed brokers lose their replicas`, {
            field: 'spec.replicas',
            fix: 'keep the replica count; to remove brokers, first move their partitions away (KafkaRebalance mode remove-brokers), then scale down with --force',
          })
        : finding(after, 'disruptive', `controller replicas ${br} → ${ar}: the KRaft quorum changes`, { field: 'spec.replicas', fix: 'keep an odd number of controllers (3 for ha)' }),
    );
  }
  const removedRoles = roles(before).filter((r) => !roles(after).includes(r));
  if (removedRoles.includes('broker')) {
    out.push(finding(after, 'data-loss', 'the broker role is removed: the partitions on these nodes lose their replicas', { field: 'spec.roles', fix: 'keep the broker role; move partitions away first' }));
  } else if (removedRoles.length || roles(after).some((r) => !roles(before).includes(r))) {
    out.push(finding(after, 'disruptive', `roles ${roles(before).join(',')} → ${roles(after).join(',')}: nodes restart with new roles`, { field: 'spec.roles' }));
  }
  out.push(...storageRules(after, get(before, 'spec', 'storage'), get(after, 'spec', 'storage'), 'spec.storage'));
  const rest = changedPaths(get(before, 'spec'), get(after, 'spec'), 'spec').filter((p) => !/^spec\.(replicas|roles|storage)(\.|$)/.test(p));
  if (rest.length) {
    out.push(
      finding(after, 'restart', `${rest.slice(0, 4).join(', ')} changed: Strimzi rolls the pool's pods one at a time`, {
        field: rest[0],
        workloads: [`KafkaNodePool ${after.metadata.name}`],
      }),
    );
  }
  return out;
}

/** Strimzi storage: `{type, size, class, volumes[]}`; Strimzi cannot shrink or change the type/class of a volume in use. */
export function storageRules(o: NamedKubeObject, b: unknown, a: unknown, field: string): SafetyFinding[] {
  if (deepEqual(b, a) || !isRecord(b) || !isRecord(a)) return [];
  const out: SafetyFinding[] = [];
  if (b.type !== a.type) {
    const losing = b.type !== 'ephemeral';
    out.push(
      finding(o, losing ? 'data-loss' : 'immutable', `storage type ${String(b.type)} → ${String(a.type)}: Strimzi cannot change the storage type of existing brokers${losing ? ' and the data on the current volumes is abandoned' : ''}`, {
        field: `${field}.type`,
        fix: 'keep the storage type; to change it, add a new node pool with the new storage, move partitions to it, then remove the old pool',
      }),
    );
    return out;
  }
  if (b.type === 'jbod') {
    const bv = Array.isArray(b.volumes) ? (b.volumes as unknown[]) : [];
    const av = Array.isArray(a.volumes) ? (a.volumes as unknown[]) : [];
    for (const v of bv) {
      const id = get(v, 'id');
      const nv = av.find((x) => get(x, 'id') === id);
      if (!nv) {
        out.push(finding(o, 'data-loss', `JBOD volume ${String(id)} removed: the log directories on it are lost`, { field: `${field}.volumes`, fix: 'move the partitions off the volume first (KafkaRebalance mode remove-disks), then remove it' }));
      } else out.push(...volumeRules(o, v, nv, `${field}.volumes[id=${String(id)}]`));
    }
    return out;
  }
  out.push(...volumeRules(o, b, a, field));
  return out;
}

function volumeRules(o: NamedKubeObject, b: unknown, a: unknown, field: string): SafetyFinding[] {
  const out = volumeSizeFindings(o, get(b, 'size'), get(a, 'size'), { label: 'storage size', key: 'size', field: `${field}.size` }, {
    shrunk: 'Kafka volumes cannot shrink; brokers would have to be rebuilt on new volumes',
    grown: 'Strimzi expands the volumes when the StorageClass allows expansion',
  });
  if (!deepEqual(get(b, 'class'), get(a, 'class'))) {
    out.push(
      finding(o, 'immutable', `storage class ${String(get(b, 'class') ?? '-')} → ${String(get(a, 'class') ?? '-')}: existing volumes keep their class`, {
        field: `${field}.class`,
        fix: 'keep the class; to move brokers to another class, add a node pool with it and move partitions over',
      }),
    );
  }
  return out;
}

export function kafkaRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  out.push(...storageRules(after, get(before, 'spec', 'kafka', 'storage'), get(after, 'spec', 'kafka', 'storage'), 'spec.kafka.storage'));
  const bv = get(before, 'spec', 'kafka', 'version');
  const av = get(after, 'spec', 'kafka', 'version');
  const rest = changedPaths(get(before, 'spec'), get(after, 'spec'), 'spec').filter((p) => !p.startsWith('spec.kafka.storage'));
  if (rest.length) {
    const versionNote = bv !== av ? ` (Kafka ${String(bv)} → ${String(av)})` : '';
    out.push(
      finding(after, 'restart', `${rest.slice(0, 4).join(', ')} changed${versionNote}: Strimzi rolls the brokers and controllers one at a time`, {
        field: rest[0],
        workloads: [`Kafka ${after.metadata.name}`],
      }),
    );
  }
  return out;
}

const RETENTION_KEYS = ['retention.ms', 'retention.bytes', 'local.retention.ms', 'local.retention.bytes'];

export function topicRules(before: NamedKubeObject, after: NamedKubeObject, cruiseControl: boolean): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const bp = num(get(before, 'spec', 'partitions'));
  const ap = num(get(after, 'spec', 'partitions'));
  if (bp !== undefined && ap !== undefined && ap < bp) {
    out.push(
      finding(after, 'immutable', `partitions ${bp} → ${ap}: Kafka cannot decrease a topic's partitions`, {
        field: 'spec.partitions',
        fix: `keep partitions at ${bp} or more; fewer partitions need a new topic and a migration`,
      }),
    );
  } else if (bp !== undefined && ap !== undefined && ap > bp) {
    out.push(finding(after, 'safe', `partitions ${bp} → ${ap}: keyed records map to different partitions from now on`, { field: 'spec.partitions' }));
  }
  const brf = num(get(before, 'spec', 'replicas'));
  const arf = num(get(after, 'spec', 'replicas'));
  if (brf !== undefined && arf !== undefined && arf !== brf) {
    if (!cruiseControl) {
      out.push(
        finding(after, 'immutable', `replicas ${brf} → ${arf}: the topic operator changes a replication factor only through Cruise Control, which this Kafka does not run`, {
          field: 'spec.replicas',
          fix: 'keep the replication factor, or enable Cruise Control on the Kafka cluster first',
        }),
      );
    } else {
      out.push(
        finding(after, 'disruptive', `replicas ${brf} → ${arf}: Cruise Control moves partition replicas (heavy network and disk traffic)${arf < brf ? '; fewer copies of every record' : ''}`, {
          field: 'spec.replicas',
        }),
      );
    }
  }
  if (!deepEqual(get(before, 'spec', 'topicName'), get(after, 'spec', 'topicName'))) {
    out.push(
      finding(after, 'immutable', `topicName ${String(get(before, 'spec', 'topicName') ?? before.metadata.name)} → ${String(get(after, 'spec', 'topicName') ?? after.metadata.name)}: a KafkaTopic cannot be renamed`, {
        field: 'spec.topicName',
        fix: 'create a new KafkaTopic and migrate producers and consumers',
      }),
    );
  }
  for (const key of RETENTION_KEYS) {
    const b = num(get(before, 'spec', 'config', key));
    const a = num(get(after, 'spec', 'config', key));
    if (b !== undefined && a !== undefined && a >= 0 && (a < b || b < 0)) {
      out.push(
        finding(after, 'data-loss', `${key} ${b} → ${a}: records older/larger than the new limit are deleted`, {
          field: `spec.config.${key}`,
          fix: `keep ${key} at ${b}, or copy the older records elsewhere first`,
        }),
      );
    }
  }
  const bcp = String(get(before, 'spec', 'config', 'cleanup.policy') ?? 'delete');
  const acp = String(get(after, 'spec', 'config', 'cleanup.policy') ?? 'delete');
  if (!bcp.includes('compact') && acp.includes('compact')) {
    out.push(finding(after, 'data-loss', `cleanup.policy ${bcp} → ${acp}: compaction drops all but the latest record of every key`, { field: 'spec.config.cleanup.policy' }));
  }
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v)) ? Number(v) : undefined);

/** Whether the desired Kafka cluster runs Cruise Control (spec.cruiseControl set). */
export const hasCruiseControl = (objs: NamedKubeObject[]): boolean => objs.some((o) => isStrimzi(o) && o.kind === 'Kafka' && isRecord(get(o, 'spec', 'cruiseControl')));
