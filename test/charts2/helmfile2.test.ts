/**
 * helmfile.d phases of charts part 2 (40-flink, 50-ml-engine, 60-airflow, 70-zammad, 80-ticketing-agent):
 * they pass the helmfile checks of `logclaw lint`, and the real helmfile renders them per tenant with the
 * releases, namespaces, values and `needs:` the stack requires (flink needs kafka and opensearch; the agent
 * needs kafka, zammad when enabled and the ML engine when an LLM is configured).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkHelmfile, loadHelmfile } from '../../src/helmfile/index.js';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { ciFile, readValues } from '../charts/lib.js';

const execFileP = promisify(execFile);
const DIR = join(repoRoot, 'helmfile.d');
const PHASES = { flink: '40-flink.yaml.gotmpl', 'ml-engine': '50-ml-engine.yaml.gotmpl', airflow: '60-airflow.yaml.gotmpl', zammad: '70-zammad.yaml.gotmpl', 'ticketing-agent': '80-ticketing-agent.yaml.gotmpl' } as const;
const CHARTS = { flink: 'logclaw-flink', 'ml-engine': 'logclaw-ml-engine', airflow: 'logclaw-airflow', zammad: 'logclaw-zammad', 'ticketing-agent': 'logclaw-ticketing-agent' } as const;
const KEYS = { flink: 'flink', 'ml-engine': 'mlEngine', airflow: 'airflow', zammad: 'zammad', 'ticketing-agent': 'ticketingAgent' } as const;
type Release = keyof typeof PHASES;

describe('static checks (logclaw lint)', () => {
  const hf = loadHelmfile(DIR);
  const mine = hf.releases.filter((r) => Object.values(PHASES).includes(basename(r.file) as never));

  it('declares one release per phase file with its local chart, and the official chart repositories', () => {
    expect(mine.map((r) => `${basename(r.file)}:${r.name}:${r.chart}`).sort()).toEqual(
      (Object.keys(PHASES) as Release[]).map((k) => `${PHASES[k]}:${k}:../charts/${CHARTS[k]}`).sort(),
    );
    const repos = Object.fromEntries(hf.repositories.filter((r) => Object.values(PHASES).includes(basename(r.file) as never)).map((r) => [r.name, r.url]));
    expect(repos).toEqual({ 'apache-airflow': 'https://airflow.apache.org', zammad: 'https://zammad.github.io/zammad-helm' });
  });

  it('has no finding in the phase files of part 2', () => {
    const findings = checkHelmfile(hf, repoRoot).filter((f) => Object.values(PHASES).some((p) => f.file?.endsWith(p)));
    expect(findings).toEqual([]);
  });
});

/** helmfile built by test/cluster/build.mjs (pinned), else $LOGCLAW_HELMFILE. */
async function helmfileBin(): Promise<string | undefined> {
  try {
    const { binPath } = (await import(join(repoRoot, 'test', 'cluster', 'versions.mjs'))) as { binPath: (b: string) => string };
    const p = binPath('helmfile');
    if (existsSync(p)) return p;
  } catch {
    /* not built */
  }
  return process.env.LOGCLAW_HELMFILE && existsSync(process.env.LOGCLAW_HELMFILE) ? process.env.LOGCLAW_HELMFILE : undefined;
}

interface Built {
  name: string;
  namespace: string;
  chart: string;
  installed?: boolean;
  needs?: string[];
  values?: unknown[];
}

const helmfile = await helmfileBin();

describe.skipIf(!helmfile)('rendered by helmfile per tenant', () => {
  const CASES = ['all-platforms', 'zammad-ollama', 'llm-openai', 'dev'];
  const built = new Map<string, Map<Release, Built>>();

  beforeAll(async () => {
    for (const c of CASES) {
      const file = ciFile('logclaw-tenant', `${c}-values.yaml`);
      const tenant = readValues(file).global.tenantId as string;
      const releases = new Map<Release, Built>();
      for (const [rel, phase] of Object.entries(PHASES) as [Release, string][]) {
        const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, phase), '--helm-binary', HELM3, 'build'], {
          env: { ...process.env, LOGCLAW_TENANT: tenant, LOGCLAW_TENANT_FILE: file },
          maxBuffer: 32 << 20,
        });
        const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { releases?: Built[] } | null);
        const r = docs.flatMap((d) => d?.releases ?? []).find((x) => x.name === rel);
        if (!r) throw new Error(`helmfile build of ${phase} has no release ${rel}`);
        releases.set(rel, r);
      }
      built.set(c, releases);
    }
  });

  it.each(CASES)('%s: releases in the tenant namespace with the tenant file\'s global and component values', (c) => {
    const values = readValues(ciFile('logclaw-tenant', `${c}-values.yaml`));
    for (const [rel, r] of built.get(c)!) {
      expect(r.namespace).toBe(`logclaw-${values.global.tenantId}`);
      const enabled = rel === 'zammad' ? values.zammad?.enabled === true : values[KEYS[rel]]?.enabled !== false;
      expect(r.installed ?? true, rel).toBe(enabled);
      expect(r.values?.[0]).toEqual({ global: values.global });
      expect(r.values?.[1] ?? {}).toEqual(values[KEYS[rel]] ?? {});
    }
  });

  it.each(CASES)('%s: needs as the stack requires', (c) => {
    const values = readValues(ciFile('logclaw-tenant', `${c}-values.yaml`));
    const ns = `logclaw-${values.global.tenantId}`;
    const b = built.get(c)!;
    expect(b.get('flink')!.needs).toEqual([`${ns}/kafka`, `${ns}/opensearch`]);
    for (const r of ['ml-engine', 'airflow', 'zammad'] as Release[]) expect(b.get(r)!.needs, r).toEqual([`${ns}/platform`]);
    const agent = [`${ns}/kafka`];
    if (values.zammad?.enabled) agent.push(`${ns}/zammad`);
    if ((values.global.llm?.provider ?? 'disabled') !== 'disabled') agent.push(`${ns}/ml-engine`);
    expect(b.get('ticketing-agent')!.needs).toEqual(agent);
  });
});
