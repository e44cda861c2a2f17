/**
 * Every package the code loads is declared in package.json `dependencies`: static and dynamic imports,
 * require() and require.resolve() of a bare name in src/ and bin/ (js-yaml and undici used to be taken from
 * client-node's node_modules, undeclared). Node built-ins and relative paths do not count.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tools.js';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|mjs|cjs)$/.test(f) ? [p] : [];
  });

/** The package of a module specifier (`@scope/name/sub` → `@scope/name`), or undefined for built-ins and paths. */
const packageOf = (spec: string): string | undefined => {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[a-z]+:/.test(spec)) return undefined;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  return builtinModules.includes(name) ? undefined : name;
};

const LOADS = [/\bfrom\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g, /\brequire\(\s*'([^']+)'\s*\)/g, /createRequire\([^)]*\)\(\s*'([^']+)'\s*\)/g, /\.resolve\(\s*'([^']+)'\s*\)/g, /typeof import\('([^']+)'\)/g];

describe('package.json', () => {
  it('declares every package src/ and bin/ load', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const missing = new Map<string, string[]>();
    for (const file of [...files(join(repoRoot, 'src')), ...files(join(repoRoot, 'bin'))]) {
      const text = readFileSync(file, 'utf8');
      for (const re of LOADS) {
        for (const m of text.matchAll(re)) {
          const name = packageOf(m[1]!);
          if (name && !(name in pkg.dependencies)) missing.set(name, [...(missing.get(name) ?? []), file.slice(repoRoot.length + 1)]);
        }
      }
    }
    expect(Object.fromEntries(missing)).toEqual({});
  });
});
