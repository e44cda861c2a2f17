/**
 * Verdicts for kinds and states the Argo CD fixtures do not cover, on objects shaped like what the
 * operators at the pinned versions write (status fields from ../shared/crds).
 */
import { describe, expect, it } from 'vitest';
import { verdict } from '../../src/readiness/verdict.js';
import type { KubeObject } from '../../src/readiness/types.js';

const meta = (generation = 1) => ({ name: 'x', namespace: 'logclaw-acme', generation });

describe('kstatus semantics for built-ins', () => {
  const dep = (status: object, spec: object = { replicas: 2 }, generation = 2): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(generation), spec, status });

  it('a deployment whose spec was not observed yet is progressing, even if its old status looks ready', () => {
    const v = verdict(dep({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }));
    expect(v).toMatchObject({ status: 'progressing', reason: 'NotObserved' });
  });
  it('a complete rollout is ready', () => {
    expect(verdict(dep({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).status).toBe('ready');
  });
  it('old replicas pending termination keep it progressing', () => {
    expect(verdict(dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 })).message).toMatch(/old replica/);
  });
  it('ReplicaFailure (e.g. pod security admission) fails', () => {
    const v = verdict(dep({ observedGeneration: 2, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "x" is forbidden: violates PodSecurity "restricted:latest"' }] }));
    expect(v.status).toBe('failed');
    expect(v.message).toMatch(/PodSecurity/);
  });
  it('a statefulset mid rolling update is progressing until revisions converge', () => {
    const sts = (status: object): KubeObject => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta(3), spec: { replicas: 3 }, status });
    expect(verdict(sts({ observedGeneration: 3, readyReplicas: 3, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' })).status).toBe('progressing');
    expect(verdict(sts({ observedGeneration: 3, readyReplicas: 2, currentRevision: 'b', updateRevision: 'b' })).message).toBe('2/3 pods ready');
    expect(verdict(sts({ observedGeneration: 3, readyReplicas: 3, updatedReplicas: 3, currentRevision: 'b', updateRevision: 'b' })).status).toBe('ready');
  });
  it('a daemonset with an unavailable pod is progressing', () => {
    const ds: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta(1), spec: {}, status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 } };
    expect(verdict(ds)).toMatchObject({ status: 'progressing', message: '2 of 3 pods available' });
  });
  it('replicasets, PDBs, CRDs and namespaces', () => {
    expect(verdict({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta(1), spec: { replicas: 1 }, status: { observedGeneration: 1, availableReplicas: 1 } }).status).toBe('ready');
    expect(verdict({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(1), spec: {}, status: { observedGeneration: 1, currentHealthy: 1, desiredHealthy: 2 } }).status).toBe('progressing');
    expect(verdict({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(1), spec: {}, status: { observedGeneration: 1, currentHealthy: 2, desiredHealthy: 2 } }).status).toBe('ready');
    const crd = (conditions: object[]): KubeObject => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'kafkas.kafka.strimzi.io' }, status: { conditions } });
    expect(verdict(crd([{ type: 'NamesAccepted', status: 'True' }])).status).toBe('progressing');
    expect(verdict(crd([{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }])).status).toBe('ready');
    expect(verdict(crd([{ type: 'NamesAccepted', status: 'False', message: '"kafkas" is already in use' }])).status).toBe('failed');
    expect(verdict({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, status: { phase: 'Terminating' } }).reason).toBe('Terminating');
  });
  it('an unschedulable pod says what the scheduler said', () => {
    const p: KubeObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: meta(), spec: {},
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 node(s) didn\'t match pod topology spread constraints.' }] },
    };
    expect(verdict(p)).toMatchObject({ status: 'progressing' });
    expect(verdict(p).message).toMatch(/topology spread/);
  });
  it('objects without status are ready once they exist; unknown kinds follow kstatus conditions', () => {
    expect(verdict({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta() }).status).toBe('ready');
    const cr = (status: object): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: meta(2), status });
    expect(verdict(cr({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] })).status).toBe('progressing');
    expect(verdict(cr({ observedGeneration: 2, conditions: [{ type: 'Stalled', status: 'True', message: 'bad' }] })).status).toBe('failed');
    expect(verdict(cr({ observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True' }] })).status).toBe('ready');
  });
});

