/**
 * The readiness engine's one entry point: `verdict(obj)` → ready | progressing | failed, with a message.
 * Pure: no I/O, no clock. Waiting (watches) lives in ./wait.ts; explaining failures in src/diagnose/.
 */
import * as builtin from './builtin.js';
import { conditions, groupOf, hasStatus, isTrue, notObserved, progressing, ready, failed, describe, condition } from './conditions.js';
import * as ops from './operators.js';
import type { KubeObject, Verdict, VerdictFn } from './types.js';

/** `group/Kind` → verdict function. The kinds listed here are the kinds the engine claims to understand. */
export const handlers: Readonly<Record<string, VerdictFn>> = {
  'apps/Deployment': builtin.deployment,
  'apps/StatefulSet': builtin.statefulSet,
  'apps/DaemonSet': builtin.daemonSet,
  'apps/ReplicaSet': builtin.replicaSet,
  '/Pod': builtin.pod,
  '/PersistentVolumeClaim': builtin.persistentVolumeClaim,
  '/Service': builtin.service,
  '/Namespace': builtin.namespace,
  'batch/Job': builtin.job,
  'policy/PodDisruptionBudget': builtin.podDisruptionBudget,
  'apiextensions.k8s.io/CustomResourceDefinition': builtin.customResourceDefinition,

  'kafka.strimzi.io/Kafka': (o) => ops.strimzi(o, 'Kafka cluster'),
  'kafka.strimzi.io/KafkaNodePool': ops.kafkaNodePool,
  'kafka.strimzi.io/KafkaTopic': (o) => ops.strimzi(o, 'Kafka topic'),
  'kafka.strimzi.io/KafkaUser': (o) => ops.strimzi(o, 'Kafka user'),
  'kafka.strimzi.io/KafkaMirrorMaker2': (o) => ops.strimzi(o, 'MirrorMaker 2'),
  'kafka.strimzi.io/KafkaConnect': (o) => ops.strimzi(o, 'Kafka Connect cluster'),
  'kafka.strimzi.io/KafkaConnector': (o) => ops.strimzi(o, 'Kafka connector'),
  'kafka.strimzi.io/KafkaBridge': (o) => ops.strimzi(o, 'Kafka bridge'),
  'opensearch.opster.io/OpenSearchCluster': ops.openSearchCluster,
  'flink.apache.org/FlinkDeployment': ops.flinkDeployment,
  'serving.kserve.io/InferenceService': ops.inferenceService,
  'external-secrets.io/ExternalSecret': (o) => ops.readyCondition(o, 'Waiting for ExternalSecret'),
  'external-secrets.io/SecretStore': (o) => ops.readyCondition(o, 'waiting for the SecretStore to be validated'),
  'external-secrets.io/ClusterSecretStore': (o) => ops.readyCondition(o, 'waiting for the ClusterSecretStore to be validated'),
  'external-secrets.io/PushSecret': (o) => ops.readyCondition(o, 'Waiting for PushSecret'),
  'external-secrets.io/ClusterExternalSecret': ops.clusterExternalSecret,
  'cert-manager.io/Certificate': ops.certificate,
  'cert-manager.io/Issuer': ops.issuer,
  'cert-manager.io/ClusterIssuer': ops.issuer,
};

/** Kinds whose readiness is decided by status fields logclaw knows (for `status` and the docs). */
export const claimedKinds = (): string[] => Object.keys(handlers).sort();

export const kindKey = (obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string => `${groupOf(obj.apiVersion)}/${obj.kind ?? ''}`;

/**
 * kstatus' generic rules for any other kind: observedGeneration, Stalled → failed, Reconciling → progressing,
 * Ready → its status; an object without a status (ConfigMap, Secret, RBAC…) is ready once it exists.
 */
export function genericVerdict(obj: KubeObject): Verdict {
  if (!hasStatus(obj)) return ready('exists');
  const stale = notObserved(obj);
  if (stale) return stale;
  const stalled = condition(obj, 'Stalled');
  if (isTrue(stalled)) return failed(describe(stalled, 'stalled'));
  const reconciling = condition(obj, 'Reconciling');
  if (isTrue(reconciling)) return progressing(describe(reconciling, 'reconciling'));
  const readyCond = condition(obj, 'Ready');
  if (readyCond) return isTrue(readyCond) ? ready(describe(readyCond, 'ready')) : progressing(describe(readyCond, 'not ready yet'));
  if (conditions(obj).length === 0 || !conditions(obj).some((c) => c.status !== 'True')) return ready('exists');
  return progressing(conditions(obj).filter((c) => c.status !== 'True').map((c) => describe(c)).join('; '));
}

export function verdict(obj: KubeObject): Verdict {
  // Argo CD (gitops-engine GetResourceHealth) and kstatus both put deletion before any kind-specific rule.
  if (obj.metadata?.deletionTimestamp) return progressing('pending deletion', 'Terminating');
  const fn = handlers[kindKey(obj)];
  return fn ? fn(obj) : genericVerdict(obj);
}
