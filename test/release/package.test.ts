import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartContentOfFile, contentDifferences, readTgz } from '../../src/release/content.js';
import { discoverCharts } from '../../src/release/charts.js';
import { packageCharts } from '../../src/release/package.js';
import { resetChartHashes } from '../../src/charts/index.js';
import { Helm } from '../../src/tools/helm.js';
import { helms } from '../helpers/tools.js';
import { parseManifests } from '../helpers/render.js';
import { fixtureCharts, workspace } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

describe('chart discovery', () => {
  it('orders charts so every chart comes after its local dependencies, the library first', () => {
    expect(discoverCharts(fixtureCharts).map((c) => c.name)).toEqual(['fx-common', 'fx-app', 'fx-worker', 'fx-umbrella']);
  });
});

describe.each(helms)('charts package with $name', ({ bin }) => {
  it('builds dependencies and packages every chart in dependency order; the umbrella renders from its archive', async () => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const helm = await Helm.detect(bin);
    const seen: string[] = [];
    const out = join(ws.dir, '.dist-charts');
    const packaged = await packageCharts({ chartsDir: ws.chartsDir, outDir: out, helm, onChart: (c) => seen.push(c.name) });
    expect(seen).toEqual(['fx-common', 'fx-app', 'fx-worker', 'fx-umbrella']);
    expect(packaged.map((p) => [p.name, p.version, p.type, p.file])).toEqual([
      ['fx-common', '1.0.0', 'library', join(out, 'fx-common-1.0.0.tgz')],
      ['fx-app', '0.1.0', 'application', join(out, 'fx-app-0.1.0.tgz')],
      ['fx-worker', '0.1.0', 'application', join(out, 'fx-worker-0.1.0.tgz')],
      ['fx-umbrella', '0.1.0', 'application', join(out, 'fx-umbrella-0.1.0.tgz')],
    ]);
    // the umbrella archive carries its subcharts, which carry the library (helm unpacks them into charts/<name>/)
    const umbrella = readTgz(readFileSync(join(out, 'fx-umbrella-0.1.0.tgz'))).map((e) => e.path);
    expect(umbrella).toEqual(
      expect.arrayContaining(['fx-umbrella/Chart.yaml', 'fx-umbrella/charts/fx-app/templates/configmap.yaml', 'fx-umbrella/charts/fx-app/charts/fx-common/templates/_names.tpl', 'fx-umbrella/charts/fx-worker/Chart.yaml']),
    );
    const app = readTgz(readFileSync(join(out, 'fx-app-0.1.0.tgz'))).map((e) => e.path);
    expect(app).toContain('fx-app/charts/fx-common/templates/_names.tpl');
    const objs = parseManifests(execFileSync(bin, ['template', 'rel', join(out, 'fx-umbrella-0.1.0.tgz')], { encoding: 'utf8' }));
    expect(objs.map((o) => [o.kind, o.metadata.name, (o as { data?: Record<string, string> }).data?.greeting])).toEqual([
      ['ConfigMap', 'rel-app', 'hello'],
      ['ConfigMap', 'rel-worker', 'hi'],
    ]);
  });
});

describe('content, not archive bytes', () => {
  it('two helm 3 packages of one chart differ in bytes but not in content; helm 4 agrees; a change is named', async () => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const [h3, h4] = helms;
    const dirs = [mkdtempSync(join(tmpdir(), 'lc-a-')), mkdtempSync(join(tmpdir(), 'lc-b-')), mkdtempSync(join(tmpdir(), 'lc-c-'))];
    cleanups.push(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    await packageCharts({ chartsDir: ws.chartsDir, outDir: dirs[0]!, helm: await Helm.detect(h3!.bin) });
    await new Promise((r) => setTimeout(r, 1100)); // helm 3 stamps whole seconds
    await packageCharts({ chartsDir: ws.chartsDir, outDir: dirs[1]!, helm: await Helm.detect(h3!.bin) });
    await packageCharts({ chartsDir: ws.chartsDir, outDir: dirs[2]!, helm: await Helm.detect(h4!.bin) });
    for (const f of ['fx-app-0.1.0.tgz', 'fx-umbrella-0.1.0.tgz']) {
      const [a, b, c] = dirs.map((d) => join(d, f));
      expect(readFileSync(a!).equals(readFileSync(b!)), `${f}: helm 3 archives carry the packaging time`).toBe(false);
      expect(chartContentOfFile(a!).digest).toBe(chartContentOfFile(b!).digest);
      expect(chartContentOfFile(c!).digest).toBe(chartContentOfFile(a!).digest);
    }
    ws.edit('charts/fx-app/values.yaml', (s) => s.replace('hello', 'bonjour'));
    resetChartHashes(); // src/charts memoizes chart hashes per process; a CLI run is a fresh process
    const changed = mkdtempSync(join(tmpdir(), 'lc-d-'));
    cleanups.push(() => rmSync(changed, { recursive: true, force: true }));
    await packageCharts({ chartsDir: ws.chartsDir, outDir: changed, helm: await Helm.detect(h4!.bin) });
    const before = chartContentOfFile(join(dirs[0]!, 'fx-app-0.1.0.tgz'));
    const after = chartContentOfFile(join(changed, 'fx-app-0.1.0.tgz'));
    expect(after.digest).not.toBe(before.digest);
    expect(contentDifferences(before, after)).toEqual(['values.yaml']);
    const ub = chartContentOfFile(join(dirs[0]!, 'fx-umbrella-0.1.0.tgz'));
    const ua = chartContentOfFile(join(changed, 'fx-umbrella-0.1.0.tgz'));
    expect(contentDifferences(ub, ua)).toEqual(['charts/fx-app/values.yaml']);
  });
});