describe('Strimzi', () => {
  const kafka = (status: object | undefined, generation = 1): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: meta(generation), spec: {}, status });
  it('the initial NotReady/Creating status is progress, not failure', () => {
    const v = verdict(kafka({ conditions: [{ type: 'NotReady', status: 'True', reason: 'Creating', message: 'Kafka cluster is being deployed' }] }));
    expect(v).toEqual({ status: 'progressing', message: 'Kafka cluster is being deployed' });
  });
  it('Ready from an older generation is not ready', () => {
    expect(verdict(kafka({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }, 2)).reason).toBe('NotObserved');
  });
  it('warnings are kept in the ready message', () => {
    const v = verdict(kafka({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }, { type: 'Warning', status: 'True', reason: 'KafkaStorage', message: 'single replica' }] }));
    expect(v).toEqual({ status: 'ready', message: 'ready (warning: single replica)' });
  });
  it('a KafkaNodePool is ready when every replica has a node id', () => {
    const pool = (status: object | undefined): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: meta(1), spec: { replicas: 3, roles: ['broker'] }, status });
    expect(verdict(pool(undefined)).reason).toBe('NoStatus');
    expect(verdict(pool({ observedGeneration: 1, replicas: 3, nodeIds: [0, 1] })).status).toBe('progressing');
    expect(verdict(pool({ observedGeneration: 1, replicas: 3, nodeIds: [0, 1, 2] }))).toEqual({ status: 'ready', message: '3 node(s): 0, 1, 2' });
  });
  it('KafkaMirrorMaker2 follows Ready / NotReady', () => {
    const mm2 = (conditions: object[]): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaMirrorMaker2', metadata: meta(1), status: { observedGeneration: 1, conditions } });
    expect(verdict(mm2([{ type: 'Ready', status: 'True' }])).status).toBe('ready');
    expect(verdict(mm2([{ type: 'NotReady', status: 'True', reason: 'ConnectRestException', message: 'connector failed' }])).status).toBe('failed');
  });
});

describe('OpenSearchCluster', () => {
  const os = (status: object | undefined): KubeObject => ({
    apiVersion: 'opensearch.opster.io/v1', kind: 'OpenSearchCluster', metadata: meta(1),
    spec: { nodePools: [{ component: 'masters', replicas: 3 }] }, status,
  });
  it('walks PENDING → RUNNING → initialized → health', () => {
    expect(verdict(os(undefined)).reason).toBe('NoStatus');
    expect(verdict(os({ phase: 'PENDING' })).message).toBe('phase PENDING');
    expect(verdict(os({ phase: 'RUNNING', initialized: false, availableNodes: 3 })).status).toBe('progressing');
    expect(verdict(os({ phase: 'RUNNING', initialized: true, availableNodes: 2, health: 'green' })).message).toBe('2/3 nodes available');
    expect(verdict(os({ phase: 'RUNNING', initialized: true, availableNodes: 3, health: 'red' })).status).toBe('progressing');
    expect(verdict(os({ phase: 'RUNNING', initialized: true, availableNodes: 3, health: 'yellow' })).status).toBe('ready');
  });
});

describe('FlinkDeployment', () => {
  const flink = (status: object, spec: object = { job: { jarURI: 'local:///x.jar', state: 'running' } }): KubeObject => ({ apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: meta(1), spec, status });
  it('a job that has not started keeps it progressing; a failed job fails', () => {
    expect(verdict(flink({ jobManagerDeploymentStatus: 'READY', reconciliationStatus: { state: 'DEPLOYED' }, jobStatus: { state: 'CREATED' } })).status).toBe('progressing');
    expect(verdict(flink({ jobManagerDeploymentStatus: 'READY', reconciliationStatus: { state: 'DEPLOYED' }, jobStatus: { state: 'FAILED' }, error: 'boom' })).status).toBe('failed');
    expect(verdict(flink({ jobManagerDeploymentStatus: 'READY', reconciliationStatus: { state: 'DEPLOYED' } }, {})).message).toBe('session cluster ready');
  });
});

describe('cert-manager and External Secrets', () => {
  it('a Certificate whose Ready condition is from an older generation is not ready', () => {
    const c: KubeObject = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta(2), status: { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] } };
    expect(verdict(c).reason).toBe('NotObserved');
  });
  it('a SecretStore that cannot validate fails with the controller message', () => {
    const s: KubeObject = { apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: meta(), status: { conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidProviderConfig', message: 'unable to create client' }] } };
    expect(verdict(s)).toEqual({ status: 'failed', message: 'unable to create client' });
  });
});
