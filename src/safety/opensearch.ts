/**
 * OpenSearch operator (opensearch.opster.io/v1 OpenSearchCluster; index templates are kind OpensearchIndexTemplate): spec.nodePools[]{component, replicas, roles,
 * diskSize, persistence{pvc{storageClass,accessModes}|emptyDir|hostPath}}, spec.general{version, drainDataNodes}.
 */
import semver from 'semver';
import { changedPaths, deepEqual, type NamedKubeObject } from './objects.js';
import { finding, volumeSizeFindings } from './finding.js';
import type { SafetyFinding } from './types.js';
import { get, isRecord } from '../object.js';

export const isOpenSearch = (o: NamedKubeObject): boolean => o.apiVersion.startsWith('opensearch.opster.io/');

interface Pool {
  component: string;
  replicas: number;
  roles: string[];
  raw: Record<string, unknown>;
}

function pools(o: NamedKubeObject): Pool[] {
  const list = get(o, 'spec', 'nodePools');
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((p) => ({
    component: String(p.component ?? ''),
    replicas: Number(p.replicas ?? 0),
    roles: Array.isArray(p.roles) ? (p.roles as unknown[]).map(String) : [],
    raw: p,
  }));
}

const isData = (p: Pool): boolean => p.roles.some((r) => r === 'data' || r.startsWith('data_') || r === 'data_hot');
const isManager = (p: Pool): boolean => p.roles.includes('cluster_manager') || p.roles.includes('master');
const count = (ps: Pool[], f: (p: Pool) => boolean): number => ps.filter(f).reduce((n, p) => n + p.replicas, 0);

/** Highest number_of_replicas in the OpensearchIndexTemplates (index.number_of_replicas in any spelling); undefined when none says. */
export function indexReplicasFrom(objs: NamedKubeObject[]): number | undefined {
  let max: number | undefined;
  for (const o of objs) {
    if (!isOpenSearch(o) || o.kind !== 'OpensearchIndexTemplate') continue;
    const s = get(o, 'spec', 'template', 'settings');
    const v = get(s, 'index.number_of_replicas') ?? get(s, 'index', 'number_of_replicas') ?? get(s, 'number_of_replicas');
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!isNaN(n)) max = Math.max(max ?? 0, n);
  }
  return max;
}

