import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real control plane (etcd, kube-apiserver, controller-manager, scheduler, KWOK) per test run;
    // each cluster test works in its own namespaces.
    globalSetup: ['test/cluster/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
