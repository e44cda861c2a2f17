#!/usr/bin/env node
// The GitOps path on a real Argo CD v3 (test/cluster/argocd.ts) over the test cluster, measured:
//   1 tenant        commit of gitops/tenants/tenant-<id>.yaml → Application Synced + Healthy (the ApplicationSet
//                   and the Application are refreshed right after the commit, as a git webhook does)
//   20 tenants      20 tenant files in three waves (2 canary, 6 early, 12 main) committed at once → all Healthy;
//                   then a chart change (an annotation in the umbrella's values) rolled by RollingSync: when
//                   each wave is Healthy at the new commit, and whether a wave started before the previous was done
//   render          Argo CD's repo-server GenerateManifest time (its gRPC log, cache misses only) ÷ `logclaw
//                   render` of the same tenant in the same repository copy
// Custom resources get their operator's status from the KWOK stages once the CRDs are installed (taken from
// ../shared/crds). Timings are on a scaled clock (--time-scale, default 0.01).
// Usage: npm run build && node test/cluster/build.mjs --only argocd && node_modules/.bin/node bench/gitops.mjs [--tenants 20] [--timeout 1800]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : def);
const timeScale = Number(arg('--time-scale', '0.01'));
const fleet = Number(arg('--tenants', '20'));
const log = (m) => process.stderr.write(`bench: ${m}\n`);
const shared = process.env.LOGCLAW_SHARED_DIR ?? resolve(root, '..', 'shared');
const tools = JSON.parse(readFileSync(join(root, '.tools', 'tools.json'), 'utf8'));
const helm3 = tools.helm3.path;

