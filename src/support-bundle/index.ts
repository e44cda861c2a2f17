/**
 * A support bundle of one tenant: one .tar.gz with what the person on call needs across the tenant's components
 * and the five operators — the tenant file, versions, helm history and values, every object of the namespace with
 * its status and events, the operators' custom resources with their conditions, the operator Deployments and their
 * logs, pod logs when asked, `status` and the diagnosis of everything not ready. Redacted before it is written;
 * bounded in size (what is cut is listed); `manifest.json` lists what was collected and what failed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import type { KubeObject } from '../kube-object.js';
import type { KubeApi } from '../kube/api.js';
import { decodeRelease, releaseNames, releaseRevisions } from '../kube/helm-release.js';
import { Helm } from '../tools/helm.js';
import { loadHelmfile } from '../helmfile/index.js';
import { tenantNamespace } from '../tenant/id.js';
import { diagnose, formatDiagnosis } from '../diagnose/index.js';
import { apiReader } from '../diagnose/reader.js';
import { tenantStatus, type ComponentRow } from '../status/index.js';
import { verdict } from '../readiness/verdict.js';
import { refName } from '../readiness/wait.js';
import { Output } from '../output.js';
import { Collector, conditionLines, eventLines, isCustomGroup, namespacedKinds, PRIORITY, refOf, type Entry, type Failure } from './collect.js';
import { tarGz } from './tar.js';

export { redactObject, redactString, redactValue, MASK } from './redact.js';
export { readTar, tarGz, tarBuffer } from './tar.js';

/** The API groups of the operators logclaw installs (helmfile.d/00-operators). */
export const OPERATOR_GROUPS = ['strimzi.io', 'opensearch.opster.io', 'flink.apache.org', 'kserve.io', 'external-secrets.io', 'cert-manager.io'];
const isOperatorGroup = (g: string) => OPERATOR_GROUPS.some((s) => g === s || g.endsWith(`.${s}`));

/** The operator releases of helmfile.d/00-operators* in the repository (none without it). */
function operatorReleases(cwd: string): Array<{ name: string; namespace: string }> {
  const dir = join(cwd, 'helmfile.d');
  if (!existsSync(dir)) return [];
  return loadHelmfile(dir).releases.filter((r) => basename(r.file).startsWith('00-operators') && r.namespace && !r.namespace.includes('{{'));
}

export interface BundleOptions {
  api: KubeApi;
  context: string;
  tenant: string;
  /** Repository root (gitops/tenants/). */
  cwd: string;
  /** Output file; default logclaw-support-<tenant>-<time>.tar.gz in cwd. */
  out?: string;
  /** Only log lines newer than this (milliseconds). */
  sinceMs?: number;
  includeLogs?: boolean;
  /** Bound of the bundle's content in bytes (default 100 MiB). */
  maxBytes?: number;
  redact?: boolean;
  signal?: AbortSignal;
  /** How long one step (one list, one log) may take (default 20 s). */
  stepTimeoutMs?: number;
  /** Lines per container log (default 2000 for pods, 500 for operators). */
  tailLines?: number;
  now?: Date;
}

export interface CutEntry {
  path: string;
  bytes: number;
  /** Bytes kept (the tail of a log), 0 when left out. */
  kept: number;
}

export interface BundleManifest {
  tenant: string;
  namespace: string;
  context: string;
  createdAt: string;
  redacted: boolean;
  options: { since?: string; includeLogs: boolean; maxBytes: number };
  files: Array<{ path: string; bytes: number }>;
  failed: Failure[];
  cut: CutEntry[];
}

export interface BundleResult {
  file: string;
  /** Size of the .tar.gz. */
  bytes: number;
  /** Uncompressed content. */
  contentBytes: number;
  manifest: BundleManifest;
}

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, ki: 1024, kib: 1024, m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2, g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3 };

/** "100MiB", "100Mi", "500KB", "1GiB", "2048" (bytes). */
export function parseSize(text: string, flag = '--max-size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) throw usageError(`${flag} ${text}: not a size`, 'Use e.g. 100MiB, 500KiB, 1GiB or a number of bytes.');
  return Math.round(Number(m[1]) * unit);
}

