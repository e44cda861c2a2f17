#!/usr/bin/env node
// CLI start-up and validation speed, measured against `node -e 0` on the same machine in one run.
// Runs every case interleaved (so load changes hit all alike), prints medians and ratios:
//   logclaw --version                      target ≤ 1.3× node -e 0 (median of per-round ratios)
//   logclaw tenant validate <one file>     target ≤ 1.8× node -e 0
//   logclaw tenant validate <1,000 files>  target ≤ 1.5 s wall
//   each broken tenant of the corpus       target < 1 s, exit 1
// Usage: npm run bench [-- --runs 21]   (build first: npm run build)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tenantFleet } from '../test/fixtures/fleet.mjs';


const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'logclaw.js');
const node = process.execPath;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;
const env = { ...process.env, NO_COLOR: '1' };

const { example, work, fleet } = tenantFleet(root, 'logclaw-bench-');

function time(args, expect = 0) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expect) {
    process.stderr.write(`${args.join(' ')} exited ${r.status}, expected ${expect}\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const cases = {
  base: ['-e', '0'],
  version: [bin, '--version'],
  one: [bin, 'tenant', 'validate', example],
};
// warm the file cache and the compile cache
for (const args of Object.values(cases)) time(args);
time([bin, 'tenant', 'validate', fleet]);

const samples = { base: [], version: [], one: [], fleet: [] };
for (let i = 0; i < runs; i++) {
  for (const [k, args] of Object.entries(cases)) samples[k].push(time(args));
  if (i % 3 === 0) samples.fleet.push(time([bin, 'tenant', 'validate', fleet]));
}

const corpusDir = join(root, 'test', 'fixtures', 'tenants', 'broken');
let corpus = [];
try {
  corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
} catch {
  corpus = [];
}
const corpusTimes = corpus.map((f) => [f, time([bin, 'tenant', 'validate', join(corpusDir, f)], 1)]);
rmSync(work, { recursive: true, force: true });

const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
// Each round runs node -e 0 right before the logclaw cases: the median of the per-round ratios cancels the
// drift of a shared (virtualised) machine better than a ratio of medians.
const paired = (k) => median(samples[k].map((x, i) => x / samples.base[i]));
const r = { version: paired('version'), one: paired('one') };
const ratio = (k) => r[k].toFixed(2);
const ok = (b) => (b ? 'ok' : 'OVER');
const line = (label, ms, extra) => process.stdout.write(`${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${extra}\n`);
process.stdout.write(`logclaw CLI benchmark: node ${process.version}, ${cpus().length} cores, ${runs} runs, medians; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
line('node -e 0', m.base, '1.00×');
line('logclaw --version', m.version, `${ratio('version')}×  (target ≤ 1.3×) ${ok(r.version <= 1.3)}`);
line('logclaw tenant validate <one file>', m.one, `${ratio('one')}×  (target ≤ 1.8×) ${ok(r.one <= 1.8)}`);
line('logclaw tenant validate <1,000 files>', m.fleet, `wall  (target ≤ 1500 ms) ${ok(m.fleet <= 1500)}`);
if (corpusTimes.length) {
  const [slowFile, slow] = corpusTimes.reduce((a, b) => (b[1] > a[1] ? b : a));
  line(`broken corpus: ${corpusTimes.length} files, each exit 1, slowest`, slow, `${slowFile}  (target < 1000 ms) ${ok(slow < 1000)}`);
}
