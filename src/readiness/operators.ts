/**
 * Verdicts for the custom resources logclaw's charts render (and their operators' neighbours):
 * Strimzi, OpenSearch operator, Flink operator, KServe, External Secrets, cert-manager.
 * Each reads the status its operator writes at the pinned version (../shared/crds).
 */
import {
  condition,
  conditionStale,
  conditions,
  describe,
  failed,
  hasStatus,
  isFalse,
  isTrue,
  notObserved,
  num,
  progressing,
  ready,
} from './conditions.js';
import type { KubeObject, Verdict } from './types.js';

// ---------------------------------------------------------------- Strimzi (kafka.strimzi.io)

/** NotReady reasons Strimzi uses while it is still working (not failures). */
const STRIMZI_IN_PROGRESS = new Set(['Creating', 'Reconciling', 'Pending']);

function strimziWarnings(obj: KubeObject): string {
  const w = conditions(obj).filter((c) => c.type === 'Warning' && c.status === 'True' && c.message);
  return w.length ? ` (warning: ${w.map((c) => c.message).join('; ')})` : '';
}

/** Kafka, KafkaTopic, KafkaUser, KafkaMirrorMaker2, KafkaConnect, KafkaBridge, KafkaConnector, KafkaRebalance. */
export function strimzi(obj: KubeObject, what = obj.kind ?? 'resource'): Verdict {
  if (!hasStatus(obj)) return progressing(`waiting for the Strimzi operator to report on the ${what}`, 'NoStatus');
  const stale = notObserved(obj, 'the Strimzi operator');
  if (stale) return stale;
  const readyCond = condition(obj, 'Ready');
  if (isTrue(readyCond)) return ready(`ready${strimziWarnings(obj)}`);
  const notReady = condition(obj, 'NotReady');
  if (isTrue(notReady)) {
    if (notReady?.reason && STRIMZI_IN_PROGRESS.has(notReady.reason)) return progressing(describe(notReady, `${what} is being deployed`));
    return failed(describe(notReady, `${what} is not ready`));
  }
  const paused = condition(obj, 'ReconciliationPaused');
  if (isTrue(paused)) return progressing('reconciliation is paused (strimzi.io/pause-reconciliation)', 'Suspended');
  return progressing(`waiting for the ${what} to become ready`);
}

/** KafkaNodePool: no Ready condition; ready when the operator has observed it and placed every replica. */
export function kafkaNodePool(obj: KubeObject): Verdict {
  if (!hasStatus(obj)) return progressing('waiting for the Strimzi operator to pick up the node pool (is its Kafka created?)', 'NoStatus');
  const stale = notObserved(obj, 'the Strimzi operator');
  if (stale) return stale;
  const want = num(obj.spec?.replicas, 0);
  const have = num(obj.status?.replicas);
  const ids = Array.isArray(obj.status?.nodeIds) ? obj.status.nodeIds.length : 0;
  if (have < want || ids < want) return progressing(`${Math.min(have, ids)}/${want} nodes assigned`);
  return ready(`${want} node(s): ${(obj.status?.nodeIds ?? []).join(', ')}${strimziWarnings(obj)}`);
}

// ---------------------------------------------------------------- OpenSearch operator (opensearch.opster.io)

export function openSearchCluster(obj: KubeObject): Verdict {
  const st = obj.status;
  if (!hasStatus(obj)) return progressing('waiting for the OpenSearch operator to report', 'NoStatus');
  const failedComponent = (Array.isArray(st.componentsStatus) ? st.componentsStatus : []).find(
    (c: { status?: string }) => typeof c.status === 'string' && /fail|error/i.test(c.status),
  );
  if (failedComponent) {
    return failed(`${failedComponent.component ?? 'component'} ${failedComponent.status}${failedComponent.description ? `: ${failedComponent.description}` : ''}`);
  }
  const phase: string = st.phase ?? 'PENDING';
  if (phase !== 'RUNNING') return progressing(`phase ${phase}`);
  if (st.initialized !== true) return progressing('running, security/bootstrap not initialized yet');
  const want = (Array.isArray(obj.spec?.nodePools) ? obj.spec.nodePools : []).reduce((n: number, p: { replicas?: number }) => n + num(p.replicas), 0);
  const available = num(st.availableNodes, want);
  if (available < want) return progressing(`${available}/${want} nodes available`);
  const health = typeof st.health === 'string' ? st.health.toLowerCase() : '';
  if (health === 'red') return progressing('cluster health is red');
  return ready(`running, health ${health || 'unknown'}, ${available} node(s)`);
}

// ---------------------------------------------------------------- Flink operator (flink.apache.org)

