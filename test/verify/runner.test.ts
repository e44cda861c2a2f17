// The step runner and the reporters: statuses, durations, needs, thrown errors, the deadline, Ctrl-C,
// cleanup ordering; JUnit with one testcase per step.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogclawError } from '../../src/errors.js';
import { Output } from '../../src/output.js';
import { Closer, DeadlineError, runSteps, type Step } from '../../src/verify/runner.js';
import { junit, pretty, xmlEscape } from '../../src/verify/report.js';
import type { VerifyReport } from '../../src/verify/types.js';

type Env = { log: string[] };
const step = (id: string, run: Step<Env>['run'], extra: Partial<Step<Env>> = {}): Step<Env> => ({ id, title: id, hop: `hop ${id}`, run, ...extra });
const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

describe('runSteps', () => {
  it('runs steps in order with numbering, durations and evidence; hop and hint only on failure', async () => {
    const env: Env = { log: [] };
    const started: string[] = [];
    const r = await runSteps(
      [
        step('a', async (c) => (c.log.push('a'), await wait(30), { status: 'pass', summary: 'ok', evidence: ['seen'], hop: 'ignored', hint: 'ignored' })),
        step('b', async (c) => (c.log.push('b'), { status: 'fail', summary: 'broken', hint: 'fix it' })),
        step('c', async (c) => (c.log.push('c'), { status: 'skip', summary: 'not applicable' })),
      ],
      env,
      { timeoutMs: 10_000, onStepStart: (n, s) => started.push(`${n}:${s.id}`) },
    );
    expect(env.log).toEqual(['a', 'b', 'c']);
    expect(started).toEqual(['1:a', '2:b', '3:c']);
    expect(r.steps.map((s) => [s.n, s.id, s.status])).toEqual([
      [1, 'a', 'pass'],
      [2, 'b', 'fail'],
      [3, 'c', 'skip'],
    ]);
    expect(r.steps[0]!.durationMs).toBeGreaterThanOrEqual(25);
    expect(r.steps[0]).not.toHaveProperty('hop');
    expect(r.steps[0]).not.toHaveProperty('hint');
    expect(r.steps[0]!.evidence).toEqual(['seen']);
    expect(r.steps[1]).toMatchObject({ hop: 'hop b', hint: 'fix it' }); // the step's default hop
    expect(r.steps[2]!.evidence).toEqual([]);
  });

  it('skips a step whose needed step did not pass, saying which', async () => {
    const r = await runSteps(
      [
        step('ingest', async () => ({ status: 'fail', summary: 'Vector answered 500', hop: 'Vector' })),
        step('kafka', async () => ({ status: 'pass', summary: 'never' }), { needs: ['ingest'] }),
        step('other', async () => ({ status: 'pass', summary: 'independent' })),
      ],
      { log: [] },
      { timeoutMs: 5000 },
    );
    expect(r.steps[1]).toMatchObject({ status: 'skip', summary: 'not run: needs step 1 (ingest), which failed' });
    expect(r.steps[2]!.status).toBe('pass');
  });

  it('turns a thrown LogclawError into a failure with its hint and details', async () => {
    const r = await runSteps(
      [step('x', async () => {
        throw new LogclawError('no Vector HTTP Service', { hint: 'install ingestion', details: ['  looked for port 8080'] });
      })],
      { log: [] },
      { timeoutMs: 5000 },
    );
    expect(r.steps[0]).toMatchObject({ status: 'fail', summary: 'no Vector HTTP Service', hop: 'hop x', hint: 'install ingestion', evidence: ['looked for port 8080'] });
  });

  it('fails the step running when the budget is spent, even if it ignores its signal, and skips the rest', async () => {
    const t0 = Date.now();
    const r = await runSteps(
      [
        step('fast', async () => ({ status: 'pass', summary: 'ok' })),
        step('slow', async () => (await wait(5000), { status: 'pass', summary: 'too late' })),
        step('after', async () => ({ status: 'pass', summary: 'never' })),
      ],
      { log: [] },
      { timeoutMs: 300 },
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.timedOut).toBe(true);
    expect(r.steps[1]).toMatchObject({ status: 'fail', hop: 'hop slow' });
    expect(r.steps[1]!.summary).toMatch(/timed out: the --timeout budget \(300 ms\) was spent/);
    expect(r.steps[2]).toMatchObject({ status: 'skip', summary: 'not run: the --timeout budget (300 ms) was spent' });
  });

  it('gives each step an abort signal and the time left', async () => {
    let seen: { aborted: boolean; remaining: number } | undefined;
    await runSteps([step('s', async (c) => ((seen = { aborted: c.signal.aborted, remaining: c.remaining() }), { status: 'pass', summary: '' }))], { log: [] }, { timeoutMs: 60_000 });
    expect(seen!.aborted).toBe(false);
    expect(seen!.remaining).toBeGreaterThan(59_000);
  });

  it('stops at Ctrl-C: the running step fails as interrupted, later ones are skipped', async () => {
    const ctrlC = new AbortController();
    setTimeout(() => ctrlC.abort(new Error('SIGINT')), 50);
    const r = await runSteps(
      [step('a', async (c) => (await wait(10_000, c.signal), { status: 'pass', summary: '' })), step('b', async () => ({ status: 'pass', summary: '' }))],
      { log: [] },
      { timeoutMs: 60_000, signal: ctrlC.signal },
    );
    expect(r.interrupted).toBe(true);
    expect(r.steps.map((s) => [s.status, s.summary])).toEqual([
      ['fail', 'interrupted'],
      ['skip', 'not run: interrupted'],
    ]);
  });
});

