/**
 * Fleet waves and placement on a real Argo CD: two registered clusters (the run's test cluster, where Argo CD
 * runs, and a second control plane registered as `edge-1`), three tenants in the waves canary, early and main,
 * one of them placed on edge-1 by global.rollout.cluster. A chart change then reaches them wave by wave
 * (ApplicationSet RollingSync): no wave's sync starts before every Application of the previous wave is Healthy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bootstrapObjects, renderBootstrap } from '../../src/gitops/bootstrap.js';
import { argoAvailable, startArgoCD, type ArgoCD, type GitRepo } from '../cluster/argocd.ts';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { crdDir, HELM3 } from '../helpers/tools.js';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { projectRepo } from './repo.ts';
import { tempDir } from '../helpers/temp.js';

argoAvailable();
const TENANTS = [
  { id: 'wave-canary', wave: 'canary', cluster: 'in-cluster' },
  { id: 'wave-early', wave: 'early', cluster: 'edge-1' },
  { id: 'wave-main', wave: 'main', cluster: 'in-cluster' },
] as const;

const tenantFile = (t: (typeof TENANTS)[number]) => stringify({
  global: { tenantId: t.id, tenantName: t.id, tier: 'standard', cloudProvider: 'onprem', environment: 'dev', storageClass: 'standard', llm: { provider: 'disabled' }, rollout: { wave: t.wave, cluster: t.cluster } },
  platform: { enabled: false }, ingestion: { enabled: true }, kafka: { enabled: true },
  ...Object.fromEntries(['flink', 'opensearch', 'mlEngine', 'airflow', 'ticketingAgent', 'zammad'].map((c) => [c, { enabled: false }])),
});

let main: Cluster;
let edge: Cluster;
let argo: ArgoCD;
let repo: GitRepo;

/** The Kafka CRDs on a cluster (their status comes from the KWOK stages). */
function kafkaCrds(c: Cluster): void {
  const dir = join(crdDir, 'strimzi-0.50.1');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).flatMap((f) => ['-f', join(dir, f)]);
  execFileSync('kubectl', ['--kubeconfig', c.kubeconfig, '--context', c.context, 'apply', '--server-side', '--force-conflicts', ...files], { stdio: 'ignore' });
}

const apps = async (): Promise<any[]> => JSON.parse(await argo.kubectl(['get', 'applications.argoproj.io', '-n', argo.namespace, '-l', 'logclaw.io/tenant', '-o', 'json'])).items;
async function refresh(): Promise<void> {
  await argo.kubectl(['annotate', '-n', argo.namespace, '--overwrite', 'applicationsets.argoproj.io/logclaw-tenants', 'argocd.argoproj.io/application-set-refresh=true']);
  for (const a of await apps()) await argo.kubectl(['annotate', '-n', argo.namespace, '--overwrite', `applications.argoproj.io/${a.metadata.name}`, 'argocd.argoproj.io/refresh=normal']).catch(() => undefined);
}
const healthyAt = (a: any, sha: string) => a?.status?.sync?.status === 'Synced' && a.status.sync.revision === sha && a.status.health?.status === 'Healthy';

/**
 * Poll until every tenant's Application is Healthy at sha. Returns, per tenant, when its sync of sha started and
 * finished (the Application's operationState, server clock) and when this poll saw it Healthy; and every moment
 * a wave was syncing while an earlier wave was not yet Healthy at sha (RollingSync must never allow it).
 */
