/**
 * The GitOps path executed: a real Argo CD v3 (test/cluster/argocd.ts) on the run's test cluster with the
 * official operator charts, reading a local git repository that holds this project's charts/ and gitops/.
 * `logclaw gitops bootstrap` renders gitops/argocd/ for that repository; committing a tenant file makes the
 * ApplicationSet create logclaw-tenant-<id>, which syncs the umbrella chart with the tenant file into
 * logclaw-<id> and turns Synced + Healthy once the KWOK stages make the custom resources ready.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bootstrapObjects, renderBootstrap } from '../../src/gitops/bootstrap.js';
import { argoHealthOf, readinessAgreement } from '../../src/gitops/health.js';
import { verdict } from '../../src/readiness/verdict.js';
import { argoAvailable, startArgoCD, type ArgoCD, type GitRepo } from '../cluster/argocd.ts';
import type { Cluster } from '../cluster/index.ts';
import { runCli } from '../helpers/cli.js';
import { HELM3 } from '../helpers/tools.js';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { ensureOperators, workspace, cleanup, type Workspace } from '../helpers/workspace.js';
import { projectRepo } from './repo.ts';
import { tempDir } from '../helpers/temp.js';

argoAvailable();
const ID = 'gitops-one';
const APP = `logclaw-tenant-${ID}`;
const NS = `logclaw-${ID}`;

// cert-manager's Issuer status is not among the test cluster's operator stages: play it here
const issuerReady = {
  apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Stage', metadata: { name: 'gitops-issuer-ready' },
  spec: {
    resourceRef: { apiGroup: 'cert-manager.io/v1', kind: 'Issuer' },
    selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' }, { key: '.status.conditions', operator: 'DoesNotExist' }] },
    next: { statusTemplate: 'conditions:\n- type: Ready\n  status: "True"\n  reason: IsReady\n  message: Signing CA verified\n  lastTransitionTime: {{ Now | Quote }}\n' },
  },
};

/** A small tenant: platform baseline, Vector, Kafka (custom resources played by the stages), OpenSearch (a
 * single-node StatefulSet in dev: volumes from its claim templates). */
export function tenantFile(id: string, extra: Record<string, unknown> = {}): string {
  const off = { enabled: false };
  return stringify({
    global: { tenantId: id, tenantName: `GitOps ${id}`, tier: 'standard', cloudProvider: 'onprem', environment: 'dev', storageClass: 'standard', llm: { provider: 'disabled' }, ...(extra.global as object) },
    platform: { enabled: true }, ingestion: { enabled: true }, kafka: { enabled: true },
    opensearch: { enabled: true },
    flink: off, mlEngine: off, airflow: off, ticketingAgent: off, zammad: off,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'global')),
  });
}

let cluster: Cluster;
let ws: Workspace;
let argo: ArgoCD;
let repo: GitRepo;

