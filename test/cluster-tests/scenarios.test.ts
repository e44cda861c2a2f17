// Scenarios: per-workload pod failure modes and delays, and the operators' status writes, seen in
// the status fields the kubelet / controllers / operators write.
import { describe, expect, it } from 'vitest';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { deployment, k, kjson, kubectl, namespace } from '../helpers/kubectl.js';

const cluster = setupCluster();

const podOf = async (c: ReturnType<typeof cluster>, ns: string, app: string) =>
  (await kjson(c, 'get', 'pods', '-n', ns, '-l', `app=${app}`)).items[0];

describe('pod scenarios', () => {
  it('delays readiness per workload on the scaled clock', async () => {
    const c = cluster();
    const ns = await namespace(c, 'delay');
    // 300 scenario seconds at the run's time scale (0.01 → 3 s).
    await c.applyScenario({ name: ns, pods: [{ match: { namespace: ns, labels: { app: 'slow' } }, mode: 'ready', delay: 300 }] });
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('slow', ns)) });
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('fast', ns)) });
    const t0 = Date.now();
    await k(c, 'rollout', 'status', 'deployment/fast', '-n', ns, '--timeout=60s');
    const slowEarly = await podOf(c, ns, 'slow');
    expect(slowEarly.status.phase).toBe('Pending');
    expect(slowEarly.status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    await k(c, 'rollout', 'status', 'deployment/slow', '-n', ns, '--timeout=60s');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300 * 1000 * c.timeScale * 0.8);
    await c.removeScenario(ns);
  });

  it('CrashLoopBackOff with growing restart counts and the scenario log lines', async () => {
    const c = cluster();
    const ns = await namespace(c, 'crash');
    await c.applyScenario({ name: ns, pods: [{ match: { namespace: ns, labels: { app: 'crashy' } }, mode: 'crashLoop', period: 50, exitCode: 2, logs: ['starting', 'panic: cannot reach kafka:9092'] }] });
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('crashy', ns)) });
    const pod = await eventually('two restarts', async () => {
      const p = await podOf(c, ns, 'crashy');
      return p?.status?.containerStatuses?.[0]?.restartCount >= 2 ? p : undefined;
    });
    const cs = pod.status.containerStatuses[0];
    expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(cs.ready).toBe(false);
    expect(pod.status.conditions.find((x: any) => x.type === 'Ready').status).toBe('False');
    const logs = await kubectl(c, ['logs', pod.metadata.name, '-n', ns, '--previous']);
    expect(logs.stdout).toContain('panic: cannot reach kafka:9092');
    const rollout = await kubectl(c, ['rollout', 'status', 'deployment/crashy', '-n', ns, '--timeout=2s']);
    expect(rollout.exitCode).not.toBe(0);
    const events = await kjson(c, 'get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${pod.metadata.name}`);
    expect(events.items.map((e: any) => e.reason)).toContain('BackOff');
  });

  it('ImagePullBackOff, OOMKilled and an init container that never finishes', async () => {
    const c = cluster();
    const ns = await namespace(c, 'fail');
    await c.applyScenario({ name: ns, pods: [
      { match: { namespace: ns, labels: { app: 'pull' } }, mode: 'imagePullBackOff' },
      { match: { namespace: ns, labels: { app: 'oom' } }, mode: 'oomKilled', period: 100 },
      { match: { namespace: ns, labels: { app: 'init' } }, mode: 'initNeverFinishes' },
    ] });
    for (const d of [deployment('pull', ns, { image: 'registry.invalid/nope:1' }), deployment('oom', ns), deployment('init', ns, { initContainers: true })]) {
      await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(d) });
    }
    const pull = await eventually('ImagePullBackOff', async () => {
      const p = await podOf(c, ns, 'pull');
      return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' ? p : undefined;
    });
    expect(pull.status.phase).toBe('Pending');
    expect(pull.status.containerStatuses[0].state.waiting.message).toBe('Back-off pulling image "registry.invalid/nope:1"');
    const oom = await eventually('OOMKilled', async () => {
      const p = await podOf(c, ns, 'oom');
      return p?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled' ? p : undefined;
    });
    expect(oom.status.containerStatuses[0].lastState.terminated.exitCode).toBe(137);
    expect(oom.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
    const init = await eventually('init running', async () => {
      const p = await podOf(c, ns, 'init');
      return p?.status?.initContainerStatuses?.[0]?.state?.running ? p : undefined;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const still = await podOf(c, ns, 'init');
    expect(still.status.phase).toBe('Pending');
    expect(still.status.conditions.find((x: any) => x.type === 'Initialized').status).toBe('False');
    expect(still.status.containerStatuses[0].state.waiting.reason).toBe('PodInitializing');
    expect(init.metadata.name).toBe(still.metadata.name);
  });

  it('Ready flaps on a period; Job pods succeed or fail as chosen', async () => {
    const c = cluster();
    const ns = await namespace(c, 'flap');
    await c.applyScenario({ name: ns, pods: [
      { match: { namespace: ns, labels: { app: 'flappy' } }, mode: 'readyFlapping', period: 60 },
      { match: { namespace: ns, labels: { 'job-name': 'bad' } }, mode: 'jobFails', exitCode: 3 },
    ] });
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(deployment('flappy', ns)) });
    const seen = new Set<string>();
    await eventually('Ready True then False then True', async () => {
      const p = await podOf(c, ns, 'flappy');
      const r = p?.status?.conditions?.find((x: any) => x.type === 'Ready')?.status;
      if (r) seen.add(seen.has('True') && r === 'False' ? 'down' : seen.has('down') && r === 'True' ? 'up' : r);
      return seen.has('up');
    }, 30_000, 100);
    const job = (name: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1.36' }] } } } });
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(job('bad')) });
    await kubectl(c, ['apply', '-f', '-'], { input: JSON.stringify(job('good')) });
    expect((await kubectl(c, ['wait', '--for=condition=Failed', 'job/bad', '-n', ns, '--timeout=60s'])).exitCode).toBe(0);
    expect((await kubectl(c, ['wait', '--for=condition=Complete', 'job/good', '-n', ns, '--timeout=60s'])).exitCode).toBe(0);
    const bad = await kjson(c, 'get', 'job', 'bad', '-n', ns);
    expect(bad.status.conditions.find((x: any) => x.type === 'Failed').reason).toBe('BackoffLimitExceeded');
    const pods = await kjson(c, 'get', 'pods', '-n', ns, '-l', 'job-name=bad');
    expect(pods.items.length).toBe(2);
    expect(pods.items[0].status.containerStatuses[0].state.terminated.exitCode).toBe(3);
  });
});
