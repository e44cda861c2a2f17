// The simulated cluster with the real kubectl: nodes and zones, apply (client- and server-side,
// conflicts), wait, rollout status, scheduling with topology spread, volumes, logs, exec,
// port-forward, deletion with garbage collection, Jobs.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { deployment, k, kjson, kubectl, namespace, yamlDocs } from '../helpers/kubectl.js';
import { startFakeVector } from '../cluster/handlers.ts';

const cluster = setupCluster();

describe('simulated control plane with kubectl', () => {
  it('serves Kubernetes v1.33 with Ready nodes spread over zones and a default StorageClass', async () => {
    const c = cluster();
    const version = JSON.parse(await k(c, 'version', '-o', 'json'));
    expect(version.serverVersion.gitVersion).toBe('v1.33.13');
    const nodes = await kjson(c, 'get', 'nodes');
    expect(nodes.items).toHaveLength(3);
    for (const n of nodes.items) {
      expect(n.status.conditions.find((x: any) => x.type === 'Ready').status).toBe('True');
    }
    expect(nodes.items.map((n: any) => n.metadata.labels['topology.kubernetes.io/zone']).sort()).toEqual(['a', 'b', 'c']);
    const sc = await kjson(c, 'get', 'storageclass', 'standard');
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
  });

  it('applies client-side, server-side, reports a field-manager conflict and takes it with --force-conflicts', async () => {
    const c = cluster();
    const ns = await namespace(c, 'apply');
    const cm = (v: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns }, data: { key: v } });
    expect((await kubectl(c, ['apply', '-f', '-'], { input: cm('one') })).stdout).toContain('configmap/cfg created');
    expect((await kubectl(c, ['apply', '-f', '-'], { input: cm('two') })).stdout).toContain('configmap/cfg configured');
    const annotated = await kjson(c, 'get', 'configmap', 'cfg', '-n', ns);
    expect(annotated.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('two');

    // Server-side apply on an object of its own: two managers claiming the same field conflict.
    const cm2 = (v: string) => cm(v).replace('"name":"cfg"', '"name":"cfg-ssa"');
    const ssa = await kubectl(c, ['apply', '--server-side', '--field-manager=alice', '-f', '-'], { input: cm2('alice') });
    expect(ssa.exitCode, ssa.stderr).toBe(0);
    const conflict = await kubectl(c, ['apply', '--server-side', '--field-manager=bob', '-f', '-'], { input: cm2('bob') });
    expect(conflict.exitCode).not.toBe(0);
    expect(conflict.stderr).toMatch(/conflict/i);
    expect(conflict.stderr).toContain('alice');
    const forced = await kubectl(c, ['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-'], { input: cm2('bob') });
    expect(forced.exitCode, forced.stderr).toBe(0);
    const after = await kjson(c, 'get', 'configmap', 'cfg-ssa', '-n', ns, '--show-managed-fields');
    expect(after.data.key).toBe('bob');
    // Moving the client-side applied object to server-side apply conflicts with kubectl's CSA manager too.
    const migrate = await kubectl(c, ['apply', '--server-side', '--field-manager=carol', '-f', '-'], { input: cm('carol') });
    expect(migrate.stderr).toContain('kubectl-client-side-apply');
    expect(after.metadata.managedFields.map((m: any) => m.manager)).toEqual(['bob']);
  });

  it('rolls out a Deployment spread across zones; wait and rollout status succeed', async () => {
    const c = cluster();
    const ns = await namespace(c, 'rollout');
    const r = await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('web', ns, { replicas: 3, spread: true, initContainers: true })) });
    expect(r.exitCode, r.stderr).toBe(0);
    const status = await kubectl(c, ['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain('successfully rolled out');
    const wait = await kubectl(c, ['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '-n', ns, '--timeout=30s']);
    expect(wait.exitCode, wait.stderr).toBe(0);
    const pods = await kjson(c, 'get', 'pods', '-n', ns, '-l', 'app=web');
    const nodes = await kjson(c, 'get', 'nodes');
    const zoneOf = Object.fromEntries(nodes.items.map((n: any) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']]));
    expect(new Set(pods.items.map((p: any) => zoneOf[p.spec.nodeName])).size).toBe(3);
    for (const p of pods.items) {
      expect(p.status.phase).toBe('Running');
      expect(p.status.podIP).toMatch(/^10\.244\./);
      expect(p.status.initContainerStatuses[0].state.terminated.reason).toBe('Completed');
    }
    // A new template rolls out a new ReplicaSet.
    const img = await kubectl(c, ['set', 'image', 'deployment/web', 'main=nginx:1.28', '-n', ns]);
    expect(img.exitCode, img.stderr).toBe(0);
    expect((await kubectl(c, ['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s'])).exitCode).toBe(0);
    const rs = await kjson(c, 'get', 'replicasets', '-n', ns);
    expect(rs.items).toHaveLength(2);
  });

  it('binds a volume for every StatefulSet claim through the provisioner', async () => {
    const c = cluster();
    const ns = await namespace(c, 'sts');
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: ns },
      spec: {
        serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } }],
      },
    };
    expect((await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(sts) })).exitCode).toBe(0);
    const status = await kubectl(c, ['rollout', 'status', 'statefulset/db', '-n', ns, '--timeout=60s']);
    expect(status.exitCode, status.stderr).toBe(0);
    const pvcs = await kjson(c, 'get', 'pvc', '-n', ns);
    expect(pvcs.items.map((p: any) => p.status.phase)).toEqual(['Bound', 'Bound']);
    expect(pvcs.items[0].spec.storageClassName).toBe('standard');
    const pv = await kjson(c, 'get', 'pv', pvcs.items[0].spec.volumeName);
    expect(pv.spec.capacity.storage).toBe('2Gi');
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toHaveLength(1);
    // Deleting the claims releases and deletes their volumes (reclaim policy Delete).
    await k(c, 'delete', 'statefulset', 'db', '-n', ns, '--wait=true');
    await k(c, 'delete', 'pvc', '--all', '-n', ns, '--wait=true');
    await eventually('released volumes deleted', async () => (await kubectl(c, ['get', 'pv', pv.metadata.name])).exitCode !== 0);
  });

  it('shows logs, runs exec through kwok handlers and port-forwards to a local handler', async () => {
    const c = cluster();
    const ns = await namespace(c, 'debug');
    expect((await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('kafka', ns)) })).exitCode).toBe(0);
    await k(c, 'rollout', 'status', 'deployment/kafka', '-n', ns, '--timeout=60s');
    const pod = (await kjson(c, 'get', 'pods', '-n', ns, '-l', 'app=kafka')).items[0].metadata.name as string;

    expect(await k(c, 'logs', pod, '-n', ns)).toContain('logclaw-sim: container started');
    await c.setPodLogs(ns, pod, ['line one', 'line two']);
    await eventually('pod logs', async () => (await k(c, 'logs', pod, '-n', ns)).includes('line two'));

    const topic = `t-${ns}`;
    const produce = await kubectl(c, ['exec', '-i', pod, '-n', ns, '--', 'bin/kafka-console-producer.sh', '--bootstrap-server', 'localhost:9092', '--topic', topic], { input: 'hello\nworld\n' });
    expect(produce.exitCode, produce.stderr).toBe(0);
    expect(c.topic(topic)).toEqual(['hello', 'world']);
    const consume = await kubectl(c, ['exec', pod, '-n', ns, '--', 'kafka-console-consumer.sh', '--bootstrap-server', 'localhost:9092', '--topic', topic, '--from-beginning', '--max-messages', '2']);
    expect(consume.exitCode, consume.stderr).toBe(0);
    expect(consume.stdout.trim().split('\n')).toEqual(['hello', 'world']);
    expect(consume.stderr).toContain('Processed a total of 2 messages');

    const vector = await startFakeVector();
    try {
      await c.forwardPort({ namespace: ns, pod, podPort: 8080, localPort: vector.port });
      const pf = execa('kubectl', ['--kubeconfig', c.kubeconfig, '--context', c.context, 'port-forward', '-n', ns, `pod/${pod}`, ':8080'], { reject: false });
      const local = await new Promise<number>((resolve, reject) => {
        pf.stdout!.on('data', (d: Buffer) => { const m = /127\.0\.0\.1:(\d+) -> 8080/.exec(String(d)); if (m) resolve(Number(m[1])); });
        void pf.then((r) => reject(new Error(`port-forward exited: ${r.stderr}`)));
      });
      const health = await eventually('forwarded health', async () => {
        const res = await fetch(`http://127.0.0.1:${local}/health`, { signal: AbortSignal.timeout(3000) });
        return res.ok ? res.json() : undefined;
      });
      expect(health).toEqual({ ok: true });
      const post = await fetch(`http://127.0.0.1:${local}/`, { method: 'POST', body: JSON.stringify({ message: 'via port-forward' }) });
      expect(post.status).toBe(200);
      expect(vector.events).toEqual([{ message: 'via port-forward' }]);
      pf.kill('SIGINT');
      await pf;
    } finally {
      await vector.close();
    }
  });

  it('garbage-collects dependents on delete (background and foreground)', async () => {
    const c = cluster();
    const ns = await namespace(c, 'gc');
    await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(deployment('a', ns, { replicas: 2 }), deployment('b', ns, { replicas: 2 })) });
    await k(c, 'rollout', 'status', 'deployment/a', '-n', ns, '--timeout=60s');
    await k(c, 'rollout', 'status', 'deployment/b', '-n', ns, '--timeout=60s');
    await k(c, 'delete', 'deployment', 'a', '-n', ns);
    await eventually('pods of a collected', async () => (await kjson(c, 'get', 'pods', '-n', ns, '-l', 'app=a')).items.length === 0);
    expect((await kjson(c, 'get', 'replicasets', '-n', ns, '-l', 'app=a')).items).toHaveLength(0);
    const fg = await kubectl(c, ['delete', 'deployment', 'b', '-n', ns, '--cascade=foreground', '--wait=true', '--timeout=60s']);
    expect(fg.exitCode, fg.stderr).toBe(0);
    expect((await kjson(c, 'get', 'pods', '-n', ns, '-l', 'app=b')).items).toHaveLength(0);
    await k(c, 'delete', 'namespace', ns, '--wait=true', '--timeout=60s');
    expect((await kubectl(c, ['get', 'namespace', ns])).exitCode).not.toBe(0);
  });

  it('runs Jobs to completion (the real Job controller marks them)', async () => {
    const c = cluster();
    const ns = await namespace(c, 'job');
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: ns },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36' }] } } } };
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(job) });
    const wait = await kubectl(c, ['wait', '--for=condition=Complete', 'job/migrate', '-n', ns, '--timeout=60s']);
    expect(wait.exitCode, wait.stderr).toBe(0);
    const done = await kjson(c, 'get', 'job', 'migrate', '-n', ns);
    expect(done.status.succeeded).toBe(1);
  });
});
