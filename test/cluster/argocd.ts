// A real Argo CD (the multi-call binary test/cluster/build.mjs builds from test/cluster/go/argocd/) run out
// of cluster against a test control plane, as upstream's Procfile runs it for local development:
//   redis-server (Debian's) on a free port, argocd-repo-server (helm from ~/.cache/logclaw and git on its
//   PATH), argocd-application-controller (ARGOCD_FAKE_IN_CLUSTER=true: https://kubernetes.default.svc is the
//   kubeconfig's cluster) and argocd-applicationset-controller (progressive syncs on, metrics/probe/webhook on
//   free ports). The CRDs and argocd-cm / argocd-rbac-cm / argocd-secret come from the module's manifests
//   (copied into the cache at build time), applied into the Argo CD namespace.
//     const argo = await startArgoCD({ kubeconfig, context, helm: HELM3 });  ...; await argo.stop();
// Differences from an in-cluster install: no argocd-server/dex/notifications/commit-server, TLS off between
// the components (plaintext gRPC), processes on this machine instead of pods.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { freePorts, startProc, tail, waitFor, type Proc } from './lib/proc.ts';
import { credentialsFromKubeconfig } from './lib/kube.ts';
// @ts-ignore -- plain ESM module shared with build.mjs
import { ARGOCD_VERSION, binPath, componentDir, components } from './versions.mjs';

const run = promisify(execFile);

export interface ArgoOptions {
  kubeconfig: string;
  context: string;
  /** the helm binary the repo-server executes (put on its PATH as `helm`) */
  helm: string;
  /** namespace of Argo CD's own objects (Applications, AppProjects, ApplicationSets, config) */
  namespace?: string;
  /** argocd-cm `timeout.reconciliation` (how often Applications are compared with git); default 5s */
  reconciliation?: string;
  /** extra argocd-cm data */
  config?: Record<string, string>;
  /** where processes log (default: a temp dir, removed by stop() unless LOGCLAW_KEEP_TEST_DIRS) */
  dir?: string;
}

export interface ArgoCD {
  namespace: string;
  dir: string;
  version: string;
  procs: Proc[];
  /** kubectl against the cluster Argo CD runs on (argv without --kubeconfig/--context) */
  kubectl(args: string[], input?: string): Promise<string>;
  /** Register another control plane as a destination cluster (a cluster Secret), by name. */
  addCluster(name: string, kubeconfig: string, context: string, labels?: Record<string, string>): Promise<{ name: string; server: string }>;
  /** The last lines of each component's log (for failure messages). */
  logs(lines?: number): string;
  stop(): Promise<void>;
}

const argocdComponent = () => (components as Array<{ name: string }>).find((c) => c.name === 'argocd');

/** The CRD and base config files of the built version (copied from the module at build time). */
export function argoManifestDirs(): { crds: string; config: string } {
  const dir = componentDir(argocdComponent());
  return { crds: join(dir, 'crds'), config: join(dir, 'config') };
}

/**
 * Whether the binary and redis-server are there (the cluster project's global setup builds Argo CD and
 * `npm test` installs redis-server): a missing tool fails the GitOps tests instead of hiding them.
 */
export function argoAvailable(): void {
  const missing = argoMissing();
  if (missing) throw new Error(`the GitOps tests cannot run: ${missing}`);
}

/** What is missing to run Argo CD here, or undefined. */
function argoMissing(): string | undefined {
  if (!existsSync(binPath('argocd'))) return `Argo CD is not built: run node test/cluster/build.mjs --only argocd (${binPath('argocd')} missing)`;
  if (!which('redis-server')) return 'redis-server is not installed (node scripts/test-prerequisites.mjs installs it)';
  if (!which('git')) return 'git is not on PATH';
  return undefined;
}

function which(bin: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, bin))) return join(d, bin);
  return undefined;
}

