#!/usr/bin/env node
// `npm run try`: LogClaw end to end on this machine without Docker or a cluster. Prints every command it runs
// and its output, and stops at the first one that fails (its exit code is the script's):
//   1. prerequisites, each cached after the first run: the simulator's programs (node test/cluster/build.mjs,
//      Go modules → ~/.cache/logclaw/bin; Apache Kafka and OpenSearch, node test/cluster/kafka/build.mjs and
//      test/cluster/opensearch/build.mjs), helm 3 and 4
//      (npm run setup), logclaw's build, the stand-in airflow chart (offline; zammad is the real chart, from
//      ../shared/upstream-charts);
//   2. the simulator (node test/cluster/sim.ts: a real control plane with KWOK, a chart repository of the
//      official operator charts in ../shared/upstream-charts, the data plane: a real Kafka broker and OpenSearch node
//      per tenant namespace, HTTP stand-ins) with its own kubeconfig; logclaw gets that chart repository as
//      LOGCLAW_CHART_MIRROR (helm's repository list and cache in the work directory);
//   3. logclaw dev up, operators install (a re-run), status, verify, dev credentials, diff, upgrade, uninstall
//      for the dev tenant dev-local, and dev down --delete-cluster, with the fake kind and docker of
//      test/cluster/bin first on PATH (they attach to the simulator: no other setting); then the simulator's
//      namespaces (nothing of dev up is left);
//   4. the simulator is stopped and its files removed (also on failure or Ctrl-C).
//   node scripts/try.mjs [--keep]   (--keep: leave the simulator running at the end; Ctrl-C stops it)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), 'logclaw-try-'));
const kubeconfig = join(work, 'kubeconfig');
const TENANT = 'dev-local';
const CONTEXT = 'kind-logclaw-dev';
const say = (m) => process.stdout.write(`${m}\n`);

// the fake kind and docker (they attach to the simulator started below), then the user's PATH
const env = {
  ...process.env, PATH: `${join(root, 'test', 'cluster', 'bin')}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: kubeconfig, NO_COLOR: process.env.NO_COLOR ?? '1',
  LOGCLAW_FAKE_DOCKER_MEMORY: process.env.LOGCLAW_FAKE_DOCKER_MEMORY ?? '64Gi',
  HELM_REPOSITORY_CONFIG: join(work, 'helm', 'repositories.yaml'), HELM_REPOSITORY_CACHE: join(work, 'helm', 'repository'),
};
for (const k of ['LOGCLAW_FAKE_KIND_ATTACH', 'LOGCLAW_KIND', 'LOGCLAW_DOCKER', 'LOGCLAW_HELMFILE_ENVIRONMENT', 'LOGCLAW_CHART_MIRROR']) delete env[k];

/** Run a command, streaming its output; resolves with its exit code. */
function run(shown, file, args, o = {}) {
  say(`\n$ ${shown}`);
  const t0 = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(file, args, { cwd: root, env: o.env ?? env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (e) => { say(`try: ${e.message}`); resolvePromise(127); });
    child.on('close', (code, signal) => {
      if (o.timing !== false) say(`# exit ${code ?? signal} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      resolvePromise(code ?? 1);
    });
  });
}

let sim;
let stopping = false;
async function stopSim() {
  if (!sim || sim.exitCode !== null) return;
  say('\n# stopping the simulator');
  sim.kill('SIGTERM');
  await new Promise((r) => { sim.once('close', r); setTimeout(r, 30_000).unref(); });
}
async function finish(code) {
  if (stopping) return;
  stopping = true;
  if (keep && code === 0 && sim) {
    say(`\n# the simulator keeps running (KUBECONFIG=${kubeconfig}); Ctrl-C stops it`);
    await new Promise((r) => process.once('SIGINT', r));
  }
  await stopSim();
  rmSync(work, { recursive: true, force: true });
  say(code === 0 ? '\ntry: every step passed' : `\ntry: stopped: a step failed (exit ${code})`);
  process.exit(code);
}
process.on('SIGINT', () => void finish(130));
process.on('SIGTERM', () => void finish(130));

