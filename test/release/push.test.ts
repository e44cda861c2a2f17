/**
 * Round trip against a real OCI registry (Debian's docker-registry: distribution 2.8) on 127.0.0.1:<random port>.
 * `npm test` installs it (scripts/test-prerequisites.mjs); without it these tests fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageCharts } from '../../src/release/package.js';
import { pushCharts } from '../../src/release/push.js';
import { resetChartHashes } from '../../src/charts/index.js';
import { Helm } from '../../src/tools/helm.js';
import { helms } from '../helpers/tools.js';
import { parseManifests } from '../helpers/render.js';
import { registryBinary, startRegistry, workspace, type Registry } from './fixtures.js';

describe('charts push to a real OCI registry', () => {
  let registry: Registry;
  const cleanups: Array<() => void> = [];
  beforeAll(async () => {
    registry = await startRegistry(registryBinary().bin);
  });
  afterAll(async () => {
    cleanups.forEach((c) => c());
    await registry?.stop();
  });

  describe.each(helms)('with $name', ({ name, bin }) => {
    it('pushes, skips the same content, refuses changed content under a published version, and round-trips through helm pull/template', async () => {
      const helm = await Helm.detect(bin);
      const ws = workspace();
      cleanups.push(ws.cleanup);
      const url = `${registry.url}/${name}`;
      const out = join(ws.dir, '.dist-charts');
      await packageCharts({ chartsDir: ws.chartsDir, outDir: out, helm });

      const first = await pushCharts({ dir: out, registry: url, helm, plainHttp: true });
      expect(first.ok).toBe(true);
      expect(first.results.map((r) => [r.name, r.version, r.status])).toEqual([
        ['fx-app', '0.1.0', 'pushed'],
        ['fx-common', '1.0.0', 'pushed'],
        ['fx-umbrella', '0.1.0', 'pushed'],
        ['fx-worker', '0.1.0', 'pushed'],
      ]);
      for (const r of first.results) expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(first.results[0]!.ref).toBe(`${url}/fx-app:0.1.0`);

      // package again (helm 3: new time stamps, different bytes) and push: everything is already there
      await new Promise((r) => setTimeout(r, 1100));
      await packageCharts({ chartsDir: ws.chartsDir, outDir: out, helm });
      const again = await pushCharts({ dir: out, registry: url, helm, plainHttp: true });
      expect(again.results.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
      expect(again.results.map((r) => r.digest)).toEqual(first.results.map((r) => r.digest));

      // change fx-app without a version bump, bump fx-worker (and the umbrella's pin, not its version): refused, nothing pushed
      ws.edit('charts/fx-app/values.yaml', (s) => s.replace('hello', 'changed'));
      ws.edit('charts/fx-worker/Chart.yaml', (s) => s.replace('version: 0.1.0', 'version: 0.1.1'));
      ws.edit('charts/fx-umbrella/Chart.yaml', (s) => s.replace(/(name: fx-worker\n\s+version: )0\.1\.0/, '$10.1.1'));
      // as a maintainer must after changing a pin (logclaw refuses a stale Chart.lock rather than rewrite it)
      execFileSync(bin, ['dependency', 'update', join(ws.chartsDir, 'fx-umbrella'), '--skip-refresh'], { stdio: 'pipe' });
      rmSync(out, { recursive: true });
      resetChartHashes();
      await packageCharts({ chartsDir: ws.chartsDir, outDir: out, helm });
      const refused = await pushCharts({ dir: out, registry: url, helm, plainHttp: true });
      expect(refused.ok).toBe(false);
      const app = refused.results.find((r) => r.name === 'fx-app')!;
      expect(app).toMatchObject({ status: 'refused', differences: ['values.yaml'] });
      expect(app.digest).toBeUndefined();
      expect(refused.results.find((r) => r.name === 'fx-worker')!.status).toBe('would-push');
      expect(refused.results.find((r) => r.name === 'fx-umbrella')!.status).toBe('refused');
      const tags = (await (await fetch(`http://${registry.host}/v2/charts/${name}/fx-worker/tags/list`)).json()) as { tags: string[] };
      expect(tags.tags).toEqual(['0.1.0']);

      // round trip: what was published renders as packaged
      const pulled = mkdtempSync(join(tmpdir(), 'lc-pull-'));
      cleanups.push(() => rmSync(pulled, { recursive: true, force: true }));
      execFileSync(bin, ['pull', `${url}/fx-umbrella`, '--version', '0.1.0', '--destination', pulled, '--plain-http'], { stdio: 'pipe' });
      expect(readdirSync(pulled)).toEqual(['fx-umbrella-0.1.0.tgz']);
      const objs = parseManifests(execFileSync(bin, ['template', 'rel', `${url}/fx-umbrella`, '--version', '0.1.0', '--plain-http'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      expect(objs.map((o) => [o.metadata.name, (o as { data?: Record<string, string> }).data?.greeting])).toEqual([
        ['rel-app', 'hello'],
        ['rel-worker', 'hi'],
      ]);
    });
  });

  it('helm 3 packages and helm 4 pushes: same content is recognised across helm majors', async () => {
    const [h3, h4] = helms;
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const url = `${registry.url}/cross`;
    const a = join(ws.dir, 'a');
    const b = join(ws.dir, 'b');
    await packageCharts({ chartsDir: ws.chartsDir, outDir: a, helm: await Helm.detect(h3!.bin) });
    await packageCharts({ chartsDir: ws.chartsDir, outDir: b, helm: await Helm.detect(h4!.bin) });
    expect((await pushCharts({ dir: a, registry: url, helm: await Helm.detect(h3!.bin), plainHttp: true })).results.every((r) => r.status === 'pushed')).toBe(true);
    const r = await pushCharts({ dir: b, registry: url, helm: await Helm.detect(h4!.bin), plainHttp: true });
    expect(r.results.map((x) => x.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('a registry spoken to over HTTPS without --plain-http fails with a hint', async () => {
    const ws = workspace();
    cleanups.push(ws.cleanup);
    const helm = await Helm.detect(helms[1]!.bin);
    const out = join(ws.dir, 'o');
    await packageCharts({ chartsDir: ws.chartsDir, outDir: out, helm });
    await expect(pushCharts({ dir: out, registry: `${registry.url}/tls`, helm })).rejects.toMatchObject({ hint: 'the registry speaks plain HTTP: add --plain-http' });
  });
});
