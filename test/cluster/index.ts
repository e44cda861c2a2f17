// Test API for the simulated cluster.
//   const c = await startCluster({ nodes: 3, zones: ['a', 'b', 'c'], faults: '5xx=0.1' });
//   ... kubectl --kubeconfig c.kubeconfig ...; await c.stop();
// or, inside vitest with test/cluster/global-setup.ts: const c = await useCluster();
// Each cluster runs in its own `sim.ts` process (which exits when the test process goes away).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { SimState } from './sim.ts';
import type { Faults, RequestRecord } from './proxy.ts';
import { readRecords } from './proxy.ts';
import type { Scenario } from './stages/scenario.ts';
import { credentialsFromKubeconfig, Kube, type KubeObject } from './lib/kube.ts';
import { criLog } from './lib/proc.ts';

export type { Scenario, Faults, RequestRecord };
export type { PodRule, PodMode } from './stages/pods.ts';
export type { OperatorRule, OperatorKind } from './stages/operators.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
/** Node 24 from the repo's devDependency (strips TypeScript types), whatever `node` is on PATH. */
export const nodeBin = existsSync(join(repoRoot, 'node_modules', '.bin', 'node')) ? join(repoRoot, 'node_modules', '.bin', 'node') : process.execPath;
export const simScript = join(here, 'sim.ts');
export const fakeBinDir = join(here, 'bin');

export interface StartOptions {
  nodes?: number;
  zones?: string[];
  /** fault proxy in the kubeconfig: a spec string ("5xx=0.1,latency=20ms") or object; {} = proxy without faults */
  faults?: Faults | string;
  scenarios?: string[];
  timeScale?: number;
  context?: string;
  name?: string;
  kubeconfig?: string;
  crds?: string[];
  /** keep the sim process alive after this process exits (the fake kind does this) */
  detached?: boolean;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ProxyHandle {
  id: string;
  url: string;
  requestLog: string;
  /** a kubeconfig whose current context goes through this proxy */
  kubeconfig: string;
  context: string;
  requests(): RequestRecord[];
  setFaults(f: Faults | string): Promise<void>;
  close(): Promise<void>;
}

export class Cluster {
  readonly state: SimState;
  readonly child?: ChildProcess;
  private ownsKubeconfig: boolean;
  private kubeClient?: Kube;

  constructor(state: SimState, child?: ChildProcess, ownsKubeconfig = false) {
    this.state = state;
    this.child = child;
    this.ownsKubeconfig = ownsKubeconfig;
  }

  get kubeconfig(): string { return this.state.kubeconfig; }
  get context(): string { return this.state.context; }
  /** URL in the kubeconfig (the fault proxy when faults are on) */
  get server(): string { return this.state.server; }
  /** the API server itself */
  get apiserver(): string { return this.state.apiserver; }
  get requestLog(): string | undefined { return this.state.requestLog; }
  get topicsDir(): string { return this.state.topicsDir; }
  get timeScale(): number { return this.state.timeScale; }

  /** Requests seen by the main fault proxy (only when started with `faults`). */
  requests(): RequestRecord[] {
    return this.state.requestLog ? readRecords(this.state.requestLog) : [];
  }

  /** A small REST client with the admin credentials (for setup in tests; assert with real clients). */
  kube(): Kube {
    this.kubeClient ??= new Kube(credentialsFromKubeconfig(this.kubeconfig, this.context));
    return this.kubeClient;
  }

