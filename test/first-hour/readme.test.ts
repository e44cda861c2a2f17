/**
 * What a new user reads is what the tools do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tools.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** The text of a `##`/`###` section, up to the next heading of the same or a higher level. */
function section(title: string): string {
  const start = readme.search(new RegExp(`^#{2,3} ${title}\\s*$`, 'm'));
  expect(start, `README section ${title}`).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(readme.slice(start))![0].length;
  const rest = readme.slice(readme.indexOf('\n', start) + 1);
  const end = rest.search(new RegExp(`^#{2,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

describe('README', () => {
  it('Lint says a clean lint offline uses the stand-in airflow chart and the real zammad chart, and how to get them', () => {
    const lint = section('Lint');
    expect(lint).toMatch(/stand-in/);
    expect(lint).toContain('node test/fixtures/upstream-charts/prepare.mjs');
    expect(lint).toContain('../shared/upstream-charts');
    expect(lint).toContain('helm pull zammad --repo https://zammad.github.io/zammad-helm --version 12.4.1 -d charts/logclaw-zammad/charts');
    expect(existsSync(join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs'))).toBe(true);
    // plain `logclaw lint` is the documented command: its CRDs come from ../shared/crds by default
    expect(lint).toMatch(/`logclaw lint`/);
    expect(lint).toMatch(/\.\.\/shared\/crds/);
  });
});

describe('README, Try it without a cluster', () => {
  it('is one command, npm run try, which package.json runs as scripts/try.mjs', () => {
    const text = section('Try it without a cluster');
    const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks).toEqual(['npm run try']);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.try).toBe('node scripts/try.mjs');
    // no step left to guess: no test-only variables in the section
    expect(text).not.toMatch(/LOGCLAW_FAKE_KIND_ATTACH|LOGCLAW_HELMFILE_ENVIRONMENT=test|prepare\.mjs`? *$/m);
  });
});
