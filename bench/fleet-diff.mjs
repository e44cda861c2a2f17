#!/usr/bin/env node
/**
 * Benchmark: `diff --changed` against `lint --changed` on the same change, in one run, on a copy of this
 * repository whose gitops/tenants/ holds a generated fleet (test/fixtures/fleet.mjs, no planted defects) committed as
 * branch `main`, the base a CI job linted before (full `lint` on main: its renders are in the render cache).
 *
 * The change: one subchart default (logclaw-ingestion's Kafka buffer, read by every tenant's Vector) with its
 * version bumps, as a pull request makes it. Each command starts from its own copy of the cache the base lint
 * left, so neither gets the other's renders; then `diff --changed` once more after `lint --changed` (what a CI
 * job running both sees). Prints a table, the ratio diff/lint (goal: within 2x) and the markdown comment's size;
 * asserts nothing. Numbers on a shared machine are noisy: the load is printed.
 *
 *   npm run -s build && node bench/fleet-diff.mjs [--tenants 1000] [--helm PATH] [--crds DIR] [--markdown FILE]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFleet } from '../test/fixtures/fleet.mjs';
import { copyRepo, loadavg, seconds, timeIt } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : dflt);
const helm = arg('helm', process.env.LOGCLAW_HELM || JSON.parse(readFileSync(join(root, '.tools', 'tools.json'), 'utf8')).helm3.path);
const crds = resolve(arg('crds', join(root, '..', 'shared', 'crds')));
const count = Number(arg('tenants', '1000'));
const markdownOut = arg('markdown', undefined);
const node = process.execPath;
const cli = join(root, 'bin', 'logclaw.js');
const work = mkdtempSync(join(tmpdir(), 'logclaw-fleet-diff-'));
const git = (cwd, ...a) => execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'init.defaultBranch=main', ...a], { cwd, encoding: 'utf8' });
const env = (cache) => ({ ...process.env, LOGCLAW_HELM: helm, NO_COLOR: '1', LOGCLAW_CACHE_DIR: cache });
const run = (cwd, cache, args) => timeIt(node, [cli, ...args], { cwd, env: env(cache) });
const table = (head, rows) => {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
};

/** Bump a chart's patch version and the umbrella's pin of it, with the umbrella's Chart.lock (what a pull request does). */
function bumpChart(repo, chart) {
  const bump = (v) => v.replace(/(\d+)$/, (n) => String(Number(n) + 1));
  const file = join(repo, 'charts', chart, 'Chart.yaml');
  const text = readFileSync(file, 'utf8');
  const version = /^version: (\S+)$/m.exec(text)[1];
  writeFileSync(file, text.replace(/^version: \S+$/m, `version: ${bump(version)}`));
  const u = join(repo, 'charts', 'logclaw-tenant', 'Chart.yaml');
  const ut = readFileSync(u, 'utf8');
  writeFileSync(u, ut.replace(/^version: (\S+)$/m, (_m, v) => `version: ${bump(v)}`).replace(new RegExp(`(- name: ${chart}\\n(?:\\s+\\w+: .*\\n)*?\\s+version: )${version.replace(/\./g, '\\.')}`), `$1${bump(version)}`));
  execFileSync(helm, ['dependency', 'update', join(repo, 'charts', 'logclaw-tenant'), '--skip-refresh'], { stdio: 'ignore' });
}

function main() {
  const helmVersion = execFileSync(helm, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' });
  console.log(`bench/fleet-diff.mjs: ${count} generated tenants, helm ${helmVersion}, ${availableParallelism()} cores; load ${loadavg()}`);
  const repo = copyRepo(root, { helm, env: process.env });
  const dir = join(repo, 'gitops', 'tenants');
  for (const f of execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n')) if (f.startsWith('tenant-')) rmSync(join(dir, f));
  generateFleet(dir, { count, defects: false });
  writeFileSync(join(repo, '.gitignore'), readFileSync(join(root, '.gitignore'), 'utf8'));
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'fleet');

  // the base as CI linted it: every render of main in the cache
  const baseCache = join(work, 'cache-base');
  const baseLint = run(repo, baseCache, ['lint', '--crds', crds, '--format', 'json']);
  const bl = JSON.parse(baseLint.stdout);
  console.log(`full lint of main (fills the render cache): ${seconds(baseLint.ms)} s wall, ${seconds(baseLint.cpuMs)} s cpu, ${bl.stats.renders} renders; load ${loadavg()}`);

  // the pull request: one subchart default, with the version bumps
  git(repo, 'checkout', '-qb', 'change');
  const values = join(repo, 'charts', 'logclaw-ingestion', 'values.yaml');
  writeFileSync(values, readFileSync(values, 'utf8').replace('bufferMaxEvents: 10000', 'bufferMaxEvents: 20000'));
  bumpChart(repo, 'logclaw-ingestion');
  git(repo, 'commit', '-qam', 'ingestion: a bigger Kafka buffer');

  const copyCache = (name) => {
    const to = join(work, name);
    cpSync(baseCache, to, { recursive: true });
    return to;
  };
  const lintCache = copyCache('cache-lint');
  const diffCache = copyCache('cache-diff');
  const lint = run(repo, lintCache, ['lint', '--changed', '--base', 'main', '--crds', crds, '--format', 'json']);
  const diff = run(repo, diffCache, ['diff', '--changed', '--base', 'main', '--crds', crds, '--format', 'json']);
  const after = run(repo, lintCache, ['diff', '--changed', '--base', 'main', '--crds', crds, '--format', 'json']);
  const md = run(repo, diffCache, ['diff', '--changed', '--base', 'main', '--crds', crds, '--format', 'markdown']);
  const lj = JSON.parse(lint.stdout);
  const dj = JSON.parse(diff.stdout);
  const aj = JSON.parse(after.stdout);
  const r = (x) => `${x.renders.base.cached}/${x.renders.base.total} + ${x.renders.head.cached}/${x.renders.head.total}`;
  console.log(`\nchange: charts/logclaw-ingestion/values.yaml kafka.bufferMaxEvents 10000 → 20000 (+ version bumps); ${dj.summary.tenantsChanged} of ${dj.summary.tenantsSelected} tenants change, ${dj.summary.groups} group(s), verdict ${dj.verdict}`);
  console.log(
    table(
      ['command', 'wall', 'cpu', 'renders (cached/total)', 'vs lint --changed (wall)'],
      [
        ['lint --changed', `${seconds(lint.ms)} s`, `${seconds(lint.cpuMs)} s`, `${lj.stats.cachedRenders}/${lj.stats.renders}`, '1.00x'],
        ['diff --changed', `${seconds(diff.ms)} s`, `${seconds(diff.cpuMs)} s`, `base ${r(dj).replace(' + ', ', head ')}`, `${(diff.ms / lint.ms).toFixed(2)}x (goal <= 2x: ${diff.ms <= 2 * lint.ms ? 'met' : 'NOT met'})`],
        ['diff --changed after lint --changed', `${seconds(after.ms)} s`, `${seconds(after.cpuMs)} s`, `base ${r(aj).replace(' + ', ', head ')}`, `${(after.ms / lint.ms).toFixed(2)}x`],
      ],
    ),
  );
  console.log(`markdown comment: ${md.stdout.length} characters (limit 65536); load ${loadavg()}`);
  if (markdownOut) writeFileSync(markdownOut, md.stdout);
  rmSync(join(repo, '..'), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}

main();
