#!/usr/bin/env node
// `npm run -s sim -- --kubeconfig FILE [--nodes 3] [--zones a,b,c] [--scenario FILE] [--faults SPEC]`
// Runs a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
// until SIGINT/SIGTERM, writes a kubeconfig whose current context is `sim` (or --context), prints
// `simulator ready at <URL>`. Options:
//   --kubeconfig FILE     kubeconfig to write/merge (default $KUBECONFIG or ~/.kube/config)
//   --context NAME        context name (default sim)
//   --name NAME           node name prefix (default: the context name)
//   --nodes N --zones a,b,c  (--node-names n1,n2 names them explicitly)
//   --scenario FILE       scenario YAML (repeatable), see stages/scenario.ts
//   --faults SPEC         put the fault proxy in the kubeconfig, e.g. "5xx=0.1,latency=50ms,cut-watch-events=5"
//   --time-scale X        real seconds per scenario second (default 0.02)
//   --crds PATH           install these CRDs at start (repeatable)
//   --dir DIR             state directory (default: a new temp dir, removed on exit)
//   --state-file FILE     write a JSON description of the running cluster
//   --exit-with-stdin     stop when stdin closes (used by the test API so no cluster outlives its test run)
//   --data-plane          serve the pods' ports and Kafka's console tools with local stand-ins (dataplane.ts), so
//                         `logclaw verify` passes on a tenant the charts installed; on by default for `npm run sim`
// Every simulator serves the official operator charts of ../shared/upstream-charts as a chart repository on
// loopback (chart-repository.ts); its URL is in the state (`chartMirror`) and is what LOGCLAW_CHART_MIRROR must
// name for `logclaw operators install` / `dev up` to install them (Cluster.env() and `npm run try` set it).
// The API server's webhook and kubelet traffic goes through an egress proxy that dials only loopback
// addresses (webhooks.ts). Started as `npm run sim` (neither
// --state-file nor --exit-with-stdin), it is also the cluster the fake kind (test/cluster/bin/kind) attaches to:
// its state is in <cache>/sim/current.json while it runs.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { startControlPlane, kubeconfigYaml, type ControlPlane } from './control-plane.ts';
import { type Faults, parseFaults, startFaultProxy, type FaultProxy } from './proxy.ts';
import { BARRIER_LABEL, barrierObjects, compileScenario, podMatches, readScenarioFile, type Scenario } from './stages/scenario.ts';
import { API, OPERATOR_KINDS } from './stages/operators.ts';
import { startChartRepository } from './chart-repository.ts';
import { type Match, STAGE_API, SIM_LABEL } from './stages/common.ts';
import { KubeError, type KubeObject } from './lib/kube.ts';
import { criLog } from './lib/proc.ts';
// @ts-ignore -- plain ESM module shared with build.mjs
import { cacheRoot, components } from './versions.mjs';

export interface SimState {
  pid: number;
  dir: string;
  context: string;
  kubeconfig: string;
  /** the URL in the kubeconfig (the fault proxy when --faults was given) */
  server: string;
  apiserver: string;
  controlURL: string;
  requestLog?: string;
  timeScale: number;
  startedAt: number;
  readyAt: number;
  versions: Record<string, string>;
  ports: Record<string, number>;
  pids: Record<string, number>;
  topicsDir: string;
  handlersDir: string;
  /** the chart repository serving ../shared/upstream-charts (LOGCLAW_CHART_MIRROR), when that directory exists */
  chartMirror?: string;
  /** JSON lines of the API server's egress proxy: every connection it was asked for, routed or refused */
  egressLog: string;
}

const here = dirname(new URL(import.meta.url).pathname);

/** Merge (or create) a kubeconfig so that `context` points at `server` with the cluster's admin credentials; make it current. */
export function writeKubeconfig(file: string, context: string, server: string, cp: ControlPlane): void {
  const fresh = YAML.parse(kubeconfigYaml({ server, context, ca: cp.pki.caCert, cert: cp.pki.adminCert, key: cp.pki.adminKey, inline: true }));
  let cfg = existsSync(file) ? (YAML.parse(readFileSync(file, 'utf8')) ?? {}) : {};
  cfg = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...cfg };
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    cfg[key] = [...(cfg[key] ?? []).filter((e: { name: string }) => e.name !== context), ...fresh[key]];
  }
  cfg['current-context'] = context;
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, YAML.stringify(cfg), { mode: 0o600 });
}

