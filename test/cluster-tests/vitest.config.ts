// Runs only the simulator's own tests with the shared test cluster (what the repo's vitest config
// does for the whole suite): npx vitest run --config test/cluster-tests/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/cluster-tests/**/*.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
