/**
 * Official charts offline: where the folder of upstream chart archives is found (LOGCLAW_UPSTREAM_CHARTS, else
 * ../shared/upstream-charts beside the checkout), and ensureDependencies vendoring the real zammad chart from it
 * into a wrapper's charts/, replacing a differing copy, or failing with the command that provides it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDependencies, resetChartHashes } from '../../src/charts/index.js';
import { findArchive, resolveUpstreamChartsDir } from '../../src/charts/upstream.js';
import { LogclawError } from '../../src/errors.js';
import { Helm } from '../../src/tools/helm.js';
import { HELM3, repoRoot, sharedDir } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const upstream = join(sharedDir, 'upstream-charts');
const saved = process.env.LOGCLAW_UPSTREAM_CHARTS;
afterEach(() => {
  if (saved === undefined) delete process.env.LOGCLAW_UPSTREAM_CHARTS;
  else process.env.LOGCLAW_UPSTREAM_CHARTS = saved;
  resetChartHashes();
});

/** logclaw-zammad and logclaw-common copied without any built charts/. */
function wrapperCopy(): string {
  const root = tempDir('logclaw-upstream-');
  for (const c of ['logclaw-zammad', 'logclaw-common']) {
    cpSync(join(repoRoot, 'charts', c), join(root, c), { recursive: true, filter: (src) => !src.includes(`${c}/charts`) && !src.endsWith('Chart.lock.hash') });
  }
  return join(root, 'logclaw-zammad');
}

describe('the folder of upstream chart archives', () => {
  it('is LOGCLAW_UPSTREAM_CHARTS, none when set empty, else ../shared/upstream-charts beside the checkout', () => {
    expect(resolveUpstreamChartsDir({ LOGCLAW_UPSTREAM_CHARTS: 'x' }, '/tmp')).toEqual({ dir: '/tmp/x', from: 'env' });
    expect(resolveUpstreamChartsDir({ LOGCLAW_UPSTREAM_CHARTS: '' })).toEqual({ from: 'none' });
    const dflt = resolveUpstreamChartsDir({});
    expect(dflt).toEqual(existsSync(join(repoRoot, '..', 'shared', 'upstream-charts')) ? { dir: join(repoRoot, '..', 'shared', 'upstream-charts'), from: 'shared' } : { from: 'none' });
  });

  it('finds an archive by exact version or the highest one a range admits', () => {
    expect(findArchive(upstream, 'zammad', '12.4.1')).toBe(join(upstream, 'zammad-12.4.1.tgz'));
    expect(findArchive(upstream, 'zammad', '^12.0.0')).toBe(join(upstream, 'zammad-12.4.1.tgz'));
    expect(findArchive(upstream, 'zammad', '13.0.0')).toBeUndefined();
    expect(findArchive(undefined, 'zammad', '12.4.1')).toBeUndefined();
  });
});

describe('ensureDependencies with an official chart', () => {
  it('vendors the real zammad chart from the folder, and replaces a copy that differs', async () => {
    process.env.LOGCLAW_UPSTREAM_CHARTS = upstream;
    const dir = wrapperCopy();
    const helm = await Helm.detect(HELM3);
    await ensureDependencies(dir, helm);
    const vendored = join(dir, 'charts', 'zammad-12.4.1.tgz');
    expect(readFileSync(vendored).equals(readFileSync(join(upstream, 'zammad-12.4.1.tgz')))).toBe(true);
    const common = (readFileSync(join(repoRoot, 'charts', 'logclaw-common', 'Chart.yaml'), 'utf8').match(/^version: (\S+)$/m) ?? [])[1];
    expect(existsSync(join(dir, 'charts', `logclaw-common-${common}.tgz`))).toBe(true);
    writeFileSync(vendored, 'not the pinned chart');
    resetChartHashes();
    await ensureDependencies(dir, helm);
    expect(readFileSync(vendored).equals(readFileSync(join(upstream, 'zammad-12.4.1.tgz')))).toBe(true);
  });

  it('without network and folder, fails (exit 3) naming the helm pull that provides the chart', async () => {
    process.env.LOGCLAW_UPSTREAM_CHARTS = '';
    const dir = wrapperCopy();
    mkdirSync(join(dir, 'charts'), { recursive: true });
    const err = await ensureDependencies(dir, await Helm.detect(HELM3)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LogclawError);
    expect((err as LogclawError).exitCode).toBe(3);
    expect((err as LogclawError).message).toContain('dependency zammad 12.4.1 from https://zammad.github.io/zammad-helm is not available offline');
    expect((err as LogclawError).message).toContain('`helm pull zammad --repo https://zammad.github.io/zammad-helm --version 12.4.1 -d ');
    expect((err as LogclawError).message).toContain('LOGCLAW_UPSTREAM_CHARTS');
  });
});
