/**
 * helmfile.d/40-intelligence.yaml.gotmpl, the phase of the intelligence charts (flink, ml-engine, airflow, zammad,
 * ticketing-agent): it passes the helmfile checks of `logclaw lint`, and the real helmfile renders it per tenant
 * with the releases, namespaces, values and `needs:` the stack requires. helmfile resolves needs only inside one
 * state file: the dependencies on 10-tenant (platform, kafka, opensearch) are its file order; inside this file
 * flink needs the ML engine, the agent needs zammad when enabled and the ML engine when an LLM is configured.
 */
import { execFile } from 'node:child_process';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkHelmfile, loadHelmfile } from '../../src/helmfile/index.js';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { helmfileForSuite } from '../helpers/helmfile.js';
import { ciFile, readValues } from './lib.js';

const execFileP = promisify(execFile);
const DIR = join(repoRoot, 'helmfile.d');
const PHASE = '40-intelligence.yaml.gotmpl';
const CHARTS = { flink: 'logclaw-flink', 'ml-engine': 'logclaw-ml-engine', airflow: 'logclaw-airflow', zammad: 'logclaw-zammad', 'ticketing-agent': 'logclaw-ticketing-agent' } as const;
const KEYS = { flink: 'flink', 'ml-engine': 'mlEngine', airflow: 'airflow', zammad: 'zammad', 'ticketing-agent': 'ticketingAgent' } as const;
type Release = keyof typeof CHARTS;
const RELEASES = Object.keys(CHARTS) as Release[];

describe('static checks (logclaw lint)', () => {
  const hf = loadHelmfile(DIR);
  const mine = hf.releases.filter((r) => basename(r.file) === PHASE);

  it('declares the five releases with their local charts, after the data path, and the official chart repositories', () => {
    expect(mine.map((r) => `${r.name}:${r.chart}`).sort()).toEqual(RELEASES.map((k) => `${k}:../charts/${CHARTS[k]}`).sort());
    const files = hf.files.map((f) => basename(f));
    expect(files.indexOf(PHASE)).toBeGreaterThan(files.findIndex((f) => f.startsWith('10-')));
    const repos = Object.fromEntries(hf.repositories.filter((r) => basename(r.file) === PHASE).map((r) => [r.name, r.url]));
    expect(repos).toEqual({ 'apache-airflow': 'https://airflow.apache.org', zammad: 'https://zammad.github.io/zammad-helm' });
  });

  it('has no finding in the intelligence phase file', () => {
    expect(checkHelmfile(hf, repoRoot).filter((f) => f.file?.endsWith(PHASE))).toEqual([]);
  });
});


interface Built {
  name: string;
  namespace: string;
  chart: string;
  installed?: boolean;
  needs?: string[];
  values?: unknown[];
}

const helmfile = await helmfileForSuite('test/charts/helmfile-intelligence.cluster.test.ts');

describe('rendered by helmfile per tenant', () => {
  const CASES = ['all-platforms', 'zammad-ollama', 'llm-openai', 'dev'];
  const built = new Map<string, Map<Release, Built>>();

  beforeAll(async () => {
    for (const c of CASES) {
      const file = ciFile('logclaw-tenant', `${c}-values.yaml`);
      const tenant = readValues(file).global.tenantId as string;
      const releases = new Map<Release, Built>();
      const { stdout } = await execFileP(helmfile!, ['--file', join(DIR, PHASE), '--helm-binary', HELM3, 'build'], {
        env: { ...process.env, LOGCLAW_TENANT: tenant, LOGCLAW_TENANT_FILE: file },
        maxBuffer: 32 << 20,
      });
      const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { releases?: Built[] } | null);
      for (const rel of RELEASES) {
        const r = docs.flatMap((d) => d?.releases ?? []).find((x) => x.name === rel);
        if (!r) throw new Error(`helmfile build of ${PHASE} has no release ${rel}`);
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

  it.each(CASES)('%s: needs inside the phase as the stack requires', (c) => {
    const values = readValues(ciFile('logclaw-tenant', `${c}-values.yaml`));
    const ns = `logclaw-${values.global.tenantId}`;
    const b = built.get(c)!;
    expect(b.get('flink')!.needs ?? []).toEqual(values.mlEngine?.enabled === false ? [] : [`${ns}/ml-engine`]);
    for (const r of ['ml-engine', 'airflow', 'zammad'] as Release[]) expect(b.get(r)!.needs ?? [], r).toEqual([]);
    const agent: string[] = [];
    if (values.zammad?.enabled) agent.push(`${ns}/zammad`);
    if ((values.global.llm?.provider ?? 'disabled') !== 'disabled') agent.push(`${ns}/ml-engine`);
    expect(b.get('ticketing-agent')!.needs ?? []).toEqual(agent);
  });
});
