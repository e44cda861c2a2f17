import { afterAll, describe, expect, it } from 'vitest';
import { checkVersions } from '../../src/release/versions.js';
import { workspace } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

function repo() {
  const ws = workspace({ git: true });
  cleanups.push(ws.cleanup);
  ws.git('checkout', '-q', '-b', 'feature');
  return ws;
}
const byName = (r: Awaited<ReturnType<typeof checkVersions>>) => Object.fromEntries(r.charts.map((c) => [c.name, c]));

describe('charts check-versions (as chart-testing checks)', () => {
  it('nothing changed: every chart unchanged, pins match, ok', async () => {
    const ws = repo();
    const r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(r.ok).toBe(true);
    expect(r.charts.map((c) => [c.name, c.status])).toEqual([
      ['fx-common', 'unchanged'],
      ['fx-app', 'unchanged'],
      ['fx-worker', 'unchanged'],
      ['fx-umbrella', 'unchanged'],
    ]);
    expect(r.dependencies.map((d) => [d.chart, d.dependency, d.exact, d.ok])).toEqual([
      ['fx-app', 'fx-common', false, true],
      ['fx-worker', 'fx-common', false, true],
      ['fx-umbrella', 'fx-app (alias app)', true, true],
      ['fx-umbrella', 'fx-worker (alias worker)', true, true],
    ]);
  });

  it('a changed chart without a version bump fails, committed or not; a bump passes', async () => {
    const ws = repo();
    ws.edit('charts/fx-app/templates/configmap.yaml', (s) => s + '  extra: "1"\n');
    let r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(r.ok).toBe(false);
    expect(byName(r)['fx-app']).toMatchObject({ status: 'needs-bump', baseVersion: '0.1.0', changedFiles: ['charts/fx-app/templates/configmap.yaml'] });
    expect(byName(r)['fx-app']!.message).toContain('bump it to 0.1.1 or higher');
    expect(byName(r)['fx-worker']!.status).toBe('unchanged');
    ws.git('commit', '-qam', 'change app');
    r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(byName(r)['fx-app']!.status).toBe('needs-bump');
    ws.edit('charts/fx-app/Chart.yaml', (s) => s.replace('version: 0.1.0', 'version: 0.2.0'));
    r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(byName(r)['fx-app']).toMatchObject({ status: 'bumped', message: '0.1.0 → 0.2.0' });
    // ...but now the umbrella's exact pin is stale
    expect(r.ok).toBe(false);
    const pin = r.dependencies.find((d) => d.dependency.startsWith('fx-app'))!;
    expect(pin).toMatchObject({ ok: false, requested: '0.1.0', actual: '0.2.0' });
    expect(pin.message).toContain('set the dependency version to 0.2.0');
    ws.edit('charts/fx-umbrella/Chart.yaml', (s) => s.replace(/(name: fx-app\n\s+version: )0\.1\.0/, '$10.2.0').replace(/^version: 0\.1\.0/m, 'version: 0.1.1'));
    r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(r.ok).toBe(true);
    expect(byName(r)['fx-umbrella']).toMatchObject({ status: 'bumped', message: '0.1.0 → 0.1.1' });
  });

  it('a lower version is refused; a new chart passes; a range pin to the library must be satisfied', async () => {
    const ws = repo();
    ws.edit('charts/fx-worker/Chart.yaml', (s) => s.replace('version: 0.1.0', 'version: 0.0.9').replace('version: 1.0.0', 'version: ~2.0.0'));
    ws.git('mv', 'charts/fx-app', 'charts/fx-app2');
    ws.edit('charts/fx-app2/Chart.yaml', (s) => s.replace('name: fx-app', 'name: fx-app2'));
    ws.edit('charts/fx-umbrella/Chart.yaml', (s) => s.replace('name: fx-app\n', 'name: fx-app2\n').replace('file://../fx-app\n', 'file://../fx-app2\n').replace(/^version: 0\.1\.0/m, 'version: 0.2.0'));
    const r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(byName(r)['fx-worker']).toMatchObject({ status: 'needs-bump', baseVersion: '0.1.0', version: '0.0.9' });
    expect(byName(r)['fx-app2']).toMatchObject({ status: 'new', ok: true });
    const lib = r.dependencies.find((d) => d.chart === 'fx-worker')!;
    expect(lib).toMatchObject({ ok: false, exact: false, requested: '~2.0.0', actual: '1.0.0' });
    expect(r.ok).toBe(false);
  });

  it('compares with the merge base: changes made on the base branch after the fork do not count', async () => {
    const ws = repo();
    ws.git('checkout', '-q', 'main');
    ws.edit('charts/fx-worker/values.yaml', (s) => s + 'more: true\n');
    ws.edit('charts/fx-worker/Chart.yaml', (s) => s.replace('version: 0.1.0', 'version: 0.1.1'));
    ws.git('commit', '-qam', 'worker on main');
    ws.git('checkout', '-q', 'feature');
    const r = await checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'main' });
    expect(byName(r)['fx-worker']!.status).toBe('unchanged');
    expect(r.mergeBase).toBe(ws.git('rev-parse', 'HEAD').trim());
  });

  it('an unknown base is a usage error', async () => {
    const ws = repo();
    await expect(checkVersions({ cwd: ws.dir, chartsDir: ws.chartsDir, base: 'nope' })).rejects.toMatchObject({ exitCode: 2, message: 'git ref nope does not exist' });
  });
});
