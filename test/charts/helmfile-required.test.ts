/**
 * The helmfile suites (test/charts/helmfile.cluster.test.ts, test/charts/helmfile-intelligence.cluster.test.ts,
 * test/diff/helmfile.cluster.test.ts, the parity test) fail without helmfile instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findHelmfile, requiredTool } from '../helpers/helmfile.js';
import { repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

describe('a tool the helmfile suites need', () => {
  it('is returned when found', () => {
    expect(requiredTool('helmfile', '/opt/helmfile', 'build it')).toBe('/opt/helmfile');
  });
  it('is an error when missing', () => {
    expect(() => requiredTool('helmfile', undefined, 'build it')).toThrow(/helmfile is required, and it is missing: build it/);
  });
  it('LOGCLAW_HELMFILE only counts when the file exists', async () => {
    const found = await findHelmfile({ LOGCLAW_HELMFILE: '/nonexistent/helmfile' });
    expect(found === undefined || found !== '/nonexistent/helmfile').toBe(true);
  });
});

describe('a helmfile suite without helmfile', () => {
  it('fails instead of skipping', () => {
    // A cache without the test cluster's build: no pinned helmfile; LOGCLAW_HELMFILE points nowhere.
    const cache = tempDir('logclaw-nohelmfile-');
    const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(repoRoot, 'test', 'charts', 'no-setup.vitest.config.ts'), 'test/charts/helmfile-intelligence.cluster.test.ts'], {
      cwd: repoRoot,
      env: { ...process.env, LOGCLAW_CACHE_DIR: cache, CI: '', LOGCLAW_HELMFILE: join(cache, 'helmfile') },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toMatch(/helmfile is required, and it is missing/);
    expect(r.status).not.toBe(0);
  });
});
