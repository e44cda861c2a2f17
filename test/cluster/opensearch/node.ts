// A real OpenSearch node for one tenant namespace of the test cluster (OpenSearch 2.14 from Maven Central, built
// by build.mjs; SimOpenSearch.java), on a loopback address of its own at the pod's ports 9200 (HTTP) and 9300
// (transport), and the side of the ETL Flink job the data plane plays: the records of raw-logs indexed into
// logclaw-logs-<yyyy.MM.dd> as the job writes them (the chart's default prefix). Without the security plugin:
// whoever puts TLS and basic authentication in front of it plays that plugin (see front.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { javaRuns, jvmExitSummary } from '../java-runtime.mjs';
import { freeLoopbackAddress } from '../lib/loopback.ts';
import { openSearchClasspath, OPENSEARCH_VERSION } from './versions.mjs';

export const openSearchAvailable = (): boolean => openSearchClasspath() !== undefined && javaRuns();

export interface OpenSearchNode {
  address: string;
  /** The JVM's process id. */
  pid: number;
  /** Index records as the ETL job does (into logclaw-logs-<date of now>, the chart's default prefix; refreshed at once); resolves when OpenSearch took them. */
  index(records: unknown[]): Promise<void>;
  /** One HTTP call to the node: status and body. */
  call(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>;
  stop(): Promise<void>;
}

const LOG4J = (file: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders><File name="LOG" fileName="${file}"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File></Appenders>
  <Loggers><Logger name="org.opensearch" level="INFO"/><Root level="WARN"><AppenderRef ref="LOG"/></Root></Loggers>
</Configuration>
`;

export async function startOpenSearch(dir: string, log: (m: string) => void = () => undefined): Promise<OpenSearchNode> {
  const cp = openSearchClasspath() as string | undefined;
  if (!cp) throw new Error(`OpenSearch ${OPENSEARCH_VERSION} is not built: node test/cluster/opensearch/build.mjs`);
  const t0 = Date.now();
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const address = await freeLoopbackAddress([9200, 9300]);
  const logFile = join(dir, 'logs', 'opensearch.log');
  writeFileSync(join(dir, 'log4j2.xml'), LOG4J(logFile));
  const heap = process.env.LOGCLAW_SIM_OPENSEARCH_HEAP ?? '-Xms128m -Xmx384m';
  const child: ChildProcess = spawn('java', [
    ...heap.split(' '), '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss1m', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.xml')}`, '-Dopensearch.set.netty.runtime.available.processors=false',
    '-cp', cp, 'SimOpenSearch', dir, address, '9200', '9300',
  ], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-8000); });
  let exited = false;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('@@ready')) resolve();
    });
    child.on('exit', (code) => {
      exited = true;
      reject(new Error(`the OpenSearch node exited with ${code}: ${jvmExitSummary(stderr)} (log ${logFile})`));
    });
  });
  log(`opensearch ${OPENSEARCH_VERSION} on ${address}:9200 in ${Date.now() - t0} ms`);

  const call: OpenSearchNode['call'] = (method, path, body, headers = {}) => new Promise((resolve, reject) => {
    const req = request({ host: address, port: 9200, method, path, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });

  return {
    address,
    pid: child.pid!,
    call,
    async index(records) {
      if (!records.length) return;
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '.');
      const ndjson = records.map((r) => `${JSON.stringify({ index: { _index: `logclaw-logs-${day}` } })}\n${JSON.stringify(r)}\n`).join('');
      const r = await call('POST', '/_bulk?refresh=true', ndjson, { 'content-type': 'application/x-ndjson' });
      const parsed = JSON.parse(r.body || '{}') as { errors?: boolean; items?: Array<{ index?: { error?: { reason?: string } } }> };
      if (r.status !== 200 || parsed.errors) throw new Error(`_bulk answered ${r.status}: ${parsed.items?.find((i) => i.index?.error)?.index?.error?.reason ?? r.body.slice(0, 200)}`);
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin!.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(kill);
    },
  };
}
