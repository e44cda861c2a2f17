#!/usr/bin/env node
// The simulated cluster's costs, printed against their targets:
//   first build of the Go binaries (recorded by build.mjs; --cold rebuilds into empty caches) vs cached
//   start → `simulator ready` (target ≤ 10 s with cached binaries), best and median of --runs
//   memory (RSS) of the running control plane, idle and after 60 pods (target ≤ 1.5 GiB)
//   helm install --wait of the umbrella chart with tenant-dev-local.yaml (target ≤ 30 s), when the charts exist
// Usage: node bench/cluster.mjs [--runs 3] [--cold]   (run with the repo's Node 24: npm exec -- node bench/cluster.mjs)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const runs = Number(arg('runs', 3));
const node = join(root, 'node_modules', '.bin', 'node');
const { components, componentDir } = await import(join(root, 'test', 'cluster', 'versions.mjs'));
const { startCluster } = await import(join(root, 'test', 'cluster', 'index.ts'));
const GiB = 1024 ** 3;
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;
const line = (label, value, target) => console.log(`${label.padEnd(44)} ${value.padEnd(14)} ${target ?? ''}`);

// 1. Build: recorded first build per component, then a cached run.
if (process.argv.includes('--cold')) {
  const cache = mkdtempSync(join(tmpdir(), 'logclaw-coldbuild-'));
  const t0 = Date.now();
  execFileSync(process.execPath, [join(root, 'test', 'cluster', 'build.mjs')], { stdio: 'inherit',
    env: { ...process.env, LOGCLAW_CACHE_DIR: cache, GOCACHE: join(cache, 'gocache'), GOMODCACHE: join(cache, 'gomod'), GOFLAGS: '-modcacherw' } });
  line('cold build (empty GOCACHE and GOMODCACHE)', fmt(Date.now() - t0), 'CI budget 90 min');
  rmSync(cache, { recursive: true, force: true });
}
let recorded = 0;
for (const c of components) {
  const f = join(componentDir(c), '.build.json');
  if (existsSync(f)) {
    const b = JSON.parse(readFileSync(f, 'utf8'));
    recorded += b.seconds;
    line(`  first build ${c.name} ${c.version}`, `${b.seconds.toFixed(0)} s`);
  }
}
if (recorded) line('first build, all components (recorded)', `${(recorded / 60).toFixed(1)} min`);
const t0 = Date.now();
execFileSync(process.execPath, [join(root, 'test', 'cluster', 'build.mjs'), '--quiet']);
line('cached build check', `${Date.now() - t0} ms`);

// 2. Start → ready, several runs.
const times = [];
let mem;
for (let i = 0; i < runs; i++) {
  const s = Date.now();
  const c = await startCluster({ nodes: 3, timeScale: 0.01 });
  times.push(Date.now() - s);
  if (i === runs - 1) {
    const rss = () => Object.entries(c.state.pids).map(([name, pid]) => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return [name, Number(m?.[1] ?? 0) * 1024];
    });
    const idle = rss();
    spawnSync('kubectl', ['--kubeconfig', c.kubeconfig, 'create', 'namespace', 'bench']);
    spawnSync('kubectl', ['--kubeconfig', c.kubeconfig, 'apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'load', namespace: 'bench' },
      spec: { replicas: 60, selector: { matchLabels: { app: 'load' } }, template: { metadata: { labels: { app: 'load' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } }) });
    const w = Date.now();
    spawnSync('kubectl', ['--kubeconfig', c.kubeconfig, 'rollout', 'status', 'deployment/load', '-n', 'bench', '--timeout=120s']);
    line('60-replica Deployment rolled out', fmt(Date.now() - w));
    const loaded = rss();
    mem = { idle, loaded };
    // 3. Umbrella install, when the charts exist: the official operator charts first (their CRDs, from the chart
    //    repository the test cluster serves), then the
    //    tenant namespace pre-created with Helm's ownership metadata (the chart renders it too).
    const umbrella = join(root, 'charts', 'logclaw-tenant');
    const tenant = join(root, 'gitops', 'tenants', 'tenant-dev-local.yaml');
    const tools = join(root, '.tools', 'tools.json');
    if (existsSync(join(umbrella, 'Chart.yaml')) && existsSync(tenant) && existsSync(tools)) {
      const helm = JSON.parse(readFileSync(tools, 'utf8')).helm3.path;
      const o = Date.now();
      const { binPath } = await import(join(root, 'test', 'cluster', 'versions.mjs'));
      const ops = spawnSync(binPath('helmfile'), ['--file', join(root, 'helmfile.d', '00-operators.yaml.gotmpl'), '--helm-binary', helm, '--kube-context', c.context, 'sync'],
        { encoding: 'utf8', env: c.env() });
      line('official operator charts installed (helmfile sync: 5 charts, CRDs, webhooks)', ops.status === 0 ? fmt(Date.now() - o) : 'failed');
      const ns = 'logclaw-dev-local';
      const k = (...a) => spawnSync('kubectl', ['--kubeconfig', c.kubeconfig, ...a], { encoding: 'utf8' });
      k('create', 'namespace', ns);
      k('label', 'namespace', ns, 'app.kubernetes.io/managed-by=Helm');
      k('annotate', 'namespace', ns, 'meta.helm.sh/release-name=bench', `meta.helm.sh/release-namespace=${ns}`);
      const h = Date.now();
      const r = spawnSync(helm, ['install', 'bench', umbrella, '-n', ns, '-f', tenant, '--wait', '--timeout', '300s', '--kubeconfig', c.kubeconfig], { encoding: 'utf8' });
      line('helm install --wait umbrella (dev-local)', r.status === 0 ? fmt(Date.now() - h) : 'failed', 'target ≤ 30 s (time scale 0.01)');
      if (r.status !== 0) console.log(`  ${r.stderr.trim().split('\n').slice(-3).join('\n  ')}`);
    } else {
      line('helm install --wait umbrella (dev-local)', 'skipped', '(umbrella chart or tenant-dev-local.yaml missing)');
    }
  }
  await c.stop();
}
times.sort((a, b) => a - b);
line(`start → ready (${runs} runs): best`, fmt(times[0]), `target ≤ 10 s (${(times[0] / 10_000).toFixed(2)}× target)`);
line('start → ready: median', fmt(times[Math.floor(times.length / 2)]));
const sum = (xs) => xs.reduce((a, [, v]) => a + v, 0);
for (const [label, xs] of [['idle', mem.idle], ['after 60 pods', mem.loaded]]) {
  line(`control plane RSS ${label}`, `${(sum(xs) / GiB).toFixed(2)} GiB`, `target ≤ 1.5 GiB (${(sum(xs) / (1.5 * GiB)).toFixed(2)}× target)`);
  console.log(`  ${xs.map(([n, v]) => `${n} ${(v / 1024 ** 2).toFixed(0)} MiB`).join(', ')}`);
}
