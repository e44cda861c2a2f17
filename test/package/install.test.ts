/**
 * Getting `logclaw` on PATH as the README says: `npm link` in the clone puts it in npm's global bin; and the
 * packed package (`npm pack`) holds everything logclaw needs beside its dependencies, so it runs lint, render
 * and dev up --dry-run from a clone that has no node_modules of its own.
 *
 * No registry here (tests stay on loopback): the packed package is unpacked as `npm install -g` unpacks it, and its
 * dependencies are the ones this checkout installed from the same lock file (linked as its node_modules).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crdDir, HELM3, repoRoot, sharedDir } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const work = tempDir('logclaw-install-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Node 24 (this test's) first on PATH, as `#!/usr/bin/env node` of the installed bin finds it. */
const PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
const npm = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, PATH, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

/** A clone of this repository as a user has it after `git clone`: tracked files only, no node_modules, no dist. */
function cloneRepo(): string {
  const clone = join(work, 'clone');
  if (existsSync(clone)) return clone;
  execFileSync('git', ['clone', '-q', '--no-hardlinks', repoRoot, clone], { stdio: 'ignore' });
  // beside ../shared, as README lays a checkout out: the official zammad chart comes from its upstream-charts
  if (!existsSync(join(work, 'shared'))) symlinkSync(sharedDir, join(work, 'shared'));
  // offline: the stand-in airflow chart (README, Lint: `npm run stand-ins`; zammad is real, from ../shared)
  execFileSync(process.execPath, [join(clone, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')], { cwd: clone, env: { ...process.env, LOGCLAW_HELM3: HELM3 }, stdio: 'ignore' });
  return clone;
}

const run = (bin: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) =>
  spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 600_000, env: { ...process.env, PATH, NO_COLOR: '1', LOGCLAW_HELM: HELM3, ...env } });

describe('npm link: logclaw on PATH', () => {
  it('links the bin into npm\'s global prefix; `logclaw` then runs from anywhere and finds the repository it is in', () => {
    const prefix = join(work, 'prefix');
    mkdirSync(prefix, { recursive: true });
    npm(['link', '--ignore-scripts'], repoRoot, { NPM_CONFIG_PREFIX: prefix });
    const bin = join(prefix, 'bin', 'logclaw');
    expect(realpathSync(bin)).toBe(join(repoRoot, 'bin', 'logclaw.js'));
    const env = { PATH: [join(prefix, 'bin'), PATH].join(delimiter) };
    const version = run('logclaw', ['--version'], tmpdir(), env);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^logclaw \d+\.\d+\.\d+/);
    const clone = cloneRepo();
    const list = run('logclaw', ['tenant', 'list', '--json'], join(clone, 'gitops', 'tenants'), env);
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((t) => t.id).sort()).toEqual(['airgapped', 'dev-local', 'example-corp']);
  });
});

describe('the packed package (npm pack)', () => {
  let bin: string;
  let clone: string;
  let files: string[];

  beforeAll(() => {
    const out = join(work, 'pack');
    mkdirSync(out, { recursive: true });
    // dist/ is what `npm run build` (pretest) made: pack it as it is, with the commit prepack records
    npm(['run', 'prepack'], repoRoot);
    npm(['pack', '--ignore-scripts', '--pack-destination', out], repoRoot);
    const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);
    files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const installed = join(work, 'installed');
    mkdirSync(installed);
    execFileSync('tar', ['xzf', tarball, '-C', installed]);
    symlinkSync(join(repoRoot, 'node_modules'), join(installed, 'package', 'node_modules'));
    bin = join(installed, 'package', 'bin', 'logclaw.js');
    clone = cloneRepo();
  }, 300_000);

  it('holds the CLI, its build, charts, helmfile.d and schemas, and no build leftovers (stand-ins, stamps, node_modules)', () => {
    for (const f of ['package/bin/logclaw.js', 'package/dist/cli.js', 'package/dist/version.js', 'package/dist/commit', 'package/schemas/tenant.schema.json', 'package/schemas/kubernetes/v1.27.json', 'package/charts/logclaw-tenant/Chart.yaml', 'package/helmfile.d/00-operators.yaml.gotmpl']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /\/charts\/[^/]+\/charts\/|Chart\.lock\.hash$|\.tsbuildinfo$|node_modules|^package\/test\//.test(f))).toEqual([]);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
  });

  it('--version names the commit it was packed from', () => {
    const commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim().slice(0, 12);
    const r = run(bin, ['--version'], clone);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^logclaw \\d+\\.\\d+\\.\\d+ \\(commit ${commit}\\)$`));
  });

  it('runs lint from a clone without node_modules', () => {
    const r = run(bin, ['lint', '--crds', crdDir], clone);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no errors, \d+ warning\(s\): 11 chart\(s\), 3 tenant\(s\)/);
  });

  it('runs render from a clone without node_modules', () => {
    const r = run(bin, ['render', '--tenant', 'dev-local', '--crds', crdDir], clone);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kind: Namespace$/m);
    expect(r.stdout).toContain('namespace: logclaw-dev-local');
  });

  it('runs dev up --dry-run from a clone without node_modules: the plan, then exit 3 for what is missing here', () => {
    const r = run(bin, ['dev', 'up', '--dry-run'], clone, { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, LOGCLAW_CACHE_DIR: join(work, 'no-cache') });
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    expect(r.stdout).toMatch(/Commands it would run:\n  kind create cluster --name logclaw-dev /);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toContain('error: missing prerequisites:');
  });
});