describe('Closer', () => {
  it('runs everything latest first, collects failures and bounds the time', async () => {
    const order: string[] = [];
    const c = new Closer();
    c.add('first', () => void order.push('first'));
    c.add('broken', () => {
      throw new Error('nope');
    });
    c.add('hangs', () => new Promise<void>(() => undefined));
    c.add('last', async () => void order.push('last'));
    const r = await c.run(200);
    expect(order).toEqual(['last']);
    expect(r.done).toEqual(['last']);
    expect(r.problems[0]).toBe('hangs: still running when the 200 ms for cleanup ran out');
    expect(r.problems.slice(1)).toEqual(['broken: not done (no time left)', 'first: not done (no time left)']);
    expect(c.size).toBe(0);
  });

  it('runs every closer when there is time', async () => {
    const c = new Closer();
    const order: string[] = [];
    c.add('a', () => void order.push('a'));
    c.add('b', () => {
      throw new Error('nope');
    });
    c.add('c', () => void order.push('c'));
    const r = await c.run(1000);
    expect(order).toEqual(['c', 'a']);
    expect(r).toEqual({ done: ['c', 'a'], problems: ['b: nope'] });
  });
});

describe('DeadlineError', () => {
  it('names the budget in the one duration format', () => {
    expect(new DeadlineError(120_000).message).toBe('the --timeout budget (2 min 0 s) was spent');
  });
});

const report: VerifyReport = {
  tenant: 'acme',
  namespace: 'logclaw-acme',
  context: 'sim',
  environment: 'dev',
  marker: 'lcv-20250101000000-abcdef',
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 4321,
  failed: 1,
  passed: 1,
  skipped: 1,
  interrupted: false,
  exitCode: 1,
  steps: [
    { n: 1, id: 'components', title: 'components ready', status: 'pass', summary: '12 objects ready', evidence: ['by component: kafka 5'], durationMs: 400 },
    {
      n: 2,
      id: 'ingest',
      title: 'ingest (Vector HTTP)',
      status: 'fail',
      summary: 'Vector answered 500 to the marker log',
      evidence: ['body: <html>"boom" & \u0001 more</html>'],
      hop: 'client → Vector HTTP source (svc/logclaw-ingestion:8080)',
      hint: 'kubectl logs …',
      durationMs: 120,
    },
    { n: 3, id: 'kafka', title: 'kafka raw-logs', status: 'skip', summary: 'not run: needs step 2 (ingest (Vector HTTP)), which failed', evidence: [], durationMs: 0 },
  ],
  cleanup: { removed: [], kept: [], problems: [] },
};

describe('reporters', () => {
  it('writes JUnit with one testcase per step, failures with hop/evidence/hint and skips with reasons', () => {
    const xml = junit(report);
    expect(xml).toContain('<testsuite name="logclaw verify acme" tests="3" failures="1" errors="0" skipped="1" time="4.321" timestamp="2025-01-01T00:00:00.000Z">');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testcase classname="logclaw.verify.acme" name="1 components ready" time="0.400">');
    expect(xml).toContain('<failure message="Vector answered 500 to the marker log" type="client → Vector HTTP source (svc/logclaw-ingestion:8080)">hop: client → Vector HTTP source (svc/logclaw-ingestion:8080)\nbody: &lt;html&gt;&quot;boom&quot; &amp;  more&lt;/html&gt;\nhint: kubectl logs …</failure>');
    expect(xml).toContain('<skipped message="not run: needs step 2 (ingest (Vector HTTP)), which failed"/>');
    expect(xml).toContain('<property name="marker" value="lcv-20250101000000-abcdef"/>');
    expect(xml).not.toMatch(/\u0001/);
  });

  it('JUnit is well-formed XML', () => {
    let hasXmllint = true;
    try {
      execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    } catch {
      hasXmllint = false;
    }
    const xml = junit(report);
    if (hasXmllint) {
      const dir = mkdtempSync(join(tmpdir(), 'junit-'));
      writeFileSync(join(dir, 'r.xml'), xml);
      execFileSync('xmllint', ['--noout', join(dir, 'r.xml')]);
    } else {
      // balanced elements, specials escaped in attributes and text
      const opens = (xml.match(/<(testsuites|testsuite|testcase|properties|failure|system-out)[\s>]/g) ?? []).length;
      const closes = (xml.match(/<\/(testsuites|testsuite|testcase|properties|failure|system-out)>/g) ?? []).length;
      expect(opens).toBe(closes);
    }
    expect(xmlEscape(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('pretty output names the failing hop and the hint', () => {
    const text = pretty(report, new Output({ color: false }));
    expect(text).toContain('verify tenant acme (namespace logclaw-acme, context sim, dev), marker lcv-20250101000000-abcdef');
    expect(text).toMatch(/✓ 1 components ready\s+400 ms {2}12 objects ready/);
    expect(text).toMatch(/✗ 2 ingest \(Vector HTTP\)\s+120 ms {2}Vector answered 500 to the marker log\n {4}hop: client → Vector HTTP source/);
    expect(text).toContain('    hint: kubectl logs …');
    expect(text).toMatch(/- 3 kafka raw-logs\s+0 ms {2}skipped: needs step 2/);
    expect(text).toContain('FAILED at step 2 (ingest (Vector HTTP)): client → Vector HTTP source (svc/logclaw-ingestion:8080) — 1 passed, 1 failed, 1 skipped in 4.3 s');
  });
});