  private async control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.state.controlURL}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const data = await res.json() as T & { error?: string };
    if (!res.ok) throw new Error(`sim ${method} ${path}: ${data.error ?? res.status}`);
    return data;
  }

  /** Apply a scenario (KWOK stages on the cluster's clock); returns the stage names. */
  applyScenario(s: Scenario): Promise<{ name: string; stages: string[] }> {
    return this.control('POST', '/scenarios', s);
  }

  removeScenario(name: string): Promise<void> {
    return this.control('DELETE', `/scenarios/${encodeURIComponent(name)}`);
  }

  /** A fault proxy of its own (own faults, own request log) with a kubeconfig pointing through it. */
  async proxy(faults: Faults | string = {}, dir?: string): Promise<ProxyHandle> {
    const p = await this.control<{ id: string; url: string; requestLog: string }>('POST', '/proxies', { faults });
    const cfg = YAML.parse(readFileSync(this.kubeconfig, 'utf8'));
    const ctx = cfg.contexts.find((c: { name: string }) => c.name === this.context);
    const cluster = cfg.clusters.find((c: { name: string }) => c.name === ctx.context.cluster);
    const user = cfg.users.find((u: { name: string }) => u.name === ctx.context.user);
    const context = `${this.context}-${p.id}`;
    const file = join(dir ?? mkdtempSync(join(tmpdir(), 'logclaw-proxy-')), 'kubeconfig');
    writeFileSync(file, YAML.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': context, preferences: {},
      clusters: [{ name: context, cluster: { ...cluster.cluster, server: p.url } }],
      users: [{ name: context, user: user.user }],
      contexts: [{ name: context, context: { cluster: context, user: context } }],
    }), { mode: 0o600 });
    return {
      ...p, kubeconfig: file, context,
      requests: () => readRecords(p.requestLog),
      setFaults: async (f) => { await this.control('PUT', `/proxies/${p.id}/faults`, f); },
      close: async () => { await this.control('DELETE', `/proxies/${p.id}`); },
    };
  }

  /** Route `kubectl port-forward` to a pod port (or to every pod of a namespace) to a local TCP port. */
  async forwardPort(opts: { namespace: string; pod?: string; podPort: number; localPort: number; address?: string }): Promise<void> {
    const forwards = [{ ports: [opts.podPort], target: { port: opts.localPort, address: opts.address ?? '127.0.0.1' } }];
    const obj: KubeObject = opts.pod
      ? { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'PortForward', metadata: { name: opts.pod, namespace: opts.namespace }, spec: { forwards } }
      : { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'ClusterPortForward', metadata: { name: `sim-${opts.namespace}-${opts.podPort}` },
        spec: { selector: { matchNamespaces: [opts.namespace] }, forwards } };
    await this.kube().apply(obj);
  }

  /** Lines `kubectl logs` shows for one pod. */
  async setPodLogs(namespace: string, pod: string, lines: string[], previous?: string[]): Promise<void> {
    const file = join(this.state.dir, `logs-${namespace}-${pod}.log`);
    writeFileSync(file, criLog(lines));
    let prev = file;
    if (previous) {
      prev = join(this.state.dir, `logs-${namespace}-${pod}.previous.log`);
      writeFileSync(prev, criLog(previous));
    }
    await this.kube().apply({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Logs', metadata: { name: pod, namespace },
      spec: { logs: [{ logsFile: file, previousLogsFile: prev, follow: false }] } });
  }

  /** Records written to a topic (by the kafka-console-producer.sh stand-in or a test). */
  topic(name: string): string[] {
    const f = join(this.state.topicsDir, `${name}.log`);
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** The chart repository of the official operator charts this cluster serves (for LOGCLAW_CHART_MIRROR). */
  get chartMirror(): string | undefined { return this.state.chartMirror; }

  /**
   * Environment for running programs against this cluster (kubectl, helm, logclaw): its kubeconfig, the chart
   * mirror of the operator charts, and helm's repository list and cache in the cluster's directory (the mirror's
   * loopback URL never lands in the user's helm configuration).
   */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const helm = this.state.chartMirror
      ? { HELM_REPOSITORY_CONFIG: join(this.state.dir, 'helm', 'repositories.yaml'), HELM_REPOSITORY_CACHE: join(this.state.dir, 'helm', 'repository') }
      : {};
    return { ...process.env, KUBECONFIG: this.kubeconfig, ...this.chartEnv(), ...helm, ...extra };
  }

  /** LOGCLAW_CHART_MIRROR naming this cluster's chart repository (empty when it serves no charts). */
  chartEnv(): Record<string, string> {
    return this.state.chartMirror ? { LOGCLAW_CHART_MIRROR: this.state.chartMirror } : {};
  }

  /**
   * The API server's egress: connections it asked its egress proxy for (webhook and kubelet calls), routed or refused,
   * and the reviews the webhook server answered (`webhook`: `<service>.<namespace>.svc/<path>`).
   */
  egress(): { time: string; destination?: string; routedTo?: string; refused?: string; webhook?: string; review?: string }[] {
    return existsSync(this.state.egressLog) ? readFileSync(this.state.egressLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  }

  async stop(): Promise<void> {
    this.kubeClient?.close();
    if (!this.child) return;
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    if (this.ownsKubeconfig) rmSync(dirname(this.kubeconfig), { recursive: true, force: true });
  }
}

