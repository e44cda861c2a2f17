/**
 * `logclaw dev up | down | credentials` and `status`, run as a user would (the built CLI), against the test
 * cluster with the fake kind (which points kind-<name> at the running control plane), the real helm and helmfile.
 */
import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { bin } from '../helpers/cli.js';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { cleanup, withOperatorsLock, workspace, type Workspace } from '../helpers/workspace.js';

let cluster: Cluster;
let ws: Workspace;
const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', 'kind-lc-dev', ...args], { encoding: 'utf8', stdio: 'pipe' });

beforeAll(async () => {
  cluster = await getCluster();
  ws = await workspace(cluster);
  ws.tenant('dev-one');
  ws.tenant('dev-two');
});

afterAll(async () => {
  cleanup(ws);
  await stopOwnCluster();
});

describe('logclaw dev up', () => {
  it('--dry-run prints the plan and every command, and changes nothing', async () => {
    const r = await ws.run(['dev', 'up', '--tenant', 'dev-one', '--cluster', 'lc-dev', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    // the DAG in waves: platform, then kafka and opensearch together, then what needs kafka
    expect(r.stdout).toMatch(/1\. logclaw-dev-one\/platform\n\s+2\. logclaw-dev-one\/kafka, logclaw-dev-one\/opensearch\n\s+3\. logclaw-dev-one\/ingestion, logclaw-dev-one\/ticketing-agent/);
    expect(r.stdout).toMatch(/kind create cluster --name lc-dev --image kindest\/node:v1\.32\.2@sha256:f2263459\w+ --config - /);
    expect(r.stdout).toMatch(/helmfile --file helmfile\.d\/00-operators\.yaml\.gotmpl --kube-context kind-lc-dev .*--selector name=strimzi-kafka-operator,namespace=strimzi sync --skip-deps/);
    expect(r.stdout).toMatch(/helmfile --file helmfile\.d\/10-tenant\.yaml\.gotmpl --kube-context kind-lc-dev .*--selector name=kafka,namespace=logclaw-dev-one sync --skip-deps/);
    expect(r.stdout).toMatch(/kubectl create secret generic logclaw-dev-admin -n logclaw-dev-one '--from-literal=password=<random>'/);
    const clusters = execFileSync(join(ws.tools.dir, 'kind'), ['get', 'clusters'], { env: { ...process.env, ...ws.env } as NodeJS.ProcessEnv, encoding: 'utf8' });
    expect(clusters.trim()).toBe('');
  });

  it('brings a working stack up: cluster, operators, dev secrets, releases by the plan; a summary with timings', async () => {
    // dev up installs the operators: not while another test file installs them on this cluster
    const r = await withOperatorsLock(cluster, () => ws.run(['dev', 'up', '--tenant', 'dev-one', '--cluster', 'lc-dev', '--timeout', '5m']));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/LogClaw tenant dev-one is ready on kind-lc-dev/);
    for (const phase of ['check tools', 'kind cluster lc-dev', 'operators', 'tenant dev-one']) expect(r.stdout).toContain(phase);
    expect(r.stdout).toMatch(/logclaw-dev-one\/ingestion\s+ready/);
    expect(r.stdout).toContain('logclaw port-forward --tenant dev-one --kube-context kind-lc-dev');
    // plain progress lines (not a TTY): every phase says what it does
    expect(r.stderr).toMatch(/dev up: operators: .*strimzi/);
    expect(r.stderr).toMatch(/dev up: tenant dev-one: created dev secrets: .*logclaw-dev-admin/);
    // the cluster has it all
    expect(kubectl('get', 'deploy', 'ingestion', '-n', 'logclaw-dev-one', '-o', 'jsonpath={.status.availableReplicas}')).toBe('1');
    expect(kubectl('get', 'kafka', 'kafka', '-n', 'logclaw-dev-one', '-o', 'jsonpath={.status.conditions[0].type}')).toBe('Ready');
    // the dev secret: random, labelled, never printed
    const password = Buffer.from(kubectl('get', 'secret', 'logclaw-dev-admin', '-n', 'logclaw-dev-one', '-o', 'jsonpath={.data.password}'), 'base64').toString();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(ws.logs()).not.toContain(password);
    // each release stamped with the inputs it was installed from (for the resume)
    expect(kubectl('get', 'secret', '-n', 'logclaw-dev-one', '-l', 'owner=helm,name=kafka,status=deployed', '-o', 'jsonpath={.items[0].metadata.labels.logclaw\\.io/inputs}')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('dev credentials shows the secrets on request', async () => {
    const r = await ws.run(['dev', 'credentials', '--tenant', 'dev-one', '--cluster', 'lc-dev', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { secrets: Array<{ name: string; data: Record<string, string> }> };
    const admin = j.secrets.find((s) => s.name === 'logclaw-dev-admin')!;
    const live = Buffer.from(kubectl('get', 'secret', 'logclaw-dev-admin', '-n', 'logclaw-dev-one', '-o', 'jsonpath={.data.password}'), 'base64').toString();
    expect(admin.data.password).toBe(live);
  });

  it('a re-run reuses the cluster and skips every release that is installed from the same inputs and ready', async () => {
    const r = await ws.run(['dev', 'up', '--tenant', 'dev-one', '--cluster', 'lc-dev', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { cluster: { created: boolean }; releases: Array<{ release: string; status: string }> };
    expect(s.cluster.created).toBe(false);
    expect(s.releases.map((x) => x.status)).toEqual(s.releases.map(() => 'current'));
    expect(ws.logs()).not.toMatch(/ sync --skip-deps/);
  });

  it('status: a row per component with its verdict', async () => {
    const r = await ws.run(['status', '--tenant', 'dev-one', '--kube-context', 'kind-lc-dev', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { components: Array<{ release: string; status: string; message: string }> };
    expect(s.components.map((c) => `${c.release}=${c.status}`).sort()).toEqual(['ingestion=ready', 'kafka=ready', 'opensearch=ready', 'platform=ready', 'ticketing-agent=ready']);
    const pretty = await ws.run(['status', '--tenant', 'dev-one', '--kube-context', 'kind-lc-dev']);
    expect(pretty.stdout).toMatch(/COMPONENT\s+STATUS\s+AGE\s+MESSAGE/);
  });

  it('status --watch prints the rows again when a verdict changes; Ctrl-C ends it', async () => {
    const child = spawn(process.execPath, [bin, 'status', '--tenant', 'dev-one', '--kube-context', 'kind-lc-dev', '--watch'], { cwd: ws.dir, env: { ...process.env, NO_COLOR: '1', ...ws.env } as NodeJS.ProcessEnv });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const until = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const t = setInterval(() => {
          if (re.test(out)) (clearInterval(t), resolve());
          else if (Date.now() - t0 > 60_000) (clearInterval(t), reject(new Error(`no ${re} in:\n${out}`)));
        }, 50);
      });
    await until(/ingestion\s+ready/);
    // a rollout: the ingestion component goes through progressing and back to ready
    kubectl('patch', 'deployment', 'ingestion', '-n', 'logclaw-dev-one', '--type', 'merge', '-p', '{"spec":{"template":{"metadata":{"annotations":{"restarted":"1"}}}}}');
    await until(/ingestion\s+progressing[\s\S]*ingestion\s+ready/);
    child.kill('SIGINT');
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
    expect(code).toBe(130);
    expect(out.match(/^tenant dev-one/gm)!.length).toBeGreaterThanOrEqual(3);
  });

  it('recovers a release left pending by an interrupted helm run', async () => {
    // what an interrupted `helm upgrade` leaves: the newest revision in pending-upgrade
    kubectl('label', 'secret', '-n', 'logclaw-dev-one', '-l', 'owner=helm,name=ticketing-agent,status=deployed', 'status=pending-upgrade', '--overwrite');
    const r = await ws.run(['dev', 'up', '--tenant', 'dev-one', '--cluster', 'lc-dev']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toMatch(/release logclaw-dev-one\/ticketing-agent was left pending-upgrade \(revision \d+\) by an interrupted run: removed that revision/);
    expect(kubectl('get', 'secret', '-n', 'logclaw-dev-one', '-l', 'owner=helm,name=ticketing-agent', '-o', 'jsonpath={.items[*].metadata.labels.status}')).not.toContain('pending');
  });

  it('Ctrl-C stops the children and exits 130; the re-run resumes', async () => {
    // its own process group, so that the SIGINT reaches it and its children as a terminal's Ctrl-C does
    const child = spawn(process.execPath, [bin, 'dev', 'up', '--tenant', 'dev-two', '--cluster', 'lc-dev'], { cwd: ws.dir, detached: true, env: { ...process.env, NO_COLOR: '1', ...ws.env } as NodeJS.ProcessEnv });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // interrupt while the tenant's releases are being installed
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (/dev up: tenant dev-two: .*(installing|helmfile|waiting|ready at)/.test(err)) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted/);
    // no helm or helmfile process of that run is left behind
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8', stdio: 'pipe' });
    expect(ps.split('\n').filter((l) => /helmfile .*logclaw-dev-two|helm .*logclaw-dev-two/.test(l))).toEqual([]);
    const again = await ws.run(['dev', 'up', '--tenant', 'dev-two', '--cluster', 'lc-dev', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const s = JSON.parse(again.stdout) as { releases: Array<{ release: string; status: string }> };
    expect(s.releases.every((x) => x.status === 'ready' || x.status === 'current')).toBe(true);
  });
});

describe('logclaw dev down', () => {
  it('removes the tenant releases and keeps its volumes', async () => {
    const r = await ws.run(['dev', 'down', '--tenant', 'dev-two', '--cluster', 'lc-dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed 5 release\(s\) of tenant dev-two: ingestion, kafka, opensearch, platform, ticketing-agent/);
    expect(r.stdout).toMatch(/kept 1 volume\(s\).*data-opensearch-0/);
    expect(kubectl('get', 'pvc', '-n', 'logclaw-dev-two', '-o', 'name')).toContain('data-opensearch-0');
    expect(kubectl('get', 'secret', '-n', 'logclaw-dev-two', '-l', 'owner=helm', '-o', 'name')).toBe('');
  });

  it('--delete-cluster deletes the kind cluster', async () => {
    const r = await ws.run(['dev', 'down', '--cluster', 'lc-dev', '--delete-cluster']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deleted kind cluster lc-dev');
    const clusters = execFileSync(join(ws.tools.dir, 'kind'), ['get', 'clusters'], { env: { ...process.env, ...ws.env } as NodeJS.ProcessEnv, encoding: 'utf8' });
    expect(clusters.trim()).toBe('');
  });
});