const yamlLib = async () => import('yaml');

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface ReleaseRecord {
  name?: string;
  version?: number;
  config?: unknown;
  info?: { status?: string; first_deployed?: string; last_deployed?: string; description?: string; notes?: string };
  chart?: { metadata?: { name?: string; version?: string; appVersion?: string } };
}

/** What every section of the bundle works with. */
interface Gathering {
  o: BundleOptions;
  c: Collector;
  namespace: string;
  sinceSeconds: number | undefined;
  toYaml(docs: unknown[]): string;
}

/** Collect, redact, bound and write the bundle. Never throws for what it could not collect: see manifest.failed. */
export async function createSupportBundle(o: BundleOptions): Promise<BundleResult> {
  const { stringify } = await yamlLib();
  const now = o.now ?? new Date();
  const redact = o.redact !== false;
  const g: Gathering = {
    o,
    c: new Collector(o.api, redact, o.signal, o.stepTimeoutMs ?? 20_000),
    namespace: tenantNamespace(o.tenant),
    sinceSeconds: o.sinceMs ? Math.max(1, Math.round(o.sinceMs / 1000)) : undefined,
    toYaml: (docs) => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'),
  };
  const { c } = g;

  // ---- the tenant file
  const tenantFile = join(o.cwd, 'gitops', 'tenants', `tenant-${o.tenant}.yaml`);
  if (existsSync(tenantFile)) c.add('tenant.yaml', c.text(readFileSync(tenantFile, 'utf8')), PRIORITY.summary);
  else c.failures.push({ what: 'tenant file', reason: 'not-found', message: `gitops/tenants/tenant-${o.tenant}.yaml does not exist in ${o.cwd}` });

  // ---- versions
  const versions: Record<string, unknown> = { logclaw: packageVersion(), node: process.versions.node };
  versions.helm = (await c.step('helm version', async () => (await Helm.detect()).version)) ?? null;
  versions.kubernetes = (await c.step('kubernetes version', (s) => o.api.serverVersion(s))) ?? null;

  await collectStatus(g);
  await collectHelmReleases(g);
  const { customResources, pods } = await collectObjects(g);
  versions.operators = await collectOperators(g, customResources);
  c.add('versions.json', JSON.stringify(versions, null, 2) + '\n', PRIORITY.summary);

  // ---- the tenant's pod logs, when asked
  if (o.includeLogs) await podLogs(c, pods, 'logs', { tailLines: o.tailLines ?? 2000, sinceSeconds: g.sinceSeconds }, PRIORITY.podLogs);
  return writeBundle(g, now, redact);
}

/** status as the command prints it, and the diagnosis walk of every object not ready. */
async function collectStatus({ o, c, namespace }: Gathering): Promise<void> {
  const status = await c.step('status', (s) => tenantStatus(o.api, namespace, s));
  if (!status) return;
  const rows: ComponentRow[] = status.rows;
  const table = new Output({ color: false }).table(rows as unknown as Array<Record<string, unknown>>, [['component', 'COMPONENT'], ['status', 'STATUS'], ['release', 'RELEASE'], ['revision', 'REVISION'], ['helmStatus', 'HELM'], ['message', 'MESSAGE']]);
  c.add('status.txt', c.text(`tenant ${o.tenant} (${namespace}) on ${o.context}\n${rows.length ? table : 'no LogClaw releases in the namespace'}\n`), PRIORITY.summary);
  c.add('status.json', JSON.stringify(c.value(rows), null, 2) + '\n', PRIORITY.summary);
  const reader = apiReader(o.api, o.signal);
  const diagnoses: string[] = [];
  for (const rel of status.state.releases) {
    for (const ref of rel.refs) {
      const d = await c.step(`diagnosis of ${refName(ref)}`, async (s) => {
        const obj = await o.api.get(ref, s);
        const v = obj ? verdict(obj) : undefined;
        if (v?.status === 'ready' || (!obj && ref.kind === 'Job')) return undefined;
        return formatDiagnosis(await diagnose(reader, ref, v));
      });
      if (d) diagnoses.push(`[release ${rel.name}]`, ...d, '');
    }
  }
  c.add('diagnosis.txt', c.text(diagnoses.length ? diagnoses.join('\n') : 'every object of every release is ready\n'), PRIORITY.summary);
}

