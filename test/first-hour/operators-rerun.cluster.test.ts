/**
 * `logclaw operators install` on a test cluster of its own (so operators can be installed, broken and re-installed),
 * with the official operator charts from the chart repository the cluster serves (LOGCLAW_CHART_MIRROR):
 *   1. cert-manager told not to render its CRDs (crds.enabled: false): an error naming the release and the value
 *      to set (an operator is never "ready" without its CRDs);
 *   2. with its values as shipped and an ownerless copy of a CRD cert-manager templates already in the cluster:
 *      installed, the CRD adopted, every CRD Established (not "invalid ownership metadata");
 *   3. again: every operator current, nothing upgraded (a release missing its templated CRDs is not called
 *      current: checked by deleting one and running once more).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Cluster } from '../cluster/index.ts';
import { runCli } from '../helpers/cli.js';
import { crdDir, repoRoot } from '../helpers/tools.js';
import { toolbox } from '../helpers/toolbox.js';
import { tempDir } from '../helpers/temp.js';

let cluster: Cluster;
let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  const { startCluster } = (await import('../cluster/index.ts')) as typeof import('../cluster/index.ts');
  cluster = await startCluster({ nodes: 1, timeScale: 0.01 });
  dir = tempDir('logclaw-ops-');
  cpSync(join(repoRoot, 'helmfile.d'), join(dir, 'helmfile.d'), { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig));
  const tools = await toolbox({ kind: false, docker: false });
  env = { ...tools.env, KUBECONFIG: kubeconfig, HOME: dir, LOGCLAW_ROOT: dir, LOGCLAW_HELMFILE_ENVIRONMENT: undefined, LOGCLAW_SHARED_DIR: join(repoRoot, '..', 'shared'), ...cluster.chartEnv() };
}, 300_000);
afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

const install = () => runCli(['operators', 'install', '--kube-context', cluster.context, '--json'], { cwd: dir, env, timeoutMs: 300_000 });
const crds = async () => ((await cluster.kube().request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')) as { items: Array<{ metadata: { name: string; annotations?: Record<string, string> }; status?: { conditions?: Array<{ type: string; status: string }> } }> }).items;

it('fails when a chart renders no CRDs, adopts an ownerless templated CRD, then reports every operator current', async () => {
  const values = join(dir, 'helmfile.d', 'values', 'cert-manager.yaml');
  const shipped = readFileSync(values, 'utf8');
  writeFileSync(values, shipped.replace(/^crds:\n  enabled: true$/m, 'crds:\n  enabled: false'));
  const first = await install();
  expect(first.code, first.stderr).toBe(1);
  expect(first.stderr).toMatch(/operator release cert-manager\/cert-manager \(chart jetstack\/cert-manager\) renders no CustomResourceDefinition/);
  expect(first.stderr).toMatch(/crds\.enabled: true/);
  expect((await crds()).filter((c) => /cert-manager\.io/.test(c.metadata.name))).toEqual([]);
  writeFileSync(values, shipped);

  // a CRD cert-manager templates, already there without an owning release
  const cert = parseAllDocuments(readFileSync(join(crdDir, 'cert-manager-v1.16.1', readdirCert()), 'utf8')).map((d) => d.toJS()).find((o) => o?.kind === 'CustomResourceDefinition');
  await cluster.kube().apply({ ...cert, metadata: { name: cert.metadata.name } });

  const second = await install();
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).toMatch(new RegExp(`CRD ${cert.metadata.name.replace(/\./g, '\\.')} had no owning release: adopted by cert-manager/cert-manager`));
  expect(second.stderr).not.toMatch(/invalid ownership metadata/);
  const live = await crds();
  const ours = live.filter((c) => /cert-manager\.io|strimzi\.io|external-secrets\.io|flink\.apache\.org|opster\.io/.test(c.metadata.name));
  expect(ours.length).toBeGreaterThan(10);
  for (const c of ours) expect(c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'), c.metadata.name).toBe(true);
  expect(live.find((c) => c.metadata.name === cert.metadata.name)!.metadata.annotations?.['meta.helm.sh/release-name']).toBe('cert-manager');

  const third = await install();
  expect(third.code, third.stderr).toBe(0);
  expect((JSON.parse(third.stdout) as { releases: Array<{ status: string }> }).releases.map((r) => r.status)).toEqual(Array(5).fill('current'));

  // a templated CRD gone: cert-manager is not current any more, its upgrade brings the CRD back (ClusterIssuer: the
  // flink chart's own Issuer would go with issuers.cert-manager.io)
  await cluster.kube().delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'clusterissuers.cert-manager.io');
  const fourth = await install();
  expect(fourth.code, fourth.stderr).toBe(0);
  const statuses = Object.fromEntries((JSON.parse(fourth.stdout) as { releases: Array<{ release: string; status: string }> }).releases.map((r) => [r.release, r.status]));
  expect(statuses['cert-manager/cert-manager']).not.toBe('current');
  expect((await crds()).some((c) => c.metadata.name === 'clusterissuers.cert-manager.io')).toBe(true);
}, 600_000);

/** The file of cert-manager's Certificate CRD at the pinned version. */
function readdirCert(): string {
  return readdirSync(join(crdDir, 'cert-manager-v1.16.1')).find((f) => /certificates/.test(f))!;
}
