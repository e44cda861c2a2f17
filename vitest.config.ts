import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

// Two projects. `unit` needs neither the test cluster nor its Go builds: `npx vitest run FILE` on one of its
// files starts nothing. `cluster` holds every test that needs the test cluster or a program its build makes
// (control plane, KWOK, helmfile, Argo CD): files named `*.cluster.test.ts`, and the simulator's own tests.
// Its global setup builds what is missing (cached in ~/.cache/logclaw) and starts one control plane per run.
const clusterTests = ['test/**/*.cluster.test.ts', 'test/cluster-tests/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    // One test file per core (vitest's default leaves one core free). The cluster files share one control plane;
    // each works in namespaces of its own, and a scenario is in effect only once kwok holds its stages.
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: process.env.CI ? ['dot'] : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...clusterTests], env: { LOGCLAW_TEST_PROJECT: 'unit' } },
      },
      {
        extends: true,
        test: { name: 'cluster', include: clusterTests, globalSetup: ['test/cluster/global-setup.ts'], env: { LOGCLAW_TEST_PROJECT: 'cluster' } },
      },
    ],
  },
});
