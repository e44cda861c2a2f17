/** The charts commands as a user runs them (built CLI), in a scratch repository holding the fixture charts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HELM3, HELM4 } from '../helpers/tools.js';
import { htpasswdLine, registryBinary, startRegistry, workspace, type Registry } from './fixtures.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('logclaw charts check-versions', () => {
  it('prints a table, exits 0 when versions are fine and 1 when a changed chart was not bumped', async () => {
    const ws = workspace({ git: true });
    cleanups.push(ws.cleanup);
    ws.git('checkout', '-q', '-b', 'feature');
    let r = await runCli(['charts', 'check-versions', '--base', 'main'], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^CHART\s+BASE\s+VERSION\s+STATUS\s+DETAIL$/m);
    expect(r.stdout).toMatch(/^fx-umbrella\s+0\.1\.0\s+0\.1\.0\s+unchanged\s+no changes$/m);
    expect(r.stdout).toContain('4 local dependency pin(s) match their charts');
    expect(r.stdout).toContain('versions ok');

    ws.edit('charts/fx-worker/values.yaml', (s) => s + 'extra: 1\n');
    r = await runCli(['charts', 'check-versions', '--base', 'main'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fx-worker\s+0\.1\.0\s+0\.1\.0\s+needs-bump\s+1 file\(s\) changed since main but version is still 0\.1\.0 \(was 0\.1\.0\): bump it to 0\.1\.1 or higher$/m);
    expect(r.stdout).toContain('1 problem(s)');

    const json = await runCli(['charts', 'check-versions', '--base', 'main', '--json'], { cwd: ws.dir });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; charts: Array<{ name: string; status: string }> };
    expect(report.ok).toBe(false);
    expect(report.charts.find((c) => c.name === 'fx-worker')!.status).toBe('needs-bump');
  });
});

describe('logclaw charts package', () => {
  it('writes every chart into .dist-charts/ by default and lists them', async () => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const r = await runCli(['charts', 'package'], { cwd: ws.dir, env: { LOGCLAW_HELM: HELM4 } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fx-common\s+1\.0\.0\s+library\s+fx-common-1\.0\.0\.tgz$/m);
    expect(r.stdout).toContain(`4 chart(s) packaged into ${ws.dir}/.dist-charts`);
    expect(r.stderr).toContain('[1/4] fx-common 1.0.0');
    expect(r.stderr).toContain('[4/4] fx-umbrella 0.1.0');
  });
  it('a stale umbrella pin stops packaging with the pin named', async () => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    ws.edit('charts/fx-app/Chart.yaml', (s) => s.replace('version: 0.1.0', 'version: 0.1.5'));
    const r = await runCli(['charts', 'package'], { cwd: ws.dir, env: { LOGCLAW_HELM: HELM3 } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: 1 local dependency pin(s) do not match their charts');
    expect(r.stderr).toContain('fx-umbrella → fx-app (alias app): pins fx-app 0.1.0 but charts/fx-app is 0.1.5: set the dependency version to 0.1.5');
  });
});

describe('logclaw charts push', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(registryBinary().bin);
    cleanups.push(() => registry.stop());
  });
  it('prints name, version and digest; a second push skips; a changed chart under a published version is refused (exit 1)', async () => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const env = { LOGCLAW_HELM: HELM4 };
    expect((await runCli(['charts', 'package'], { cwd: ws.dir, env })).code).toBe(0);
    const url = `${registry.url}/cli`;
    let r = await runCli(['charts', 'push', '--registry', url, '--plain-http'], { cwd: ws.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CHART\s+VERSION\s+STATUS\s+DIGEST$/m);
    expect(r.stdout).toMatch(/^fx-app\s+0\.1\.0\s+pushed\s+sha256:[0-9a-f]{64}$/m);
    expect(r.stdout).toContain(`4 pushed, 0 already published (${url})`);
    r = await runCli(['charts', 'push', '--registry', url, '--plain-http'], { cwd: ws.dir, env });
    expect(r.stdout).toMatch(/^fx-umbrella\s+0\.1\.0\s+skipped\s+sha256:[0-9a-f]{64}$/m);
    expect(r.stdout).toContain('0 pushed, 4 already published');

    ws.edit('charts/fx-common/templates/_names.tpl', (s) => s.replace('trunc 63', 'trunc 60'));
    expect((await runCli(['charts', 'package'], { cwd: ws.dir, env })).code).toBe(0);
    r = await runCli(['charts', 'push', '--registry', url, '--plain-http'], { cwd: ws.dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`refused: ${url}/fx-common:1.0.0 is already published with different content`);
    expect(r.stdout).toContain('differs in: templates/_names.tpl');
    expect(r.stdout).toContain('differs in: charts/fx-common/templates/_names.tpl');
    expect(r.stdout).toContain('nothing pushed: 4 chart version(s) refused');
  });
  it('rejects a registry that is not oci:// (exit 2)', async () => {
    const r = await runCli(['charts', 'push', '--registry', 'https://example.com/charts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--registry must look like oci://HOST[:PORT]/PATH');
  });
});

describe('logclaw charts push to a registry that needs a login', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(registryBinary().bin, { htpasswd: htpasswdLine('ci', 'pw-123') });
    cleanups.push(() => registry.stop());
  });
  it.each([
    ['helm3', HELM3],
    ['helm4', HELM4],
  ])('reads the password from stdin (%s); a wrong one is named', async (name, helm) => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const env = { LOGCLAW_HELM: helm };
    expect((await runCli(['charts', 'package'], { cwd: ws.dir, env })).code).toBe(0);
    const url = `${registry.url}/${name}`;
    let r = await runCli(['charts', 'push', '--registry', url, '--plain-http'], { cwd: ws.dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hint: log in: pass --username and --password-stdin');
    r = await runCli(['charts', 'push', '--registry', url, '--plain-http', '--username', 'ci', '--password-stdin'], { cwd: ws.dir, env, input: 'wrong\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hint: the registry rejected the credentials of ci');
    r = await runCli(['charts', 'push', '--registry', url, '--plain-http', '--username', 'ci', '--password-stdin'], { cwd: ws.dir, env, input: 'pw-123\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`4 pushed, 0 already published (${url})`);
    expect(r.stderr + r.stdout).not.toContain('pw-123');
  });
});