export function removeKubeconfigContext(file: string, context: string): void {
  if (!existsSync(file)) return;
  const cfg = YAML.parse(readFileSync(file, 'utf8')) ?? {};
  for (const key of ['clusters', 'users', 'contexts'] as const) cfg[key] = (cfg[key] ?? []).filter((e: { name: string }) => e.name !== context);
  if (cfg['current-context'] === context) cfg['current-context'] = '';
  writeFileSync(file, YAML.stringify(cfg), { mode: 0o600 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' }, context: { type: 'string', default: 'sim' }, name: { type: 'string' },
      nodes: { type: 'string', default: '3' }, zones: { type: 'string', default: 'a,b,c' }, 'node-names': { type: 'string' },
      scenario: { type: 'string', multiple: true }, faults: { type: 'string' }, 'time-scale': { type: 'string', default: '0.02' },
      crds: { type: 'string', multiple: true }, dir: { type: 'string' }, 'state-file': { type: 'string' },
      'exit-with-stdin': { type: 'boolean', default: false }, 'data-plane': { type: 'boolean' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
    return;
  }
  const log = (m: string) => { if (!values.quiet) process.stderr.write(`sim: ${m}\n`); };
  const kubeconfig = resolve(values.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config'));
  const context = values.context!;
  const timeScale = Number(values['time-scale']);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error('--nodes must be a positive integer');
  const scenarios = (values.scenario ?? []).map(readScenarioFile);
  const faults = values.faults !== undefined ? parseFaults(values.faults) : undefined;
  const handlersDir = join(here, 'handlers');

  let cp: ControlPlane | undefined;
  let stopping = false;
  const proxies = new Map<string, FaultProxy>();
  const stoppers: (() => void)[] = [];
  const settle = (p: Promise<unknown> | undefined, ms: number) =>
    Promise.race([Promise.resolve(p).catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    // Whatever hangs, the components go and the process exits.
    setTimeout(() => { for (const p of cp?.procs ?? []) p.child.kill('SIGKILL'); process.exit(code); }, 45_000).unref();
    for (const s of stoppers) { try { s(); } catch { /* already stopped */ } }
    await settle(Promise.all([...proxies.values()].map((p) => p.close())), 2000);
    await settle(control?.close(), 2000);
    if (cp) await cp.stop(Boolean(values.dir) || code !== 0);
    if (cp && code !== 0) process.stderr.write(`sim: logs kept in ${cp.dir}/logs\n`);
    if (values['state-file']) rmSync(values['state-file'], { force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  if (values['exit-with-stdin']) {
    process.stdin.on('end', () => void stop(0));
    process.stdin.on('error', () => void stop(0));
    process.stdin.resume();
  }
  let control: { close(): Promise<void> } | undefined;

  cp = await startControlPlane({
    nodes, nodeNames: values['node-names']?.split(',').filter(Boolean), zones: values.zones!.split(',').map((z) => z.trim()).filter(Boolean), name: values.name ?? context,
    dir: values.dir, timeScale, crds: values.crds, log,
    kwokEnv: { PATH: `${join(handlersDir, 'bin')}:${process.env.PATH}`, SIM_TOPICS_DIR: '' },
  });
  const topicsDir = join(cp.dir, 'topics');
  mkdirSync(topicsDir, { recursive: true });
  const kube = cp.kube;

  // Exec runs handler programs on this machine (kafka-console-*.sh, ...), logs come from files.
  const defaultLog = join(cp.dir, 'default-container.log');
  writeFileSync(defaultLog, criLog(['logclaw-sim: container started']));
  await kube.applyAll([
    { apiVersion: STAGE_API, kind: 'ClusterExec', metadata: { name: 'sim-default' },
      spec: { execs: [{ local: { workDir: join(handlersDir, 'root'), envs: [{ name: 'SIM_TOPICS_DIR', value: topicsDir }, { name: 'PATH', value: `${join(handlersDir, 'bin')}:${process.env.PATH}` }] } }] } },
    { apiVersion: STAGE_API, kind: 'ClusterLogs', metadata: { name: 'sim-default' },
      spec: { logs: [{ logsFile: defaultLog, previousLogsFile: defaultLog, follow: false }] } },
  ] as KubeObject[]);

  // Stages of kinds whose CRD is installed later (operator charts) are re-announced to kwok then.
  const established = new Set<string>();
  stoppers.push(kube.informer('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', async (type, crd) => {
    if (type === 'DELETED') { established.delete(crd.metadata.name); return; }
    const ok = crd.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
    if (!ok || established.has(crd.metadata.name)) return;
    established.add(crd.metadata.name);
    const kind = OPERATOR_KINDS.find((k) => API[k].crdName === crd.metadata.name);
    if (!kind) return;
    kube.resetDiscovery();
    // kwok retries a stage controller only when its stages change; its discovery may lag the
    // CRD for a moment, so announce now and twice more.
    const announce = async () => {
      if (stopping) return;
      const stages = await kube.request<{ items: KubeObject[] }>('GET', '/apis/kwok.x-k8s.io/v1alpha1/stages');
      for (const s of stages.items.filter((st: any) => st.spec.resourceRef.kind === kind)) {
        await kube.request('PATCH', `/apis/kwok.x-k8s.io/v1alpha1/stages/${s.metadata.name}`,
          { metadata: { annotations: { 'sim.logclaw.dev/crd-seen': String(Date.now()) } } }, 'application/merge-patch+json').catch((e) => log(String(e)));
      }
    };
    await announce();
    for (const ms of [2000, 6000]) setTimeout(() => { void announce().catch((e) => log(String(e))); }, ms).unref();
    log(`operator stages for ${kind} re-announced (CRD ${crd.metadata.name} established)`);
  }, (e) => log(`crd watch: ${String(e)}`)));

  // Scenario log lines: a Logs object per matching pod.
  const logRules: { scenario: string; match: Match; file: string }[] = [];
  const ensureLogs = async (pod: any) => {
    const rule = logRules.find((r) => podMatches(r.match, pod));
    if (!rule) return;
    await kube.apply({ apiVersion: STAGE_API, kind: 'Logs', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, labels: { [SIM_LABEL]: rule.scenario } },
      spec: { logs: [{ logsFile: rule.file, previousLogsFile: rule.file, follow: false }] } } as KubeObject).catch((e) => log(`logs: ${String(e)}`));
  };
  stoppers.push(kube.informer('/api/v1/pods', async (type, pod) => { if (type === 'ADDED' && logRules.length) await ensureLogs(pod); }));

  // Returns once kwok holds every Stage written so far (see barrierObjects): a scenario is in effect before the
  // test creates the pods it is about. Each wait touches the barrier pod, so kwok looks at it again should it have
  // seen the pod before the stage.
  let barrierSeq = 0;
  const stagesSeen = async () => {
    const id = `sim-barrier-${++barrierSeq}`;
    const nodes = await kube.request<{ items: KubeObject[] }>('GET', '/api/v1/nodes');
    const { stage, pod } = barrierObjects(id, nodes.items[0]!.metadata.name);
    const t0 = Date.now();
    await kube.apply(stage);
    await kube.create(pod);
    try {
      for (let i = 0; await kube.get('v1', 'Pod', id, 'default'); i++) {
        if (Date.now() - t0 > 60_000) throw new Error(`kwok did not see the stages within 60 s (barrier pod default/${id} still there)`);
        await new Promise((r) => setTimeout(r, 50));
        if (i % 20 === 19) {
          await kube.request('PATCH', `/api/v1/namespaces/default/pods/${id}`, { metadata: { annotations: { [BARRIER_LABEL]: String(i) } } }, 'application/merge-patch+json').catch(() => undefined);
        }
      }
    } finally {
      await kube.delete(STAGE_API, 'Stage', stage.metadata.name);
    }
    return Date.now() - t0;
  };

  const applyScenario = async (s: Scenario) => {
    const compiled = compileScenario(s, cp!.operatorOptions);
    await kube.applyAll(compiled.stages);
    const seenMs = await stagesSeen();
    compiled.logs.forEach((l, i) => {
      const file = join(cp!.dir, `logs-${compiled.name}-${i}.log`);
      writeFileSync(file, criLog(l.lines));
      logRules.push({ scenario: compiled.name, match: l.match, file });
    });
    if (compiled.logs.length) {
      const pods = await kube.request<{ items: any[] }>('GET', '/api/v1/pods');
      for (const p of pods.items) await ensureLogs(p);
    }
    log(`scenario ${compiled.name}: ${compiled.stages.length} stages, in effect after ${seenMs} ms`);
    return { name: compiled.name, stages: compiled.stages.map((st) => st.metadata.name) };
  };
  const removeScenario = async (name: string) => {
    await kube.request('DELETE', `/apis/kwok.x-k8s.io/v1alpha1/stages?labelSelector=${encodeURIComponent(`${SIM_LABEL}=${name}`)}`);
    for (let i = logRules.length - 1; i >= 0; i--) if (logRules[i]!.scenario === name) logRules.splice(i, 1);
  };
  for (const s of scenarios) await applyScenario(s);

  const tlsFor = () => ({
    ca: readFileSync(cp!.pki.caCert, 'utf8'), cert: readFileSync(cp!.pki.adminCert, 'utf8'), key: readFileSync(cp!.pki.adminKey, 'utf8'),
    serverCert: readFileSync(cp!.pki.serverCert, 'utf8'), serverKey: readFileSync(cp!.pki.serverKey, 'utf8'),
  });
  let proxySeq = 0;
  const newProxy = async (f: Faults, id = `p${++proxySeq}`) => {
    const p = await startFaultProxy(cp!.server, tlsFor(), join(cp!.dir, `requests-${id}.jsonl`), f);
    proxies.set(id, p);
    return { id, url: p.url, port: p.port, requestLog: p.logFile };
  };

  let server = cp.server;
  let requestLog: string | undefined;
  if (faults) {
    const p = await newProxy(faults, 'main');
    server = p.url;
    requestLog = p.requestLog;
  }
  writeKubeconfig(kubeconfig, context, server, cp);

  // The official operator charts, served under the repository and chart names of helmfile.d/00-operators.
  let chartMirror: string | undefined;
  try {
    const repo = await startChartRepository();
    chartMirror = repo.url;
    stoppers.push(() => void repo.close());
    log(`chart repository ${repo.url} (${repo.charts.join(', ')}): set LOGCLAW_CHART_MIRROR=${repo.url}`);
  } catch (e) {
    log(`no chart repository: ${e instanceof Error ? e.message : String(e)}`);
  }

  // Control endpoint for the test API: scenarios, extra fault proxies, state.
  const state: SimState = {
    pid: process.pid, dir: cp.dir, context, kubeconfig, server, apiserver: cp.server, controlURL: '', requestLog, timeScale,
    startedAt: cp.startedAt, readyAt: cp.readyAt, versions: Object.fromEntries(components.map((c: any) => [c.name, c.version])),
    ports: cp.ports, pids: Object.fromEntries(cp.procs.map((p) => [p.name, p.child.pid ?? 0])), topicsDir, handlersDir,
    chartMirror, egressLog: cp.egressLog,
  };
  const httpServer = createServer(async (req, res) => {
    const body = await new Promise<string>((r) => { let b = ''; req.on('data', (c) => { b += c; }); req.on('end', () => r(b)); });
    const reply = (status: number, data: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(data)); };
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean);
      if (req.method === 'GET' && parts[0] === 'state') return reply(200, state);
      if (req.method === 'POST' && parts[0] === 'scenarios') return reply(200, await applyScenario(JSON.parse(body) as Scenario));
      if (req.method === 'DELETE' && parts[0] === 'scenarios' && parts[1]) { await removeScenario(parts[1]); return reply(200, {}); }
      if (req.method === 'POST' && parts[0] === 'proxies') {
        const b = body ? JSON.parse(body) : {};
        return reply(200, await newProxy(typeof b.faults === 'string' ? parseFaults(b.faults) : b.faults ?? {}));
      }
      if (req.method === 'PUT' && parts[0] === 'proxies' && parts[1] && parts[2] === 'faults') {
        const p = proxies.get(parts[1]);
        if (!p) return reply(404, { error: 'no such proxy' });
        const b = JSON.parse(body);
        p.setFaults(typeof b === 'string' ? parseFaults(b) : b);
        return reply(200, p.faults);
      }
      if (req.method === 'DELETE' && parts[0] === 'proxies' && parts[1]) {
        const p = proxies.get(parts[1]);
        proxies.delete(parts[1]);
        await p?.close();
        return reply(200, {});
      }
      return reply(404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (e) {
      return reply(e instanceof KubeError ? 502 : 400, { error: String(e instanceof Error ? e.message : e) });
    }
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  state.controlURL = `http://127.0.0.1:${(httpServer.address() as import('node:net').AddressInfo).port}`;
  control = { close: () => new Promise<void>((r) => { httpServer.close(() => r()); httpServer.closeAllConnections(); }) };
  if (values['state-file']) writeFileSync(values['state-file'], JSON.stringify(state, null, 2));
  // `npm run sim`: the simulator the fake kind attaches to, with the data-plane stand-ins
  const interactive = !values['state-file'] && !values['exit-with-stdin'];
  const announced = interactive ? join(cacheRoot, 'sim', 'current.json') : undefined;
  if (values['data-plane'] ?? interactive) {
    const { startDataPlane } = await import('./dataplane.ts');
    const dp = startDataPlane({ kube, topicsDir, handlersDir, log });
    stoppers.push(() => dp.stop());
    log('data plane on: a real Kafka broker per tenant namespace, pods\' HTTP ports served locally (see test/cluster/dataplane.ts)');
  }
  if (announced) {
    mkdirSync(dirname(announced), { recursive: true });
    writeFileSync(announced, JSON.stringify(state, null, 2));
    stoppers.push(() => {
      try {
        if (JSON.parse(readFileSync(announced, 'utf8')).pid === process.pid) rmSync(announced, { force: true });
      } catch { /* gone */ }
    });
  }
  process.stdout.write(`simulator ready at ${server}\n`);
  log(`context ${context} in ${kubeconfig}; ${nodes} nodes; started in ${cp.readyAt - cp.startedAt} ms; control ${state.controlURL}`);

  // A component that dies takes the simulator down (its log tail explains why).
  for (const p of cp.procs) {
    void p.exited.then((code) => {
      if (stopping) return;
      process.stderr.write(`sim: ${p.name} exited with ${code}; see ${p.logFile}\n`);
      void stop(1);
    });
  }
}

main().catch((e) => {
  process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
