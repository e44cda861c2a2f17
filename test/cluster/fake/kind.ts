// Fake `kind` for tests. `kind create cluster --name N` starts a simulated control plane (the same
// launcher as `npm run sim`, detached so it outlives this process) and writes context kind-N into the
// kubeconfig (--kubeconfig, else $KUBECONFIG, else ~/.kube/config), like kind does. Also:
// get clusters | get nodes | get kubeconfig | export kubeconfig | delete cluster(s) | load ... | version.
// Cluster state lives in $LOGCLAW_FAKE_KIND_DIR (default ~/.cache/logclaw/fake-kind/<name>/).
// With LOGCLAW_FAKE_KIND_ATTACH=<sim control URL> (e.g. $LOGCLAW_TEST_SIM_CONTROL), `create` does not
// start a control plane but points kind-N at that running simulator (fast, for end-to-end tests). Without it,
// a simulator started by `npm run sim` (<cache>/sim/current.json) is attached to the same way; set
// LOGCLAW_FAKE_KIND_ATTACH= (empty) to always start a new control plane.
// `delete cluster` of a cluster attached to that simulator removes what was made on it since the attach (namespaces
// and CRDs created after it, with their releases), as deleting a kind cluster removes everything.
// Knobs: LOGCLAW_FAKE_KIND_FAIL=create|delete makes that command fail like kind does when Docker is broken.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { runFake } from './log.ts';

const here = dirname(fileURLToPath(import.meta.url));
const simScript = join(here, '..', 'sim.ts');
const stateRoot = process.env.LOGCLAW_FAKE_KIND_DIR ?? join(homedir(), '.cache', 'logclaw', 'fake-kind');
const KIND_VERSION = 'v0.27.0';
const NODE_IMAGE = 'kindest/node:v1.33.1';

interface ClusterRecord { name: string; pid?: number; attached?: string; attachedAt?: string; simPid?: number; kubeconfig: string; nodes: string[] }
// attachedAt is set only for the `npm run sim` simulator (a test's shared cluster, attached through the
// environment, is left as it is: other tests work in it).

