/**
 * The test cluster of a test file (test/cluster: real kube-apiserver, controller-manager, scheduler, KWOK): the
 * shared cluster of the run (vitest global setup, LOGCLAW_TEST_SIM_CONTROL) or, when the file runs without it,
 * one started for this file.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Cluster } from '../cluster/index.ts';

let own: Cluster | undefined;

/** The run's shared cluster, or one started for this file (stopped by stopOwnCluster). */
export async function getCluster(): Promise<Cluster> {
  const mod = (await import('../cluster/index.ts')) as typeof import('../cluster/index.ts');
  if (process.env.LOGCLAW_TEST_SIM_CONTROL) return mod.useCluster();
  mod.refuseOutsideClusterProject();
  own ??= await mod.startCluster({ nodes: 3, zones: ['a', 'b', 'c'], faults: {}, timeScale: Number(process.env.LOGCLAW_TEST_TIME_SCALE ?? 0.01) });
  return own;
}

export async function stopOwnCluster(): Promise<void> {
  await own?.stop();
  own = undefined;
}

/** getCluster for a whole file: started before its tests, its own cluster stopped after them. */
export function setupCluster(): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await getCluster();
  }, 300_000);
  afterAll(stopOwnCluster, 60_000);
  return () => {
    if (!cluster) throw new Error('cluster not started');
    return cluster;
  };
}
