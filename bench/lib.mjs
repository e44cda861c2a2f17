/** Helpers the benchmarks share: a repository copy without build products, timing with CPU time, load. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * Copy a repository into a new temp dir (as DIR/repo) without node_modules, dist, .git and built dependency archives;
 * the stand-in airflow chart prepared, and LOGCLAW_UPSTREAM_CHARTS set to the official charts beside `from` (the
 * copy has no ../shared of its own) for the logclaw processes the benchmark starts.
 */
export function copyRepo(from, { helm, env = process.env } = {}) {
  const upstream = join(from, '..', 'shared', 'upstream-charts');
  if (process.env.LOGCLAW_UPSTREAM_CHARTS === undefined && existsSync(upstream)) process.env.LOGCLAW_UPSTREAM_CHARTS = upstream;
  const dir = mkdtempSync(join(tmpdir(), 'logclaw-bench-'));
  const to = join(dir, 'repo');
  cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const rel = relative(from, src);
      return !/^(node_modules|dist|\.git|\.tools|coverage|\.logclaw)(\/|$)/.test(rel) && !/^charts\/[^/]+\/charts\/logclaw-/.test(rel);
    },
  });
  const prepare = join(to, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs');
  if (existsSync(prepare)) execFileSync(process.execPath, [prepare], { cwd: to, env: { ...env, ...(helm ? { LOGCLAW_HELM3: helm } : {}) }, stdio: 'ignore' });
  return to;
}

export const seconds = (ms) => (ms / 1000).toFixed(2);
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Wall time, and CPU time of the command and all its children (GNU time's %U + %S). Exit codes in `ok` pass. */
export function timeIt(cmd, args, opts = {}, ok = [0, 1]) {
  const cpuFile = join(tmpdir(), `logclaw-bench-cpu-${process.pid}`);
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, cmd, ...args], { ...opts, env: opts.env ?? process.env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(-2000)}`);
  const [u, s] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpuMs: (u + s) * 1000, stdout: r.stdout, stderr: r.stderr, status: r.status };
}
