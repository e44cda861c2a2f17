#!/usr/bin/env node
// `logclaw dev up` on the test cluster (real kube-apiserver, controller-manager, scheduler, KWOK) with
// per-component readiness delays on a scaled clock, and what it is measured against:
//   total ÷ critical path   logclaw's operators + tenant time ÷ the longest chain of (install + ready) through the
//                           DAG with the durations this run measured (target ≤ 1.15: the scheduling overhead)
//   total ÷ serial sum      ÷ the same durations one after the other (what a sequential helmfile apply takes)
//   detection latency       from an object's last ready transition (seen by an independent watch) to logclaw
//                           marking its release ready (target ≤ 0.5 s)
//   API requests / object   logclaw's own API requests (the fault proxy's log, by User-Agent) ÷ objects it awaited
//                           (target ≤ 3 with watches)
// Delays (scenario seconds, ×time scale): a 32-minute serial onboarding — operators 45–90 s, platform 30 s,
// Kafka 420 s (KRaft brokers), OpenSearch 360 s, dashboards 180 s, Airflow 240/300 s, Vector 90 s, agent 120 s.
// Usage: npm run build && node_modules/.bin/node bench/lifecycle.mjs [--time-scale 0.1]
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : def);
const timeScale = Number(arg('--time-scale', '0.1'));
const log = (m) => process.stderr.write(`bench: ${m}\n`);

// story seconds until each component reports ready
const TIMELINE = {
  operators: { strimzi: 90, 'cert-manager': 60, 'external-secrets': 45, 'flink-operator': 60, 'opensearch-operator': 60 },
  pods: { 'platform-gateway': 30, opensearch: 360, ingestion: 90, 'ticketing-agent': 120, 'ticketing-agent-setup': 60, 'airflow-webserver': 240, 'airflow-scheduler': 300, 'opensearch-dashboards': 180 },
  crs: { Kafka: 420, KafkaNodePool: 400, KafkaTopic: 30, KafkaUser: 30 },
};

const { startCluster } = await import(join(root, 'test', 'cluster', 'index.ts'));
const { binPath } = await import(join(root, 'test', 'cluster', 'versions.mjs'));
const { KubeApi } = await import(join(root, 'dist', 'kube', 'api.js'));
const { WatchHub } = await import(join(root, 'dist', 'kube', 'watch.js'));
const { verdict } = await import(join(root, 'dist', 'readiness', 'verdict.js'));
const tools = JSON.parse(readFileSync(join(root, '.tools', 'tools.json'), 'utf8'));

