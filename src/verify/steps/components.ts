/**
 * Step 1, components ready: every component of the tenant is ready, judged per helm release as
 * `logclaw status` does or, without releases (Argo CD applies without helm), per object by label.
 * Waits up to a quarter of the time left while something is still progressing.
 */
import type { Kube } from '../../portforward/kube.js';
import { verdict } from '../../readiness/verdict.js';
import type { KubeObject } from '../../readiness/types.js';
import { listKind } from '../kafka.js';
import type { StepOutcome } from '../types.js';
import { budget, sleep, type Ctx, type VerifyStep } from './step.js';

/** Kinds whose objects make up a tenant, by API group (only the ones the cluster serves are listed). */
export const TENANT_KINDS: Array<[group: string, kind: string]> = [
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['batch', 'Job'],
  ['', 'PersistentVolumeClaim'],
  ['', 'Pod'],
  ['kafka.strimzi.io', 'Kafka'],
  ['kafka.strimzi.io', 'KafkaNodePool'],
  ['kafka.strimzi.io', 'KafkaTopic'],
  ['kafka.strimzi.io', 'KafkaUser'],
  ['kafka.strimzi.io', 'KafkaMirrorMaker2'],
  ['kafka.strimzi.io', 'KafkaConnect'],
  ['opensearch.opster.io', 'OpenSearchCluster'],
  ['flink.apache.org', 'FlinkDeployment'],
  ['serving.kserve.io', 'InferenceService'],
  ['external-secrets.io', 'ExternalSecret'],
  ['external-secrets.io', 'SecretStore'],
  ['cert-manager.io', 'Certificate'],
  ['cert-manager.io', 'Issuer'],
];

export function componentOf(o: KubeObject): string {
  const l = o.metadata?.labels ?? {};
  return l['logclaw.io/component'] ?? (l['strimzi.io/cluster'] ? 'kafka' : l['opster.io/opensearch-cluster'] ? 'opensearch' : l.tier === 'airflow' ? 'airflow' : l['app.kubernetes.io/name'] ?? 'other');
}

/** Pods and Jobs that a controller owns are judged through their owner (a CronJob's runs are transient). */
const ownedAway = (o: KubeObject): boolean =>
  (o.kind === 'Pod' && Boolean(o.metadata?.ownerReferences?.length)) || (o.kind === 'Job' && Boolean(o.metadata?.ownerReferences?.some((r) => r.kind === 'CronJob')));

export async function tenantObjects(kube: Kube, namespace: string): Promise<KubeObject[]> {
  const versions = new Map<string, string>([['', 'v1'], ...(await kube.api.preferredVersions())]);
  const lists = await Promise.all(
    TENANT_KINDS.filter(([g]) => versions.has(g)).map(async ([g, kind]) => {
      const apiVersion = versions.get(g)!;
      const items = (await listKind(kube, apiVersion, kind, namespace)) ?? [];
      return items.map((o) => ({ ...(o as KubeObject), apiVersion, kind }));
    }),
  );
  return lists.flat().filter((o) => !ownedAway(o));
}

/** One row per component: from the helm releases (as `logclaw status` shows) or, without releases, by label. */
interface ComponentVerdicts {
  source: string;
  total: number;
  rows: Array<{ component: string; status: string; message: string; objects: number }>;
  notReady: string[];
}

/** Installed with helm (logclaw install / dev up): the lifecycle engine's rows over each release's objects. */
async function releaseVerdicts(ctx: Ctx, api: import('../../kube/api.js').KubeApi): Promise<ComponentVerdicts | undefined> {
  const { tenantStatus } = await import('../../status/index.js');
  const { rows } = await tenantStatus(api, ctx.namespace, ctx.signal);
  if (!rows.length) return undefined;
  const bad = rows.filter((r) => r.status !== 'ready');
  return {
    source: `${rows.length} helm releases`,
    total: rows.reduce((n, r) => n + r.objects, 0),
    rows: rows.map((r) => ({ component: r.component, status: r.status, message: r.message, objects: r.objects })),
    notReady: bad.map((r) => `${r.component} (release ${r.release}): ${r.status} — ${r.message}`),
  };
}

/** Applied another way (Argo CD renders and applies without helm releases): every tenant object by kind. */
async function namespaceVerdicts(ctx: Ctx): Promise<ComponentVerdicts> {
  const objects = await tenantObjects(ctx.kube, ctx.namespace);
  const byComponent = new Map<string, { status: string; message: string; objects: number }>();
  const rank: Record<string, number> = { failed: 0, progressing: 1, ready: 2 };
  const notReady: string[] = [];
  for (const o of objects) {
    const v = verdict(o);
    const c = componentOf(o);
    const row = byComponent.get(c) ?? { status: 'ready', message: '', objects: 0 };
    row.objects++;
    if (rank[v.status]! < rank[row.status]!) Object.assign(row, { status: v.status, message: `${o.kind}/${o.metadata?.name}: ${v.message}` });
    byComponent.set(c, row);
    if (v.status !== 'ready') notReady.push(`${o.kind}/${o.metadata?.name} (${c}): ${v.status} — ${v.message}`);
  }
  return {
    source: 'objects in the namespace',
    total: objects.length,
    rows: [...byComponent.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([component, r]) => ({ component, ...r })),
    notReady,
  };
}

export const componentsReady: VerifyStep = {
  id: 'components',
  title: 'components ready',
  hop: 'tenant components',
  async run(ctx) {
    if (!(await ctx.kube.api.get({ apiVersion: 'v1', kind: 'Namespace', name: ctx.namespace }))) {
      return {
        status: 'fail',
        summary: `namespace ${ctx.namespace} does not exist`,
        hop: `namespace ${ctx.namespace}`,
        hint: `Install the tenant: logclaw install --tenant ${ctx.tenant.id} --kube-context ${ctx.kube.context}`,
      };
    }
    return judge(ctx, ctx.kube.api);
  },
};

async function judge(ctx: Ctx, api: import('../../kube/api.js').KubeApi): Promise<StepOutcome> {
  const waitUntil = Date.now() + budget(ctx, 0.25);
  for (;;) {
    const v = (await releaseVerdicts(ctx, api)) ?? (await namespaceVerdicts(ctx));
    if (!v.total) {
      return { status: 'fail', summary: `nothing is installed in ${ctx.namespace}`, hint: `logclaw install --tenant ${ctx.tenant.id}` };
    }
    const progressing = v.rows.some((r) => r.status === 'progressing');
    if (v.notReady.length && progressing && Date.now() < waitUntil && !ctx.signal.aborted) {
      await sleep(1000, ctx.signal);
      continue;
    }
    const perComponent = v.rows.map((r) => `${r.component} ${r.objects}`).join(', ');
    if (!v.notReady.length) {
      return { status: 'pass', summary: `${v.total} objects ready in ${v.rows.length} components`, evidence: [`from ${v.source}: ${perComponent}`] };
    }
    const components = v.rows.filter((r) => r.status !== 'ready').map((r) => r.component);
    return {
      status: 'fail',
      summary: `${components.join(', ')} not ready (${v.notReady.length} of ${v.source === 'objects in the namespace' ? `${v.total} objects` : `${v.rows.length} releases`})`,
      hop: `components: ${components.join(', ')}`,
      evidence: v.notReady.slice(0, 12).concat(v.notReady.length > 12 ? [`… and ${v.notReady.length - 12} more`] : []),
      hint: `logclaw status --tenant ${ctx.tenant.id} explains each one.`,
    };
  }
}

