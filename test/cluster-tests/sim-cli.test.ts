// `npm run sim` as a user runs it, the fake `kind` and `docker`, and their call log.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { fakeBinDir, nodeBin, repoRoot, simScript } from '../cluster/index.ts';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/temp.js';

const cluster = setupCluster();

describe('npm run sim', () => {
  it('starts a cluster from flags and a scenario file, and stops cleanly on SIGINT', async () => {
    const dir = tempDir('logclaw-simcli-');
    const kubeconfig = join(dir, 'config');
    const scenario = join(dir, 'scenario.yaml');
    writeFileSync(scenario, YAML.stringify({ name: 'cli', timeScale: 0.01, pods: [{ match: { namespace: 'default', labels: { app: 'x' } }, mode: 'crashLoop' }] }));
    const stateFile = join(dir, 'state.json');
    const sim = execa('npm', ['run', '-s', 'sim', '--', '--kubeconfig', kubeconfig, '--nodes', '2', '--zones', 'x,y', '--scenario', scenario,
      '--faults', 'latency=1ms', '--state-file', stateFile], { cwd: repoRoot, reject: false });
    let out = '';
    const ready = await new Promise<string>((resolve, reject) => {
      sim.stdout!.on('data', (d: Buffer) => { out += d; const m = /simulator ready at (\S+)/.exec(out); if (m) resolve(m[1]!); });
      void sim.then((r) => reject(new Error(`sim exited: ${r.stderr}`)));
    });
    const cfg = YAML.parse(readFileSync(kubeconfig, 'utf8'));
    expect(cfg['current-context']).toBe('sim');
    expect(cfg.clusters[0].cluster.server).toBe(ready);
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(ready).not.toBe(state.apiserver); // the fault proxy is in front
    expect(state.readyAt - state.startedAt).toBeLessThan(60_000);
    const nodes = JSON.parse((await execa('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'json'])).stdout);
    expect(nodes.items.map((n: any) => n.metadata.labels['topology.kubernetes.io/zone']).sort()).toEqual(['x', 'y']);
    const stages = JSON.parse((await execa('kubectl', ['--kubeconfig', kubeconfig, 'get', 'stages.kwok.x-k8s.io', '-l', 'sim.logclaw.dev/scenario=cli', '-o', 'json'])).stdout);
    expect(stages.items.map((s: any) => s.metadata.name).sort()).toEqual(['sim-cli-p0-crash', 'sim-cli-p0-restart']);
    expect(existsSync(state.dir)).toBe(true);
    // npm forwards the signal to the launcher, which stops every component and removes its directory.
    process.kill(state.pid, 'SIGINT');
    const r = await sim;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(state.dir)).toBe(false);
    for (const pid of Object.values(state.pids) as number[]) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('fake kind and docker', () => {
  const run = (tool: string, args: string[], env: NodeJS.ProcessEnv) =>
    execa(join(fakeBinDir, tool), args, { reject: false, env: { ...process.env, ...env } });

  it('docker info reports memory and CPUs (or a daemon that is down)', async () => {
    const log = join(tempDir('logclaw-fake-'), 'calls.jsonl');
    const json = await run('docker', ['info', '--format', '{{json .}}'], { LOGCLAW_FAKE_LOG: log, LOGCLAW_FAKE_DOCKER_MEMORY: '16Gi' });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ MemTotal: 16 * 1024 ** 3, NCPU: 4, OSType: 'linux' });
    const mem = await run('docker', ['info', '--format', '{{.MemTotal}}'], { LOGCLAW_FAKE_LOG: log });
    expect(mem.stdout).toBe(String(8 * 1024 ** 3));
    const down = await run('docker', ['info'], { LOGCLAW_FAKE_LOG: log, LOGCLAW_FAKE_DOCKER_DOWN: '1' });
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain('Cannot connect to the Docker daemon');
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(calls.map((x) => [x.tool, x.argv[0], x.exitCode])).toEqual([['docker', 'info', 0], ['docker', 'info', 0], ['docker', 'info', 1]]);
    expect(calls[2].env.LOGCLAW_FAKE_DOCKER_DOWN).toBe('1');
    expect(calls[0].cwd).toBe(process.cwd());
  });

  it('kind create/get/delete attached to the running simulator, writing context kind-<name>', async () => {
    const c = cluster();
    const work = tempDir('logclaw-kind-');
    const env = { KUBECONFIG: join(work, 'config'), LOGCLAW_FAKE_KIND_DIR: join(work, 'kind'), LOGCLAW_FAKE_LOG: join(work, 'calls.jsonl'), LOGCLAW_FAKE_KIND_ATTACH: c.state.controlURL };
    const created = await run('kind', ['create', 'cluster', '--name', 'dev'], env);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stderr).toContain('Set kubectl context to "kind-dev"');
    expect(YAML.parse(readFileSync(env.KUBECONFIG, 'utf8'))['current-context']).toBe('kind-dev');
    const nodes = await execa('kubectl', ['--context', 'kind-dev', 'get', 'nodes', '-o', 'name'], { env: { ...process.env, ...env } });
    expect(nodes.stdout.split('\n')).toHaveLength(3);
    expect((await run('kind', ['get', 'clusters'], env)).stdout.trim()).toBe('dev');
    const again = await run('kind', ['create', 'cluster', '--name', 'dev'], env);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('node(s) already exist for a cluster with the name "dev"');
    expect((await run('kind', ['get', 'kubeconfig', '--name', 'dev'], env)).stdout).toContain('kind-dev');
    expect((await run('kind', ['delete', 'cluster', '--name', 'dev'], env)).exitCode).toBe(0);
    expect((await run('kind', ['get', 'clusters'], env)).stderr).toContain('No kind clusters found.');
    expect(YAML.parse(readFileSync(env.KUBECONFIG, 'utf8')).contexts).toHaveLength(0);
    const calls = readFileSync(env.LOGCLAW_FAKE_LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(calls.map((x) => x.argv.slice(0, 2).join(' '))).toEqual(['create cluster', 'get clusters', 'create cluster', 'get kubeconfig', 'delete cluster', 'get clusters']);
    expect(calls[0].env.KUBECONFIG).toBe(env.KUBECONFIG);
  });

  it('kind create cluster starts a control plane of its own that kind delete stops', async () => {
    const work = tempDir('logclaw-kind-');
    const env = { KUBECONFIG: join(work, 'config'), LOGCLAW_FAKE_KIND_DIR: join(work, 'kind'), LOGCLAW_FAKE_KIND_ATTACH: '' };
    const config = join(work, 'kind.yaml');
    writeFileSync(config, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n- role: worker\n');
    const created = await run('kind', ['create', 'cluster', '--name', 'own', '--config', config], env);
    expect(created.exitCode, created.stderr).toBe(0);
    const nodes = JSON.parse((await execa('kubectl', ['--context', 'kind-own', 'get', 'nodes', '-o', 'json'], { env: { ...process.env, ...env } })).stdout);
    expect(nodes.items.map((n: any) => n.metadata.name).sort()).toEqual(['own-control-plane', 'own-worker', 'own-worker2']);
    const cp = nodes.items.find((n: any) => n.metadata.name === 'own-control-plane');
    expect(cp.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    const rec = JSON.parse(readFileSync(join(work, 'kind', 'own', 'cluster.json'), 'utf8'));
    expect((await run('kind', ['delete', 'cluster', '--name', 'own'], env)).exitCode).toBe(0);
    await eventually('sim process gone', async () => { try { process.kill(rec.pid, 0); return false; } catch { return true; } });
    expect(existsSync(join(work, 'kind', 'own'))).toBe(false);
    void nodeBin; void simScript;
  });
});