/** Start a control plane in its own process and wait until it is ready. */
export async function startCluster(o: StartOptions = {}): Promise<Cluster> {
  const work = mkdtempSync(join(tmpdir(), 'logclaw-cluster-'));
  const kubeconfig = o.kubeconfig ?? join(work, 'kubeconfig');
  const stateFile = join(work, 'state.json');
  const args = [simScript, '--kubeconfig', kubeconfig, '--state-file', stateFile, '--quiet'];
  if (o.nodes) args.push('--nodes', String(o.nodes));
  if (o.zones) args.push('--zones', o.zones.join(','));
  if (o.context) args.push('--context', o.context);
  if (o.name) args.push('--name', o.name);
  if (o.timeScale !== undefined) args.push('--time-scale', String(o.timeScale));
  for (const s of o.scenarios ?? []) args.push('--scenario', s);
  for (const c of o.crds ?? []) args.push('--crds', c);
  if (o.faults !== undefined) args.push('--faults', typeof o.faults === 'string' ? o.faults || 'none' : faultsToSpec(o.faults));
  if (!o.detached) args.push('--exit-with-stdin');
  const child = spawn(nodeBin, args, {
    stdio: [o.detached ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: Boolean(o.detached), env: { ...process.env, ...o.env },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const ready = await new Promise<boolean>((resolve) => {
    let out = '';
    const t = setTimeout(() => resolve(false), o.timeoutMs ?? 180_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('simulator ready at ')) { clearTimeout(t); resolve(true); }
    });
    child.on('exit', () => { clearTimeout(t); resolve(false); });
  });
  if (!ready) {
    child.kill('SIGTERM');
    throw new Error(`simulated cluster did not start:\n${stderr}`);
  }
  if (o.detached) { child.unref(); (child.stdout as any)?.unref?.(); (child.stderr as any)?.unref?.(); }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SimState;
  return new Cluster(state, o.detached ? undefined : child, !o.kubeconfig);
}

export function faultsToSpec(f: Faults): string {
  const parts: string[] = [];
  if (f.errorRate !== undefined) parts.push(`5xx=${f.errorRate}`);
  if (f.errorStatus !== undefined) parts.push(`status=${f.errorStatus}`);
  if (f.latencyMs !== undefined) parts.push(`latency=${f.latencyMs}ms`);
  if (f.jitterMs !== undefined) parts.push(`jitter=${f.jitterMs}ms`);
  if (f.cutWatchAfterEvents !== undefined) parts.push(`cut-watch-events=${f.cutWatchAfterEvents}`);
  if (f.cutWatchAfterMs !== undefined) parts.push(`cut-watch-after=${f.cutWatchAfterMs}ms`);
  if (f.match !== undefined) parts.push(`match=${f.match}`);
  if (f.seed !== undefined) parts.push(`seed=${f.seed}`);
  return parts.join(',') || 'none';
}

/** Connect to a running simulator through its control URL (e.g. the one global-setup started). */
export async function attachCluster(controlURL: string): Promise<Cluster> {
  const res = await fetch(`${controlURL}/state`);
  if (!res.ok) throw new Error(`no simulator at ${controlURL}`);
  return new Cluster(await res.json() as SimState);
}

let shared: Promise<Cluster> | undefined;
/** The cluster of this test run (started by test/cluster/global-setup.ts; env LOGCLAW_TEST_SIM_CONTROL). */
export function useCluster(): Promise<Cluster> {
  const url = process.env.LOGCLAW_TEST_SIM_CONTROL;
  if (!url) throw new Error('no test cluster: add test/cluster/global-setup.ts to vitest globalSetup (env LOGCLAW_TEST_SIM_CONTROL is unset)');
  shared ??= attachCluster(url);
  return shared;
}

/**
 * A test that starts a cluster of its own must not run in vitest's `unit` project (which promises to start
 * nothing): such a file belongs to the `cluster` project, i.e. is named `*.cluster.test.ts`.
 */
export function refuseOutsideClusterProject(): void {
  if (process.env.LOGCLAW_TEST_PROJECT === 'unit') {
    throw new Error('this test needs the test cluster, but runs in the unit project: name its file *.cluster.test.ts (see vitest.config.ts)');
  }
}