const app = async (name = APP): Promise<any | undefined> => {
  const out = await argo.kubectl(['get', 'applications.argoproj.io', '-n', argo.namespace, '--ignore-not-found', '-o', 'json', name]);
  return out.trim() ? JSON.parse(out) : undefined;
};
/** Poll until fn returns a value; the failure message shows the Application and the Argo CD logs. */
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try { const v = await fn(); if (v) return v; last = v; } catch (e) { last = e; }
    if (Date.now() > deadline) {
      const a = await app().catch(() => undefined);
      throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}\napplication: ${JSON.stringify(a?.status ?? null).slice(0, 3000)}\n${argo.logs(15)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
/** What a git webhook does: ask the ApplicationSet (and Applications) to look at git now. */
async function refresh(): Promise<void> {
  await argo.kubectl(['annotate', '-n', argo.namespace, '--overwrite', 'applicationsets.argoproj.io/logclaw-tenants', 'argocd.argoproj.io/application-set-refresh=true']);
  const apps = await argo.kubectl(['get', 'applications.argoproj.io', '-n', argo.namespace, '-o', 'name']);
  for (const a of apps.split('\n').filter(Boolean)) await argo.kubectl(['annotate', '-n', argo.namespace, '--overwrite', a, 'argocd.argoproj.io/refresh=normal']);
}
const gitopsStatusCli = (args: string[]) => runCli(['gitops', 'status', '--kubeconfig', join(argo.dir, 'kubeconfig'), '--kube-context', cluster.context, '--namespace', argo.namespace, ...args]);
const synced = (a: any, sha: string) => a?.status?.sync?.status === 'Synced' && a.status.sync.revision === sha && a.status.health?.status === 'Healthy' && a.status.operationState?.phase === 'Succeeded' && a;

beforeAll(async () => {
  cluster = await getCluster();
  ws = await workspace(cluster);
  await ensureOperators(cluster, ws);
  await cluster.applyScenario({ name: 'gitops', stages: [issuerReady] });
  repo = await projectRepo();
  argo = await startArgoCD({ kubeconfig: cluster.kubeconfig, context: cluster.context, helm: HELM3, dir: tempDir('logclaw-argocd-') });
  const boot = renderBootstrap({ root: repo.dir, repo: repo.url, revision: 'main', namespace: argo.namespace });
  const wanted = bootstrapObjects(boot, 'apply').filter((o) => o.metadata.name === 'logclaw' || o.kind === 'ApplicationSet');
  await argo.kubectl(['apply', '-f', '-'], wanted.map((o) => JSON.stringify(o)).join('\n---\n'));
}, 600_000);

afterAll(async () => {
  await argo?.stop();
  await cluster?.removeScenario('gitops').catch(() => undefined);
  cleanup(ws);
  await stopOwnCluster();
}, 120_000);

describe('Argo CD v3 from git', () => {
  let sha = '';

  it('a committed tenant file becomes logclaw-tenant-<id>, Synced and Healthy in logclaw-<id>', async () => {
    const t0 = Date.now();
    sha = await repo.commit(`onboard ${ID}`, { [`gitops/tenants/tenant-${ID}.yaml`]: tenantFile(ID) });
    await refresh();
    const created = await until('the Application', () => app());
    expect(created.metadata.labels['logclaw.io/tenant']).toBe(ID);
    expect(created.spec.destination.namespace).toBe(NS);
    expect(created.spec.source.helm.valueFiles).toEqual([`../../gitops/tenants/tenant-${ID}.yaml`]);
    const done = await until('Synced + Healthy at the commit', async () => { await refresh(); return synced(await app(), sha); }, 240_000);
    const kinds = new Set(done.status.resources.map((r: any) => r.kind));
    for (const k of ['Namespace', 'Deployment', 'StatefulSet', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'NetworkPolicy']) expect([...kinds]).toContain(k);
    expect(done.status.resources.every((r: any) => r.status === 'Synced')).toBe(true);
    // the tenant's objects carry the release name the helmfile path uses
    const sts = JSON.parse(await argo.kubectl(['get', 'statefulsets', '-n', NS, '-o', 'json']));
    expect(sts.items.length).toBeGreaterThan(0);
    process.stderr.write(`gitops: commit → ${APP} Synced+Healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    // logclaw gitops status reads the same Application
    const st = await gitopsStatusCli(['--tenant', ID, '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout).applications).toEqual([expect.objectContaining({ tenant: ID, application: APP, cluster: 'in-cluster', wave: 'main', sync: 'Synced', health: 'Healthy', revision: sha.slice(0, 12), verdict: 'ready', unhealthy: [] })]);
    const pretty = await gitopsStatusCli(['--all']);
    expect(pretty.stdout).toMatch(new RegExp(`${ID}\\s+${APP}\\s+in-cluster\\s+main \\(step 3: Healthy\\)\\s+Synced/Healthy\\s+${sha.slice(0, 12)}\\s+Succeeded`));
    process.stderr.write(`gitops: status\n${pretty.stdout}\n`);
  }, 300_000);

  it("Argo CD's health verdict agrees with logclaw's readiness engine on every object", async () => {
    const a = await app();
    const resources = a.status.resources as any[];
    const refOf = (r: any) => `${r.kind}${r.group ? `.${r.group}` : ''}/${r.name}`;
    // every live object in one kubectl call (the namespace flag is ignored for the cluster-scoped Namespace)
    const live = JSON.parse(await argo.kubectl(['get', '-n', NS, '-o', 'json', ...resources.map(refOf)]));
    const items = (live.items ?? [live]) as any[];
    const rows = resources.map((r) => {
      const obj = items.find((o) => o.kind === r.kind && o.metadata.name === r.name && (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '') === (r.group ?? ''));
      if (!obj) throw new Error(`${refOf(r)} not found live`);
      return { ref: refOf(r), argo: argoHealthOf(r), logclaw: verdict(obj).status };
    });
    expect(rows.length).toBeGreaterThan(10);
    const disagree = readinessAgreement(rows).filter((x) => !x.agree);
    expect(disagree).toEqual([]);
  }, 240_000);

  it('a tenant change rolls: the new commit is synced and the live objects follow it', async () => {
    const before = JSON.parse(await argo.kubectl(['get', 'namespace', NS, '-o', 'json']));
    const receiver = async () => JSON.parse(await argo.kubectl(['get', 'deployments', '-n', NS, '-l', 'app.kubernetes.io/component=receiver', '-o', 'json'])).items[0];
    expect((await receiver()).spec.replicas).toBe(1);
    sha = await repo.commit(`${ID}: rename, two receivers`, { [`gitops/tenants/tenant-${ID}.yaml`]: tenantFile(ID, { global: { tenantName: 'GitOps renamed' }, ingestion: { enabled: true, receiver: { replicas: 2 } } }) });
    await refresh();
    await until('Synced + Healthy at the change', async () => { await refresh(); return synced(await app(), sha); }, 180_000);
    const after = JSON.parse(await argo.kubectl(['get', 'namespace', NS, '-o', 'json']));
    expect(after.metadata.annotations['logclaw.io/tenant-name']).toBe('GitOps renamed');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    const d = await receiver();
    expect(d.spec.replicas).toBe(2);
    expect(d.status.readyReplicas).toBe(2);
  }, 240_000);

  it('a value the schema refuses shows the exact Argo CD condition and leaves the synced objects alone', async () => {
    sha = await repo.commit(`${ID}: bad tier`, { [`gitops/tenants/tenant-${ID}.yaml`]: tenantFile(ID, { global: { tier: 'gold' } }) });
    await refresh();
    const a = await until('a ComparisonError', async () => {
      await refresh();
      const x = await app();
      return x?.status?.conditions?.find((c: any) => c.type === 'ComparisonError') && x;
    }, 120_000);
    const cond = a.status.conditions.find((c: any) => c.type === 'ComparisonError');
    expect(cond.message).toMatch(/values don't meet the specifications of the schema\(s\)/);
    expect(cond.message).toMatch(/global\.tier|tier/);
    expect(cond.message).toMatch(/gold|must be one of/);
    process.stderr.write(`gitops: broken tenant condition: ${cond.type}: ${cond.message}\n`);
    const st = await gitopsStatusCli(['--tenant', ID]);
    expect(st.code).toBe(1);
    expect(st.stdout).toContain(`ComparisonError: ${cond.message}`);
    process.stderr.write(`gitops: status of the broken tenant\n${st.stdout}\n`);
    // nothing was deleted: the namespace and its volumes are as before
    expect(JSON.parse(await argo.kubectl(['get', 'statefulsets', '-n', NS, '-o', 'json'])).items.length).toBeGreaterThan(0);
    // repaired in git, healthy again. The sync RollingSync started for the broken commit keeps retrying it
    // (retry: 5, backoff 30s x2) and holds the Application until it gives up: stop it as
    // `argocd app terminate-op` does, so the fix is synced now.
    sha = await repo.commit(`${ID}: fix tier`, { [`gitops/tenants/tenant-${ID}.yaml`]: tenantFile(ID) });
    const running = await app();
    if (running?.status?.operationState?.phase === 'Running') {
      await argo.kubectl(['patch', 'applications.argoproj.io', APP, '-n', argo.namespace, '--type', 'merge', '-p', JSON.stringify({ status: { operationState: { phase: 'Terminating' } } })]);
    }
    await until('Synced + Healthy after the fix', async () => { await refresh(); return synced(await app(), sha); }, 180_000);
  }, 360_000);

  it('removing the tenant file removes the Application and keeps the volumes', async () => {
    const pvcs = JSON.parse(await argo.kubectl(['get', 'pvc', '-n', NS, '-o', 'json'])).items.map((p: any) => p.metadata.name).sort();
    expect(pvcs.length).toBeGreaterThan(0);
    await repo.commit(`offboard ${ID}`, { [`gitops/tenants/tenant-${ID}.yaml`]: null });
    await until('the Application to be gone', async () => { await refresh(); return !(await app()); }, 120_000);
    const left = JSON.parse(await argo.kubectl(['get', 'pvc', '-n', NS, '-o', 'json'])).items.map((p: any) => p.metadata.name).sort();
    expect(left).toEqual(pvcs);
    expect(JSON.parse(await argo.kubectl(['get', 'namespace', NS, '-o', 'json'])).status.phase).toBe('Active');
  }, 180_000);
});
