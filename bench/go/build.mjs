#!/usr/bin/env node
// Builds the tools bench/fleet-lint.mjs compares logclaw with, from their pinned Go modules
// (bench/go/<module>/: go.mod + go.sum with a `tool` directive, no Go code) into
// <cache>/bin/<name>-<version>/<binary> (default ~/.cache/logclaw, as test/cluster/build.mjs does).
// A tool whose binary exists and whose stamp matches its go.mod/go.sum is skipped.
//   node bench/go/build.mjs [--only kubeconform,ct] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binRoot } from '../../test/cluster/versions.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export const tools = [
  { name: 'kubeconform', version: 'v0.8.0', module: 'kubeconform', binary: 'kubeconform', pkg: 'github.com/yannh/kubeconform/cmd/kubeconform' },
  { name: 'chart-testing', version: 'v3.14.0', module: 'chart-testing', binary: 'ct', pkg: 'github.com/helm/chart-testing/v3/ct', ldflags: ['-X', 'github.com/helm/chart-testing/v3/ct/cmd.Version=v3.14.0'] },
];

export const toolDir = (t) => join(binRoot, `${t.name}-${t.version}`);
export const toolPath = (binary) => {
  const t = tools.find((x) => x.binary === binary);
  if (!t) throw new Error(`unknown bench tool ${binary}`);
  return join(toolDir(t), t.binary);
};

function stampOf(t) {
  const dir = join(here, t.module);
  const h = createHash('sha256');
  h.update(readFileSync(join(dir, 'go.mod')));
  h.update(readFileSync(join(dir, 'go.sum')));
  h.update(JSON.stringify([t.pkg, t.ldflags ?? []]));
  return h.digest('hex').slice(0, 16);
}

export function upToDate(t) {
  const stamp = join(toolDir(t), '.stamp');
  return existsSync(join(toolDir(t), t.binary)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === stampOf(t);
}

/** Build one tool (or keep the cached one); returns { built, seconds, path }. */
export function buildTool(t, log = () => {}) {
  if (upToDate(t)) return { built: false, seconds: 0, path: join(toolDir(t), t.binary) };
  const out = toolDir(t);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -trimpath -buildvcs=false -mod=readonly`.trim(), CGO_ENABLED: process.env.CGO_ENABLED ?? '0' };
  const t0 = Date.now();
  log(`building ${t.name} ${t.version} ...`);
  const r = spawnSync('go', ['build', `-ldflags=${['-s', '-w', ...(t.ldflags ?? [])].join(' ')}`, '-o', join(tmp, t.binary), t.pkg], { cwd: join(here, t.module), env, encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`go build ${t.pkg} failed (${r.status}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  writeFileSync(join(tmp, '.stamp'), `${stampOf(t)}\n`);
  writeFileSync(join(tmp, '.build.json'), `${JSON.stringify({ seconds, go: execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim(), at: new Date().toISOString() })}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  log(`built ${t.name} ${t.version} in ${seconds.toFixed(1)} s -> ${out}`);
  return { built: true, seconds, path: join(out, t.binary) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
  const report = {};
  for (const t of tools.filter((x) => !only || only.includes(x.name) || only.includes(x.binary))) {
    try {
      report[t.name] = { version: t.version, ...buildTool(t, (m) => process.stderr.write(`bench/go: ${m}\n`)) };
    } catch (e) {
      process.stderr.write(`bench/go: ${e.message}\n`);
      report[t.name] = { version: t.version, error: e.message.split('\n')[0] };
      process.exitCode = 1;
    }
  }
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
