import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffLines, unifiedDiff } from '../../src/diff/unified.js';

/** Apply a unified diff body to `a` (a minimal patch(1)). */
function applyPatch(a: string[], diff: string): string[] {
  const out: string[] = [];
  let ai = 0;
  for (const line of diff.replace(/\n$/, '').split('\n')) {
    const h = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (h) {
      const start = Number(h[1]) - (h[2] === '0' ? 0 : 1);
      while (ai < start) out.push(a[ai++]!);
      continue;
    }
    const op = line[0];
    const text = line.slice(1);
    if (op === ' ') {
      expect(a[ai]).toBe(text);
      out.push(a[ai++]!);
    } else if (op === '-') {
      expect(a[ai]).toBe(text);
      ai++;
    } else if (op === '+') out.push(text);
  }
  while (ai < a.length) out.push(a[ai++]!);
  return out;
}

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

describe('unified diff', () => {
  it('matches GNU diff in size and round-trips through patching, on random edits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-udiff-'));
    try {
      for (let t = 0; t < 60; t++) {
        const a = Array.from({ length: Math.floor(rand() * 40) }, () => `line ${Math.floor(rand() * 12)}`);
        const b = a.flatMap((l) => (rand() < 0.15 ? [] : rand() < 0.15 ? [l, `new ${Math.floor(rand() * 5)}`] : rand() < 0.1 ? [`changed ${l}`] : [l]));
        if (rand() < 0.3) b.unshift('head');
        const text = (x: string[]) => (x.length ? x.join('\n') + '\n' : '');
        const d = unifiedDiff(text(a), text(b));
        expect(applyPatch(a, d)).toEqual(b);
        writeFileSync(join(dir, 'a'), text(a));
        writeFileSync(join(dir, 'b'), text(b));
        let gnu = '';
        try {
          execFileSync('diff', ['-U', '3', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
        } catch (e) {
          gnu = (e as { stdout: string }).stdout;
        }
        const count = (s: string) => s.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
        expect(count(d), `case ${t}`).toBe(count(gnu));
        if (a.join() === b.join()) expect(d).toBe('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('formats hunks like diff -u', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(unifiedDiff('', 'x\n')).toBe('@@ -0,0 +1 @@\n+x\n');
    expect(diffLines(['x'], ['x'])).toEqual([{ op: ' ', line: 'x' }]);
  });
});
