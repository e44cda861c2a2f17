/**
 * The bad-input corpus (test/fixtures/tenants/broken, described in cases.json): every broken tenant
 * file makes `logclaw tenant validate` exit 1, naming the file, the line and the rule (and the value
 * path for schema errors), with no stack trace, and writes nothing. Plus the cases made at test time:
 * a 2 MiB file, duplicate ids across directories, a directory of them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

interface Case {
  file: string;
  rule: string;
  line: number;
  path?: string;
  note: string;
}
interface Finding {
  file: string;
  line: number;
  column: number;
  path: string;
  rule: string;
  severity: string;
  message: string;
}

const dir = join(repoRoot, 'test', 'fixtures', 'tenants', 'broken');
const { cases } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Case[] };

/** Every file under a directory with its content hash and mtime: nothing may change. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(root, p), `${createHash('sha256').update(readFileSync(p)).digest('hex')}:${statSync(p).mtimeMs}`);
    }
  };
  walk(root);
  return out;
}

const noStack = (s: string) => {
  expect(s).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(s).not.toMatch(/Error: .*\n\s+at /);
};

describe('broken tenant corpus', () => {
  let before: Map<string, string>;
  let work: string;
  beforeAll(() => {
    before = snapshot(dir);
    work = tempDir('logclaw-corpus-');
  });
  afterAll(() => {
    // nothing written or changed: neither the fixtures nor the working directory
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(work)).toEqual([]);
    rmSync(work, { recursive: true, force: true });
  });

  it('has at least 40 cases, each with a file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(cases.map((c) => c.file).sort());
  });

  it.each(cases)('$file: exit 1, line $line, [$rule] ($note)', async (c) => {
    const file = join(dir, c.file);
    const text = await runCli(['tenant', 'validate', file], { cwd: work, env: { LOGCLAW_ROOT: work } });
    expect(text.code, text.stdout + text.stderr).toBe(1);
    expect(text.stdout).toContain(`${file}:${c.line}:`);
    const line = text.stdout.split('\n').find((l) => l.startsWith(`${file}:${c.line}:`) && l.endsWith(`[${c.rule}]`));
    expect(line, text.stdout).toBeDefined();
    expect(line).toMatch(/:\d+:\d+ error /);
    expect(text.stdout).toMatch(/✖ \d+ errors? in 1 of 1 tenant file/);
    expect(text.stderr).toBe('');
    noStack(text.stdout + text.stderr);
  });

  it('--json over the whole corpus: a {file,line,column,path,rule,severity,message} record for each case', async () => {
    const json = await runCli(['tenant', 'validate', '--json', dir], { cwd: work, env: { LOGCLAW_ROOT: work } });
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    const findings = JSON.parse(json.stdout) as Finding[];
    for (const c of cases) {
      const file = join(dir, c.file);
      const hit = findings.find((f) => f.file === file && f.rule === c.rule && f.line === c.line);
      expect(hit, c.file).toBeDefined();
      expect(Object.keys(hit!).sort()).toEqual(['column', 'file', 'line', 'message', 'path', 'rule', 'severity']);
      expect(hit!.severity).toBe('error');
      expect(hit!.column).toBeGreaterThanOrEqual(1);
      if (c.path) expect(hit!.path, c.file).toBe(c.path);
    }
    // nothing in a message may drive the terminal: control characters are escaped
    // eslint-disable-next-line no-control-regex
    for (const f of findings) expect(f.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('refuses a 2 MiB file unread: exit 1, line 1, [file-too-large]', async () => {
    const big = join(work, 'big');
    mkdirSync(big);
    const file = join(big, 'tenant-big.yaml');
    const filler = `# ${'x'.repeat(1022)}\n`;
    writeFileSync(file, `global:\n  tenantId: big\n${filler.repeat(2048)}`);
    expect(statSync(file).size).toBeGreaterThan(2 * 1024 * 1024);
    const r = await runCli(['tenant', 'validate', '--json', file], { cwd: work });
    expect(r.code).toBe(1);
    const [f] = JSON.parse(r.stdout) as Finding[];
    // shown relative to the working directory, as typed
    expect(f).toMatchObject({ file: join('big', 'tenant-big.yaml'), line: 1, column: 1, rule: 'file-too-large', severity: 'error' });
    expect(f!.message).toMatch(/2(\.\d)? MiB, over the 1 MiB limit/);
    const text = await runCli(['tenant', 'validate', join('big', 'tenant-big.yaml')], { cwd: work });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${join('big', 'tenant-big.yaml')}:1:1 error`);
    expect(text.stdout).toContain('[file-too-large]');
    rmSync(big, { recursive: true });
  });

  it('finds the same tenantId in two directories: [tenant-id-unique] in both files', async () => {
    const a = join(work, 'a');
    const b = join(work, 'b');
    mkdirSync(a);
    mkdirSync(b);
    for (const d of [a, b]) copyFileSync(join(repoRoot, 'gitops', 'tenants', 'tenant-dev-local.yaml'), join(d, 'tenant-dev-local.yaml'));
    const r = await runCli(['tenant', 'validate', '--json', 'a', 'b'], { cwd: work });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Finding[];
    expect(findings.map((f) => [f.file, f.rule])).toEqual([
      [join('a', 'tenant-dev-local.yaml'), 'tenant-id-unique'],
      [join('b', 'tenant-dev-local.yaml'), 'tenant-id-unique'],
    ]);
    const line = readFileSync(join(a, 'tenant-dev-local.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('tenantId: dev-local')) + 1;
    expect(findings[0]!.line).toBe(line);
    expect(findings[0]!.message).toContain(join('b', 'tenant-dev-local.yaml'));
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });
});
