/**
 * The real stack: the repository's helmfile.d (the official operator charts, from the chart repository the test
 * cluster serves, named by LOGCLAW_CHART_MIRROR) and charts, with the
 * dev tenant file, brought up by `logclaw dev up` on the test cluster; then `status`. Everything the charts
 * render is awaited by its real readiness rules.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { withOperatorsLock } from '../helpers/workspace.js';
import { toolbox } from '../helpers/toolbox.js';
import { tempDir } from '../helpers/temp.js';

let cluster: Cluster;
let dir: string;
let env: Record<string, string | undefined>;
const TENANT = 'lc-real';

beforeAll(async () => {
  cluster = await getCluster();
  dir = tempDir('logclaw-real-');
  for (const d of ['helmfile.d', 'charts']) cpSync(join(repoRoot, d), join(dir, d), { recursive: true });
  const source = readFileSync(join(repoRoot, 'gitops', 'tenants', 'tenant-dev-local.yaml'), 'utf8');
  cpSync(join(repoRoot, 'gitops', 'tenants'), join(dir, 'gitops', 'tenants'), { recursive: true });
  writeFileSync(join(dir, 'gitops', 'tenants', `tenant-${TENANT}.yaml`), source.replace(/tenantId: dev-local/, `tenantId: ${TENANT}`));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig));
  const tools = await toolbox();
  env = {
    ...tools.env,
    KUBECONFIG: kubeconfig,
    HOME: dir,
    ...cluster.chartEnv(),
    HELM_CONFIG_HOME: join(dir, '.config', 'helm'),
    HELM_CACHE_HOME: join(dir, '.cache', 'helm'),
    LOGCLAW_FAKE_KIND_ATTACH: cluster.state.controlURL,
    LOGCLAW_FAKE_KIND_DIR: join(dir, 'fake-kind'),
    // the fake docker's memory as the simulator's nodes have it (dev up's capacity check compares with it)
    LOGCLAW_FAKE_DOCKER_MEMORY: '64Gi',
  };
});

afterAll(async () => {
  await stopOwnCluster();
});

describe('the real helmfile.d and charts', () => {
  it('dev up brings the dev tenant up: operators, then every release by the plan', async (t) => {
    if (!existsSync(join(repoRoot, 'helmfile.d', '00-operators.yaml.gotmpl'))) t.skip();
    // dev up installs the operators: not while another test file installs them on this cluster
    const r = await withOperatorsLock(cluster, () => runCli(['dev', 'up', '--tenant', TENANT, '--cluster', 'lc-real', '--timeout', '15m', '--json'], { cwd: dir, env, timeoutMs: 1_000_000 }));
    expect(r.code, r.stderr.slice(-6000)).toBe(0);
    const s = JSON.parse(r.stdout) as { operatorReleases: Array<{ release: string; status: string }>; releases: Array<{ release: string; status: string }> };
    expect(s.operatorReleases.map((x) => x.status)).toEqual(s.operatorReleases.map(() => expect.stringMatching(/^(ready|current)$/)));
    expect(s.operatorReleases.map((x) => x.release.split('/')[1]).sort()).toEqual(['cert-manager', 'external-secrets', 'flink-kubernetes-operator', 'opensearch-operator', 'strimzi-kafka-operator']);
    expect(s.releases.length).toBeGreaterThanOrEqual(4);
    expect(s.releases.filter((x) => x.status !== 'ready')).toEqual([]);
    const status = await runCli(['status', '--tenant', TENANT, '--kube-context', `kind-lc-real`, '--json'], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    const rows = (JSON.parse(status.stdout) as { components: Array<{ component: string; status: string }> }).components;
    expect(rows.map((c) => c.component).sort()).toEqual(s.releases.map((x) => x.release.split('/')[1]).sort());
    expect(rows.every((c) => c.status === 'ready')).toBe(true);
  }, 1_100_000);
});
