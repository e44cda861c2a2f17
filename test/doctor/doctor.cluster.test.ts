/** `logclaw doctor` run as a user would (the built CLI), with real kubectl/helm/helmfile and the fake kind/docker. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { helmfileForSuite } from '../helpers/helmfile.js';
import { toolbox } from '../helpers/toolbox.js';
import { checkInotify, checkNode, checkPorts } from '../../src/doctor/index.js';
import { parseVersion, requireMinVersion } from '../../src/tools/version.js';

interface Report {
  scope: string;
  ok: boolean;
  checks: Array<{ id: string; status: string; detail: string; fix?: string; required: boolean }>;
}
const check = (r: Report, id: string) => r.checks.find((c) => c.id === id)!;

beforeAll(async () => {
  // the cluster project's global setup builds helmfile: every doctor check below sees a real one
  await helmfileForSuite('test/doctor/doctor.cluster.test.ts');
});

describe('logclaw doctor (built CLI)', () => {
  it('all tools present: ✓ lines and exit 0; docker memory and versions reported', async () => {
    const tb = await toolbox();
    const r = await runCli(['doctor', '--json'], { env: { ...tb.env, LOGCLAW_FAKE_DOCKER_MEMORY: '12Gi' } });
    const report = JSON.parse(r.stdout) as Report;
    expect(r.code, r.stderr).toBe(0);
    expect(report.ok).toBe(true);
    expect(check(report, 'kind')).toMatchObject({ status: 'ok', detail: '0.27.0' });
    expect(check(report, 'docker-engine').status).toBe('ok');
    expect(check(report, 'docker-memory')).toMatchObject({ status: 'ok', detail: '12.0 GiB, 4 CPUs' });
    expect(check(report, 'helm').detail).toMatch(/^3\.\d+\.\d+$/);
    expect(check(report, 'helm-diff')).toMatchObject({ status: 'warn', required: false });
    const pretty = await runCli(['doctor'], { env: tb.env });
    expect(pretty.stdout).toMatch(/^✓ Node\.js/m);
    expect(pretty.stdout).toMatch(/^! helm-diff plugin \(optional\)/m);
    expect(pretty.stdout).toMatch(/fix: .*plugin install https:\/\/github\.com\/databus23\/helm-diff/);
  });

  it('a missing required tool: ✗ with the exact fix, exit 3', async () => {
    const tb = await toolbox({ kind: false });
    const r = await runCli(['doctor'], { env: tb.env });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^✗ kind\s+not found on PATH$/m);
    expect(r.stdout).toMatch(/fix: go install sigs\.k8s\.io\/kind@v0\.27\.0/);
    expect(r.stdout).toMatch(/required checks? failed/);
  });

  it('docker engine not reachable is a failed required check; little memory is a warning', async () => {
    const tb = await toolbox();
    const down = await runCli(['doctor', '--json'], { env: { ...tb.env, LOGCLAW_FAKE_DOCKER_DOWN: '1' } });
    expect(down.code).toBe(3);
    const d = JSON.parse(down.stdout) as Report;
    expect(check(d, 'docker-engine')).toMatchObject({ status: 'fail', required: true });
    expect(check(d, 'docker-engine').detail).toMatch(/Cannot connect to the Docker daemon/);
    expect(check(d, 'docker-engine').fix).toMatch(/systemctl start docker/);
    const small = JSON.parse((await runCli(['doctor', '--json'], { env: { ...tb.env, LOGCLAW_FAKE_DOCKER_MEMORY: '4Gi' } })).stdout) as Report;
    expect(check(small, 'docker-memory')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^4\.0 GiB available to docker/) });
  });

  it('--for install does not need docker or kind; helm 4 is accepted', async () => {
    const tb = await toolbox({ kind: false, docker: false, helm: 4 });
    const r = await runCli(['doctor', '--for', 'install', '--json'], { env: tb.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.checks.map((c) => c.id)).not.toContain('kind');
    expect(check(report, 'helm').detail).toMatch(/^4\./);
  });

  it('rejects an unknown scope (exit 2)', async () => {
    const r = await runCli(['doctor', '--for', 'prod']);
    expect(r.code).toBe(2);
  });
});

describe('doctor checks', () => {
  it('inotify limits: a warning with the sysctl fix when low', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inotify-'));
    writeFileSync(join(dir, 'max_user_watches'), '8192\n');
    writeFileSync(join(dir, 'max_user_instances'), '128\n');
    const low = await checkInotify(dir);
    expect(low).toMatchObject({ status: 'warn', fix: expect.stringContaining('sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512') });
    const ok = join(dir, 'ok');
    mkdirSync(ok);
    writeFileSync(join(ok, 'max_user_watches'), '1048576\n');
    writeFileSync(join(ok, 'max_user_instances'), '8192\n');
    expect((await checkInotify(ok))!.status).toBe('ok');
  });

  it('a port in use is named with its service', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    const c = await checkPorts([{ port, service: 'OpenSearch API' }]);
    srv.close();
    expect(c).toMatchObject({ status: 'warn', detail: `in use: ${port} (OpenSearch API)` });
  });

  it('Node below 22 fails; versions compare with semver', () => {
    expect(checkNode('20.11.1')).toMatchObject({ status: 'fail', required: true });
    expect(checkNode('22.3.0').status).toBe('ok');
    expect(parseVersion('kind v0.27.0 go1.23.6 linux/amd64')).toBe('0.27.0');
    expect(parseVersion('v1.32.4-dispatcher')).toBe('1.32.4-dispatcher');
    expect(() => requireMinVersion('kind', '0.9.0', '0.24.0')).toThrow(/kind 0\.9\.0 is too old: logclaw needs kind 0\.24\.0 or newer/);
    expect(requireMinVersion('kubectl', '1.32.4-dispatcher', '1.28.0')).toBe('1.32.4-dispatcher');
  });
});
