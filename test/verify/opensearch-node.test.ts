// verify's OpenSearch calls against a real OpenSearch 2.14 node (test/cluster/opensearch: the server from Maven
// Central with its HTTP and reindex modules) behind the front the test cluster puts at a tenant's OpenSearch pod
// port: the node starts with the first request and indexes the raw-logs topic as the ETL job would; outside dev
// TLS and basic authentication stand where the security plugin would.
import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSearchAvailable } from '../cluster/opensearch/node.ts';
import { openSearchFront, type OpenSearchFront } from '../cluster/opensearch/front.ts';
import { httpCall } from '../../src/verify/http.js';
import { LOGS_INDEX, markerQuery } from '../../src/verify/steps/opensearch.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/temp.js';

const available = openSearchAvailable();
if (!available && process.env.CI) throw new Error('the real OpenSearch node cannot run here (Java or the OpenSearch build is missing): node test/cluster/opensearch/build.mjs');

const fronts: OpenSearchFront[] = [];
afterAll(async () => {
  await Promise.all(fronts.map((f) => f.close()));
}, 60_000);

type SearchAnswer = { hits?: { total?: { value?: number }; hits?: Array<{ _index?: string; _source?: { message?: string } }> }; _shards?: { total?: number } };

describe.skipIf(!available)('verify against a real OpenSearch node', () => {
  it('a pattern no index matches answers 200 with no shards; raw-logs records are indexed; the marker is found once and deleted', async () => {
    const dir = tempDir('logclaw-opensearch-');
    const rawLogs = join(dir, 'raw-logs.log');
    writeFileSync(rawLogs, `${JSON.stringify({ message: 'before the node started' })}\n`);
    const requests: string[] = [];
    const front = await openSearchFront({ dir: join(dir, 'node'), rawLogs, onRequest: (l) => requests.push(l) });
    fronts.push(front);
    const base = `http://127.0.0.1:${front.port}`;
    const marker = 'lcv-20261207000000-abcdef';
    const search = async () => {
      const r = await httpCall({ url: `${base}/${LOGS_INDEX}/_search`, body: { size: 1, ...markerQuery(marker) }, timeoutMs: 60_000 });
      return { status: r.status, json: r.json as SearchAnswer };
    };

    // the node starts with the first request; the ETL side indexes what raw-logs already held before it answers
    const first = await search();
    expect(first.status).toBe(200);
    expect(first.json.hits?.total?.value).toBe(0);
    expect(first.json._shards?.total).toBeGreaterThan(0);
    const all = await httpCall({ url: `${base}/${LOGS_INDEX}/_search`, body: { query: { match_all: {} } }, timeoutMs: 10_000 });
    expect((all.json as SearchAnswer).hits?.hits?.[0]?._source?.message).toBe('before the node started');
    expect((all.json as SearchAnswer).hits?.hits?.[0]?._index).toMatch(/^logclaw-logs-\d{4}\.\d{2}\.\d{2}$/);

    // a record appended to raw-logs (the broker's mirror) is indexed as the ETL job would; match_phrase finds it
    appendFileSync(rawLogs, `${JSON.stringify({ message: `verify marker ${marker} from logclaw`, level: 'info' })}\n`);
    const found = await eventually('the marker indexed', async () => {
      const r = await search();
      return (r.json.hits?.total?.value ?? 0) > 0 ? r : undefined;
    }, 30_000, 250);
    expect(found.json.hits?.total?.value).toBe(1);
    expect(found.json.hits?.hits?.[0]?._source?.message).toContain(marker);

    // verify's cleanup: _delete_by_query (the reindex module) takes the marker documents away
    const del = await httpCall({ url: `${base}/${LOGS_INDEX}/_delete_by_query?refresh=true`, body: markerQuery(marker), timeoutMs: 10_000, retries: 1 });
    expect(del.status).toBe(200);
    expect((del.json as { deleted?: number }).deleted).toBe(1);
    expect((await search()).json.hits?.total?.value).toBe(0);
    // a concrete index that does not exist is a 404 index_not_found_exception (what verify reads as "no index yet")
    const missing = await httpCall({ url: `${base}/logclaw-logs-none/_search`, body: {}, timeoutMs: 10_000 });
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('index_not_found_exception');
    expect(requests).toContain(`POST /${LOGS_INDEX}/_delete_by_query?refresh=true`);
  });

  it('no index matching the pattern yet: 200 with no shards searched', async () => {
    const dir = tempDir('logclaw-opensearch-');
    const front = await openSearchFront({ dir: join(dir, 'node'), rawLogs: join(dir, 'raw-logs.log') });
    fronts.push(front);
    const r = await httpCall({ url: `http://127.0.0.1:${front.port}/${LOGS_INDEX}/_search`, body: { size: 1, ...markerQuery('lcv-x') }, timeoutMs: 60_000 });
    expect(r.status).toBe(200);
    expect((r.json as SearchAnswer)._shards?.total).toBe(0);
    expect((r.json as SearchAnswer).hits?.total?.value).toBe(0);
  });

  it('outside dev: TLS, and without the admin credentials a 401 security_exception; with them the node answers', async () => {
    const dir = tempDir('logclaw-opensearch-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=logclaw-opensearch'], { stdio: 'ignore' });
    const admin = { username: 'admin', password: 'pw-os-1' };
    const front = await openSearchFront({ dir: join(dir, 'node'), rawLogs: join(dir, 'raw-logs.log'), tls: { cert: readFileSync(join(dir, 'c.pem'), 'utf8'), key: readFileSync(join(dir, 'k.pem'), 'utf8') }, auth: () => admin });
    fronts.push(front);
    const url = `https://127.0.0.1:${front.port}/_cluster/health`;
    const refused = await httpCall({ url, timeoutMs: 10_000 });
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('security_exception');
    expect(front.node()).toBeUndefined();
    const wrong = await httpCall({ url, auth: { username: 'admin', password: 'other' }, timeoutMs: 10_000 });
    expect(wrong.status).toBe(401);
    const ok = await httpCall({ url, auth: admin, timeoutMs: 60_000 });
    expect(ok.status).toBe(200);
    expect((ok.json as { cluster_name?: string }).cluster_name).toBe('logclaw-opensearch');
  });
});
