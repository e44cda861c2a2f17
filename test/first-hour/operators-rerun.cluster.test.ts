/**
 * Operators re-installed, on a simulator of its own (so operators can be installed, broken and re-installed):
 * `logclaw operators install` with no setting at all (the simulator names the helmfile environment), run as the
 * issue ran it:
 *   1. stand-in charts whose CRD links were never made: an error naming the missing CRDs (it said "5 operator(s)
 *      ready" with no CRD installed);
 *   2. after the links exist, with an ownerless copy of a CRD cert-manager templates already in the cluster (what
 *      the old refresh left): installed, the CRD adopted, every CRD Established (it failed with "invalid ownership
 *      metadata");
 *   3. again: every operator current, nothing upgraded (a release missing its templated CRDs is no longer called
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
import { toolbox } from '../lifecycle/toolbox.js';

let cluster: Cluster;
let dir: string;
let env: Record<string, string | undefined>;
const operators = join(repoRoot, 'test', 'fixtures', 'operators');

beforeAll(async () => {
  const { startCluster } = (await import('../cluster/index.ts')) as typeof import('../cluster/index.ts');
  cluster = await startCluster({ nodes: 1, timeScale: 0.01 });
  dir = mkdtempSync(join(tmpdir(), 'logclaw-ops-'));
  cpSync(join(repoRoot, 'helmfile.d'), join(dir, 'helmfile.d'), { recursive: true });
  // the stand-ins as a fresh clone has them: no crds/ links yet
  cpSync(operators, join(dir, 'test', 'fixtures', 'operators'), { recursive: true, filter: (src) => !/\/(templates\/)?crds$/.test(src) });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig));
  const tools = await toolbox({ kind: false, docker: false });
  env = { ...tools.env, KUBECONFIG: kubeconfig, HOME: dir, LOGCLAW_ROOT: dir, LOGCLAW_HELMFILE_ENVIRONMENT: undefined, LOGCLAW_SHARED_DIR: join(repoRoot, '..', 'shared') };
}, 300_000);
afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

const install = () => runCli(['operators', 'install', '--kube-context', cluster.context, '--json'], { cwd: dir, env, timeoutMs: 300_000 });
const crds = async () => ((await cluster.kube().request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')) as { items: Array<{ metadata: { name: string; annotations?: Record<string, string> }; status?: { conditions?: Array<{ type: string; status: string }> } }> }).items;

it('fails without CRDs, adopts an ownerless templated CRD, then reports every operator current', async () => {
  const first = await install();
  expect(first.code, first.stderr).toBe(1);
  expect(first.stderr).toMatch(/operator release [\w-]+\/[\w-]+ \(chart [^)]+\) renders no CustomResourceDefinition/);
  expect(first.stderr).toMatch(/node test\/fixtures\/operators\/prepare\.mjs/);
  expect(first.stdout).not.toMatch(/ready/);
  expect((await crds()).filter((c) => /cert-manager|strimzi|external-secrets|flink|opster/.test(c.metadata.name))).toEqual([]);

  // the links, as npm run sim (or prepare.mjs) makes them, in this copy
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [join(dir, 'test', 'fixtures', 'operators', 'prepare.mjs')], { env: { ...process.env, LOGCLAW_SHARED_DIR: env.LOGCLAW_SHARED_DIR } });
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

  // a templated CRD gone: cert-manager is not current any more, its upgrade brings the CRD back
  await cluster.kube().delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'issuers.cert-manager.io');
  const fourth = await install();
  expect(fourth.code, fourth.stderr).toBe(0);
  const statuses = Object.fromEntries((JSON.parse(fourth.stdout) as { releases: Array<{ release: string; status: string }> }).releases.map((r) => [r.release, r.status]));
  expect(statuses['cert-manager/cert-manager']).not.toBe('current');
  expect((await crds()).some((c) => c.metadata.name === 'issuers.cert-manager.io')).toBe(true);
}, 600_000);

/** The file of cert-manager's Certificate CRD at the pinned version. */
function readdirCert(): string {
  return readdirSync(join(crdDir, 'cert-manager-v1.16.1')).find((f) => /certificates/.test(f))!;
}