/** Every helm release of the namespace: its history and its current values. */
async function collectHelmReleases({ o, c, namespace, toYaml }: Gathering): Promise<void> {
  const names = (await c.step('helm releases', (s) => releaseNames(o.api, namespace, s))) ?? [];
  for (const name of names) {
    await c.step(`helm release ${name}`, async (s) => {
      const revisions = await releaseRevisions(o.api, namespace, name, s);
      const history = revisions.map((r) => {
        const rec = (r.data ? decodeRelease(r.data) : {}) as ReleaseRecord;
        return {
          revision: r.revision,
          status: r.status,
          chart: rec.chart?.metadata ? `${rec.chart.metadata.name}-${rec.chart.metadata.version}` : undefined,
          appVersion: rec.chart?.metadata?.appVersion,
          firstDeployed: rec.info?.first_deployed,
          lastDeployed: rec.info?.last_deployed,
          description: rec.info?.description,
          config: rec.config,
        };
      });
      c.add(`helm/${name}/history.yaml`, c.text(toYaml([history.map(({ config: _config, ...h }) => h)])), PRIORITY.helm);
      if (history[0]) c.add(`helm/${name}/values.yaml`, toYaml([c.value(history[0].config ?? {})]), PRIORITY.helm);
    });
  }
}

/** Every object of the namespace (kind by kind, from discovery), its events, and the custom resources with their conditions. */
async function collectObjects({ c, namespace, toYaml }: Gathering): Promise<{ customResources: KubeObject[]; pods: KubeObject[] }> {
  const kinds = (await c.step('API discovery', (s) => namespacedKinds(c, s))) ?? [];
  const customResources: KubeObject[] = [];
  let events: KubeObject[] = [];
  let pods: KubeObject[] = [];
  for (const k of kinds) {
    const items = await c.step(`list ${k.plural}${k.group ? `.${k.group}` : ''} in ${namespace}`, (s) => c.list({ apiVersion: k.apiVersion, kind: k.kind, namespace }, s));
    if (!items?.length) continue;
    if (k.kind === 'Event' && !k.group) events = items;
    if (k.kind === 'Pod' && !k.group) pods = items;
    if (isCustomGroup(k.group)) customResources.push(...items);
    c.add(`objects/${k.kind}${k.group ? `.${k.group}` : ''}.yaml`, toYaml(items.map((i) => c.object(i))), PRIORITY.objects);
  }
  if (events.length) c.add('events.txt', c.text(eventLines(events).join('\n') + '\n'), PRIORITY.objects);
  if (customResources.length) {
    const lines: string[] = [];
    for (const cr of customResources) {
      const v = verdict(cr);
      lines.push(`${cr.kind} ${namespace}/${cr.metadata?.name} (${cr.apiVersion}): ${v.status} — ${v.message}`, ...conditionLines(cr).map((l) => `  ${l}`));
    }
    c.add('custom-resources.txt', c.text(lines.join('\n') + '\n'), PRIORITY.objects);
  }
  return { customResources, pods };
}

/**
 * The operators: the releases helmfile.d/00-operators installs (else those owning the CRDs of the tenant's custom
 * resources), their Deployments, pods, events and logs. Returns their versions.
 */
