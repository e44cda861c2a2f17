/**
 * A workspace on the test cluster: a copy of the fixture stack (test/lifecycle/fixtures/stack) with a tenant file
 * per tenant, its own kubeconfig, and the built CLI run with the fake kind/docker and real kubectl/helm/helmfile
 * on PATH; the operators installed once per cluster.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli, type CliResult } from './cli.js';
import { repoRoot } from './tools.js';
import type { Cluster } from '../cluster/index.ts';
import { toolbox, type Toolbox } from './toolbox.js';
import { tempDir } from './temp.js';

export const stackDir = join(repoRoot, 'test', 'lifecycle', 'fixtures', 'stack');

export interface Workspace {
  dir: string;
  kubeconfig: string;
  tools: Toolbox;
  env: Record<string, string | undefined>;
  /** Write gitops/tenants/tenant-<id>.yaml with these values merged over the defaults. */
  tenant(id: string, values?: Record<string, unknown>): string;
  run(args: string[], o?: { env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliResult>;
  /** Lines of the newest .logclaw/logs/*.log. */
  logs(): string;
}

/** A copy of the fixture stack with its own kubeconfig (the cluster's context copied in) and PATH. */
export async function workspace(cluster: Cluster, o: { helm?: 3 | 4; kubeconfig?: string; context?: string } = {}): Promise<Workspace> {
  const dir = tempDir('logclaw-stack-');
  cpSync(stackDir, dir, { recursive: true });
  // the operators are the repository's own: helmfile.d/00-operators and its values (the official charts, from the
  // chart repository the cluster serves through LOGCLAW_CHART_MIRROR), so every test installs the same releases
  cpSync(join(repoRoot, 'helmfile.d', '00-operators.yaml.gotmpl'), join(dir, 'helmfile.d', '00-operators.yaml.gotmpl'));
  cpSync(join(repoRoot, 'helmfile.d', 'values'), join(dir, 'helmfile.d', 'values'), { recursive: true });
  mkdirSync(join(dir, 'gitops', 'tenants'), { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(o.kubeconfig ?? cluster.kubeconfig));
  const tools = await toolbox({ helm: o.helm ?? 3 });
  const env = {
    ...tools.env,
    KUBECONFIG: kubeconfig,
    HOME: dir,
    // the stack has no charts/logclaw-tenant: name it the repository root
    LOGCLAW_ROOT: dir,
    ...cluster.chartEnv(),
    LOGCLAW_FAKE_KIND_ATTACH: cluster.state.controlURL,
    LOGCLAW_FAKE_KIND_DIR: join(dir, 'fake-kind'),
    LOGCLAW_FAKE_LOG: join(dir, 'fake-calls.jsonl'),
    // docker's memory as the fake reports it: the simulator's nodes' (dev up compares the kind nodes' requests with it)
    LOGCLAW_FAKE_DOCKER_MEMORY: '64Gi',
    HELM_CACHE_HOME: join(dir, '.cache', 'helm'),
    HELM_CONFIG_HOME: join(dir, '.config', 'helm'),
    HELM_DATA_HOME: join(dir, '.local', 'share', 'helm'),
  };
  return {
    dir,
    kubeconfig,
    tools,
    env,
    tenant(id, values = {}) {
      const file = join(dir, 'gitops', 'tenants', `tenant-${id}.yaml`);
      writeFileSync(file, stringify({ global: { tenantId: id, environment: 'dev', tier: 'standard' }, ...values }));
      return file;
    },
    run: (args, ro = {}) => runCli(args, { cwd: dir, env: { ...env, ...ro.env }, timeoutMs: ro.timeoutMs ?? 300_000 }),
    logs() {
      const logsDir = join(dir, '.logclaw', 'logs');
      if (!existsSync(logsDir)) return '';
      const newest = readdirSync(logsDir).sort().pop();
      return newest ? readFileSync(join(logsDir, newest), 'utf8') : '';
    },
  };
}

export function cleanup(ws: Workspace | undefined): void {
  if (ws && !process.env.LOGCLAW_KEEP_TEST_DIRS) rmSync(ws.dir, { recursive: true, force: true });
}

/**
 * Run fn while holding the cluster's operators lock (a directory next to the cluster's state): test files that
 * install operators (cluster-scoped CRDs, releases in the operators' namespaces) never do it at the same time.
 */
export async function withOperatorsLock<T>(cluster: Cluster, fn: () => Promise<T>): Promise<T> {
  const lock = join(cluster.state.dir, 'operators.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Install the operators once per cluster (test files share the cluster): `logclaw operators install` under the lock. */
export async function ensureOperators(cluster: Cluster, ws: Workspace): Promise<void> {
  const done = join(cluster.state.dir, 'operators.done');
  if (existsSync(done)) return;
  await withOperatorsLock(cluster, async () => {
    if (existsSync(done)) return;
    const r = await ws.run(['operators', 'install', '--kube-context', cluster.context]);
    if (r.code !== 0) throw new Error(`operators install failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    writeFileSync(done, new Date().toISOString());
  });
}
