#!/usr/bin/env node
// The system programs the test suite runs beside the ones it builds itself (test/cluster/build.mjs) and
// the helm binaries `npm run setup` extracts. `npm test` runs this first (pretest), so the README's test
// command and CI need the same things and skip nothing:
//   redis-server    the cache of the Argo CD components the GitOps tests run
//   docker-registry the OCI registry the `charts push` tests publish to (distribution 2.8)
//   htpasswd        the bcrypt password file of the registry that needs a login
//   zsh, fish       the shells whose loading of `logclaw completion` the CLI tests check
// Missing ones are installed with apt-get when this runs as root on Debian/Ubuntu; elsewhere it stops
// (exit 3) naming the exact command.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const PROGRAMS = [
  { bin: 'redis-server', pkg: 'redis-server', why: 'the GitOps tests (Argo CD cache)' },
  { bin: 'docker-registry', pkg: 'docker-registry', why: 'the charts push tests (OCI registry)' },
  { bin: 'htpasswd', pkg: 'apache2-utils', why: 'the charts push tests with a login' },
  { bin: 'zsh', pkg: 'zsh', why: 'the CLI tests loading `logclaw completion zsh`' },
  { bin: 'fish', pkg: 'fish', why: 'the CLI tests loading `logclaw completion fish`' },
];

const quiet = process.argv.includes('--quiet');
const which = (bin) => (process.env.PATH ?? '').split(delimiter).map((d) => join(d, bin)).find((p) => p && existsSync(p));
const missing = PROGRAMS.filter((p) => !which(p.bin));
if (missing.length === 0) {
  if (!quiet) console.log(`test prerequisites: ${PROGRAMS.map((p) => p.bin).join(', ')} present`);
  process.exit(0);
}
const pkgs = [...new Set(missing.map((p) => p.pkg))];
const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!canApt) {
  for (const p of missing) console.error(`test prerequisites: ${p.bin} is missing (${p.why})`);
  console.error(`install them first: sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
  process.exit(3);
}
console.log(`test prerequisites: installing ${pkgs.join(' ')} (apt-get)`);
const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
if (!install()) {
  // a fresh machine's package lists may be empty or stale
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!install()) {
    console.error(`test prerequisites: apt-get install ${pkgs.join(' ')} failed`);
    process.exit(3);
  }
}
const still = PROGRAMS.filter((p) => !which(p.bin));
if (still.length > 0) {
  console.error(`test prerequisites: still missing after the install: ${still.map((p) => p.bin).join(', ')}`);
  process.exit(3);
}