export function openSearchClusterRules(before: NamedKubeObject, after: NamedKubeObject, indexReplicas: number): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const bp = pools(before);
  const ap = pools(after);
  const drain = get(after, 'spec', 'general', 'drainDataNodes') === true;

  const bd = count(bp, isData);
  const ad = count(ap, isData);
  if (ad < bd) {
    const copies = indexReplicas + 1;
    if (ad < copies) {
      out.push(
        finding(after, 'data-loss', `data nodes ${bd} → ${ad}, below the ${copies} copies every index keeps (index replicas ${indexReplicas}): shards cannot be placed and primaries on removed nodes are lost`, {
          field: 'spec.nodePools',
          fix: `keep at least ${copies} data nodes, or lower number_of_replicas of the indices first`,
        }),
      );
    } else if (bd - ad > indexReplicas && !drain) {
      out.push(
        finding(after, 'data-loss', `data nodes ${bd} → ${ad} at once, more than the index replicas (${indexReplicas}) and general.drainDataNodes is off: every copy of a shard can be on the removed nodes`, {
          field: 'spec.nodePools',
          fix: 'set spec.general.drainDataNodes: true (the operator moves shards off before removing a node), or remove one node at a time',
        }),
      );
    } else {
      out.push(finding(after, 'disruptive', `data nodes ${bd} → ${ad}: shards move off the removed nodes`, { field: 'spec.nodePools' }));
    }
  }

  const bm = count(bp, isManager);
  const am = count(ap, isManager);
  if (am < bm) {
    const majority = Math.floor(bm / 2) + 1;
    if (am < majority) {
      out.push(
        finding(after, 'data-loss', `cluster-manager-eligible nodes ${bm} → ${am}: removing more than half loses the voting majority; the cluster stops electing a manager and recovering needs an unsafe bootstrap that can drop data`, {
          field: 'spec.nodePools',
          fix: `keep at least ${majority} cluster-manager nodes, and remove them one at a time (3 for ha)`,
        }),
      );
    } else {
      out.push(finding(after, 'disruptive', `cluster-manager-eligible nodes ${bm} → ${am}`, { field: 'spec.nodePools', fix: am % 2 === 0 ? 'use an odd number of cluster-manager nodes' : undefined }));
    }
  }

  for (const b of bp) {
    const a = ap.find((p) => p.component === b.component);
    const at = `spec.nodePools[component=${b.component}]`;
    if (!a) {
      if (b.replicas > 0 && !isData(b) && !isManager(b)) out.push(finding(after, 'disruptive', `node pool ${b.component} removed`, { field: at }));
      continue;
    }
    out.push(...volumeSizeFindings(after, b.raw.diskSize, a.raw.diskSize, { label: `node pool ${b.component} diskSize`, key: 'diskSize', field: `${at}.diskSize` }, { shrunk: 'volumes cannot shrink' }));
    const bPers = persistenceType(b.raw);
    const aPers = persistenceType(a.raw);
    if (bPers !== aPers) {
      out.push(
        finding(after, bPers === 'pvc' ? 'data-loss' : 'immutable', `node pool ${b.component} persistence ${bPers} → ${aPers}${bPers === 'pvc' ? ': the data on its volumes is abandoned' : ''}`, {
          field: `${at}.persistence`,
          fix: 'keep the persistence type; to move, add a new node pool with the new storage and remove the old one after shards moved',
        }),
      );
    } else if (!deepEqual(get(b.raw, 'persistence', 'pvc', 'storageClass'), get(a.raw, 'persistence', 'pvc', 'storageClass'))) {
      out.push(
        finding(after, 'immutable', `node pool ${b.component} storageClass ${String(get(b.raw, 'persistence', 'pvc', 'storageClass') ?? '-')} → ${String(get(a.raw, 'persistence', 'pvc', 'storageClass') ?? '-')}: existing volumes keep their class`, {
          field: `${at}.persistence.pvc.storageClass`,
          fix: 'keep the class; add a new node pool with the new class and remove the old one after shards moved',
        }),
      );
    }
    const rest = changedPaths(b.raw, a.raw).filter((p) => !/^(replicas|diskSize|persistence)(\.|$)/.test(p));
    if (rest.length) {
      out.push(finding(after, 'restart', `node pool ${b.component}: ${rest.slice(0, 4).join(', ')} changed; the operator restarts its nodes one at a time`, { field: at, workloads: [`OpenSearch pool ${b.component}`] }));
    }
  }

  const bver = semver.coerce(String(get(before, 'spec', 'general', 'version') ?? ''));
  const aver = semver.coerce(String(get(after, 'spec', 'general', 'version') ?? ''));
  if (bver && aver && semver.lt(aver, bver)) {
    out.push(
      finding(after, 'immutable', `OpenSearch ${bver.version} → ${aver.version}: OpenSearch cannot be downgraded (indices written by the newer version cannot be read)`, {
        field: 'spec.general.version',
        fix: `keep version ${bver.version}; to go back, restore a snapshot into a new cluster`,
      }),
    );
  }
  const general = changedPaths(get(before, 'spec'), get(after, 'spec'), 'spec').filter((p) => !p.startsWith('spec.nodePools'));
  if (general.length) {
    const versionNote = bver && aver && semver.gt(aver, bver) ? ` (rolling upgrade ${bver.version} → ${aver.version})` : '';
    out.push(finding(after, 'restart', `${general.slice(0, 4).join(', ')} changed${versionNote}: the operator restarts the nodes one at a time`, { field: general[0], workloads: [`OpenSearchCluster ${after.metadata.name}`] }));
  }
  return out;
}

function persistenceType(pool: Record<string, unknown>): string {
  const p = pool.persistence;
  if (!isRecord(p)) return 'pvc'; // the operator's default is a PVC of diskSize
  if (isRecord(p.emptyDir)) return 'emptyDir';
  if (isRecord(p.hostPath)) return 'hostPath';
  return 'pvc';
}
