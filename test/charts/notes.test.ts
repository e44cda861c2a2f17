/**
 * NOTES.txt of every application chart: written with the logclaw.endpoints.* helpers of logclaw-common (no
 * Service name or port spelled out in a NOTES template), and what `helm install` prints for a ci case names the
 * chart's endpoints qualified by the namespace. The umbrella's notes are checked with its cases (umbrella tests).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { helms, repoRoot } from '../helpers/tools.js';
import { APPLICATION_CHARTS, ciFile, CORE, INTELLIGENCE, prepareCharts } from './lib.js';

const execFileP = promisify(execFile);
const NS = 'logclaw-acme';
const notesFile = (chart: string): string => join(repoRoot, 'charts', chart, 'templates', 'NOTES.txt');

describe.each([...APPLICATION_CHARTS])('%s NOTES.txt', (chart) => {
  it('exists and takes every address from logclaw-common', () => {
    expect(existsSync(notesFile(chart))).toBe(true);
    const text = readFileSync(notesFile(chart), 'utf8');
    expect(text).toContain('include "logclaw.');
    // the text outside template actions: no Service host (logclaw-<name>: or logclaw-<name>.) and no port
    const literal = text.replace(/\{\{[\s\S]*?\}\}/g, '');
    expect(literal.match(/logclaw-[a-z0-9-]+(:\d+|\.[a-z])|:\d{2,5}\b|svc\//g) ?? []).toEqual([]);
  });
});

/** A ci case per component chart and the addresses its notes must print. */
const EXPECTED: Record<string, { file: string; lines: string[] }> = {
  [CORE.platform]: { file: 'aws-irsa-values.yaml', lines: ['SecretStore              logclaw (aws)', 'Internal CA Issuer       logclaw-internal-ca'] },
  [CORE.kafka]: { file: 'standard-values.yaml', lines: [`logclaw-kafka-bootstrap.${NS}.svc:9093 (TLS, SCRAM-SHA-512)`, 'Secret logclaw-cluster-ca-cert'] },
  [CORE.ingestion]: { file: 'ha-privatelink-aws-values.yaml', lines: [`http://logclaw-ingestion.${NS}.svc:8080`, `http://logclaw-ingestion.${NS}.svc:8686/health`, `http://logclaw-ingestion.${NS}.svc:9598/metrics`] },
  [CORE.opensearch]: { file: 'standard-values.yaml', lines: [`https://logclaw-opensearch.${NS}.svc:9200`, 'Secret logclaw-opensearch-admin'] },
  'logclaw-flink': { file: 'ha-aws-values.yaml', lines: ['FlinkDeployment logclaw-flink-etl', 'http://logclaw-ml-engine-feast:6567'] },
  'logclaw-ml-engine': { file: 'ultra-ha-azure-vllm-values.yaml', lines: [`http://logclaw-ml-engine-feast.${NS}.svc:6567`, `http://logclaw-ml-engine-vllm.${NS}.svc:8000/v1`] },
  'logclaw-airflow': { file: 'dev-values.yaml', lines: [`http://notes-webserver.${NS}.svc:8080`] },
  'logclaw-ticketing-agent': { file: 'all-platforms-values.yaml', lines: [`http://logclaw-ticketing-agent.${NS}.svc:8080`, 'External egress          HTTPS (443)'] },
  'logclaw-zammad': { file: 'ha-values.yaml', lines: [`http://logclaw-zammad-nginx.${NS}.svc:8080`] },
};

it('has a rendered case for every component chart', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...Object.values(CORE), ...INTELLIGENCE].sort());
});

// helm 3's `install --dry-run=client` still wants a reachable cluster; helm 4 renders NOTES offline (helm 3
// renders NOTES.txt too in `helm template`, which the chart render tests run).
describe.each(helms.filter((h) => h.name === 'helm4'))('printed by $name install', ({ bin }) => {
  it.each(Object.entries(EXPECTED).map(([chart, e]) => ({ chart, ...e })))('$chart ($file)', async ({ chart, file, lines }) => {
    const dir = join(await prepareCharts(), chart);
    const { stdout } = await execFileP(bin, ['install', 'notes', dir, '--namespace', NS, '--dry-run=client', '--values', ciFile(chart, file)], { maxBuffer: 64 << 20 });
    const notes = stdout.slice(stdout.indexOf('NOTES:'));
    expect(notes).toMatch(/^NOTES:\n.+ of tenant /);
    for (const l of lines) expect(notes).toContain(l);
    expect(notes).toContain('Check it:');
  });
});