async function collectOperators({ o, c, sinceSeconds, toYaml }: Gathering, customResources: KubeObject[]): Promise<Array<Record<string, unknown>>> {
  const operators = new Map<string, { release: string; namespace: string; groups: Set<string> }>();
  for (const r of operatorReleases(o.cwd)) operators.set(`${r.namespace}/${r.name}`, { release: r.name, namespace: r.namespace, groups: new Set() });
  const crds = (await c.step('list customresourcedefinitions', (s) => c.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, s))) ?? [];
  const tenantGroups = new Set(customResources.map((r) => r.apiVersion!.split('/')[0]!));
  for (const crd of crds) {
    const group = crd.spec?.group as string;
    if (!isOperatorGroup(group) && !tenantGroups.has(group)) continue;
    const rel = crd.metadata?.annotations?.['meta.helm.sh/release-name'];
    const ns = crd.metadata?.annotations?.['meta.helm.sh/release-namespace'];
    if (!rel || !ns) continue;
    const key = `${ns}/${rel}`;
    if (!operators.has(key)) operators.set(key, { release: rel, namespace: ns, groups: new Set() });
    operators.get(key)!.groups.add(group);
  }
  const operatorVersions: Array<Record<string, unknown>> = [];
  for (const op of [...operators.values()].sort((a, b) => a.release.localeCompare(b.release))) {
    const rev = await c.step(`operator release ${op.namespace}/${op.release}`, async (s) => (await releaseRevisions(o.api, op.namespace, op.release, s))[0]);
    const rec = (rev?.data ? decodeRelease(rev.data) : {}) as ReleaseRecord;
    const deployments = (await c.step(`operator Deployments in ${op.namespace}`, (s) => c.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: op.namespace }, s))) ?? [];
    operatorVersions.push({
      release: op.release,
      namespace: op.namespace,
      chart: rec.chart?.metadata?.name,
      version: rec.chart?.metadata?.version,
      appVersion: rec.chart?.metadata?.appVersion,
      status: rev?.status,
      groups: [...op.groups].sort(),
      images: [...new Set(deployments.flatMap((d) => ((d.spec?.template?.spec?.containers ?? []) as Array<{ image?: string }>).map((x) => x.image ?? '')))].filter(Boolean),
    });
    const state = deployments.map((d) => {
      const v = verdict(d);
      return [`Deployment ${op.namespace}/${d.metadata?.name}: ${v.status} — ${v.message}`, ...conditionLines(d).map((l) => `  ${l}`)].join('\n');
    });
    const dir = `operators/${op.namespace}`;
    c.add(`${dir}/deployments.txt`, c.text((state.length ? state.join('\n') : `no Deployments in ${op.namespace}`) + '\n'), PRIORITY.operators);
    if (deployments.length) c.add(`${dir}/deployments.yaml`, toYaml(deployments.map((d) => c.object(d))), PRIORITY.operators);
    const opPods = (await c.step(`operator pods in ${op.namespace}`, (s) => c.list({ apiVersion: 'v1', kind: 'Pod', namespace: op.namespace }, s))) ?? [];
    const opEvents = (await c.step(`events in ${op.namespace}`, (s) => c.list({ apiVersion: 'v1', kind: 'Event', namespace: op.namespace }, s))) ?? [];
    if (opPods.length) c.add(`${dir}/pods.yaml`, toYaml(opPods.map((p) => c.object(p))), PRIORITY.operators);
    if (opEvents.length) c.add(`${dir}/events.txt`, c.text(eventLines(opEvents).join('\n') + '\n'), PRIORITY.operators);
    await podLogs(c, opPods, `${dir}/logs`, { tailLines: Math.min(o.tailLines ?? 500, 500), sinceSeconds }, PRIORITY.operatorLogs);
  }
  return operatorVersions;
}

