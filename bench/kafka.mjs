#!/usr/bin/env node
// The test cluster's real Kafka broker and verify's Kafka hop, measured (not a test):
//   broker start: cold (the first broker this process starts: JVM, format, KRaft election, admin listener up)
//   and warm (the next ones, jars and classes in the page cache), each a new one-node cluster
//   first-send pass rate over --runs: verify's raw-logs consumer command exec'd as in the broker pod, the marker
//   produced once; "before" = the consumer as verify ran it (auto.offset.reset=latest, marker sent 0.5 s after the
//   exec opened), "after" = as it runs now (by_duration, marker sent once the exec opened); pass = the consumer
//   prints the marker within 30 s. Also the time from exec to the marker read back.
// Usage: npm exec -- node bench/kafka.mjs [--runs 20] [--starts 3]     (needs node test/cluster/kafka/build.mjs)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg as load, median } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const runs = Number(arg('runs', 20));
const starts = Math.max(2, Number(arg('starts', 3)));
const { kafkaAvailable, startBroker } = await import(join(root, 'test', 'cluster', 'kafka', 'broker.ts'));
const { consumerCommand } = await import(join(root, 'dist', 'verify', 'kafka.js'));
if (!kafkaAvailable()) {
  console.error('bench/kafka: Kafka is not built (node test/cluster/kafka/build.mjs) or Java is missing');
  process.exit(3);
}
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;
const line = (label, value, note = '') => console.log(`${label.padEnd(52)} ${String(value).padEnd(16)} ${note}`);
const dir = mkdtempSync(join(tmpdir(), 'logclaw-bench-kafka-'));
console.log(`load average at start: ${load()}`);

// 1. broker start, cold then warm
const startTimes = [];
let broker;
for (let i = 0; i < starts; i++) {
  const b = await startBroker(join(dir, `b${i}`), { namespace: 'logclaw-bench', cluster: 'logclaw', pod: 'logclaw-kafka-0', listeners: [{ name: 'plain', port: 9092, tls: false }], authorization: false, config: {} });
  startTimes.push(b.startedMs);
  if (i < starts - 1) await b.stop();
  else broker = b;
}
line('broker start, cold (first in this process)', fmt(startTimes[0]));
line(`broker start, warm (median of ${starts - 1})`, fmt(median(startTimes.slice(1))), `ratio cold/warm ${(startTimes[0] / median(startTimes.slice(1))).toFixed(2)}`);

// 2. first-send pass rate, before and after
await broker.topic('raw-logs', 1, 1);
const env = { ...process.env, ...Object.fromEntries(broker.env.map((e) => [e.name, e.value])) };
const verifyBroker = { cluster: 'logclaw', pod: 'logclaw-kafka-0', container: 'kafka', bootstrap: 'logclaw-kafka-bootstrap:9092', security: 'plain' };

function once(variant, n) {
  const marker = `lcv-bench-${variant}-${n}-${Date.now()}`;
  let cmd = consumerCommand(verifyBroker, 'raw-logs', `logclaw-verify-raw-${marker}`, 30_000);
  if (variant === 'before') cmd = cmd.map((a) => (a.startsWith('auto.offset.reset=') ? 'auto.offset.reset=latest' : a));
  return new Promise((resolvePromise) => {
    const t0 = Date.now();
    const child = spawn(cmd[0], cmd.slice(1), { cwd: broker.workDir, env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    let out = '';
    let found;
    const end = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } };
    child.stdout.on('data', (d) => {
      out += d;
      if (found === undefined && out.includes(marker)) { found = Date.now() - t0; end(); }
    });
    const limit = setTimeout(end, 30_000);
    // the exec is open once the process runs; before: 0.5 s more (verify's old settle time)
    setTimeout(() => void broker.produce('raw-logs', JSON.stringify({ message: `logclaw verify marker ${marker}`, marker })), variant === 'before' ? 500 : 0);
    child.on('close', () => { clearTimeout(limit); resolvePromise(found); });
  });
}

const results = {};
for (const variant of ['before', 'after']) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = await once(variant, i);
    if (t !== undefined) times.push(t);
    process.stderr.write(t === undefined ? 'x' : '.');
  }
  process.stderr.write('\n');
  results[variant] = times;
  line(`first-send pass rate, ${variant} (${runs} runs)`, `${times.length}/${runs}`, times.length ? `marker read ${fmt(median(times))} after exec (median)` : 'marker never read on the first send');
}
const rate = (v) => results[v].length / runs;
line('pass rate ratio after/before', rate('before') ? (rate('after') / rate('before')).toFixed(2) : `${(rate('after') * 100).toFixed(0)}% vs 0%`);
console.log(`load average at end: ${load()}`);
await broker.stop();
rmSync(dir, { recursive: true, force: true });
