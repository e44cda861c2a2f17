// A Helm chart repository on loopback serving the upstream chart archives of ../shared/upstream-charts (the
// official operator charts at the versions helmfile.d pins), read in place: index.yaml is made from each
// archive's Chart.yaml as `helm repo index` makes it (metadata, digest, created, urls). Pointed at by
// LOGCLAW_CHART_MIRROR, the production operators file installs exactly these charts under its own
// repository and chart names.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared/upstream-charts beside the checkout (LOGCLAW_SHARED_DIR moves ../shared). */
export function upstreamChartsDir(): string {
  return join(process.env.LOGCLAW_SHARED_DIR ?? resolve(repoRoot, '..', 'shared'), 'upstream-charts');
}

/** The Chart.yaml of a chart archive (the one at its top directory, not a subchart's). */
function chartYaml(archive: string): Record<string, unknown> {
  const entries = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
  const entry = entries.find((e) => /^[^/]+\/Chart\.yaml$/.test(e));
  if (!entry) throw new Error(`${archive} holds no <chart>/Chart.yaml`);
  return YAML.parse(execFileSync('tar', ['-xzOf', archive, entry], { encoding: 'utf8' })) as Record<string, unknown>;
}

/** index.yaml for the archives of a directory. */
export function chartIndex(dir: string): string {
  const entries: Record<string, unknown[]> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.tgz')).sort()) {
    const file = join(dir, f);
    const meta = chartYaml(file);
    const name = String(meta.name);
    (entries[name] ??= []).push({
      ...meta,
      created: statSync(file).mtime.toISOString(),
      digest: createHash('sha256').update(readFileSync(file)).digest('hex'),
      urls: [f],
    });
  }
  return YAML.stringify({ apiVersion: 'v1', entries, generated: new Date().toISOString() });
}

export interface ChartRepository { url: string; charts: string[]; close(): Promise<void> }

/** Serve the archives of `dir` as a chart repository on 127.0.0.1 (a free port). */
export async function startChartRepository(dir = upstreamChartsDir()): Promise<ChartRepository> {
  if (!existsSync(dir)) throw new Error(`no upstream charts at ${dir} (set LOGCLAW_SHARED_DIR to the directory holding upstream-charts/)`);
  const index = chartIndex(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); res.end(); return; }
    if (path === 'index.yaml') { res.writeHead(200, { 'content-type': 'application/x-yaml' }); res.end(index); return; }
    const file = join(dir, basename(path));
    if (path !== basename(path) || !path.endsWith('.tgz') || !existsSync(file)) { res.writeHead(404); res.end('not found\n'); return; }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': statSync(file).size });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r, j) => { server.once('error', j); server.listen(0, '127.0.0.1', () => r()); });
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    charts: Object.keys((YAML.parse(index) as { entries: Record<string, unknown> }).entries),
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