async function step(shown, file, args, o) {
  const code = await run(shown, file, args, o);
  if (code !== 0 && !(o?.ok ?? [0]).includes(code)) await finish(code);
  return code;
}

async function main() {
  say(`try: LogClaw on a simulated cluster (work directory ${work})`);
  // 1. prerequisites (each a no-op once done)
  await step('node test/cluster/build.mjs', node, [join(root, 'test', 'cluster', 'build.mjs')]);
  await step('node test/cluster/kafka/build.mjs', node, [join(root, 'test', 'cluster', 'kafka', 'build.mjs')]);
  await step('node test/cluster/opensearch/build.mjs', node, [join(root, 'test', 'cluster', 'opensearch', 'build.mjs')]);
  await step('npm run setup', node, [join(root, 'scripts', 'setup-tools.mjs')]);
  await step('npm run build   # tsc and the tenant validator', node, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { timing: true });
  await step('node scripts/build-tenant.mjs', node, [join(root, 'scripts', 'build-tenant.mjs')]);
  await step('node test/fixtures/upstream-charts/prepare.mjs   # stand-in airflow chart (offline)', node, [join(root, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')]);

  // 2. the simulator
  const simArgs = ['--kubeconfig', kubeconfig, '--nodes', '3', '--zones', 'a,b,c'];
  say(`\n$ npm run sim -- ${simArgs.join(' ')} &`);
  sim = spawn(node, [join(root, 'test', 'cluster', 'sim.ts'), ...simArgs], { cwd: root, env: { ...env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  let simLog = '';
  const ready = await new Promise((resolvePromise) => {
    let out = '';
    sim.stdout.on('data', (d) => { out += d; process.stdout.write(d); if (/simulator ready at/.test(out)) resolvePromise(true); });
    sim.stderr.on('data', (d) => { simLog += d; process.stdout.write(d); });
    sim.on('close', () => resolvePromise(false));
  });
  if (!ready) { say('try: the simulator did not start'); await finish(4); }
  const mirror = /set LOGCLAW_CHART_MIRROR=(\S+)/.exec(simLog)?.[1];
  if (!mirror) { say('try: the simulator serves no operator charts (is ../shared/upstream-charts there? LOGCLAW_SHARED_DIR moves it)'); await finish(3); }
  env.LOGCLAW_CHART_MIRROR = mirror;

  // 3. the dev tenant's first hour
  say(`\n# logclaw runs with PATH=test/cluster/bin:$PATH (fake kind and docker), KUBECONFIG=${kubeconfig} and LOGCLAW_CHART_MIRROR=${mirror}`);
  const cli = (args) => [node, [join(root, 'bin', 'logclaw.js'), ...args]];
  const logclaw = (args, o) => step(`npx logclaw ${args.join(' ')}`, ...cli(args), o);
  await logclaw(['dev', 'up', '--tenant', TENANT]);
  await logclaw(['operators', 'install', '--kube-context', CONTEXT]);   // a re-run: reports what is installed and current
  await logclaw(['status', '--tenant', TENANT, '--kube-context', CONTEXT]);
  await logclaw(['verify', '--tenant', TENANT, '--kube-context', CONTEXT, '--timeout', '60s']);
  await logclaw(['dev', 'credentials', '--tenant', TENANT]);
  await logclaw(['diff', '--tenant', TENANT, '--kube-context', CONTEXT]);
  await logclaw(['upgrade', '--tenant', TENANT, '--kube-context', CONTEXT, '--yes']);
  await logclaw(['uninstall', '--tenant', TENANT, '--kube-context', CONTEXT, '--yes']);
  await logclaw(['dev', 'down', '--delete-cluster']);
  // what is left on the simulator: as after deleting a kind cluster, nothing of dev up
  await step('kubectl --context sim get namespaces', 'kubectl', ['--kubeconfig', kubeconfig, '--context', 'sim', 'get', 'namespaces']);
  await finish(0);
}

main().catch(async (e) => {
  say(`try: ${e instanceof Error ? e.message : String(e)}`);
  await finish(1);
});
