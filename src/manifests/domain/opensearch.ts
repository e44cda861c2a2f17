/** OpenSearch operator (OpenSearchCluster and its templates/policies) rules the CRD schema cannot express. */
import { parseQuantity } from '../../safety/quantity.js';
import type { RenderModel } from '../model.js';
import { type Emit, type RenderedObject } from '../types.js';
import type { DomainContext } from './context.js';
import { asArray, asRecord, get, isRecord } from '../../object.js';

/** `-Xmx2g` style sizes in bytes. */
export function jvmSize(opts: string, flag: 'Xms' | 'Xmx'): number | undefined {
  const m = new RegExp(`-${flag}(\\d+)([kKmMgGtT]?)\\b`).exec(opts);
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
  return Number(m[1]) * mult[m[2]!.toLowerCase()]!;
}

const pools = (c: RenderedObject) => asArray<Record<string, unknown>>(get(c.obj, 'spec', 'nodePools')).filter(isRecord);
const withRole = (c: RenderedObject, ...roles: string[]) => pools(c).filter((p) => asArray<string>(p.roles).some((r) => roles.includes(String(r))));
const sumReplicas = (ps: Array<Record<string, unknown>>) => ps.reduce((n, p) => n + Number(p.replicas ?? 0), 0);

function replicasSetting(settings: unknown): number | undefined {
  const s = asRecord(settings);
  const v = s['index.number_of_replicas'] ?? s.number_of_replicas ?? get(s, 'index', 'number_of_replicas');
  return v === undefined ? undefined : Number(v);
}

export function checkOpenSearch(model: RenderModel, ctx: DomainContext, emit: Emit): void {
  const clusters = model.byKind.get('OpenSearchCluster') ?? [];
  for (const c of clusters) {
    if (ctx.environment !== 'dev') {
      const managers = sumReplicas(withRole(c, 'cluster_manager', 'master'));
      if (managers < 3 || managers % 2 === 0) {
        emit({ owner: c, path: 'spec.nodePools', rule: 'opensearch-cluster-managers', message: `${managers} cluster-manager node(s); outside dev use an odd number, at least 3 (quorum survives one loss)` });
      }
    }
    pools(c).forEach((p, i) => {
      const env = asArray<Record<string, unknown>>(p.env).find((e) => e?.name === 'OPENSEARCH_JAVA_OPTS');
      const opts = [typeof p.jvm === 'string' ? p.jvm : '', typeof env?.value === 'string' ? env.value : ''].join(' ');
      const xms = jvmSize(opts, 'Xms');
      const xmx = jvmSize(opts, 'Xmx');
      const path = `spec.nodePools[${i}].jvm`;
      if ((xms !== undefined || xmx !== undefined) && xms !== xmx) {
        emit({ owner: c, path, rule: 'opensearch-heap', message: `node pool ${String(p.component)}: -Xms and -Xmx differ (${opts.trim()}); set both to the same size` });
      }
      const limit = parseQuantity(get(p, 'resources', 'limits', 'memory'));
      if (xmx !== undefined && limit !== undefined && xmx > limit / 2) {
        emit({ owner: c, path, rule: 'opensearch-heap', message: `node pool ${String(p.component)}: heap ${(xmx / 2 ** 30).toFixed(2)} GiB is more than half the memory limit ${String(get(p, 'resources', 'limits', 'memory'))}` });
      }
    });
  }
  const dataNodes = (clusterName: string | undefined): number | undefined => {
    const c = clusterName ? clusters.find((x) => x.obj.metadata.name === clusterName) : clusters.length === 1 ? clusters[0] : undefined;
    return c ? sumReplicas(withRole(c, 'data')) : undefined;
  };
  for (const kind of ['OpensearchIndexTemplate', 'OpensearchComponentTemplate']) {
    for (const t of model.byKind.get(kind) ?? []) {
      const replicas = replicasSetting(get(t.obj, 'spec', 'template', 'settings'));
      const data = dataNodes(get(t.obj, 'spec', 'opensearchCluster', 'name') as string | undefined);
      if (replicas !== undefined && data !== undefined && replicas >= data) {
        emit({ owner: t, path: 'spec.template.settings', rule: 'opensearch-index-replicas', message: `index replicas ${replicas} need at least ${replicas + 1} data nodes; the cluster has ${data} (replica shards would stay unassigned)` });
      }
    }
  }
  for (const p of model.byKind.get('OpenSearchISMPolicy') ?? []) {
    const data = dataNodes(get(p.obj, 'spec', 'opensearchCluster', 'name') as string | undefined);
    asArray<Record<string, unknown>>(get(p.obj, 'spec', 'states')).forEach((s, si) =>
      asArray<Record<string, unknown>>(s?.actions).forEach((a, ai) => {
        const n = get(a, 'replicaCount', 'numberOfReplicas') ?? get(a, 'replica_count', 'number_of_replicas');
        if (typeof n === 'number' && data !== undefined && n >= data) {
          emit({ owner: p, path: `spec.states[${si}].actions[${ai}]`, rule: 'opensearch-index-replicas', message: `replica count ${n} needs at least ${n + 1} data nodes; the cluster has ${data}` });
        }
      }),
    );
  }
  // Plain ConfigMaps that carry index settings for the cluster (e.g. an index-template bootstrap job).
  for (const cm of model.byKind.get('ConfigMap') ?? []) {
    if (!clusters.length) break;
    for (const [k, v] of Object.entries(asRecord(cm.obj.data))) {
      if (!/\.json$/.test(k)) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(String(v));
      } catch {
        continue;
      }
      const replicas = replicasSetting(get(doc, 'template', 'settings')) ?? replicasSetting(get(doc, 'settings'));
      const data = dataNodes(undefined);
      if (replicas !== undefined && data !== undefined && replicas >= data) {
        emit({ owner: cm, path: `data["${k}"]`, rule: 'opensearch-index-replicas', message: `index replicas ${replicas} need at least ${replicas + 1} data nodes; the cluster has ${data}` });
      }
    }
  }
}
