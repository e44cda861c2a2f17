// vitest globalSetup: one simulated cluster per test run. Workers find it through env:
//   LOGCLAW_TEST_KUBECONFIG  kubeconfig (context `sim`, through a fault proxy without faults)
//   LOGCLAW_TEST_CONTEXT     its context name
//   LOGCLAW_TEST_SIM_CONTROL control URL for useCluster() (scenarios, own fault proxies)
//   LOGCLAW_FAKE_BIN         directory with the fake `kind` and `docker`
//   LOGCLAW_CHART_MIRROR     the cluster's chart repository of the official operator charts (so no test's helm ever
//                            reaches for the upstream repositories)
// Set LOGCLAW_TEST_CLUSTER=0 to skip starting it. Each test works in its own namespaces.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fakeBinDir, nodeBin, repoRoot, startCluster } from './index.ts';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.LOGCLAW_TEST_CLUSTER === '0') return undefined;
  // Builds (or finds cached) binaries; a no-op taking milliseconds once built.
  execFileSync(nodeBin, [join(repoRoot, 'test', 'cluster', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
  const t0 = Date.now();
  const cluster = await startCluster({ nodes: 3, zones: ['a', 'b', 'c'], faults: {}, timeScale: Number(process.env.LOGCLAW_TEST_TIME_SCALE ?? 0.01) });
  process.env.LOGCLAW_TEST_KUBECONFIG = cluster.kubeconfig;
  process.env.LOGCLAW_TEST_CONTEXT = cluster.context;
  process.env.LOGCLAW_TEST_SIM_CONTROL = cluster.state.controlURL;
  process.env.LOGCLAW_FAKE_BIN = fakeBinDir;
  if (cluster.chartMirror) process.env.LOGCLAW_CHART_MIRROR = cluster.chartMirror;
  if (!process.env.CI) process.stderr.write(`test cluster ready in ${Date.now() - t0} ms at ${cluster.server}\n`);
  return async () => { await cluster.stop(); };
}