export function flinkDeployment(obj: KubeObject): Verdict {
  const st = obj.status;
  if (!hasStatus(obj)) return progressing('waiting for the Flink operator to report', 'NoStatus');
  const reconcileError: string | undefined = st.reconciliationStatus?.error ?? (typeof st.error === 'string' ? st.error : undefined);
  const jm: string | undefined = st.jobManagerDeploymentStatus;
  if (jm === 'ERROR') return failed(reconcileError || 'JobManager deployment is in ERROR');
  if (st.lifecycleState === 'FAILED') return failed(reconcileError || 'deployment FAILED');
  const jobState: string | undefined = st.jobStatus?.state;
  if (jobState === 'FAILED') return failed(reconcileError || `job ${st.jobStatus?.jobName ?? ''} FAILED`.replace('  ', ' '));
  const stale = notObserved(obj, 'the Flink operator');
  if (stale) return stale;
  const wantSuspended = obj.spec?.job?.state === 'suspended';
  if (wantSuspended && (jobState === 'SUSPENDED' || jobState === 'FINISHED' || jm === 'MISSING')) return ready('job suspended as requested');
  const reconciled = st.reconciliationStatus?.success === true || st.reconciliationStatus?.state === 'DEPLOYED';
  if (jm === 'READY' && reconciled) {
    if (!obj.spec?.job || jobState === 'RUNNING' || jobState === 'FINISHED') return ready(jobState ? `job ${jobState}` : 'session cluster ready');
    return progressing(`JobManager ready, job ${jobState ?? 'not started yet'}`);
  }
  return progressing(`waiting for deploying: JobManager ${jm ?? 'not deployed'}${reconcileError ? ` (${reconcileError})` : ''}`);
}

// ---------------------------------------------------------------- KServe (serving.kserve.io)

export function inferenceService(obj: KubeObject): Verdict {
  if (obj.metadata?.annotations?.['serving.kserve.io/stop'] === 'true' || isTrue(condition(obj, 'Stopped'))) {
    return progressing('InferenceService is stopped (serving.kserve.io/stop)', 'Suspended');
  }
  if (!hasStatus(obj)) return progressing('waiting for the KServe controller to report', 'NoStatus');
  const transition: string | undefined = obj.status?.modelStatus?.transitionStatus;
  const notTrue = conditions(obj).filter((c) => c.status !== 'True' && c.type !== 'Stopped');
  const summary = notTrue.map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`).join('; ');
  if (transition === 'BlockedByFailedLoad' || transition === 'InvalidSpec' || transition === 'FailedToLoad') {
    const info = obj.status?.modelStatus?.lastFailureInfo;
    return failed(`model ${transition}${info?.message ? `: ${info.message}` : summary ? `: ${summary}` : ''}`);
  }
  const revisionFailed = notTrue.find((c) => c.status === 'False' && c.reason === 'RevisionFailed');
  if (revisionFailed) return failed(describe(revisionFailed, 'revision failed'));
  if (transition && transition !== 'UpToDate') return progressing(`model ${transition}${summary ? `: ${summary}` : ''}`);
  const readyCond = condition(obj, 'Ready');
  if (isTrue(readyCond) && notTrue.length === 0) return ready('InferenceService is healthy');
  return progressing(summary || 'waiting for the InferenceService to become ready');
}

// ---------------------------------------------------------------- External Secrets (external-secrets.io)

/** ExternalSecret, SecretStore, ClusterSecretStore, PushSecret: one Ready condition. */
export function readyCondition(obj: KubeObject, waiting: string): Verdict {
  const c = condition(obj, 'Ready');
  if (conditionStale(obj, c)) return progressing(`waiting for the controller to observe generation ${obj.metadata?.generation}`, 'NotObserved');
  if (isTrue(c)) return ready(describe(c, 'ready'));
  if (isFalse(c)) return failed(describe(c, 'not ready'));
  return progressing(c ? describe(c, waiting) : waiting, c ? undefined : 'NoStatus');
}

export function clusterExternalSecret(obj: KubeObject): Verdict {
  if (isTrue(condition(obj, 'Ready'))) return ready('provisioned in every selected namespace');
  const bad = conditions(obj).find((c) => (c.type === 'NotReady' || c.type === 'PartiallyReady') && c.status === 'True');
  if (bad) {
    const ns = (Array.isArray(obj.status?.failedNamespaces) ? obj.status.failedNamespaces : [])
      .map((f: { namespace?: string; reason?: string }) => `${f.namespace}: ${f.reason}`)
      .join('; ');
    return failed(`${describe(bad, 'some namespaces failed')}${ns ? ` (${ns})` : ''}`);
  }
  return progressing('waiting for the ClusterExternalSecret', 'NoStatus');
}

// ---------------------------------------------------------------- cert-manager (cert-manager.io)

export function certificate(obj: KubeObject): Verdict {
  const issuing = condition(obj, 'Issuing');
  const readyCond = condition(obj, 'Ready');
  if (conditionStale(obj, readyCond)) return progressing(`waiting for cert-manager to observe generation ${obj.metadata?.generation}`, 'NotObserved');
  if (isTrue(issuing)) return progressing(describe(issuing, 'issuing'));
  if (isTrue(readyCond)) return ready(describe(readyCond, 'certificate issued'));
  if (isFalse(readyCond)) return failed(describe(readyCond, 'certificate not ready'));
  return progressing('waiting for certificate', 'NoStatus');
}

/** Issuer and ClusterIssuer. */
export function issuer(obj: KubeObject): Verdict {
  return readyCondition(obj, `initializing ${obj.kind ?? 'issuer'}`);
}
