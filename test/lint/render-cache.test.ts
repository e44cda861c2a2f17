/**
 * The render cache (src/render/cache.ts) with real helm renders: hits, a miss on every key part, corrupt and
 * truncated entries rejected and rewritten, concurrent writers in separate processes, and the size bound.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDependencies, resetChartHashes } from '../../src/charts/index.js';
import { decode, RenderCache, renderKey, resetChartTreeDigests, type RenderKeyInput } from '../../src/render/cache.js';
import { renderChart, umbrellaDir } from '../../src/render/index.js';
import { Helm, HelmError } from '../../src/tools/helm.js';
import { runCli } from '../helpers/cli.js';
import { HELM3, HELM4, repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'lint', 'repo');
let work: string;
let repo: string;
let helm: Helm;
let helmLog: string;
const helmCalls = () => readFileSync(helmLog, 'utf8').split('\n').filter((l) => l.startsWith('template')).length;

beforeAll(async () => {
  work = tempDir('logclaw-rcache-');
  repo = join(work, 'repo');
  cpSync(fixture, repo, { recursive: true });
  // helm through a wrapper that logs each call: a hit must not run helm at all
  helmLog = join(work, 'helm.log');
  writeFileSync(helmLog, '');
  const wrapper = join(work, 'helm');
  writeFileSync(wrapper, `#!/bin/sh\necho "$1" >> '${helmLog}'\nexec '${HELM3}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  helm = await Helm.detect(wrapper);
  await ensureDependencies(umbrellaDir(repo), helm);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const newCache = (name: string, max?: number) => new RenderCache(join(work, name), max);
const request = (cache: RenderCache | undefined, over: Partial<Parameters<typeof renderChart>[0]> = {}) =>
  renderChart({ helm, root: repo, chartDir: umbrellaDir(repo), release: 'logclaw-good', namespace: 'logclaw-good', valuesFiles: [join(repo, 'gitops', 'tenants', 'tenant-good.yaml')], kubeVersion: '1.27.0', cache, ...over });
const entries = (c: RenderCache) => readdirSync(c.dir).flatMap((d) => readdirSync(join(c.dir, d)).map((f) => join(c.dir, d, f)));

describe('render cache', () => {
  it('a second identical render is a hit: same text, helm not run', async () => {
    const cache = newCache('hit');
    const before = helmCalls();
    const a = await request(cache);
    const b = await request(cache);
    expect(a.cached).toBe(false);
    expect(b.cached).toBe(true);
    expect(b.text).toBe(a.text);
    expect(b.objects.map((o) => `${o.obj.kind}/${o.obj.metadata.name}`)).toEqual(a.objects.map((o) => `${o.obj.kind}/${o.obj.metadata.name}`));
    expect(a.objects.length).toBeGreaterThanOrEqual(5);
    expect(helmCalls() - before).toBe(1);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, writes: 1, corrupt: 0 });
    // a fresh process-level cache object over the same directory hits too (nothing is kept in memory)
    expect((await request(newCache('hit'))).cached).toBe(true);
  });

  it('every key part changes the key; a changed chart file or values file is a miss', async () => {
    const base: RenderKeyInput = { chartDir: umbrellaDir(repo), release: 'r', namespace: 'n', valuesFiles: [join(repo, 'gitops', 'tenants', 'tenant-good.yaml')], set: [], kubeVersion: '1.27.0', apiVersions: ['a/v1', 'b/v1'], helmVersion: '3.17.2' };
    const k0 = renderKey(base);
    const variants: Array<[string, Partial<RenderKeyInput>]> = [
      ['values file', { valuesFiles: [join(repo, 'gitops', 'tenants', 'tenant-pss-privileged.yaml')] }],
      ['extra values file', { valuesFiles: [...base.valuesFiles!, join(repo, 'charts', 'logclaw-tenant', 'ci', 'default-values.yaml')] }],
      ['--set', { set: ['global.tenantId=x'] }],
      ['release', { release: 'r2' }],
      ['namespace', { namespace: 'n2' }],
      ['helm version', { helmVersion: '3.17.3' }],
      ['helm major', { helmVersion: '4.1.4' }],
      ['kube version', { kubeVersion: '1.37.0' }],
      ['API versions', { apiVersions: ['a/v1'] }],
      ['include CRDs', { includeCrds: true }],
    ];
    const keys = variants.map(([name, v]) => [name, renderKey({ ...base, ...v })] as const);
    for (const [name, k] of keys) expect(k, name).not.toBe(k0);
    expect(new Set(keys.map(([, k]) => k)).size).toBe(keys.length);
    // API versions are a set: order and repeats do not matter
    expect(renderKey({ ...base, apiVersions: ['b/v1', 'a/v1', 'a/v1'] })).toBe(k0);

    const cache = newCache('parts');
    await request(cache);
    expect((await request(cache)).cached).toBe(true);
    // values content (same path, new content)
    const values = join(repo, 'gitops', 'tenants', 'tenant-good.yaml');
    const original = readFileSync(values, 'utf8');
    writeFileSync(values, original + '\n# a comment changes the bytes\n');
    expect((await request(cache)).cached).toBe(false);
    writeFileSync(values, original);
    expect((await request(cache)).cached).toBe(true);
    // a file of a file:// dependency (the chart tree digest covers dependencies)
    const tpl = join(repo, 'charts', 'fx-app', 'templates', 'config.yaml');
    const tplText = readFileSync(tpl, 'utf8');
    writeFileSync(tpl, tplText + '\n# changed\n');
    resetChartHashes();
    resetChartTreeDigests();
    const keyChanged = renderKey({ ...base });
    expect(keyChanged).not.toBe(k0);
    writeFileSync(tpl, tplText);
    resetChartHashes();
    resetChartTreeDigests();
    expect(renderKey({ ...base })).toBe(k0);
    // kube version and helm major through real renders
    expect((await request(cache, { kubeVersion: '1.37.0' })).cached).toBe(false);
    const h4 = await Helm.detect(HELM4);
    expect((await request(cache, { helm: h4 })).cached).toBe(false);
    expect((await request(cache, { helm: h4 })).cached).toBe(true);
  });

  it('a corrupt entry (bad checksum) and a truncated one are misses, rewritten by the next render', async () => {
    const cache = newCache('corrupt');
    const first = await request(cache);
    const [file] = entries(cache);
    const good = readFileSync(file!);
    expect(decode(good)?.text).toBe(first.text);

    // one flipped byte inside the compressed body
    const bad = Buffer.from(good);
    bad[bad.length - 20] ^= 0xff;
    writeFileSync(file!, bad);
    expect(cache.get(renderKey({ chartDir: umbrellaDir(repo), release: 'logclaw-good', namespace: 'logclaw-good', valuesFiles: [join(repo, 'gitops', 'tenants', 'tenant-good.yaml')], kubeVersion: '1.27.0', helmVersion: helm.version }))).toBeUndefined();
    expect(cache.stats.corrupt).toBe(1);
    const again = await request(cache);
    expect(again.cached).toBe(false);
    expect(again.text).toBe(first.text);
    expect(readFileSync(file!).equals(good)).toBe(true); // rewritten

    // cut in half (a partial write by a process that died without the rename)
    writeFileSync(file!, good.subarray(0, Math.floor(good.length / 2)));
    expect((await request(cache)).cached).toBe(false);
    // a header that claims another length
    const header = good.subarray(0, good.indexOf(10)).toString().replace(/ (\d+) ok$/, (_m, n) => ` ${Number(n) + 1} ok`);
    writeFileSync(file!, Buffer.concat([Buffer.from(header + '\n'), good.subarray(good.indexOf(10) + 1)]));
    expect((await request(cache)).cached).toBe(false);
    // garbage and an empty file
    writeFileSync(file!, 'not a cache entry');
    expect((await request(cache)).cached).toBe(false);
    writeFileSync(file!, '');
    expect((await request(cache)).cached).toBe(false);
    expect(cache.stats.corrupt).toBe(6); // the get() above and five renders
    expect((await request(cache)).cached).toBe(true);
  });

  it('a failed render is cached as the same HelmError', async () => {
    const cache = newCache('failed');
    const bad = join(work, 'bad-values.yaml');
    writeFileSync(bad, readFileSync(join(repo, 'gitops', 'tenants', 'tenant-helm-template.yaml'), 'utf8'));
    const errors: HelmError[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        await request(cache, { valuesFiles: [bad] });
      } catch (e) {
        errors.push(e as HelmError);
      }
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(HelmError);
    expect(errors[1]).toBeInstanceOf(HelmError);
    expect(errors[1]!.info).toEqual(errors[0]!.info);
    expect(errors[1]!.result.command).toMatch(/\(cached\)$/);
    expect(cache.stats.hits).toBe(1);
  });

  it('concurrent writers in separate processes: readers only ever see whole entries', async () => {
    const dir = join(work, 'concurrent');
    const text = 'apiVersion: v1\nkind: ConfigMap\n'.repeat(20000);
    const mod = join(repoRoot, 'dist', 'render', 'cache.js'); // the built module, as the CLI runs it
    // 4 writers put the same 2 keys 30 times each (different content per writer) while a reader checks every read
    const script = `
      import { RenderCache } from ${JSON.stringify(mod)};
      const [role, id] = process.argv.slice(2);
      const c = new RenderCache(${JSON.stringify(dir)});
      const keys = ['a'.repeat(64), 'b'.repeat(64)];
      let bad = 0, hits = 0;
      for (let i = 0; i < 30; i++) for (const k of keys) {
        if (role === 'writer') c.put(k, { ok: true, text: ${JSON.stringify(text)} + '# writer ' + id + ' ' + i + '\\n' });
        else { const e = c.get(k); if (e) { hits++; if (!/^# writer \\d+ \\d+$/m.test(e.text.slice(-40)) || !e.text.startsWith(${JSON.stringify(text.slice(0, 64))})) bad++; } }
      }
      console.log(JSON.stringify({ bad, hits, corrupt: c.stats.corrupt }));`;
    const file = join(work, 'concurrent.mjs');
    writeFileSync(file, script);
    const runOne = (role: string, id: number) =>
      new Promise<{ bad: number; hits: number; corrupt: number }>((res, rej) => {
        const p = spawn(process.execPath, [file, role, String(id)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('close', (code) => (code === 0 ? res(JSON.parse(out) as { bad: number; hits: number; corrupt: number }) : rej(new Error(`exit ${code}`))));
      });
    const results = await Promise.all([runOne('writer', 1), runOne('reader', 0), runOne('writer', 2), runOne('writer', 3), runOne('reader', 0), runOne('writer', 4)]);
    for (const r of results) {
      expect(r.bad).toBe(0);
      expect(r.corrupt).toBe(0);
    }
    const c = new RenderCache(dir);
    expect(c.get('a'.repeat(64))?.text.startsWith(text)).toBe(true);
    expect(c.get('b'.repeat(64))?.text.startsWith(text)).toBe(true);
    // no temporary files left behind
    expect(readdirSync(join(dir, 'aa')).concat(readdirSync(join(dir, 'bb')))).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
  }, 60_000);

  it('stays under its size bound, evicting the least recently used entries first', async () => {
    const max = 40_000;
    const cache = newCache('bounded', max);
    const random = (n: number) => Array.from({ length: n }, () => Math.random().toString(36).slice(2)).join('\n'); // barely compressible
    const key = (i: number) => i.toString(16).padStart(64, '0');
    cache.put(key(0), { ok: true, text: random(300) });
    for (let i = 1; i < 40; i++) {
      cache.put(key(i), { ok: true, text: random(300) });
      // entry 0 is read after every write: the most recently used, never evicted
      expect(cache.get(key(0)), `entry 0 after ${i} writes`).toBeDefined();
      const onDisk = entries(cache).reduce((n, f) => n + statSync(f).size, 0);
      expect(onDisk).toBeLessThanOrEqual(max);
    }
    expect(cache.stats.evicted).toBeGreaterThan(10);
    expect(cache.get(key(1))).toBeUndefined(); // the oldest untouched entry went first
    expect(cache.get(key(39))).toBeDefined(); // the newest stays
  });
});

describe('render cache through the CLI', () => {
  it('logclaw render uses the cache (same output, helm not run) and --no-cache bypasses it', async () => {
    const cacheHome = join(work, 'cli-cache');
    const env = { LOGCLAW_HELM: join(work, 'helm'), LOGCLAW_CACHE_DIR: cacheHome };
    const calls = helmCalls();
    const a = await runCli(['render', '--tenant', 'good'], { cwd: repo, env });
    expect(a.code, a.stderr).toBe(0);
    expect(helmCalls() - calls).toBe(1);
    const files = () => (readdirSync(join(cacheHome, 'render'), { recursive: true }) as string[]).filter((f) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f));
    expect(files()).toHaveLength(1);
    const b = await runCli(['render', '--tenant', 'good'], { cwd: repo, env });
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(helmCalls() - calls).toBe(1);
    const c = await runCli(['render', '--tenant', 'good', '--no-cache'], { cwd: repo, env });
    expect(c.stdout).toBe(a.stdout);
    expect(helmCalls() - calls).toBe(2);
  });
});
