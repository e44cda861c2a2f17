#!/usr/bin/env node
// The test cluster's real OpenSearch node behind verify, measured (not a test):
//   node start: cold (the first node this process starts) and warm (the next ones), each a new single-node
//   cluster, until it serves HTTP; its resident memory once it answered a search;
//   the ETL side: from a record appended to raw-logs to verify's search finding it (median of --records);
//   verify's search itself: the real node against the stand-in it replaced (a Node HTTP server scanning the
//   topic file for the phrase, as the data plane had it), median of --searches calls each, and their ratio.
// Usage: npm exec -- node bench/opensearch.mjs [--starts 3] [--records 20] [--searches 200]
//        (needs node test/cluster/opensearch/build.mjs)
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg as load, median } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const starts = Math.max(2, arg('starts', 3));
const records = arg('records', 20);
const searches = arg('searches', 200);
const { openSearchAvailable, startOpenSearch } = await import(join(root, 'test', 'cluster', 'opensearch', 'node.ts'));
const { openSearchFront } = await import(join(root, 'test', 'cluster', 'opensearch', 'front.ts'));
if (!openSearchAvailable()) {
  console.error('bench/opensearch: OpenSearch is not built (node test/cluster/opensearch/build.mjs) or Java is missing');
  process.exit(3);
}
const line = (label, value, note = '') => console.log(`${label.padEnd(58)} ${String(value).padEnd(14)} ${note}`);
const dir = mkdtempSync(join(tmpdir(), 'logclaw-bench-opensearch-'));
console.log(`load average at start: ${load()}`);

// 1. node start, cold then warm
const startMs = [];
for (let i = 0; i < starts; i++) {
  const t0 = Date.now();
  const n = await startOpenSearch(join(dir, `n${i}`));
  startMs.push(Date.now() - t0);
  await n.stop();
}
line('node start, cold', `${startMs[0]} ms`);
line(`node start, warm (median of ${starts - 1})`, `${median(startMs.slice(1))} ms`, `cold/warm ${(startMs[0] / median(startMs.slice(1))).toFixed(2)}`);

// 2. the front with the ETL side: append → found
const rawLogs = join(dir, 'raw-logs.log');
writeFileSync(rawLogs, '');
const front = await openSearchFront({ dir: join(dir, 'front'), rawLogs });
const call = (port, path, body) => new Promise((res, rej) => {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json' } }, (r) => {
    let t = '';
    r.on('data', (d) => (t += d));
    r.on('end', () => res(JSON.parse(t)));
  });
  req.on('error', rej);
  req.end(JSON.stringify(body));
});
const search = (port, marker) => call(port, '/logclaw-logs-*/_search', { size: 1, query: { match_phrase: { message: marker } } });
await search(front.port, 'warm-up');
const lag = [];
for (let i = 0; i < records; i++) {
  const marker = `lcv-bench-${i}`;
  const t0 = Date.now();
  appendFileSync(rawLogs, `${JSON.stringify({ message: `bench marker ${marker}`, level: 'info' })}\n`);
  for (;;) {
    const r = await search(front.port, marker);
    if ((r.hits?.total?.value ?? 0) > 0) break;
    await new Promise((x) => setTimeout(x, 20));
  }
  lag.push(Date.now() - t0);
}
line(`raw-logs record → found by verify's search (median of ${records})`, `${median(lag)} ms`, `max ${Math.max(...lag)} ms`);
const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${(await front.node()).pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
line('node resident memory after the searches above', `${rss.toFixed(0)} MiB`, 'heap -Xmx384m');

// 3. verify's search: the real node against the stand-in it replaced (a phrase scan of the topic file)
const standIn = createServer((req, res) => {
  let t = '';
  req.on('data', (d) => (t += d));
  req.on('end', () => {
    const phrase = JSON.parse(t || '{}').query?.match_phrase?.message;
    const docs = readFileSync(rawLogs, 'utf8').split('\n').filter(Boolean).map((l, i) => ({ _id: String(i), _source: JSON.parse(l) }));
    const hits = docs.filter((d) => phrase === undefined || String(d._source.message ?? '').includes(phrase));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hits: { total: { value: hits.length, relation: 'eq' }, hits: hits.slice(0, 1) } }));
  });
});
await new Promise((r) => standIn.listen(0, '127.0.0.1', () => r()));
const timeSearches = async (port) => {
  const ms = [];
  for (let i = 0; i < searches; i++) {
    const t0 = process.hrtime.bigint();
    await search(port, `lcv-bench-${i % records}`);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
};
const real = await timeSearches(front.port);
const fake = await timeSearches(standIn.address().port);
line(`verify's search, real node (median of ${searches})`, `${real.toFixed(2)} ms`);
line(`verify's search, the former stand-in (median of ${searches})`, `${fake.toFixed(2)} ms`, `real/stand-in ${(real / fake).toFixed(2)}`);
standIn.close();
await front.close();
rmSync(dir, { recursive: true, force: true });
console.log(`load average at end: ${load()}`);