/** Bound what was collected by priority, add the manifest, write the .tar.gz atomically (mode 0600). */
function writeBundle({ o, c, namespace, sinceSeconds }: Gathering, now: Date, redact: boolean): BundleResult {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const root = `logclaw-support-${o.tenant}-${stamp}`;
  const { kept, cut } = bound(c.entries, maxBytes);
  const manifest: BundleManifest = {
    tenant: o.tenant,
    namespace,
    context: o.context,
    createdAt: now.toISOString(),
    redacted: redact,
    options: { since: sinceSeconds ? `${sinceSeconds}s` : undefined, includeLogs: Boolean(o.includeLogs), maxBytes },
    files: kept.map((e) => ({ path: e.path, bytes: Buffer.byteLength(e.content) })),
    failed: c.failures,
    cut,
  };
  const all = [...kept, { path: 'manifest.json', content: JSON.stringify(manifest, null, 2) + '\n', priority: 0 }];
  const mtime = Math.floor(now.getTime() / 1000);
  const archive = tarGz(all.map((e) => ({ path: `${root}/${e.path}`, content: e.content, mtime })), mtime);
  const file = resolve(o.cwd, o.out ?? `${root}.tar.gz`);
  const tmp = join(resolve(file, '..'), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, archive, { mode: 0o600 });
  renameSync(tmp, file);
  return { file, bytes: archive.length, contentBytes: all.reduce((n, e) => n + Buffer.byteLength(e.content), 0), manifest };
}

/** Current logs of every container of the pods, and the previous instance's of those that restarted. */
async function podLogs(c: Collector, pods: KubeObject[], dir: string, o: { tailLines: number; sinceSeconds?: number }, priority: number): Promise<void> {
  for (const p of pods) {
    const ns = p.metadata!.namespace!;
    const name = p.metadata!.name!;
    const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])] as Array<{ name: string; restartCount?: number; lastState?: { terminated?: unknown }; state?: { waiting?: unknown } }>;
    const containers = statuses.length ? statuses : ((p.spec?.containers ?? []) as Array<{ name: string }>).map((x) => ({ name: x.name }) as (typeof statuses)[number]);
    for (const ct of containers) {
      const log = await c.step(`logs of ${ns}/${name} container ${ct.name}`, (s) => c.logs(ns, name, { container: ct.name, tailLines: o.tailLines, sinceSeconds: o.sinceSeconds }, s));
      if (log !== undefined) c.add(`${dir}/${name}/${ct.name}.log`, c.text(log), priority, true);
      if (ct.lastState?.terminated || (ct.restartCount ?? 0) > 0) {
        const prev = await c.step(`previous logs of ${ns}/${name} container ${ct.name}`, (s) => c.logs(ns, name, { container: ct.name, previous: true, tailLines: o.tailLines, sinceSeconds: o.sinceSeconds }, s));
        if (prev !== undefined) c.add(`${dir}/${name}/${ct.name}.previous.log`, c.text(prev), priority, true);
      }
    }
  }
}

/**
 * The entries that fit in maxBytes, most important first (a stable order within a priority): an entry past the
 * limit is left out, except a log, of which the newest lines that fit are kept (when at least 1 KiB fits).
 */
export function bound(entries: readonly Entry[], maxBytes: number): { kept: Entry[]; cut: CutEntry[] } {
  const order = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.priority - b.e.priority || a.i - b.i);
  let used = 0;
  const keep = new Set<number>();
  const replaced = new Map<number, Entry>();
  const cut: CutEntry[] = [];
  for (const { e, i } of order) {
    const size = Buffer.byteLength(e.content);
    if (used + size <= maxBytes) {
      used += size;
      keep.add(i);
      continue;
    }
    const room = maxBytes - used;
    if (e.tail && room >= 1024) {
      const buf = Buffer.from(e.content);
      let start = buf.length - room + 64;
      while (start < buf.length && buf[start - 1] !== 0x0a) start++;
      const marker = `[logclaw: ${start} earlier bytes cut by --max-size]\n`;
      const content = marker + buf.subarray(start).toString('utf8');
      const kept = Buffer.byteLength(content);
      if (kept <= room) {
        used += kept;
        keep.add(i);
        replaced.set(i, { ...e, content });
        cut.push({ path: e.path, bytes: size, kept });
        continue;
      }
    }
    cut.push({ path: e.path, bytes: size, kept: 0 });
  }
  const kept = entries.map((e, i) => (keep.has(i) ? (replaced.get(i) ?? e) : undefined)).filter((e): e is Entry => Boolean(e));
  return { kept, cut };
}
