/**
 * What `npm install` prints on Node 20 is what README.md says it prints.
 * npm checks `engines` against the Node that runs npm; logclaw's packages always run on the Node 24 of the
 * `node` devDependency (npm scripts and npx put it first on PATH), so the warnings are expected, and the README
 * lists exactly the packages npm warns about, computed here from package-lock.json the way npm decides
 * (every non-optional package whose engines.node excludes the Node running npm; the root is skipped because
 * package.json declares devEngines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tools.js';

/** The newest Node 20 release (what .ci/run's system Node is). */
const NODE20 = '20.20.2';

interface LockEntry { version?: string; optional?: boolean; engines?: { node?: string } | string[] }

function warnedOn(node: string): string[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const out: string[] = [];
  for (const [path, e] of Object.entries(lock.packages)) {
    if (!path || e.optional) continue;
    const range = !Array.isArray(e.engines) ? e.engines?.node : undefined;
    if (range && !semver.satisfies(node, range, { includePrerelease: true })) out.push(`${path.split('node_modules/').pop()}@${e.version}`);
  }
  return [...new Set(out)].sort();
}

describe('npm install on Node 20', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string }; devEngines?: { runtime?: { name: string; version: string } } };
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('the root package declares the development runtime (Node 20+), so npm does not warn about logclaw itself', () => {
    expect(pkg.devEngines?.runtime?.name).toBe('node');
    expect(semver.satisfies(NODE20, pkg.devEngines!.runtime!.version)).toBe(true);
    expect(semver.satisfies(NODE20, pkg.engines.node)).toBe(false);
  });

  it('README.md names exactly the packages npm prints an EBADENGINE warning for', () => {
    const warned = warnedOn(NODE20);
    expect(warned.length).toBeGreaterThan(0);
    const m = /prints one `npm warn EBADENGINE` block \(5 lines\) for each of these (\d+) packages, which declare Node 22\+: (.+?)\. They are expected/.exec(readme.replace(/\s+/g, ' '));
    expect(m, 'README.md Quick start: the Node 20 sentence').toBeTruthy();
    expect(Number(m![1])).toBe(warned.length);
    expect(m![2]!.split(', ').map((s) => s.replace(/`/g, '').trim()).sort()).toEqual(warned);
    // and on the Node the npm scripts use, nothing is warned about
    const locked = (JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages['node_modules/node']!.version!;
    expect(warnedOn(locked)).toEqual([]);
  });
});
