// vitest without the test cluster (globalSetup), for test/charts/helmfile-required.test.ts, which runs one
// helmfile suite in a child vitest with no helmfile.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'], pool: 'forks', reporters: ['default'] } });