async function rollout(sha: string, timeoutMs = 300_000): Promise<{ healthy: Map<string, number>; started: Map<string, number>; finished: Map<string, number>; stepDone: Map<string, number>; overlaps: string[] }> {
  const healthy = new Map<string, number>();
  /** when RollingSync recorded the Application Healthy at sha (ApplicationSet status, server clock) */
  const stepDone = new Map<string, number>();
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const overlaps: string[] = [];
  const order = ['canary', 'early', 'main'];
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; healthy.size < TENANTS.length; n++) {
    if (Date.now() > deadline) {
      const state = (await apps()).map((a) => `${a.metadata.name}: ${a.status?.sync?.status}/${a.status?.health?.status} ${a.status?.operationState?.phase ?? ''} ${JSON.stringify(a.status?.conditions ?? [])}`);
      throw new Error(`rollout of ${sha.slice(0, 8)} timed out:\n${state.join('\n')}\n${argo.logs(10)}`);
    }
    if (n % 8 === 0) await refresh();
    const list = await apps();
    const set = JSON.parse(await argo.kubectl(['get', 'applicationsets.argoproj.io', 'logclaw-tenants', '-n', argo.namespace, '-o', 'json']));
    for (const st of (set.status?.applicationStatus ?? []) as any[]) {
      const name = String(st.application).replace(/^logclaw-tenant-/, '');
      if (!stepDone.has(name) && st.status === 'Healthy' && (st.targetRevisions ?? []).includes(sha)) stepDone.set(name, Date.parse(st.lastTransitionTime));
    }
    for (const a of list) {
      const name = a.metadata.labels['logclaw.io/tenant'];
      const op = a.status?.operationState;
      if (!started.has(name) && op?.operation?.sync?.revision === sha) started.set(name, Date.parse(op.startedAt));
      if (!finished.has(name) && op?.operation?.sync?.revision === sha && op.phase === 'Succeeded' && op.finishedAt) finished.set(name, Date.parse(op.finishedAt));
      if (!healthy.has(name) && healthyAt(a, sha)) healthy.set(name, Date.now());
    }
    for (const a of list) {
      const op = a.status?.operationState;
      if (op?.operation?.sync?.revision !== sha || op.phase !== 'Running') continue;
      const w = order.indexOf(a.metadata.labels['logclaw.io/wave']);
      const behind = list.filter((b) => order.indexOf(b.metadata.labels['logclaw.io/wave']) < w && !healthyAt(b, sha));
      if (behind.length) overlaps.push(`${a.metadata.name} syncing while ${behind.map((b) => b.metadata.name).join(', ')} not Healthy`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { healthy, started, finished, stepDone, overlaps };
}

beforeAll(async () => {
  main = await getCluster();
  edge = await startCluster({ nodes: 1, zones: ['a'], name: 'edge-1', timeScale: 0.01 });
  for (const c of [main, edge]) kafkaCrds(c);
  repo = await projectRepo();
  argo = await startArgoCD({ kubeconfig: main.kubeconfig, context: main.context, helm: HELM3, dir: tempDir('logclaw-argocd-fleet-'), namespace: 'argocd-fleet' });
  await argo.addCluster('edge-1', edge.kubeconfig, edge.context);
  const boot = renderBootstrap({ root: repo.dir, repo: repo.url, revision: 'main', namespace: argo.namespace });
  const objs = bootstrapObjects(boot, 'apply').filter((o) => o.metadata.name === 'logclaw' || o.kind === 'ApplicationSet');
  // the second cluster is a destination of the tenants' project, as gitops/argocd/appproject.yaml would list it
  objs.find((o) => o.kind === 'AppProject')!.spec.destinations.push({ name: 'edge-1', namespace: 'logclaw-*' });
  await argo.kubectl(['apply', '-f', '-'], objs.map((o) => JSON.stringify(o)).join('\n---\n'));
}, 600_000);

afterAll(async () => {
  await argo?.stop();
  await edge?.stop();
  await stopOwnCluster();
}, 120_000);

describe('fleet waves on two clusters', () => {
  it('each tenant lands on the cluster it names, labelled with its wave', async () => {
    const sha = await repo.commit('three tenants', Object.fromEntries(TENANTS.map((t) => [`gitops/tenants/tenant-${t.id}.yaml`, tenantFile(t)])));
    await refresh();
    await rollout(sha);
    const byTenant = new Map((await apps()).map((a) => [a.metadata.labels['logclaw.io/tenant'], a]));
    for (const t of TENANTS) {
      const a = byTenant.get(t.id);
      expect(a.metadata.labels['logclaw.io/wave']).toBe(t.wave);
      expect(a.spec.destination).toEqual({ name: t.cluster, namespace: `logclaw-${t.id}` });
      const on = t.cluster === 'edge-1' ? edge : main;
      const off = t.cluster === 'edge-1' ? main : edge;
      const k = (c: Cluster, ...args: string[]) => execFileSync('kubectl', ['--kubeconfig', c.kubeconfig, '--context', c.context, ...args], { encoding: 'utf8' });
      expect(JSON.parse(k(on, 'get', 'kafkas.kafka.strimzi.io', '-n', `logclaw-${t.id}`, '-o', 'json')).items.length).toBe(1);
      expect(k(off, 'get', 'namespace', `logclaw-${t.id}`, '--ignore-not-found', '-o', 'name').trim()).toBe('');
    }
  }, 420_000);

  it('a chart change reaches canary, then early, then main: each wave starts after the previous one is Healthy', async () => {
    const sha = await repo.commit('chart change: one more ConfigMap per tenant', {
      'charts/logclaw-tenant/templates/release-marker.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: logclaw-release\n  namespace: {{ .Release.Namespace }}\ndata:\n  release: "2"\n',
    });
    const t0 = Date.now();
    await refresh();
    const { healthy, started, finished, stepDone, overlaps } = await rollout(sha);
    const at = (m: Map<string, number>, id: string) => m.get(id)!;
    expect([...started.keys()].sort()).toEqual(TENANTS.map((t) => t.id).sort());
    // server clock (whole seconds): a wave's sync starts only once RollingSync has seen the previous wave
    // Synced and Healthy at the change (which can be a moment before that sync operation writes its end)
    expect(at(started, 'wave-early')).toBeGreaterThanOrEqual(at(stepDone, 'wave-canary'));
    expect(at(started, 'wave-main')).toBeGreaterThanOrEqual(at(stepDone, 'wave-early'));
    // and was never seen syncing while an earlier wave was not Healthy
    expect(overlaps).toEqual([]);
    expect(at(healthy, 'wave-canary')).toBeLessThanOrEqual(at(healthy, 'wave-early'));
    expect(at(healthy, 'wave-early')).toBeLessThanOrEqual(at(healthy, 'wave-main'));
    const rel = (ms: number) => `${((ms - t0) / 1000).toFixed(1)} s`;
    process.stderr.write(`gitops fleet: ${TENANTS.map((t) => `${t.wave} (${t.cluster}) sync from ${rel(at(started, t.id))}${finished.has(t.id) ? ` to ${rel(at(finished, t.id))}` : ''}, step Healthy ${rel(at(stepDone, t.id))}`).join('; ')}\n`);
    const set = JSON.parse(await argo.kubectl(['get', 'applicationsets.argoproj.io', 'logclaw-tenants', '-n', argo.namespace, '-o', 'json']));
    expect(set.status.applicationStatus.map((s: any) => [s.application, s.step, s.status]).sort()).toEqual([
      ['logclaw-tenant-wave-canary', '1', 'Healthy'], ['logclaw-tenant-wave-early', '2', 'Healthy'], ['logclaw-tenant-wave-main', '3', 'Healthy'],
    ]);
  }, 420_000);
});
