/** The tar writer against the system's tar (GNU tar reads what it writes), long paths included; the size bound. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar, tarGz } from '../../src/support-bundle/index.js';
import { bound } from '../../src/support-bundle/index.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('logclaw-tar-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tar.gz writer', () => {
  it('writes an archive GNU tar lists and extracts byte for byte (short, 150-byte and 300-byte paths, UTF-8, empty file)', () => {
    const long = `b/${'x'.repeat(60)}/${'y'.repeat(80)}/file.log`;
    const longer = `c/${'z'.repeat(120)}/${'w'.repeat(120)}/file.txt`;
    const entries = [
      { path: 'b/manifest.json', content: '{"a":1}\n' },
      { path: long, content: 'line\n'.repeat(300) },
      { path: longer, content: 'pax\n' },
      { path: 'b/ünïcode.txt', content: 'grüße ✓\n' },
      { path: 'b/empty', content: '' },
    ];
    const file = join(dir, 'a.tar.gz');
    writeFileSync(file, tarGz(entries, 1_700_000_000));
    const listed = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(entries.map((e) => e.path));
    const out = join(dir, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', file, '-C', out]);
    for (const e of entries) expect(readFileSync(join(out, e.path), 'utf8')).toBe(e.content);
    expect(readTar(gunzipSync(readFileSync(file))).map((e) => [e.path, e.content.toString('utf8')])).toEqual(entries.map((e) => [e.path, e.content]));
    expect(execFileSync('tar', ['-tvzf', file], { encoding: 'utf8' })).toContain('2023-11-14');
  });
});

describe('size bound', () => {
  it('keeps the most important entries, the tail of a log that crosses the limit, and lists what it cut', () => {
    const log = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const { kept, cut } = bound([
      { path: 'logs/a.log', content: log, priority: 6, tail: true },
      { path: 'status.txt', content: 's'.repeat(1000), priority: 1 },
      { path: 'objects/Pod.yaml', content: 'o'.repeat(2000), priority: 3 },
      { path: 'logs/b.log', content: log, priority: 6, tail: true },
    ], 5000);
    expect(kept.map((e) => e.path)).toEqual(['logs/a.log', 'status.txt', 'objects/Pod.yaml']);
    const a = kept[0]!.content;
    expect(a).toMatch(/^\[logclaw: \d+ earlier bytes cut by --max-size\]\nline \d+\n/);
    expect(a.endsWith('line 399\n')).toBe(true);
    expect(kept.reduce((n, e) => n + Buffer.byteLength(e.content), 0)).toBeLessThanOrEqual(5000);
    expect(cut).toEqual([{ path: 'logs/a.log', bytes: log.length, kept: Buffer.byteLength(a) }, { path: 'logs/b.log', bytes: log.length, kept: 0 }]);
  });
});
