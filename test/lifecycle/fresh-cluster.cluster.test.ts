/**
 * On a cluster of its own (its nodes and CRDs are changed): install before the operators, nodes without zone
 * labels (pods pending on topology spread; dev up labels them), Strimzi CRDs older than the operator (the helm
 * error recognised, `operators install` refreshes them).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Cluster } from '../cluster/index.ts';
import { cleanup, workspace, type Workspace } from '../helpers/workspace.js';

let cluster: Cluster;
let ws: Workspace;
const FAST = { LOGCLAW_FAIL_GRACE: '3s' };
const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, ...args], { encoding: 'utf8', stdio: 'pipe' });

beforeAll(async () => {
  const { startCluster } = (await import('../cluster/index.ts')) as typeof import('../cluster/index.ts');
  cluster = await startCluster({ nodes: 2, faults: {}, timeScale: 0.01 });
  ws = await workspace(cluster);
  for (const node of kubectl('get', 'nodes', '-o', 'name').trim().split('\n')) kubectl('label', node, 'topology.kubernetes.io/zone-');
});

afterAll(async () => {
  cleanup(ws);
  await cluster?.stop();
});

describe('a cluster without the operators', () => {
  it('install refuses with exit 3 and says to run operators install', async () => {
    ws.tenant('fresh');
    const r = await ws.run(['install', '--tenant', 'fresh', '--kube-context', cluster.context], { env: FAST });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the operators are not installed on \S+: missing CRDs kafkas\.kafka\.strimzi\.io/);
    expect(r.stderr).toContain(`hint: Run \`logclaw operators install --kube-context ${cluster.context}\` first.`);
  });

  it('operators install: CRDs Established, operator Deployments Available', async () => {
    const r = await ws.run(['operators', 'install', '--kube-context', cluster.context, '--json'], { env: FAST });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = JSON.parse(r.stdout) as { releases: Array<{ release: string; status: string }>; refreshedCrds: string[] };
    expect(s.releases.map((x) => `${x.release}=${x.status}`).sort()).toEqual(['cert-manager/cert-manager=ready', 'external-secrets/external-secrets=ready', 'flink-operator/flink-kubernetes-operator=ready', 'opensearch-operator/opensearch-operator=ready', 'strimzi/strimzi-kafka-operator=ready']);
    expect(s.refreshedCrds).toEqual([]);
    expect(kubectl('get', 'crd', 'kafkas.kafka.strimzi.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}')).toBe('True');
  });
});

describe('nodes without zone labels', () => {
  it('install: pods pending on topology spread are explained, with the fix (exit 4 at the timeout)', async () => {
    ws.tenant('zones', { components: { ingestion: { spreadZones: true } } });
    const r = await ws.run(['install', '--tenant', 'zones', '--kube-context', cluster.context, '--only', 'ingestion', '--timeout', '40s'], { env: FAST });
    expect(r.code, r.stdout).toBe(4);
    expect(r.stderr).toMatch(/Pod ingestion-\w+-\w+: Pending, not scheduled: 0\/2 nodes are available: .*topology spread constraints/);
    expect(r.stderr).toContain('known problem: Pods pending: nodes have no zone labels');
    expect(r.stderr).toMatch(/fix: .*kubectl label node <node> topology\.kubernetes\.io\/zone=<zone>/);
  });

  it('dev up labels the nodes of the cluster it uses, and the same pods schedule', async () => {
    const r = await ws.run(['dev', 'up', '--tenant', 'zones', '--cluster', 'fresh', '--only', 'ingestion', '--timeout', '3m'], { env: { ...FAST, LOGCLAW_FAKE_KIND_ATTACH: cluster.state.controlURL } });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toMatch(/labelled 2 node\(s\) with topology\.kubernetes\.io\/zone/);
  });
});

describe('Strimzi CRDs older than the operator', () => {
  it('the helm error is recognised with its fix; operators install refreshes the CRDs; then the install works', async () => {
    // what an older Strimzi left behind: the Kafka CRD without kafka.strimzi.io/v1
    const crd = parse(kubectl('get', 'crd', 'kafkas.kafka.strimzi.io', '-o', 'yaml')) as { spec: { versions: Array<{ name: string; storage: boolean }> }; metadata: Record<string, unknown>; status?: unknown };
    crd.spec.versions = crd.spec.versions.filter((v) => v.name !== 'v1').map((v) => ({ ...v, storage: true }));
    delete crd.status;
    crd.metadata = { name: 'kafkas.kafka.strimzi.io' };
    execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, 'replace', '-f', '-'], { input: stringify(crd) });
    ws.tenant('oldcrd', { kafka: { apiVersion: 'kafka.strimzi.io/v1' } });
    const r = await ws.run(['install', '--tenant', 'oldcrd', '--kube-context', cluster.context, '--only', 'kafka'], { env: FAST });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/no matches for kind "Kafka\w*" in version "kafka\.strimzi\.io\/v1"/);
    expect(r.stderr).toContain('known problem: Strimzi CRDs older than the operator');
    expect(r.stderr).toMatch(/fix: .*logclaw operators install/);
    const ops = await ws.run(['operators', 'install', '--kube-context', cluster.context, '--json'], { env: FAST });
    expect(ops.code, ops.stderr).toBe(0);
    expect((JSON.parse(ops.stdout) as { refreshedCrds: string[] }).refreshedCrds).toEqual(['kafkas.kafka.strimzi.io']);
    const again = await ws.run(['install', '--tenant', 'oldcrd', '--kube-context', cluster.context, '--only', 'kafka'], { env: FAST });
    expect(again.code, again.stderr).toBe(0);
  });
});
