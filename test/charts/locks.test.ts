/**
 * Every committed Chart.lock matches its Chart.yaml (name, version, repository of each dependency): a stale lock
 * makes `helm dependency build` fail and logclaw fall back to `helm dependency update`, which rewrites the
 * tracked file during lint or install.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tools.js';

type Dep = { name: string; version: string; repository?: string };
const chartsDir = join(repoRoot, 'charts');
const locked = readdirSync(chartsDir).filter((c) => existsSync(join(chartsDir, c, 'Chart.lock')));
const deps = (file: string): string[] =>
  ((parse(readFileSync(file, 'utf8')) as { dependencies?: Dep[] }).dependencies ?? []).map((d) => `${d.name} ${d.version} ${d.repository ?? ''}`).sort();

describe('Chart.lock', () => {
  it('exists for every chart whose dependencies are all file:// (helm writes it offline)', () => {
    const local = readdirSync(chartsDir).filter((c) => {
      const file = join(chartsDir, c, 'Chart.yaml');
      const ds = existsSync(file) ? deps(file) : [];
      return ds.length > 0 && ds.every((d) => d.includes(' file://'));
    });
    expect(locked.filter((c) => local.includes(c)).sort()).toEqual(local.sort());
  });

  it.each(locked)('%s: the lock lists exactly the dependencies of Chart.yaml', (chart) => {
    expect(deps(join(chartsDir, chart, 'Chart.lock'))).toEqual(deps(join(chartsDir, chart, 'Chart.yaml')));
  });
});
