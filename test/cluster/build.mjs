#!/usr/bin/env node
// Builds the test cluster's programs (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, kwok, helmfile, argocd) from their pinned Go modules (test/cluster/go/*) into
// <cache>/bin/<name>-<version>/ (default ~/.cache/logclaw). A component whose binaries exist and
// whose stamp matches its go.mod/go.sum/ldflags is skipped. Prints what it builds and how long it took.
//   node test/cluster/build.mjs [--quiet] [--json] [--only etcd,kwok]
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { binRoot, componentDir, components, moduleDir } from './versions.mjs';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const log = (m) => { if (!quiet) process.stderr.write(`build:cluster: ${m}\n`); };

function goVersion(c) {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnv(c) }).trim();
  } catch {
    process.stderr.write('build:cluster: the Go toolchain is missing: install Go >= 1.26 (https://go.dev/dl/) and put `go` on PATH\n');
    process.exit(3);
  }
}

// A component may pin a newer Go toolchain than the installed one (argocd: go1.27.3).
function goEnv(c) {
  return c?.toolchain ? { ...process.env, GOTOOLCHAIN: c.toolchain } : process.env;
}

const copiesOf = (c) => (c.copy ? [c.copy].flat() : []);

function stampOf(c) {
  const dir = moduleDir(c);
  const h = createHash('sha256');
  h.update(readFileSync(join(dir, 'go.mod')));
  h.update(readFileSync(join(dir, 'go.sum')));
  h.update(JSON.stringify(c.toolchain ? [c.packages, c.ldflags, c.toolchain] : [c.packages, c.ldflags]));
  return h.digest('hex').slice(0, 16);
}

function binariesUpToDate(c) {
  const dir = componentDir(c);
  const stampFile = join(dir, '.stamp');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== stampOf(c)) return false;
  return Object.keys(c.packages).every((b) => existsSync(join(dir, b)));
}

function upToDate(c) {
  return binariesUpToDate(c) && copiesOf(c).every((cp) => existsSync(join(componentDir(c), cp.to)));
}

function copyData(c, into) {
  for (const cp of copiesOf(c)) {
    const modDir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', cp.module], { cwd: moduleDir(c), encoding: 'utf8', env: goEnv(c) }).trim();
    const target = join(into, cp.to);
    // Module cache files are read-only; make the copies ordinary files (a single file copied is a program).
    if (statSync(join(modDir, cp.from)).isFile()) {
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(modDir, cp.from), target);
      chmodSync(target, 0o755);
      continue;
    }
    mkdirSync(target, { recursive: true });
    cpSync(join(modDir, cp.from), target, { recursive: true });
    for (const f of readdirSync(target)) chmodSync(join(target, f), 0o644);
  }
}

function run(cmd, argv, opts) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { ...opts, stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; if (!quiet) process.stderr.write(d); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${argv.join(' ')} failed (${code}):\n${err.slice(-4000)}`))));
  });
}

// One build at a time per cache (two test runs starting together wait for each other).
const lockDir = join(binRoot, '.build.lock');
async function withLock(fn) {
  mkdirSync(binRoot, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      let pid = 0;
      try { pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch { /* being created */ }
      let alive = false;
      if (pid) { try { process.kill(pid, 0); alive = true; } catch { alive = false; } }
      if (pid && !alive) { rmSync(lockDir, { recursive: true, force: true }); continue; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function build(c) {
  const out = componentDir(c);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const env = {
    ...goEnv(c),
    GOFLAGS: `${process.env.GOFLAGS ?? ''} -trimpath -buildvcs=false -mod=readonly`.trim(),
    CGO_ENABLED: process.env.CGO_ENABLED ?? '0',
  };
  const ldflags = ['-s', '-w', ...c.ldflags].join(' ');
  const t0 = Date.now();
  log(`building ${c.name} ${c.version} (${Object.keys(c.packages).join(', ')}) ...`);
  await run('go', ['build', `-ldflags=${ldflags}`, '-o', `${tmp}/`, ...Object.values(c.packages)], { cwd: moduleDir(c), env });
  // `go build` names binaries after the last path element; rename to the wanted names.
  for (const [bin, pkg] of Object.entries(c.packages)) {
    const built = join(tmp, pkg.split('/').filter((p) => !/^v\d+$/.test(p)).pop());
    if (built !== join(tmp, bin)) renameSync(built, join(tmp, bin));
  }
  copyData(c, tmp);
  writeFileSync(join(tmp, '.stamp'), `${stampOf(c)}\n`);
  // How long this build took (bench/cluster.mjs reports it as the first-build time).
  writeFileSync(join(tmp, '.build.json'), `${JSON.stringify({ seconds: (Date.now() - t0) / 1000, go: goVersion(c), at: new Date().toISOString(), gocache: process.env.GOCACHE ?? 'default' })}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const secs = (Date.now() - t0) / 1000;
  log(`built ${c.name} ${c.version} in ${secs.toFixed(1)} s -> ${out}`);
  return secs;
}

const selected = components.filter((c) => !only || only.includes(c.name));
const report = {};
if (selected.every(upToDate)) {
  for (const c of selected) { report[c.name] = { version: c.version, dir: componentDir(c), built: false, seconds: 0 }; log(`${c.name} ${c.version} cached`); }
} else {
  log(`go ${goVersion()}, cache ${binRoot}`);
  const t0 = Date.now();
  await withLock(async () => {
    for (const c of selected) {
      if (binariesUpToDate(c)) {
        if (!upToDate(c)) copyData(c, componentDir(c));
        log(`${c.name} ${c.version} cached`);
        report[c.name] = { version: c.version, dir: componentDir(c), built: false, seconds: 0 };
        continue;
      }
      const seconds = await build(c);
      report[c.name] = { version: c.version, dir: componentDir(c), built: true, seconds };
    }
  });
  log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
