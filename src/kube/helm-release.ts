/**
 * Helm releases as helm stores them (Secrets `sh.helm.release.v1.<name>.v<revision>`, labels owner=helm,
 * name, status, version; the same storage in helm 3 and helm 4): status, manifest, pending-state recovery and
 * the resume stamp logclaw puts on the revision it saw READY.
 */
import { gunzipSync } from 'node:zlib';
import { parseKubeObjects } from '../manifests/yaml-kube.js';
import type { KubeObject } from '../kube-object.js';
import { isNotFound, type KubeApi } from './api.js';

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  /** deployed, failed, pending-install, pending-upgrade, pending-rollback, superseded, uninstalling… */
  status: string;
  secretName: string;
  labels: Record<string, string>;
  /** Decoded on demand (the latest revision only). */
  manifest?: string;
  chart?: string;
  chartVersion?: string;
}

export const STAMP_LABEL = 'logclaw.io/inputs';

interface ReleaseJson {
  manifest?: string;
  chart?: { metadata?: { name?: string; version?: string } };
  info?: { status?: string };
}

/** helm stores base64(gzip(json)); the API adds its own base64 around Secret data. */
export function decodeRelease(data: string): ReleaseJson {
  let buf = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  return JSON.parse(buf.toString('utf8')) as ReleaseJson;
}

/** Names of the helm releases stored in the namespace (any revision, any status), sorted; none when it does not exist. */
export async function releaseNames(api: KubeApi, namespace: string, signal?: AbortSignal): Promise<string[]> {
  const { items } = await api.list({ apiVersion: 'v1', kind: 'Secret', namespace }, { labelSelector: 'owner=helm', signal }).catch((e) => (isNotFound(e) ? { items: [] } : Promise.reject(e)));
  return [...new Set(items.map((s) => s.metadata?.labels?.name).filter((n): n is string => Boolean(n)))].sort();
}

/** Every stored revision of a release, newest first (metadata only). */
export async function releaseRevisions(api: KubeApi, namespace: string, name: string, signal?: AbortSignal): Promise<Array<HelmRelease & { data?: string }>> {
  const { items } = await api.list({ apiVersion: 'v1', kind: 'Secret', namespace }, { labelSelector: `owner=helm,name=${name}`, signal });
  return items
    .map((s) => {
      const labels = s.metadata?.labels ?? {};
      return {
        name,
        namespace,
        revision: Number(labels.version ?? 0),
        status: labels.status ?? 'unknown',
        secretName: s.metadata!.name!,
        labels,
        data: (s as KubeObject & { data?: { release?: string } }).data?.release,
      };
    })
    .sort((a, b) => b.revision - a.revision);
}

/** The latest revision with its manifest decoded, or undefined when the release is not installed. */
export async function currentRelease(api: KubeApi, namespace: string, name: string, signal?: AbortSignal): Promise<HelmRelease | undefined> {
  return decodeLatest(await releaseRevisions(api, namespace, name, signal));
}

/** The newest of some revisions, its manifest decoded. */
export function decodeLatest(revisions: Array<HelmRelease & { data?: string }>): HelmRelease | undefined {
  const [latest] = revisions;
  if (!latest) return undefined;
  const { data, ...rel } = latest;
  if (data) {
    const j = decodeRelease(data);
    rel.manifest = j.manifest ?? '';
    rel.chart = j.chart?.metadata?.name;
    rel.chartVersion = j.chart?.metadata?.version;
  }
  return rel;
}

export const isPending = (status: string): boolean => status.startsWith('pending-');

/**
 * A release left pending-install/upgrade/rollback by an interrupted run blocks every later helm call
 * ("another operation is in progress"). Remove that revision's record so the previous one (if any) is current
 * again; the next helmfile sync then installs or upgrades normally (helm adopts the objects it had created, as
 * they carry its release annotations). Returns what was done, or undefined when nothing was pending.
 */
export async function recoverPending(api: KubeApi, namespace: string, name: string, signal?: AbortSignal, known?: HelmRelease[]): Promise<string | undefined> {
  const revisions = known ?? (await releaseRevisions(api, namespace, name, signal));
  const latest = revisions[0];
  if (!latest || !isPending(latest.status)) return undefined;
  await api.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: latest.secretName }, { signal });
  const previous = revisions.find((r) => r.revision < latest.revision && r.status !== 'superseded' && !isPending(r.status)) ?? revisions.find((r) => r.revision < latest.revision);
  if (previous && previous.status === 'superseded') {
    // make the last good revision current again, as a rollback would
    await api.patch({ apiVersion: 'v1', kind: 'Secret', namespace, name: previous.secretName }, { metadata: { labels: { status: 'deployed' } } }, { signal });
  }
  return `release ${namespace}/${name} was left ${latest.status} (revision ${latest.revision}) by an interrupted run: removed that revision${previous ? `, revision ${previous.revision} is current again` : ''}`;
}

/** Record that this revision was installed from these inputs and reached READY. */
export async function stampRelease(api: KubeApi, rel: HelmRelease, inputs: string, signal?: AbortSignal): Promise<void> {
  await api.patch({ apiVersion: 'v1', kind: 'Secret', namespace: rel.namespace, name: rel.secretName }, { metadata: { labels: { [STAMP_LABEL]: inputs } } }, { signal });
}

export function manifestObjects(manifest: string | undefined): KubeObject[] {
  if (!manifest) return [];
  return parseKubeObjects(manifest).filter((o) => !!o.metadata?.name);
}
