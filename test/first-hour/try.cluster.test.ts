/**
 * `npm run try` on a fresh clone. The work tree is cloned (git clone, committed
 * state only) into a temp directory beside a link to ../shared (the layout README describes), node_modules is
 * linked from this checkout (installing it again would only cost time), and the script runs as a user runs it.
 * It builds nothing that is cached already (~/.cache/logclaw), starts its own simulator, and must pass every
 * step; the transcript shows what each numbered step proves:
 *   2  helm and helmfile come from the cache (no LOGCLAW_HELM/LOGCLAW_HELMFILE, helm not on PATH)
 *   4  operators install: the official charts of ../shared/upstream-charts from the chart repository the
 *      simulator serves (LOGCLAW_CHART_MIRROR, set by the script), CRDs Established; a re-run reports them installed
 *   6  verify passes on the simulator alone
 *   7  dev up with the fake kind and no test-only variables; dev credentials lists credentials; dev down
 *      --delete-cluster leaves none of the tenant's or operators' namespaces on the simulator
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot, sharedDir } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('logclaw-fresh-');
afterAll(() => {
  if (!process.env.LOGCLAW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
});

it('npm run try passes every step on a fresh clone', async () => {
  const clone = join(dir, 'logclaw');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone]);
  symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
  symlinkSync(sharedDir, join(dir, 'shared'));
  // a user's PATH: system tools, no helm or helmfile (they come from the cache), no logclaw settings
  const env: Record<string, string> = { PATH: ['/usr/local/bin', '/usr/bin', '/bin'].join(delimiter), HOME: process.env.HOME!, NO_COLOR: '1' };
  const t0 = Date.now();
  const r = await new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, [join(clone, 'scripts', 'try.mjs')], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
  const seconds = Math.round((Date.now() - t0) / 1000);
  if (process.env.LOGCLAW_TEST_SHOW) process.stderr.write(`\n--- npm run try (${seconds} s)\n${r.out}\n`);
  expect(r.code, r.out.slice(-4000)).toBe(0);
  const section = (cmd: string) => r.out.split('\n$ ').find((s) => s.startsWith(cmd)) ?? '';
  expect(r.out).toContain('try: every step passed');
  // 2: the cached helm and helmfile
  expect(section('npx logclaw dev up')).toMatch(/check tools .*helm 3\.\d+\.\d+, helmfile 1\.\d+\.\d+/);
  // 4: the operators without settings, with their CRDs; a re-run is honest about what is there
  expect(r.out).toMatch(/LOGCLAW_CHART_MIRROR=http:\/\/127\.0\.0\.1:\d+\//);
  expect(section('npx logclaw dev up')).not.toMatch(/helmfile environment/);
  expect(section('npx logclaw dev up')).toMatch(/operators .*5 operator\(s\) ready/);
  expect(section('npx logclaw operators install')).toMatch(/5 operator\(s\)|already installed/);
  // 6: verify on the simulator alone
  expect(section('npx logclaw verify')).toMatch(/pipeline OK: 5 passed, 0 failed, 1 skipped/);
  expect(section('npx logclaw verify')).toMatch(/^✓ 2 ingest \(Vector HTTP\)/m);
  expect(section('npx logclaw verify')).toMatch(/^✓ 6 ticketing agent .*routed to zammad as routing\.low says/m);
  // 7: credentials, and nothing left after dev down --delete-cluster
  expect(section('npx logclaw dev credentials')).toMatch(/logclaw-airflow-postgresql\s+POSTGRES_PASSWORD/);
  expect(section('npx logclaw dev down --delete-cluster')).toContain('deleted kind cluster logclaw-dev');
  const namespaces = section('kubectl --context sim get namespaces');
  expect(namespaces).toMatch(/^default\s/m);
  expect(namespaces).not.toMatch(/logclaw-dev-local|cert-manager|strimzi|external-secrets|flink-operator|opensearch-operator/);
  process.stderr.write(`npm run try on a fresh clone: ${seconds} s\n`);
}, 900_000);
