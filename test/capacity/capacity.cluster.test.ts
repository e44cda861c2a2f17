/**
 * `logclaw capacity` and the check install runs first, on a test cluster of its own whose schedulable nodes have
 * chosen sizes and zones (two zones: a with two nodes, b with one; 4 CPU and 4Gi each; the nodes the cluster
 * started with are cordoned once the operators run there): an ultra-ha tenant refused before anything is installed,
 * a tenant short of memory by one pod (refused; forced through, the scheduler leaves exactly that pod Pending), and
 * a tenant the check admits, which the readiness engine then sees ready with no Pending pod.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { nodeObjects } from '../cluster/stages/nodes.ts';
import { KUBERNETES_VERSION } from '../cluster/versions.mjs';
import { cleanup, ensureOperators, workspace, type Workspace } from '../helpers/workspace.js';

let cluster: Cluster;
let ws: Workspace;
/** LOGCLAW_TEST_TRANSCRIPTS=DIR keeps what the commands printed (the README's examples come from there). */
const transcript = (name: string, text: string) => process.env.LOGCLAW_TEST_TRANSCRIPTS && writeFileSync(join(process.env.LOGCLAW_TEST_TRANSCRIPTS, name), text);
const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, ...args], { encoding: 'utf8', stdio: 'pipe' });
const tenant = (id: string, tier: string, components: Record<string, unknown>) => ws.tenant(id, { global: { tenantId: id, environment: 'dev', tier }, components });
const r0 = (c: { code: number }) => `(exit ${c.code})\n`;
const pendingPods = (ns: string) => kubectl('get', 'pods', '-n', ns, '--field-selector=status.phase=Pending', '-o', 'jsonpath={.items[*].metadata.name}').trim();