/** A kubeconfig holding only this context, as current context (Argo CD reads KUBECONFIG's current context). */
function singleContextKubeconfig(kubeconfig: string, context: string, out: string): void {
  const cfg = YAML.parse(readFileSync(kubeconfig, 'utf8'));
  const ctx = cfg.contexts.find((c: { name: string }) => c.name === context);
  if (!ctx) throw new Error(`context ${context} not in ${kubeconfig}`);
  const cluster = cfg.clusters.find((c: { name: string }) => c.name === ctx.context.cluster);
  const user = cfg.users.find((u: { name: string }) => u.name === ctx.context.user);
  writeFileSync(out, YAML.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': context, preferences: {}, clusters: [cluster], users: [user], contexts: [ctx] }), { mode: 0o600 });
}

export async function startArgoCD(o: ArgoOptions): Promise<ArgoCD> {
  argoAvailable();
  const namespace = o.namespace ?? 'argocd';
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'logclaw-argocd-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  singleContextKubeconfig(o.kubeconfig, o.context, kubeconfig);
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const p = run('kubectl', ['--kubeconfig', kubeconfig, '--context', o.context, ...args], { maxBuffer: 64 << 20 });
    if (input !== undefined) { p.child.stdin!.end(input); }
    try {
      return (await p).stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')}: ${err.stderr || err.message}`);
    }
  };

  // CRDs (server-side: the Application CRD is larger than the last-applied annotation allows), then config.
  const m = argoManifestDirs();
  const crdFiles = readdirSync(m.crds).filter((f) => f.endsWith('-crd.yaml')).map((f) => join(m.crds, f));
  await kubectl(['apply', '--server-side', '--force-conflicts', ...crdFiles.flatMap((f) => ['-f', f])]);
  const crdNames = crdFiles.map((f) => `crd/${basename(f).replace('-crd.yaml', '')}s.argoproj.io`);
  await waitFor('the Argo CD CRDs to be Established', async () => {
    const out = await kubectl(['get', ...crdNames, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}']);
    return out.split('\n').filter((l) => l === 'True').length === crdNames.length;
  }, 60_000, 250);
  await kubectl(['create', 'namespace', namespace]).catch((e: Error) => { if (!/AlreadyExists/.test(e.message)) throw e; });
  const configFiles = ['argocd-cm.yaml', 'argocd-rbac-cm.yaml', 'argocd-secret.yaml', 'argocd-cmd-params-cm.yaml', 'argocd-ssh-known-hosts-cm.yaml', 'argocd-tls-certs-cm.yaml', 'argocd-gpg-keys-cm.yaml']
    .map((f) => join(m.config, f)).filter(existsSync);
  await kubectl(['apply', '-n', namespace, ...configFiles.flatMap((f) => ['-f', f])]);
  const cm = { 'timeout.reconciliation': o.reconciliation ?? '5s', 'timeout.reconciliation.jitter': '0s', ...o.config };
  await kubectl(['patch', 'configmap', 'argocd-cm', '-n', namespace, '--type', 'merge', '-p', JSON.stringify({ data: cm })]);

  // redis, repo-server, controllers: every port free and private to this instance.
  const [redisPort, repoPort, repoMetrics, ctrlMetrics, asMetrics, asProbe, asWebhook] = await freePorts(7);
  // helm and git for the repo-server: a bin dir whose `helm` is the chosen helm.
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(o.helm, join(bin, 'helm'));
  const data = (sub: string) => { const d = join(dir, sub); mkdirSync(d, { recursive: true }); return d; };
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${join(componentDir(argocdComponent()), 'bin')}:${process.env.PATH ?? ''}`,
    HOME: data('home'),
    // the repo-server clones into $TMPDIR/_argocd-repo: one per instance
    TMPDIR: data('tmp'),
    KUBECONFIG: kubeconfig,
    ARGOCD_FAKE_IN_CLUSTER: 'true',
    ARGOCD_TLS_DATA_PATH: data('tls'),
    ARGOCD_SSH_DATA_PATH: data('ssh'),
    ARGOCD_GNUPGHOME: data('gpg/keys'),
    ARGOCD_GPG_DATA_PATH: data('gpg/source'),
    ARGOCD_GPG_ENABLED: 'false',
    ARGOCD_PLUGINSOCKFILEPATH: data('plugins'),
    // no git config of the machine's user leaks in
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HELM_CACHE_HOME: data('helm/cache'),
    HELM_CONFIG_HOME: data('helm/config'),
    HELM_DATA_HOME: data('helm/data'),
  };
  const argocd = binPath('argocd');
  const procs: Proc[] = [];
  const stopAll = async () => { for (const p of [...procs].reverse()) await p.stop(5000); };
  try {
    procs.push(startProc('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', data('redis')], logs, env));
    const redis = `127.0.0.1:${redisPort}`;
    const repoServer = `127.0.0.1:${repoPort}`;
    procs.push(startProc('repo-server', argocd, ['--port', String(repoPort), '--address', '127.0.0.1', '--metrics-port', String(repoMetrics), '--redis', redis,
      // plaintext gRPC; v3.6's default --client-ca-path (an in-pod mount) must be cleared with --disable-tls
      '--disable-tls', '--client-ca-path', '', '--loglevel', process.env.LOGCLAW_ARGOCD_LOGLEVEL ?? 'info'],
      logs, { ...env, ARGOCD_BINARY_NAME: 'argocd-repo-server', ARGOCD_ASK_PASS_SOCK: join(dir, 'askpass.sock') }));
    procs.push(startProc('application-controller', argocd, ['--namespace', namespace, '--redis', redis, '--repo-server', repoServer, '--repo-server-plaintext',
      '--metrics-port', String(ctrlMetrics), '--app-resync', '10', '--self-heal-timeout-seconds', '1', '--status-processors', '4', '--operation-processors', '4', '--loglevel', 'info'],
      logs, { ...env, ARGOCD_BINARY_NAME: 'argocd-application-controller', HOSTNAME: 'argocd-application-controller-0' }));
    procs.push(startProc('applicationset-controller', argocd, ['--namespace', namespace, '--argocd-repo-server', repoServer, '--repo-server-plaintext',
      '--metrics-addr', `127.0.0.1:${asMetrics}`, '--probe-addr', `127.0.0.1:${asProbe}`, '--webhook-addr', `127.0.0.1:${asWebhook}`, '--loglevel', 'info'],
      logs, {
        ...env, ARGOCD_BINARY_NAME: 'argocd-applicationset-controller',
        // RollingSync strategies are ignored unless progressive syncs are on (upstream's Procfile turns them on too)
        ARGOCD_APPLICATIONSET_CONTROLLER_ENABLE_PROGRESSIVE_SYNCS: 'true',
        ARGOCD_APPLICATIONSET_CONTROLLER_REFRESH_GRACE_PERIOD_SECONDS: '0',
      }));
    const exitedEarly = () => {
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`argocd ${p.name} exited (${p.child.exitCode}):\n${tail(p.logFile, 30)}`);
    };
    // listening is enough: each serves its HTTP endpoint once its informers and servers are up
    const answers = async (url: string) => (await fetch(url)).status > 0;
    await waitFor('the applicationset controller probe port', () => answers(`http://127.0.0.1:${asProbe}/readyz`), 120_000, 250, exitedEarly);
    await waitFor('the repo-server metrics port', () => answers(`http://127.0.0.1:${repoMetrics}/metrics`), 120_000, 250, exitedEarly);
    await waitFor('the application controller metrics port', () => answers(`http://127.0.0.1:${ctrlMetrics}/metrics`), 120_000, 250, exitedEarly);
  } catch (e) {
    await stopAll();
    throw e;
  }

  return {
    namespace, dir, version: ARGOCD_VERSION, procs, kubectl,
    async addCluster(name, otherKubeconfig, otherContext, labels = {}) {
      const c = credentialsFromKubeconfig(otherKubeconfig, otherContext);
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const secret = {
        apiVersion: 'v1', kind: 'Secret',
        metadata: { name: `cluster-${name}`, namespace, labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...labels } },
        stringData: { name, server: c.server, config: JSON.stringify({ tlsClientConfig: { caData: b64(c.ca), certData: b64(c.cert), keyData: b64(c.key) } }) },
      };
      await kubectl(['apply', '-f', '-'], JSON.stringify(secret));
      return { name, server: c.server };
    },
    logs(lines = 40) {
      return procs.map((p) => `--- ${p.name}\n${tail(p.logFile, lines)}`).join('\n');
    },
    async stop() {
      await stopAll();
      if (!o.dir && !process.env.LOGCLAW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A local git repository Argo CD reads through a file:// URL. */
export interface GitRepo {
  dir: string;
  url: string;
  git(...args: string[]): Promise<string>;
  /** Write (or with content null remove) files, commit them all; returns the commit sha. */
  commit(message: string, files: Record<string, string | null>): Promise<string>;
  head(): Promise<string>;
}

export async function gitRepo(dir: string): Promise<GitRepo> {
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'logclaw test', GIT_AUTHOR_EMAIL: 'test@logclaw.invalid', GIT_COMMITTER_NAME: 'logclaw test', GIT_COMMITTER_EMAIL: 'test@logclaw.invalid' };
  const git = async (...args: string[]) => (await run('git', ['-C', dir, ...args], { env, maxBuffer: 64 << 20 })).stdout;
  if (!existsSync(join(dir, '.git'))) await git('init', '-q', '-b', 'main');
  const repo: GitRepo = {
    dir, url: `file://${dir}`, git,
    async commit(message, files) {
      for (const [rel, content] of Object.entries(files)) {
        const p = join(dir, rel);
        if (content === null) rmSync(p, { force: true });
        else { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, content); }
      }
      await git('add', '-A', '-f', '.');
      await git('commit', '-q', '--allow-empty', '-m', message);
      return repo.head();
    },
    head: async () => (await git('rev-parse', 'HEAD')).trim(),
  };
  return repo;
}

/**
 * A LogClaw user's repository as Argo CD reads it: a copy of this project's charts/ and gitops/argocd/ (plus
 * the tenant template) in a new git repository, every chart's file:// dependencies built by `buildDeps`
 * (the project's ensureDependencies) and committed with them (charts/<chart>/charts/*.tgz): Argo CD runs
 * `helm dependency build` only on the chart it renders, not on its subcharts. The airflow stand-in
 * (test/fixtures/upstream-charts/prepare.mjs) must be in place first; `buildDeps` vendors the real zammad chart.
 */
export async function projectGitRepo(projectRoot: string, dir: string, buildDeps: (chartDir: string) => Promise<unknown>): Promise<GitRepo> {
  cpSync(join(projectRoot, 'charts'), join(dir, 'charts'), { recursive: true, filter: (src) => !src.endsWith('Chart.lock.hash') });
  cpSync(join(projectRoot, 'gitops', 'argocd'), join(dir, 'gitops', 'argocd'), { recursive: true });
  cpSync(join(projectRoot, 'gitops', 'tenants', '_template.yaml'), join(dir, 'gitops', 'tenants', '_template.yaml'));
  const charts = readdirSync(join(dir, 'charts'));
  for (const chart of charts) await buildDeps(join(dir, 'charts', chart));
  for (const chart of charts) rmSync(join(dir, 'charts', chart, 'Chart.lock.hash'), { force: true });
  const repo = await gitRepo(dir);
  await repo.commit('LogClaw charts and gitops', {});
  return repo;
}