log(`starting the test cluster (time scale ${timeScale})`);
const cluster = await startCluster({ nodes: 3, zones: ['a', 'b', 'c'], faults: {}, timeScale });
const work = mkdtempSync(join(tmpdir(), 'logclaw-bench-'));
try {
  cpSync(join(root, 'test', 'lifecycle', 'fixtures', 'stack'), work, { recursive: true });
  // the repository's operators (the official charts, from the chart repository the test cluster serves)
  cpSync(join(root, 'helmfile.d', '00-operators.yaml.gotmpl'), join(work, 'helmfile.d', '00-operators.yaml.gotmpl'));
  cpSync(join(root, 'helmfile.d', 'values'), join(work, 'helmfile.d', 'values'), { recursive: true });
  const tenantFile = join(work, 'gitops', 'tenants', 'tenant-bench.yaml');
  writeFileSync(tenantFile, 'global: {tenantId: bench, environment: dev, tier: standard}\nairflow: {enabled: true}\ndashboards: {enabled: true}\n');
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig));
  const binDir = join(work, 'bin');
  cpSync(join(root, 'test', 'cluster', 'bin'), join(work, 'fakes'), { recursive: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(binDir);
  symlinkSync(tools.helm3.path, join(binDir, 'helm'));
  symlinkSync(binPath('helmfile'), join(binDir, 'helmfile'));
  for (const fake of ['kind', 'docker']) {
    writeFileSync(join(binDir, fake), `#!/bin/sh\nexec '${join(root, 'test', 'cluster', 'bin', fake)}' "$@"\n`);
    chmodSync(join(binDir, fake), 0o755);
  }
  if (existsSync('/usr/bin/kubectl')) symlinkSync('/usr/bin/kubectl', join(binDir, 'kubectl'));

  await cluster.applyScenario({
    name: 'bench',
    pods: [
      ...Object.entries(TIMELINE.operators).map(([ns, delay]) => ({ match: { namespace: ns }, mode: 'ready', delay })),
      ...Object.entries(TIMELINE.pods).filter(([app]) => app !== 'ticketing-agent-setup').map(([app, delay]) => ({ match: { namespace: 'logclaw-bench', labels: { app } }, mode: 'ready', delay })),
      { match: { namespace: 'logclaw-bench', labels: { app: 'ticketing-agent-setup' } }, mode: 'jobSucceeds', delay: TIMELINE.pods['ticketing-agent-setup'] },
    ],
    operators: Object.entries(TIMELINE.crs).map(([kind, delay]) => ({ kind, match: { namespace: 'logclaw-bench' }, delay })),
  });

  // an independent observer: when does each tenant object become ready?
  const api = await KubeApi.load({ context: cluster.context, kubeconfig, userAgent: 'bench-observer' });
  const hub = new WatchHub(api);
  const readyAt = new Map();
  for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ['apps/v1', 'StatefulSet'], ['batch/v1', 'Job'], ['kafka.strimzi.io/v1beta2', 'Kafka'], ['kafka.strimzi.io/v1beta2', 'KafkaNodePool'], ['kafka.strimzi.io/v1beta2', 'KafkaTopic'], ['kafka.strimzi.io/v1beta2', 'KafkaUser']]) {
    hub.informer(apiVersion, kind, 'logclaw-bench').subscribe((e) => {
      const key = `${kind}/${e.object.metadata.name}`;
      if (e.type !== 'DELETED' && verdict(e.object).status === 'ready' && !readyAt.has(key)) readyAt.set(key, Date.now());
    });
  }

  log('running logclaw dev up');
  const env = { ...process.env, PATH: `${binDir}:/usr/bin:/bin`, KUBECONFIG: kubeconfig, HOME: work, NO_COLOR: '1', ...cluster.chartEnv(), HELM_CONFIG_HOME: join(work, '.config', 'helm'), HELM_CACHE_HOME: join(work, '.cache', 'helm'), LOGCLAW_FAKE_KIND_ATTACH: cluster.state.controlURL, LOGCLAW_FAKE_KIND_DIR: join(work, 'fake-kind'), LOGCLAW_HELM: undefined, LOGCLAW_HELMFILE: undefined };
  const t0 = Date.now();
  const out = await new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'logclaw.js'), 'dev', 'up', '--tenant', 'bench', '--cluster', 'bench', '--timeout', '30m', '--json'], { cwd: work, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`dev up exited ${code}\n${stderr.slice(-4000)}`))));
  });
  const wall = Date.now() - t0;
  const s = JSON.parse(out);
  hub.stop();

  // durations this run measured, per release: install + time to ready
  const all = [...s.operatorReleases, ...s.releases];
  const dur = new Map(all.map((r) => [r.release, ((r.installSeconds ?? 0) + (r.waitSeconds ?? 0)) * 1000]));
  const longest = (releases) => {
    const best = new Map();
    const visit = (r) => {
      if (best.has(r.release)) return best.get(r.release);
      const prev = Math.max(0, ...r.needs.filter((n) => releases.some((x) => x.release === n)).map((n) => visit(releases.find((x) => x.release === n))));
      const v = prev + dur.get(r.release);
      best.set(r.release, v);
      return v;
    };
    return Math.max(0, ...releases.map(visit));
  };
  const phaseMs = (name) => 1000 * (s.phases.find((p) => p.phase.startsWith(name))?.seconds ?? 0);
  const total = phaseMs('operators') + phaseMs('tenant');
  const critical = longest(s.operatorReleases) + longest(s.releases);
  const serial = [...dur.values()].reduce((a, b) => a + b, 0);
  // the same DAG with only the scenario's delays (no install time): operators (external-secrets needs
  // cert-manager), then platform, then kafka → ingestion/agent, opensearch → dashboards, airflow
  const T = TIMELINE;
  const opsChain = Math.max(T.operators['strimzi-system'], T.operators['cert-manager'] + T.operators['external-secrets']);
  const kafkaReady = Math.max(T.crs.Kafka, T.crs.KafkaNodePool, T.crs.KafkaTopic, T.crs.KafkaUser);
  const tenantChain = T.pods['platform-gateway'] + Math.max(kafkaReady + Math.max(T.pods.ingestion, T.pods['ticketing-agent'], T.pods['ticketing-agent-setup']), T.pods.opensearch + T.pods['opensearch-dashboards'], T.pods['airflow-webserver'], T.pods['airflow-scheduler']);
  const storyCritical = (opsChain + tenantChain) * timeScale * 1000;

  // detection latency: last object of a release ready (independent watch) → logclaw's release ready
  const { tenantReleases } = await import(join(root, 'dist', 'status', 'index.js'));
  const state = await tenantReleases(api, 'logclaw-bench');
  const latencies = [];
  for (const rel of state.releases) {
    const out = s.releases.find((r) => r.release === `logclaw-bench/${rel.name}`);
    const times = rel.refs.map((ref) => readyAt.get(`${ref.kind}/${ref.name}`)).filter(Boolean);
    if (!out?.readyAtEpochMs || !times.length || times.length !== rel.refs.filter((r) => r.kind !== 'Service' && r.kind !== 'PersistentVolumeClaim').length) continue;
    latencies.push({ release: rel.name, ms: out.readyAtEpochMs - Math.max(...times) });
  }
  latencies.sort((a, b) => a.ms - b.ms);
  const median = latencies.length ? latencies[Math.floor(latencies.length / 2)].ms : NaN;
  const worst = latencies.length ? latencies[latencies.length - 1].ms : NaN;

  // API requests by logclaw itself (the proxy logs every request with its User-Agent)
  const records = cluster.requests().filter((r) => Date.parse(r.time) >= t0 && (r.userAgent ?? '').startsWith('logclaw/'));
  const objects = s.api?.awaitedObjects ?? 0;
  await api.close();

  const f = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `logclaw dev up on the test cluster, time scale ${timeScale} (1 scenario second = ${(timeScale * 1000).toFixed(0)} ms), ${all.length} releases, ${objects} awaited objects`,
    `  wall time (tools check, cluster, operators, tenant)   ${f(wall)}`,
    ...s.phases.map((p) => `    ${p.phase.padEnd(50)} ${f(p.seconds * 1000)}`),
    `  operators + tenant phases (total)                    ${f(total)}`,
    `  critical path of the DAG (measured install + ready)  ${f(critical)}      total ÷ critical path = ${(total / critical).toFixed(2)}   (target ≤ 1.15)`,
    `  serial sum (sequential helmfile apply)               ${f(serial)}      total ÷ serial sum    = ${(total / serial).toFixed(2)}`,
    `  critical path of the readiness delays alone          ${f(storyCritical)}      total ÷ it             = ${(total / storyCritical).toFixed(2)}`,
    `  detection latency (release ready after its last object): median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms over ${latencies.length} releases (target ≤ 500 ms)`,
    `  API requests by logclaw: ${records.length} (own count ${s.api?.requests ?? '?'}; ${records.filter((r) => r.watch).length} watches) ÷ ${objects} awaited objects = ${(records.length / Math.max(1, objects)).toFixed(2)} per object (target ≤ 3)`,
    `  watch stats: ${JSON.stringify(s.api?.watch ?? {})}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await cluster.stop();
  if (!process.env.LOGCLAW_KEEP_BENCH) rmSync(work, { recursive: true, force: true });
}
