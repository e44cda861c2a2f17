/** The release DAG and its executor, without a cluster: installs and readiness are driven by the test. */
import { describe, expect, it } from 'vitest';
import { criticalPath, resolveNeed, select, validate, waves, type PlanRelease } from '../../src/plan/dag.js';
import { executePlan, type PlanEvent } from '../../src/plan/execute.js';

const rel = (name: string, needs: string[] = [], ns = 'logclaw-acme'): PlanRelease => ({
  id: `${ns}/${name}`, name, namespace: ns, chart: `charts/${name}`, file: 'helmfile.d/10.yaml', needs: needs.map((n) => (n.includes('/') ? n : `${ns}/${n}`)), labels: {},
});

// the tenant's shape from the charts issues: ingestion needs kafka; flink needs kafka and opensearch; ...
const tenant = () => [
  rel('platform'),
  rel('kafka', ['platform']),
  rel('opensearch', ['platform']),
  rel('ingestion', ['kafka']),
  rel('flink', ['kafka', 'opensearch']),
  rel('ticketing-agent', ['kafka']),
];

describe('DAG', () => {
  it('resolves needs written as name, namespace/name and context/namespace/name', () => {
    const rs = [rel('kafka'), rel('strimzi', [], 'strimzi-system')];
    expect(resolveNeed('kafka', { namespace: 'logclaw-acme' }, rs)).toBe('logclaw-acme/kafka');
    expect(resolveNeed('strimzi-system/strimzi', { namespace: 'logclaw-acme' }, rs)).toBe('strimzi-system/strimzi');
    expect(resolveNeed('kind-dev/strimzi-system/strimzi', { namespace: 'x' }, rs)).toBe('strimzi-system/strimzi');
    expect(resolveNeed('nope', { namespace: 'x' }, rs)).toBeUndefined();
  });
  it('rejects unknown needs and cycles, naming them', () => {
    expect(() => validate([rel('a', ['ghost'])])).toThrow(/needs logclaw-acme\/ghost/);
    expect(() => validate([rel('a', ['b']), rel('b', ['c']), rel('c', ['a'])])).toThrow(/cycle: .*a → .*b → .*c → .*a/);
  });
  it('groups waves and finds the critical path', () => {
    expect(waves(tenant()).map((w) => w.map((r) => r.name))).toEqual([['platform'], ['kafka', 'opensearch'], ['ingestion', 'flink', 'ticketing-agent']]);
    const d: Record<string, number> = { platform: 10, kafka: 100, opensearch: 150, ingestion: 20, flink: 60, 'ticketing-agent': 5 };
    expect(criticalPath(tenant(), (r) => d[r.name]!)).toEqual({ ms: 220, path: ['logclaw-acme/platform', 'logclaw-acme/opensearch', 'logclaw-acme/flink'] });
  });
  it('--only keeps what was asked and everything it needs', () => {
    expect(select(tenant(), ['ingestion']).map((r) => r.name)).toEqual(['platform', 'kafka', 'ingestion']);
    expect(() => select(tenant(), ['kafak'])).toThrow(/--only names no release: kafak/);
  });
});

/** A hand-driven clock of readiness: `ready(name)` makes that release's wait return. */
function driver() {
  const waiting = new Map<string, () => void>();
  const failing = new Map<string, (e: Error) => void>();
  const log: string[] = [];
  return {
    log,
    hooks: {
      install: async (r: PlanRelease) => void log.push(`install ${r.name}`),
      await: (r: PlanRelease) => new Promise<void>((res, rej) => (waiting.set(r.name, res), failing.set(r.name, rej))),
    },
    async ready(name: string) {
      for (let i = 0; i < 50 && !waiting.has(name); i++) await new Promise((r) => setTimeout(r, 2));
      log.push(`ready ${name}`);
      waiting.get(name)!();
      await new Promise((r) => setTimeout(r, 5));
    },
    async fail(name: string) {
      for (let i = 0; i < 50 && !failing.has(name); i++) await new Promise((r) => setTimeout(r, 2));
      log.push(`fail ${name}`);
      failing.get(name)!(new Error(`${name} never became ready`));
      await new Promise((r) => setTimeout(r, 5));
    },
    installing: () => log.filter((l) => l.startsWith('install')).map((l) => l.slice(8)),
  };
}

describe('executePlan', () => {
  it('installs a release only when everything it needs is READY, independent ones together', async () => {
    const d = driver();
    const events: PlanEvent[] = [];
    const run = executePlan(tenant(), d.hooks, { onEvent: (e) => events.push(e) });
    await d.ready('platform');
    expect(d.installing()).toEqual(['platform', 'kafka', 'opensearch']); // both started as soon as platform was ready
    await d.ready('kafka');
    // ingestion and ticketing-agent need only kafka; flink waits for opensearch too
    expect(d.installing()).toEqual(['platform', 'kafka', 'opensearch', 'ingestion', 'ticketing-agent']);
    await d.ready('opensearch');
    expect(d.installing()).toContain('flink');
    for (const n of ['ingestion', 'ticketing-agent', 'flink']) await d.ready(n);
    const result = await run;
    expect(result.ok).toBe(true);
    expect(result.outcomes.every((o) => o.status === 'ready')).toBe(true);
    expect(events.filter((e) => e.type === 'ready')).toHaveLength(6);
  });

  it('a failure blocks only its dependents; independent branches finish', async () => {
    const d = driver();
    const run = executePlan(tenant(), d.hooks);
    await d.ready('platform');
    await d.fail('kafka');
    await d.ready('opensearch');
    const result = await run;
    const status = Object.fromEntries(result.outcomes.map((o) => [o.id.split('/')[1], o.status]));
    expect(status).toEqual({ platform: 'ready', kafka: 'failed', opensearch: 'ready', ingestion: 'blocked', flink: 'blocked', 'ticketing-agent': 'blocked' });
    expect(result.ok).toBe(false);
    expect(result.outcomes.find((o) => o.id.endsWith('/flink'))!.message).toMatch(/needs logclaw-acme\/kafka, which failed/);
  });

  it('skips releases that are already current (resume) and stops on interrupt', async () => {
    const d = driver();
    const ac = new AbortController();
    const run = executePlan(tenant(), { ...d.hooks, isCurrent: async (r) => r.name === 'platform' || r.name === 'kafka' }, { signal: ac.signal });
    // current releases are not installed again, only awaited (they are still ready)
    await d.ready('platform');
    await d.ready('kafka');
    expect(d.installing()).toEqual(['opensearch', 'ingestion', 'ticketing-agent']);
    ac.abort();
    const result = await run;
    expect(result.interrupted).toBe(true);
    expect(result.outcomes.find((o) => o.id.endsWith('/kafka'))!.status).toBe('current');
  });

  it('limits concurrent installs', async () => {
    const many = Array.from({ length: 6 }, (_, i) => rel(`r${i}`));
    let active = 0;
    let peak = 0;
    const result = await executePlan(many, {
      install: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        active--;
      },
      await: async () => undefined,
    }, { installConcurrency: 2 });
    expect(result.ok).toBe(true);
    expect(peak).toBe(2);
  });
});
