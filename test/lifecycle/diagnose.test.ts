/**
 * Diagnosis on recorded objects (shaped as the API server returns them): the walk from the awaited object down
 * to the container, and every known problem with its fix. The same paths run against the test cluster in
 * test/lifecycle/*.cluster.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, diagnoseHelmError, formatDiagnosis, type ClusterReader } from '../../src/diagnose/index.js';
import type { KubeObject } from '../../src/readiness/types.js';

const NS = 'logclaw-acme';

function reader(objects: KubeObject[], logs: Record<string, string> = {}): ClusterReader & { calls: string[] } {
  const calls: string[] = [];
  const matches = (o: KubeObject, sel?: string) =>
    !sel || sel.split(',').every((kv) => {
      const [k, v] = kv.split('=');
      return o.metadata?.labels?.[k!] === v;
    });
  return {
    calls,
    get: async (ref) => objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && (o.metadata?.namespace ?? undefined) === ref.namespace),
    list: async (ref, o = {}) => {
      calls.push(`list ${ref.kind}`);
      return objects.filter((x) => x.kind === ref.kind && (!ref.namespace || x.metadata?.namespace === ref.namespace) && matches(x, o.labelSelector));
    },
    logs: async (_ns, pod, o) => {
      calls.push(`logs ${pod}/${o.container}${o.previous ? ' previous' : ''}`);
      return logs[`${pod}/${o.container}`] ?? '';
    },
  };
}

const deployment = (name: string, labels: Record<string, string>, status: object = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0 }): KubeObject[] => [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS, generation: 1 }, spec: { replicas: 1, selector: { matchLabels: labels } }, status },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${name}-old`, namespace: NS, labels, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name }] } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${name}-6f7d`, namespace: NS, labels, annotations: { 'deployment.kubernetes.io/revision': '2' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name }] } },
];

const pod = (name: string, owner: { kind: string; name: string }, labels: Record<string, string>, status: object, containers: object[] = [{ name: 'main', image: 'x:1' }]): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels, ownerReferences: [{ apiVersion: 'apps/v1', ...owner }] }, spec: { containers, restartPolicy: 'Always' }, status,
});

const crashing = (container: string, exitCode = 1, reason = 'Error') => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [{ name: container, ready: false, restartCount: 5, image: 'x:1', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } }, lastState: { terminated: { exitCode, reason } } }],
});

describe('walk down from a Deployment', () => {
  it('CrashLoopBackOff: names the ReplicaSet, pod and container, and shows the last log lines', async () => {
    const labels = { app: 'agent' };
    const r = reader(
      [...deployment('ticketing-agent', labels), pod('ticketing-agent-6f7d-abc', { kind: 'ReplicaSet', name: 'ticketing-agent-6f7d' }, labels, crashing('agent', 3))],
      { 'ticketing-agent-6f7d-abc/agent': 'starting\nloading config\nKeyError: PAGERDUTY_TOKEN\n' },
    );
    const d = await diagnose(r, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'ticketing-agent' });
    expect(d.causes[0]!.path).toEqual([`Deployment ${NS}/ticketing-agent`, 'ReplicaSet ticketing-agent-6f7d', 'Pod ticketing-agent-6f7d-abc', 'container agent']);
    expect(d.causes[0]!.summary).toBe('CrashLoopBackOff (last exit code 3, Error), restarted 5 times');
    expect(d.causes[0]!.logs).toEqual(['starting', 'loading config', 'KeyError: PAGERDUTY_TOKEN']);
    expect(r.calls).toContain('logs ticketing-agent-6f7d-abc/agent previous');
    const text = formatDiagnosis(d).join('\n');
    expect(text).toContain('└ ReplicaSet ticketing-agent-6f7d → Pod ticketing-agent-6f7d-abc → container agent: CrashLoopBackOff');
    expect(text).toContain('      KeyError: PAGERDUTY_TOKEN');
  });

  it('ImagePullBackOff: names the image', async () => {
    const labels = { app: 'vector' };
    const p = pod('vector-6f7d-x', { kind: 'ReplicaSet', name: 'vector-6f7d' }, labels, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
      containerStatuses: [{ name: 'vector', image: 'timberio/vector:0.99.0-distroless', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "timberio/vector:0.99.0-distroless"' } } }],
    });
    const d = await diagnose(reader([...deployment('vector', labels), p]), { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'vector' });
    expect(d.causes[0]!.summary).toMatch(/^ImagePullBackOff: image timberio\/vector:0.99.0-distroless/);
    expect(d.known.map((k) => k.id)).toEqual(['image-pull']);
  });

  it('Airflow webserver OOMKilled: the limit, and the Airflow-specific fix', async () => {
    const labels = { component: 'webserver', release: 'airflow', tier: 'airflow' };
    const p = pod('airflow-webserver-6f7d-q', { kind: 'ReplicaSet', name: 'airflow-webserver-6f7d' }, labels, {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'webserver', ready: false, restartCount: 2, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
    }, [{ name: 'webserver', image: 'apache/airflow:2.10.5', resources: { limits: { memory: '1Gi' } } }]);
    const d = await diagnose(reader([...deployment('airflow-webserver', labels), p]), { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'airflow-webserver' });
    expect(d.causes[0]!.summary).toBe('OOMKilled (memory limit 1Gi), restarted 2 times');
    expect(d.known.map((k) => k.id)).toEqual(['airflow-webserver-oomkilled']);
    expect(d.known[0]!.fix).toMatch(/limit is 1Gi.*airflow\.webserver\.resources\.limits\.memory to 2Gi/);
  });

  it('Airflow scheduler waiting for migrations (init container never finishes)', async () => {
    const labels = { component: 'scheduler', release: 'airflow' };
    const p = pod('airflow-scheduler-6f7d-z', { kind: 'ReplicaSet', name: 'airflow-scheduler-6f7d' }, labels, {
      phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }],
      initContainerStatuses: [{ name: 'wait-for-airflow-migrations', ready: false, state: { running: {} } }],
      containerStatuses: [{ name: 'scheduler', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
    });
    const d = await diagnose(
      reader([...deployment('airflow-scheduler', labels), p], { 'airflow-scheduler-6f7d-z/wait-for-airflow-migrations': 'Waiting for migrations... 50 of 60 s\n' }),
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'airflow-scheduler' },
    );
    expect(d.causes[0]!.summary).toBe('init container has not finished');
    expect(d.known[0]!.id).toBe('airflow-waiting-for-migrations');
    expect(d.known[0]!.fix).toMatch(/run-airflow-migrations/);
  });

  it('Pending pods: the scheduler event, and the zone-label problem when nodes have no zone', async () => {
    const labels = { app: 'opensearch' };
    const objs: KubeObject[] = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'opensearch', namespace: NS, generation: 1 }, spec: { replicas: 3, selector: { matchLabels: labels } }, status: { observedGeneration: 1, readyReplicas: 0 } },
      pod('opensearch-0', { kind: 'StatefulSet', name: 'opensearch' }, labels, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label)." }] }),
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: NS }, type: 'Warning', reason: 'FailedScheduling', message: "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label).", involvedObject: { kind: 'Pod', name: 'opensearch-0' } } as KubeObject,
      ...['a', 'b', 'c'].map((n): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } } })),
    ];
    const d = await diagnose(reader(objs), { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: NS, name: 'opensearch' });
    expect(d.causes[0]!.summary).toMatch(/^Pending, not scheduled: 0\/3 nodes are available: 3 node\(s\) didn't match pod topology spread/);
    expect(d.known.map((k) => k.id)).toEqual(['pending-no-zone-labels']);
    expect(d.events[0]).toMatch(/Pod opensearch-0: FailedScheduling/);
    // with zone labels on the nodes it is not that problem
    for (const o of objs) if (o.kind === 'Node') o.metadata!.labels!['topology.kubernetes.io/zone'] = 'a';
    expect((await diagnose(reader(objs), { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: NS, name: 'opensearch' })).known).toEqual([]);
  });
});

describe('custom resources and operators', () => {
  it('OpenSearch cluster_manager_not_discovered from the node logs', async () => {
    const objs: KubeObject[] = [
      { apiVersion: 'opensearch.opster.io/v1', kind: 'OpenSearchCluster', metadata: { name: 'logs', namespace: NS }, spec: { nodePools: [{ component: 'masters', replicas: 3 }] }, status: { phase: 'RUNNING', initialized: false } },
      pod('logs-masters-0', { kind: 'StatefulSet', name: 'logs-masters' }, { 'opster.io/opensearch-cluster': 'logs' }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'opensearch', ready: false, state: { running: {} } }] }),
    ];
    const d = await diagnose(
      reader(objs, { 'logs-masters-0/opensearch': '[WARN ][o.o.c.c.ClusterFormationFailureHelper] cluster-manager not discovered yet\n{"error":{"type":"cluster_manager_not_discovered_exception"}}\n' }),
      { apiVersion: 'opensearch.opster.io/v1', kind: 'OpenSearchCluster', namespace: NS, name: 'logs' },
    );
    expect(d.verdict.message).toBe('running, security/bootstrap not initialized yet');
    expect(d.causes[0]!.summary).toBe('running but not ready');
    expect(d.known.map((k) => k.id)).toContain('opensearch-cluster-manager-not-discovered');
  });

  it('OpenSearch authentication failing (dashboards logs)', async () => {
    const labels = { app: 'opensearch-dashboards' };
    const objs = [...deployment('opensearch-dashboards', labels), pod('opensearch-dashboards-6f7d-a', { kind: 'ReplicaSet', name: 'opensearch-dashboards-6f7d' }, labels, crashing('dashboards'))];
    const d = await diagnose(reader(objs, { 'opensearch-dashboards-6f7d-a/dashboards': 'FATAL  Error: [security_exception]: Authentication finally failed for admin\n' }), { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'opensearch-dashboards' });
    expect(d.known.map((k) => k.id)).toEqual(['opensearch-auth-failing']);
  });

  it('Vector unable to reach Kafka', async () => {
    const labels = { 'app.kubernetes.io/name': 'vector' };
    const objs = [...deployment('ingestion-vector', labels), pod('ingestion-vector-6f7d-b', { kind: 'ReplicaSet', name: 'ingestion-vector-6f7d' }, labels, crashing('vector', 78))];
    const logs = 'ERROR rdkafka::client: librdkafka: Global error: BrokerTransportFailure (Local: Broker transport failure): kafka-kafka-bootstrap:9092/bootstrap: Connect to ipv4#10.96.3.4:9092 failed: Connection refused\n';
    const d = await diagnose(reader(objs, { 'ingestion-vector-6f7d-b/vector': logs }), { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'ingestion-vector' });
    expect(d.known.map((k) => k.id)).toEqual(['vector-cannot-reach-kafka']);
    expect(d.known[0]!.fix).toMatch(/plain listener on 9092/);
  });

  it('a Strimzi Kafka that failed: its conditions and the operator warning events', async () => {
    const objs: KubeObject[] = [
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'kafka', namespace: NS, generation: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'NotReady', status: 'True', reason: 'TimeoutException', message: 'Exceeded timeout of 300000ms while waiting for Pods resource kafka-pool-0 to be ready' }] } },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: NS }, type: 'Warning', reason: 'ReconciliationFailed', message: 'Timed out', involvedObject: { kind: 'Kafka', name: 'kafka' } } as KubeObject,
    ];
    const d = await diagnose(reader(objs), { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', namespace: NS, name: 'kafka' });
    expect(d.verdict.status).toBe('failed');
    expect(d.conditions).toEqual(['NotReady=True (TimeoutException): Exceeded timeout of 300000ms while waiting for Pods resource kafka-pool-0 to be ready']);
    expect(d.events).toEqual(['Kafka kafka: ReconciliationFailed: Timed out']);
  });

  it('Strimzi CRDs older than the operator, from the helm error and the served versions', async () => {
    const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'kafkas.kafka.strimzi.io' }, spec: { group: 'kafka.strimzi.io', names: { kind: 'Kafka' }, versions: [{ name: 'v1beta2', served: true }] } };
    const err = 'Error: unable to build kubernetes objects from release manifest: resource mapping not found for name: "kafka" namespace: "logclaw-acme" from "": no matches for kind "Kafka" in version "kafka.strimzi.io/v1"\nensure CRDs are installed first';
    const known = await diagnoseHelmError(reader([crd]), err);
    expect(known.map((k) => k.id)).toEqual(['strimzi-crds-outdated']);
    expect(known[0]!.fix).toMatch(/logclaw operators install/);
  });

  it('a missing object says so', async () => {
    const d = await diagnose(reader([]), { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'ghost' });
    expect(d.causes[0]!.summary).toMatch(/never created/);
  });
});