beforeAll(async () => {
  const { startCluster } = (await import('../cluster/index.ts')) as typeof import('../cluster/index.ts');
  cluster = await startCluster({ nodes: 1, zones: ['x'], timeScale: 0.01 });
  ws = await workspace(cluster);
  await ensureOperators(cluster, ws);
  for (const n of kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}').trim().split(/\s+/)) kubectl('cordon', n);
  const nodes = nodeObjects(['cap-a1', 'cap-a2', 'cap-b1'], ['a', 'a', 'b'], KUBERNETES_VERSION, { cpu: '4', memory: '4Gi', pods: '110', 'ephemeral-storage': '100Gi' });
  execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, 'create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nodes }), stdio: 'pipe' });
  for (let i = 0; i < 200; i++) {
    const ready = kubectl('get', 'nodes', '-l', 'kubernetes.io/hostname in (cap-a1,cap-a2,cap-b1)', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}').trim().split(/\s+/);
    if (ready.length === 3 && ready.every((s) => s === 'True')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 600_000);

afterAll(async () => {
  cleanup(ws);
  await cluster?.stop();
});

describe('logclaw capacity on nodes of chosen sizes and zones', () => {
  it('ultra-ha on two zones: capacity refuses it, and install stops before anything is installed (exit 1)', async () => {
    tenant('cap-ultra', 'ultra-ha', { ingestion: { replicas: 3, spreadZones: true, memoryLimit: '512Mi' } });
    const c = await ws.run(['capacity', '--tenant', 'cap-ultra', '--kube-context', cluster.context]);
    expect(c.code, `${c.stdout}\n${c.stderr}`).toBe(1);
    transcript('capacity-ultra.txt', `${c.stdout}${r0(c)}`);
    expect(c.stdout).toMatch(/cluster \S+: 3 schedulable node\(s\) in 2 zone\(s\)/);
    expect(c.stdout).toMatch(/cap-a1\s+a\s+0\/4\s+0Mi\/4Gi/);
    expect(c.stdout).toContain('✗ cap-ultra does not fit (tier ultra-ha: 3 zone(s) needed, 2 available: a, b)');
    expect(c.stdout).toContain("ingestion: Deployment ingestion (3 replicas, tier ultra-ha) needs 3 zones; the cluster's schedulable nodes are in 2 (a, b)");
    const r = await ws.run(['install', '--tenant', 'cap-ultra', '--kube-context', cluster.context, '--only', 'ingestion']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    transcript('install-ultra.txt', r.stdout + r.stderr);
    expect(r.stderr).toMatch(/error: install refused: tenant cap-ultra does not fit on \S+ \(1 shortfall\); nothing was installed/);
    expect(r.stderr).toContain('needs 3 zones');
    expect(r.stderr).toMatch(/hint: See `logclaw capacity --tenant cap-ultra --kube-context \S+`/);
    expect(() => kubectl('get', 'namespace', 'logclaw-cap-ultra')).toThrow(/NotFound/);
  });

  it('memory short by one pod: refused naming memory and the zone; forced through, the scheduler leaves that one pod Pending', async () => {
    tenant('cap-mem', 'standard', { ingestion: { replicas: 4, memoryLimit: '3Gi' } });
    const c = await ws.run(['capacity', '--tenant', 'cap-mem', '--kube-context', cluster.context, '--json']);
    expect(c.code, c.stderr).toBe(1);
    const report = JSON.parse(c.stdout);
    expect(report.fit[0].shortfalls).toHaveLength(1);
    expect(report.fit[0].shortfalls[0]).toMatchObject({ workload: 'Deployment ingestion', resources: [{ resource: 'memory', short: 2 * 1024 ** 3, largestFree: 1024 ** 3 }] });
    const r = await ws.run(['install', '--tenant', 'cap-mem', '--kube-context', cluster.context, '--only', 'ingestion']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stderr).toContain('ingestion: Deployment ingestion needs 0 CPU and 3Gi per pod; memory short by 2Gi (at most 1Gi free on any node)');
    expect(() => kubectl('get', 'namespace', 'logclaw-cap-mem')).toThrow(/NotFound/);
    const forced = await ws.run(['install', '--tenant', 'cap-mem', '--kube-context', cluster.context, '--only', 'ingestion', '--skip-capacity-check', '--timeout', '30s'], { env: { LOGCLAW_FAIL_GRACE: '3s' } });
    expect(forced.code, `${forced.stdout}\n${forced.stderr}`).not.toBe(0);
    expect(forced.stderr).toMatch(/Pending, not scheduled: .*Insufficient memory/);
    expect(pendingPods('logclaw-cap-mem').split(/\s+/).filter(Boolean)).toHaveLength(1);
    const u = await ws.run(['uninstall', '--tenant', 'cap-mem', '--kube-context', cluster.context, '--yes', '--purge']);
    expect(u.code, u.stderr).toBe(0);
    for (let i = 0; i < 300 && kubectl('get', 'pods', '-n', 'logclaw-cap-mem', '-o', 'name').trim(); i++) await new Promise((res) => setTimeout(res, 100));
  });

  it('a tenant the check admits: install passes the check, and the readiness engine sees it ready with no Pending pod', async () => {
    tenant('cap-fit', 'standard', { ingestion: { replicas: 3, memoryLimit: '3Gi' } });
    const c = await ws.run(['capacity', '--tenant', 'cap-fit', '--kube-context', cluster.context]);
    expect(c.code, `${c.stdout}\n${c.stderr}`).toBe(0);
    expect(c.stdout).toMatch(/tenant cap-fit \(tier standard\): \d+ pods, CPU [\d.m]+\/[\d.m]+, memory 9(\.\d+)?Gi\/9(\.\d+)?Gi/);
    expect(c.stdout).toMatch(/ingestion\s+Deployment ingestion\s+3\s+0\/0\s+3Gi\/3Gi/);
    expect(c.stdout).toContain('✓ cap-fit fits');
    transcript('capacity-fit.txt', c.stdout);
    const r = await ws.run(['install', '--tenant', 'cap-fit', '--kube-context', cluster.context, '--only', 'ingestion', '--json'], { env: { LOGCLAW_FAIL_GRACE: '3s' } });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.phases.find((p: { phase: string }) => p.phase === 'capacity').result).toMatch(/^fits: \d+ pod\(s\), [\d.]+ CPU and 9(\.\d+)? GiB requested, on 3 node\(s\) in 2 zone\(s\)$/);
    expect(s.releases.every((x: { status: string }) => x.status === 'ready')).toBe(true);
    expect(pendingPods('logclaw-cap-fit')).toBe('');
    // the three pods landed one per node (3Gi each on 4Gi nodes)
    const nodes = kubectl('get', 'pods', '-n', 'logclaw-cap-fit', '-l', 'app=ingestion', '-o', 'jsonpath={.items[*].spec.nodeName}').trim().split(/\s+/).sort();
    expect(nodes).toEqual(['cap-a1', 'cap-a2', 'cap-b1']);
  });

  it('offline with --node-shape: the nodes the tenants need', async () => {
    const r = await ws.run(['capacity', '--tenant', 'cap-ultra', '--tenant', 'cap-fit', '--node-shape', '4,4Gi']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // cap-fit: three 3Gi pods, one per node; cap-ultra: three 512Mi pods spread over 3 zones fit beside them
    transcript('capacity-offline.txt', r.stdout);
    expect(r.stdout).toMatch(/nodes of 4 CPU \/ 4Gi: 3 needed \(1 in zone-a, 1 in zone-b, 1 in zone-c\)/);
  });
});
