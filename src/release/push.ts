/**
 * `logclaw charts push`: publish packaged charts to an OCI registry with helm, treating published versions as
 * immutable. Every package is checked against the registry first:
 *   - version absent → pushed;
 *   - version present with the same content (content.ts: files compared, not archive bytes) → skipped;
 *   - version present with different content → refused; when anything is refused nothing is pushed.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import type { Helm, HelmRegistryOptions } from '../tools/helm.js';
import { chartContentOfFile, contentDifferences, type ChartContent } from './content.js';

export type PushStatus = 'pushed' | 'skipped' | 'refused' | 'would-push';

export interface PushResult {
  name: string;
  version: string;
  /** oci://host/path/name:version */
  ref: string;
  status: PushStatus;
  /** The registry's manifest digest (absent for refused packages and dry runs). */
  digest?: string;
  contentDigest: string;
  /** For refused packages: the files whose content differs from the published version. */
  differences?: string[];
  file: string;
}

export interface PushOptions {
  dir: string;
  registry: string;
  helm: Helm;
  plainHttp?: boolean;
  username?: string;
  password?: string;
  /** Check only: report what would be pushed. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onChart?: (name: string, version: string) => void;
}

export interface PushReport {
  registry: string;
  results: PushResult[];
  ok: boolean;
}

/** Split oci://host[:port]/path into its parts (path may be empty). */
export function parseRegistry(url: string): { url: string; host: string; path: string } {
  const m = /^oci:\/\/([^/\s]+)(\/[^\s]*)?$/.exec(url.trim());
  if (!m) throw usageError(`--registry must look like oci://HOST[:PORT]/PATH, got "${url}"`, 'e.g. --registry oci://ghcr.io/acme/charts');
  const path = (m[2] ?? '').replace(/\/+$/, '');
  return { url: `oci://${m[1]}${path}`, host: m[1]!, path };
}

const NOT_FOUND = /:\s*not found\s*$|manifest unknown|name unknown|MANIFEST_UNKNOWN|NAME_UNKNOWN/im;
const AUTH = /unauthorized|denied|credential not found|\b401\b|\b403\b/i;
const DIGEST = /^Digest:\s*(sha256:[0-9a-f]{64})/m;

export async function pushCharts(o: PushOptions): Promise<PushReport> {
  const registry = parseRegistry(o.registry);
  const dir = resolve(o.dir);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.tgz')).sort();
  } catch {
    throw new LogclawError(`no packaged charts: ${dir} does not exist`, { exitCode: ExitCode.usage, hint: 'run `logclaw charts package` first (or pass --dir)' });
  }
  if (files.length === 0) throw new LogclawError(`no .tgz packages in ${dir}`, { exitCode: ExitCode.usage, hint: 'run `logclaw charts package` first' });

  const work = mkdtempSync(join(tmpdir(), 'logclaw-push-'));
  try {
    const common: HelmRegistryOptions = { plainHttp: o.plainHttp };
    if (o.username !== undefined) {
      // credentials go to a private registry config (never on a command line)
      const cfg = join(work, 'registry.json');
      const auth = Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64');
      writeFileSync(cfg, JSON.stringify({ auths: { [registry.host]: { auth } } }), { mode: 0o600 });
      common.registryConfig = cfg;
    }
    const results: PushResult[] = [];
    for (const f of files) {
      const file = join(dir, f);
      const local = chartContentOfFile(file);
      o.onChart?.(local.name, local.version);
      const ref = `${registry.url}/${local.name}:${local.version}`;
      const published = await fetchPublished(o.helm, registry.url, local, work, common, o.signal, o.username);
      if (!published) {
        results.push({ name: local.name, version: local.version, ref, status: 'would-push', contentDigest: local.digest, file });
      } else if (published.content.digest === local.digest) {
        results.push({ name: local.name, version: local.version, ref, status: 'skipped', digest: published.digest, contentDigest: local.digest, file });
      } else {
        results.push({
          name: local.name,
          version: local.version,
          ref,
          status: 'refused',
          contentDigest: local.digest,
          differences: contentDifferences(published.content, local),
          file,
        });
      }
    }
    const ok = results.every((r) => r.status !== 'refused');
    if (ok && !o.dryRun) {
      for (const r of results) {
        if (r.status !== 'would-push') continue;
        const out = await o.helm.push(r.file, registry.url, common, { signal: o.signal });
        if (out.exitCode !== 0) throw registryError(`could not push ${r.ref}`, out, o.username);
        r.status = 'pushed';
        const d = DIGEST.exec(out.stderr + out.stdout);
        if (d) r.digest = d[1];
      }
    }
    return { registry: registry.url, results, ok };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The published chart of this name and version, or undefined when the registry does not have it. */
async function fetchPublished(
  helm: Helm,
  registryUrl: string,
  local: ChartContent,
  work: string,
  common: HelmRegistryOptions,
  signal: AbortSignal | undefined,
  username?: string,
): Promise<{ content: ChartContent; digest?: string } | undefined> {
  const dest = mkdtempSync(join(work, 'pull-'));
  const r = await helm.pull(`${registryUrl}/${local.name}`, { ...common, version: local.version, destination: dest }, { signal });
  if (r.exitCode !== 0) {
    if (NOT_FOUND.test(r.stderr) && !AUTH.test(r.stderr)) return undefined;
    throw registryError(`could not read ${registryUrl}/${local.name}:${local.version} from the registry`, r, username);
  }
  const pulled = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (!pulled) throw new LogclawError(`helm pull of ${registryUrl}/${local.name}:${local.version} left no archive`);
  const content = chartContentOfFile(join(dest, pulled));
  const d = DIGEST.exec(r.stderr + r.stdout);
  return d ? { content, digest: d[1]! } : { content };
}

function registryError(message: string, r: { command: string; stderr: string }, username: string | undefined): LogclawError {
  return new LogclawError(message, {
    details: [`command: ${r.command}`, ...r.stderr.trim().split('\n').slice(-5).map((l) => `  ${l}`)],
    hint: /http: server gave HTTP response to HTTPS client/.test(r.stderr)
      ? 'the registry speaks plain HTTP: add --plain-http'
      : AUTH.test(r.stderr)
        ? username !== undefined
          ? `the registry rejected the credentials of ${username}: check the password given on stdin`
          : 'log in: pass --username and --password-stdin'
        : undefined,
  });
}