const { startCluster } = await import(join(root, 'test', 'cluster', 'index.ts'));
const { startArgoCD, projectGitRepo, argoAvailable } = await import(join(root, 'test', 'cluster', 'argocd.ts'));
const { renderBootstrap, bootstrapObjects } = await import(join(root, 'dist', 'gitops', 'bootstrap.js'));
const { ensureDependencies } = await import(join(root, 'dist', 'charts', 'index.js'));
const { Helm } = await import(join(root, 'dist', 'tools', 'helm.js'));
const { prepare } = await import(join(root, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs'));

const avail = argoAvailable();
if (!avail.ok) { log(avail.reason); process.exit(3); }

const tenantYaml = (id, wave) => [
  `global: {tenantId: ${id}, tenantName: Bench ${id}, tier: standard, cloudProvider: onprem, environment: dev, storageClass: standard, llm: {provider: disabled}, rollout: {wave: ${wave}}}`,
  'platform: {enabled: true}', 'ingestion: {enabled: true}', 'kafka: {enabled: true}', 'opensearch: {enabled: true}',
  ...['flink', 'mlEngine', 'airflow', 'ticketingAgent', 'zammad'].map((c) => `${c}: {enabled: false}`), '',
].join('\n');

log(`starting the test cluster (time scale ${timeScale})`);
const cluster = await startCluster({ nodes: 3, zones: ['a', 'b', 'c'], faults: {}, timeScale });
const work = mkdtempSync(join(tmpdir(), 'logclaw-bench-gitops-'));
let argo;
try {
  // the operators' CRDs (their statuses come from the stages)
  // (cert-manager's CRD files are helm templates upstream: without them no Issuer/Certificate is rendered)
  for (const b of ['strimzi-0.50.1', 'external-secrets-0.10.3']) {
    const dir = join(shared, 'crds', b);
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).flatMap((f) => ['-f', join(dir, f)]);
    execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfig, '--context', cluster.context, 'apply', '--server-side', ...files], { stdio: 'ignore' });
  }
  await cluster.applyScenario({ name: 'bench-issuer', stages: [{
    apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Stage', metadata: { name: 'bench-issuer-ready' },
    spec: { resourceRef: { apiGroup: 'cert-manager.io/v1', kind: 'Issuer' }, selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' }, { key: '.status.conditions', operator: 'DoesNotExist' }] },
      next: { statusTemplate: 'conditions:\n- type: Ready\n  status: "True"\n  reason: IsReady\n  message: ok\n  lastTransitionTime: {{ Now | Quote }}\n' } },
  }] });

  // the repository: charts (dependencies built and committed) and gitops/
  process.env.LOGCLAW_HELM3 ??= helm3;
  prepare();
  const repoDir = join(work, 'repo');
  const helm = await Helm.detect(helm3);
  const done = new Map();
  const repo = await projectGitRepo(root, repoDir, (chart) => ensureDependencies(chart, helm, done));

  log('starting Argo CD');
  const t0 = Date.now();
  argo = await startArgoCD({ kubeconfig: cluster.kubeconfig, context: cluster.context, helm: helm3, dir: join(work, 'argocd') });
  const startMs = Date.now() - t0;
  const boot = renderBootstrap({ root: repoDir, repo: repo.url, revision: 'main', namespace: argo.namespace });
  await argo.kubectl(['apply', '-f', '-'], bootstrapObjects(boot, 'apply').filter((o) => o.metadata.name === 'logclaw' || o.kind === 'ApplicationSet').map((o) => JSON.stringify(o)).join('\n---\n'));

  const apps = async () => JSON.parse(await argo.kubectl(['get', 'applications.argoproj.io', '-n', argo.namespace, '-o', 'json'])).items;
  const refresh = async () => {
    await argo.kubectl(['annotate', '-n', argo.namespace, '--overwrite', 'applicationsets.argoproj.io/logclaw-tenants', 'argocd.argoproj.io/application-set-refresh=true']);
    for (const a of await apps()) await argo.kubectl(['annotate', '-n', argo.namespace, '--overwrite', `applications.argoproj.io/${a.metadata.name}`, 'argocd.argoproj.io/refresh=normal']).catch(() => undefined);
  };
  const healthyAt = (a, sha) => a.status?.sync?.status === 'Synced' && a.status.sync.revision === sha && a.status.health?.status === 'Healthy';
  const waitAll = async (names, sha, onEach, timeoutMs = Number(arg('--timeout', '1800')) * 1000) => {
    const seen = new Map();
    const deadline = Date.now() + timeoutMs;
    let n = 0;
    while (seen.size < names.length) {
      if (Date.now() > deadline) throw new Error(`timed out: ${names.filter((x) => !seen.has(x)).join(', ')} not Healthy at ${sha.slice(0, 8)}`);
      if (n++ % 10 === 0) await refresh();
      for (const a of await apps()) if (names.includes(a.metadata.name) && !seen.has(a.metadata.name) && healthyAt(a, sha)) { seen.set(a.metadata.name, Date.now()); onEach?.(a); }
      await new Promise((r) => setTimeout(r, 250));
    }
    return seen;
  };

  // 1 tenant
  let sha = await repo.commit('onboard solo', { 'gitops/tenants/tenant-solo.yaml': tenantYaml('solo', 'main') });
  let c0 = Date.now();
  await refresh();
  await waitAll(['logclaw-tenant-solo'], sha);
  const soloMs = Date.now() - c0;
  log(`1 tenant: commit → Synced + Healthy in ${(soloMs / 1000).toFixed(1)} s`);

  // render: repo-server vs logclaw render of the same tenant
  const grpc = readFileSync(join(work, 'argocd', 'logs', 'repo-server.log'), 'utf8').split('\n').filter((l) => l.includes('"grpc.method":"GenerateManifest"') && l.includes('finished call'))
    .map((l) => JSON.parse(l)).map((j) => Number(j['grpc.time_ms']));
  const repoServerMs = Math.max(...grpc);
  const r0 = Date.now();
  execFileSync(process.execPath, [join(root, 'bin', 'logclaw.js'), 'render', '--tenant', 'solo', '--crds', join(shared, 'crds')], { cwd: repoDir, env: { ...process.env, LOGCLAW_HELM: helm3 }, stdio: ['ignore', 'ignore', 'inherit'] });
  const renderMs = Date.now() - r0;
  log(`render: repo-server ${repoServerMs} ms, logclaw render ${renderMs} ms`);

  // 20 tenants in 3 waves
  const waves = { canary: Math.max(1, Math.round(fleet * 0.1)), early: Math.max(1, Math.round(fleet * 0.3)) };
  const ids = Array.from({ length: fleet }, (_, i) => ({ id: `t${String(i).padStart(2, '0')}`, wave: i < waves.canary ? 'canary' : i < waves.canary + waves.early ? 'early' : 'main' }));
  sha = await repo.commit(`onboard ${fleet} tenants`, { 'gitops/tenants/tenant-solo.yaml': null, ...Object.fromEntries(ids.map((t) => [`gitops/tenants/tenant-${t.id}.yaml`, tenantYaml(t.id, t.wave)])) });
  c0 = Date.now();
  await refresh();
  const names = ids.map((t) => `logclaw-tenant-${t.id}`);
  const onboard = await waitAll(names, sha);
  const fleetMs = Date.now() - c0;
  log(`${fleet} tenants in three waves: commit → all Healthy in ${(fleetMs / 1000).toFixed(1)} s`);

  // a chart change (a new object in the umbrella chart: every tenant's render changes) rolls by waves
  const started = new Map();
  sha = await repo.commit('chart change: one more ConfigMap per tenant', {
    'charts/logclaw-tenant/templates/bench-release.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: logclaw-release\n  namespace: {{ .Release.Namespace }}\ndata:\n  release: "2"\n',
  });
  c0 = Date.now();
  await refresh();
  const waveOf = new Map(ids.map((t) => [`logclaw-tenant-${t.id}`, t.wave]));
  const finished = new Map();
  const stepDone = new Map();
  // when each Application's sync of the change started and finished, and when RollingSync saw it Healthy (server clock)
  const watchOps = setInterval(async () => {
    const set = JSON.parse(await argo.kubectl(['get', 'applicationsets.argoproj.io', 'logclaw-tenants', '-n', argo.namespace, '-o', 'json']).catch(() => '{}'));
    for (const st of set.status?.applicationStatus ?? []) {
      if (!stepDone.has(st.application) && st.status === 'Healthy' && (st.targetRevisions ?? []).includes(sha)) stepDone.set(st.application, Date.parse(st.lastTransitionTime));
    }
    for (const a of await apps().catch(() => [])) {
      const op = a.status?.operationState;
      if (op?.operation?.sync?.revision !== sha) continue;
      if (!started.has(a.metadata.name)) started.set(a.metadata.name, Date.parse(op.startedAt));
      if (op.phase === 'Succeeded' && op.finishedAt && !finished.has(a.metadata.name)) finished.set(a.metadata.name, Date.parse(op.finishedAt));
    }
  }, 250);
  const rolled = await waitAll(names, sha);
  await new Promise((r) => setTimeout(r, 500));
  clearInterval(watchOps);
  const rollMs = Date.now() - c0;
  const byWave = (m, w) => [...m].filter(([n]) => waveOf.get(n) === w).map(([, t]) => t - c0);
  const doneAt = (w) => Math.max(...byWave(rolled, w));
  const first = (w) => Math.min(...byWave(started, w).concat([Infinity]));
  const lastFinish = (w) => Math.max(...byWave(finished, w));
  const lastStep = (w) => Math.max(...byWave(stepDone, w));
  // a wave's first sync starts no earlier than RollingSync saw the previous wave Healthy (whole seconds)
  const ordered = first('early') >= lastStep('canary') && first('main') >= lastStep('early');

  // a wave none of whose syncs finished (or started) in the sampling window has no time: say so, not ±Infinity
  const s = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'not seen');
  const lines = [
    `Argo CD ${argo.version} out of cluster (redis, repo-server, application + applicationset controllers), test cluster time scale ${timeScale}`,
    `  start (CRDs, config, 4 processes up)             ${s(startMs)}`,
    `  1 tenant: commit → Synced + Healthy              ${s(soloMs)}`,
    `  ${fleet} tenants (${waves.canary} canary, ${waves.early} early, ${fleet - waves.canary - waves.early} main): commit → all Healthy   ${s(fleetMs)}  (${s(fleetMs / fleet)} per tenant)`,
    `  chart change rolled by RollingSync                ${s(rollMs)}: canary Healthy at ${s(doneAt("canary"))}, early at ${s(doneAt("early"))}, main at ${s(doneAt("main"))}`,
    `    each wave's syncs started after RollingSync saw the previous wave Healthy: ${ordered ? 'yes' : 'NO'} (syncs canary ${s(first('canary'))}–${s(lastFinish('canary'))}, early ${s(first('early'))}–${s(lastFinish('early'))}, main ${s(first('main'))}–${s(lastFinish('main'))}; step Healthy canary ${s(lastStep('canary'))}, early ${s(lastStep('early'))})`,
    `  render of one tenant: repo-server GenerateManifest ${s(repoServerMs)} ÷ logclaw render ${s(renderMs)} = ${(repoServerMs / renderMs).toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  void onboard;
} finally {
  await argo?.stop();
  await cluster.stop();
  if (!process.env.LOGCLAW_KEEP_TEST_DIRS) rmSync(work, { recursive: true, force: true });
}