/** The control URL of the simulator `npm run sim` runs (its announcement file), when it is alive. */
function announcedSim(): { url: string; pid: number } | undefined {
  const file = join(process.env.LOGCLAW_CACHE_DIR ?? join(homedir(), '.cache', 'logclaw'), 'sim', 'current.json');
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; controlURL: string };
    return alive(s.pid) ? { url: s.controlURL, pid: s.pid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What `kind delete cluster` of an attached cluster removes: what was created since the attach — admission webhook
 * configurations first (their servers go with the namespaces), namespaces, CRDs, cluster roles and their bindings.
 */
function removeSinceAttach(r: ClusterRecord): void {
  if (!r.attachedAt) return;
  const since = Date.parse(r.attachedAt);
  const kubectl = (args: string[]) => execFileSync('kubectl', ['--kubeconfig', r.kubeconfig, '--context', `kind-${r.name}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const newer = (kind: string) => {
    try {
      const items = (JSON.parse(kubectl(['get', kind, '-o', 'json'])) as { items: Array<{ metadata: { name: string; creationTimestamp: string } }> }).items;
      return items.filter((i) => Date.parse(i.metadata.creationTimestamp) >= since - 1000).map((i) => i.metadata.name);
    } catch {
      return [];
    }
  };
  const webhooks = ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].flatMap((kind) => newer(kind).map((n) => `${kind}/${n}`));
  if (webhooks.length) kubectl(['delete', ...webhooks, '--wait=false']);
  const namespaces = newer('namespaces').filter((n) => !/^kube-|^default$/.test(n));
  if (namespaces.length) kubectl(['delete', 'namespace', ...namespaces, '--wait=true', '--timeout=120s']);
  const crds = newer('customresourcedefinitions');
  if (crds.length) kubectl(['delete', 'customresourcedefinition', ...crds, '--wait=false']);
  const rbac = ['clusterrolebindings', 'clusterroles'].flatMap((kind) => newer(kind).filter((n) => !n.startsWith('system:')).map((n) => `${kind}/${n}`));
  if (rbac.length) kubectl(['delete', ...rbac, '--wait=false']);
  process.stderr.write(` ✓ Removed from the simulator: ${namespaces.length} namespace(s), ${crds.length} CRD(s), ${webhooks.length} webhook configuration(s), ${rbac.length} cluster role(s) and binding(s)
`);
}

function flag(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(args[i]!.indexOf('=') + 1) : args[i + 1];
}

function userKubeconfig(args: string[]): string {
  return resolve(flag(args, 'kubeconfig') ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config'));
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function records(): ClusterRecord[] {
  if (!existsSync(stateRoot)) return [];
  return readdirSync(stateRoot).flatMap((n) => {
    const f = join(stateRoot, n, 'cluster.json');
    if (!existsSync(f)) return [];
    const r = JSON.parse(readFileSync(f, 'utf8')) as ClusterRecord;
    // a cluster whose control plane is gone (its own, or the `npm run sim` simulator it was attached to) is gone
    if ((!r.attached && !alive(r.pid)) || (r.simPid && !alive(r.simPid))) { rmSync(join(stateRoot, n), { recursive: true, force: true }); return []; }
    return [r];
  });
}

function merge(target: string, source: string, context: string): void {
  const src = YAML.parse(readFileSync(source, 'utf8'));
  let cfg = existsSync(target) ? (YAML.parse(readFileSync(target, 'utf8')) ?? {}) : {};
  cfg = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...cfg };
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    cfg[key] = [...(cfg[key] ?? []).filter((e: { name: string }) => e.name !== context), ...src[key].filter((e: { name: string }) => e.name === context)];
  }
  cfg['current-context'] = context;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, YAML.stringify(cfg), { mode: 0o600 });
}

function unmerge(target: string, context: string): void {
  if (!existsSync(target)) return;
  const cfg = YAML.parse(readFileSync(target, 'utf8')) ?? {};
  for (const key of ['clusters', 'users', 'contexts'] as const) cfg[key] = (cfg[key] ?? []).filter((e: { name: string }) => e.name !== context);
  if (cfg['current-context'] === context) cfg['current-context'] = '';
  writeFileSync(target, YAML.stringify(cfg), { mode: 0o600 });
}

/** Node count from a kind Config (control-plane + workers); kind's default is one node. */
function nodeCount(configFile: string | undefined): { count: number; workers: number } {
  if (!configFile) return { count: 1, workers: 0 };
  const text = configFile === '-' ? readFileSync(0, 'utf8') : readFileSync(configFile, 'utf8');
  const cfg = YAML.parse(text) ?? {};
  const nodes: { role?: string }[] = cfg.nodes ?? [{ role: 'control-plane' }];
  const workers = nodes.filter((n) => n.role === 'worker').length;
  return { count: Math.max(1, nodes.length), workers };
}

async function create(args: string[]): Promise<number> {
  const name = flag(args, 'name') ?? 'kind';
  const context = `kind-${name}`;
  const err = (m: string) => process.stderr.write(m);
  if (records().some((r) => r.name === name)) {
    err(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"\n`);
    return 1;
  }
  const image = flag(args, 'image') ?? NODE_IMAGE;
  err(`Creating cluster "${name}" ...\n`);
  if (process.env.LOGCLAW_FAKE_KIND_FAIL === 'create') {
    err(` ✗ Ensuring node image (${image}) 🖼\nERROR: failed to create cluster: failed to ensure docker network: command "docker network ls --filter=name=^kind$ --format={{.Name}}" failed with error: exit status 1\n`);
    return 1;
  }
  const dir = join(stateRoot, name);
  mkdirSync(dir, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  const { workers } = nodeCount(flag(args, 'config'));
  const nodes = workers > 0
    ? [`${name}-control-plane`, ...Array.from({ length: workers }, (_, i) => `${name}-worker${i === 0 ? '' : i + 1}`)]
    : [`${name}-control-plane`];
  let record: ClusterRecord;
  const announced = process.env.LOGCLAW_FAKE_KIND_ATTACH === undefined ? announcedSim() : undefined;
  const attach = process.env.LOGCLAW_FAKE_KIND_ATTACH ?? announced?.url;
  if (attach) {
    const res = await fetch(`${attach}/state`);
    if (!res.ok) { err(`ERROR: failed to create cluster: no simulator at ${attach}\n`); return 1; }
    const state = await res.json() as { kubeconfig: string; context: string };
    const src = YAML.parse(readFileSync(state.kubeconfig, 'utf8'));
    const ctx = src.contexts.find((c: { name: string }) => c.name === state.context).context;
    const cl = src.clusters.find((c: { name: string }) => c.name === ctx.cluster).cluster;
    const user = src.users.find((u: { name: string }) => u.name === ctx.user).user;
    writeFileSync(kubeconfig, YAML.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': context, preferences: {},
      clusters: [{ name: context, cluster: cl }], users: [{ name: context, user }], contexts: [{ name: context, context: { cluster: context, user: context } }] }));
    record = { name, attached: attach, ...(announced ? { attachedAt: new Date().toISOString(), simPid: announced.pid } : {}), kubeconfig, nodes };
  } else {
    const log = openSync(join(dir, 'sim.log'), 'a');
    const stateFile = join(dir, 'state.json');
    const nodeBin = process.execPath;
    const child = spawn(nodeBin, [simScript, '--kubeconfig', kubeconfig, '--context', context, '--name', name,
      '--node-names', nodes.join(','), '--state-file', stateFile, '--dir', join(dir, 'cluster'),
      ...(process.env.LOGCLAW_FAKE_KIND_TIME_SCALE ? ['--time-scale', process.env.LOGCLAW_FAKE_KIND_TIME_SCALE] : [])],
    { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    const deadline = Date.now() + Number(process.env.LOGCLAW_FAKE_KIND_TIMEOUT_MS ?? 180_000);
    while (!existsSync(stateFile)) {
      if (child.exitCode !== null || !alive(child.pid)) {
        err(`ERROR: failed to create cluster: control plane did not start:\n${readFileSync(join(dir, 'sim.log'), 'utf8').slice(-2000)}\n`);
        rmSync(dir, { recursive: true, force: true });
        return 1;
      }
      if (Date.now() > deadline) { try { process.kill(child.pid!, 'SIGTERM'); } catch { /* gone */ } err('ERROR: failed to create cluster: timed out\n'); return 1; }
      await new Promise((r) => setTimeout(r, 100));
    }
    record = { name, pid: child.pid, kubeconfig, nodes };
  }
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(record, null, 2));
  merge(userKubeconfig(args), kubeconfig, context);
  err(` ✓ Ensuring node image (${image}) 🖼\n ✓ Preparing nodes ${'📦 '.repeat(nodes.length).trim()}\n ✓ Writing configuration 📜\n ✓ Starting control-plane 🕹️\n`
    + ` ✓ Installing CNI 🔌\n ✓ Installing StorageClass 💾\n${workers ? ' ✓ Joining worker nodes 🚜\n' : ''}Set kubectl context to "${context}"\n`
    + `You can now use your cluster with:\n\nkubectl cluster-info --context ${context}\n\nHave a nice day! 👋\n`);
  return 0;
}

async function stopRecord(r: ClusterRecord): Promise<void> {
  if (r.pid && alive(r.pid)) {
    process.kill(r.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive(r.pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    if (alive(r.pid)) process.kill(r.pid, 'SIGKILL');
  }
  rmSync(join(stateRoot, r.name), { recursive: true, force: true });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const words = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && /^--(name|kubeconfig|config|image|wait|retain|nodes)$/.test(args[i - 1]!)));
  const [verb, noun] = words;
  const out = (m: string) => process.stdout.write(m);
  switch (`${verb ?? ''} ${noun ?? ''}`.trim()) {
    case 'version':
      out(`kind ${KIND_VERSION} go1.23.6 linux/amd64\n`);
      return 0;
    case 'create cluster':
      return create(args);
    case 'get clusters': {
      const rs = records();
      if (!rs.length) process.stderr.write('No kind clusters found.\n');
      for (const r of rs) out(`${r.name}\n`);
      return 0;
    }
    case 'get nodes': {
      const name = flag(args, 'name') ?? 'kind';
      const r = records().find((x) => x.name === name);
      if (!r) { process.stderr.write(`No kind nodes found for cluster "${name}".\n`); return 0; }
      for (const n of r.nodes) out(`${n}\n`);
      return 0;
    }
    case 'get kubeconfig': {
      const name = flag(args, 'name') ?? 'kind';
      const r = records().find((x) => x.name === name);
      if (!r) { process.stderr.write(`ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster\n`); return 1; }
      out(readFileSync(r.kubeconfig, 'utf8'));
      return 0;
    }
    case 'export kubeconfig': {
      const name = flag(args, 'name') ?? 'kind';
      const r = records().find((x) => x.name === name);
      if (!r) { process.stderr.write(`ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster\n`); return 1; }
      merge(userKubeconfig(args), r.kubeconfig, `kind-${name}`);
      process.stderr.write(`Set kubectl context to "kind-${name}"\n`);
      return 0;
    }
    case 'delete cluster': {
      const name = flag(args, 'name') ?? 'kind';
      process.stderr.write(`Deleting cluster "${name}" ...\n`);
      if (process.env.LOGCLAW_FAKE_KIND_FAIL === 'delete') { process.stderr.write('ERROR: failed to delete cluster "' + name + '": failed to delete nodes: command "docker rm -f -v ' + name + '-control-plane" failed with error: exit status 1\n'); return 1; }
      const r = records().find((x) => x.name === name);
      if (r) {
        if (r.attached) removeSinceAttach(r);
        await stopRecord(r);
        process.stderr.write(`Deleted nodes: [${r.nodes.map((n) => `"${n}"`).join(' ')}]\n`);
      }
      unmerge(userKubeconfig(args), `kind-${name}`);
      return 0;
    }
    case 'delete clusters': {
      const all = args.includes('--all') || args.includes('-A');
      const names = all ? records().map((r) => r.name) : words.slice(2);
      for (const r of records().filter((x) => names.includes(x.name))) { await stopRecord(r); unmerge(userKubeconfig(args), `kind-${r.name}`); }
      process.stderr.write(`Deleted clusters: [${names.map((n) => `"${n}"`).join(' ')}]\n`);
      return 0;
    }
    default:
      if (verb === 'load' || verb === 'build' || verb === 'export') return 0;
      process.stderr.write(`ERROR: unknown command "${words.join(' ')}" for "kind"\n`);
      return 1;
  }
}

void runFake('kind', main);
