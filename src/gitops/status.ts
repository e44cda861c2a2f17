/**
 * `logclaw gitops status`: per tenant its Argo CD Application (made by the ApplicationSet logclaw-tenants):
 * sync status and revision, health, the last sync operation and the Application's conditions; for one that
 * is not Healthy, every resource Argo CD does not report Healthy with the cause the readiness/diagnosis
 * engine finds (the same walk-down `status` and `install` print). Reads the cluster Argo CD runs on; the
 * walk-down runs for tenants whose destination is that cluster (in-cluster).
 */
import { ExitCode, LogclawError } from '../errors.js';
import type { KubeApi } from '../kube/api.js';
import { every, watchChanges } from '../kube/watch.js';
import type { KubeObject } from '../kube-object.js';
import { DEFAULT_CLUSTER } from './clusters.js';
import { argoHealthOf, readinessOfArgo, type ArgoResourceStatus } from './health.js';

export interface UnhealthyResource {
  object: string;
  health: string;
  message: string;
  /** the diagnosis, as `status`/`install` print it */
  diagnosis: string[];
}

export interface AppRow {
  tenant: string;
  application: string;
  cluster: string;
  wave: string;
  sync: string;
  health: string;
  revision: string;
  lastSync?: { phase: string; message: string; finishedAt?: string; revision?: string };
  conditions: Array<{ type: string; message: string }>;
  /** RollingSync step of the ApplicationSet (when a rollout runs) */
  rollout?: { status: string; step?: string; message?: string };
  unhealthy: UnhealthyResource[];
  verdict: 'ready' | 'progressing' | 'failed';
}

export interface StatusOptions {
  api: KubeApi;
  namespace: string;
  tenant?: string;
  signal?: AbortSignal;
  /** skip the walk-down (watch mode refreshes often) */
  diagnose?: boolean;
}

const APP = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };
const APPSET = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet' };

/** Argo CD's own failure conditions (anything ending in Error, plus SyncError/ComparisonError/InvalidSpecError). */
const isErrorCondition = (type: string) => /Error$/.test(type);

export function verdictOf(row: Pick<AppRow, 'sync' | 'health' | 'conditions' | 'lastSync'>): AppRow['verdict'] {
  if (row.conditions.some((c) => isErrorCondition(c.type)) || row.health === 'Degraded' || row.lastSync?.phase === 'Failed' || row.lastSync?.phase === 'Error') return 'failed';
  if (row.sync === 'Synced' && row.health === 'Healthy') return 'ready';
  return 'progressing';
}

function rowOf(app: any, rollout: Map<string, AppRow['rollout']>): AppRow {
  const st = app.status ?? {};
  const op = st.operationState;
  const row: AppRow = {
    tenant: app.metadata?.labels?.['logclaw.io/tenant'] ?? app.metadata?.name,
    application: app.metadata?.name,
    cluster: app.spec?.destination?.name ?? app.spec?.destination?.server ?? DEFAULT_CLUSTER,
    wave: app.metadata?.labels?.['logclaw.io/wave'] ?? '',
    sync: st.sync?.status ?? 'Unknown',
    health: st.health?.status ?? 'Unknown',
    revision: String(st.sync?.revision ?? '').slice(0, 12),
    lastSync: op ? { phase: op.phase, message: op.message ?? '', finishedAt: op.finishedAt, revision: op.syncResult?.revision } : undefined,
    conditions: (st.conditions ?? []).map((c: any) => ({ type: c.type, message: c.message })),
    rollout: rollout.get(app.metadata?.name),
    unhealthy: [],
    verdict: 'progressing',
  };
  row.verdict = verdictOf(row);
  return row;
}

const apiVersionOf = (r: ArgoResourceStatus) => (r.group ? `${r.group}/${r.version}` : String(r.version));

/** The Applications of the LogClaw tenants (one, with --tenant), with the walk-down for the unhealthy ones. */
export async function gitopsStatus(o: StatusOptions): Promise<AppRow[]> {
  let apps: KubeObject[];
  try {
    apps = (await o.api.list({ ...APP, namespace: o.namespace }, { labelSelector: o.tenant ? `logclaw.io/tenant=${o.tenant}` : 'logclaw.io/tenant', signal: o.signal })).items;
  } catch (e) {
    if (/404|not found|could not find the requested resource|no resource/i.test(String((e as Error).message))) {
      throw new LogclawError(`Argo CD is not installed on this cluster (no Application CRD)`, { exitCode: ExitCode.missingPrerequisite, hint: 'Install Argo CD, then logclaw gitops bootstrap --apply.' });
    }
    throw e;
  }
  // RollingSync progress lives on the ApplicationSet
  const rollout = new Map<string, AppRow['rollout']>();
  for (const set of (await o.api.list({ ...APPSET, namespace: o.namespace }, { signal: o.signal }).catch(() => ({ items: [] as KubeObject[] }))).items) {
    for (const s of ((set as any).status?.applicationStatus ?? []) as any[]) rollout.set(s.application, { status: s.status, step: s.step, message: s.message });
  }
  const rows = apps.map((a) => rowOf(a, rollout)).sort((a, b) => a.tenant.localeCompare(b.tenant));
  if (o.tenant && !rows.length) {
    throw new LogclawError(`no Argo CD Application for tenant ${o.tenant} in namespace ${o.namespace}`, {
      exitCode: ExitCode.usage,
      hint: `Is gitops/tenants/tenant-${o.tenant}.yaml committed on the revision the ApplicationSet follows? (logclaw gitops status --all lists the tenants Argo CD knows)`,
    });
  }
  if (o.diagnose === false) return rows;
  const { diagnose, formatDiagnosis } = await import('../diagnose/index.js');
  const { apiReader } = await import('../diagnose/reader.js');
  const reader = apiReader(o.api, o.signal);
  for (const [i, row] of rows.entries()) {
    if (row.health === 'Healthy') continue;
    const app = apps.find((a) => a.metadata?.name === row.application) as any;
    for (const r of (app?.status?.resources ?? []) as ArgoResourceStatus[]) {
      const h = argoHealthOf(r);
      if (h === 'Healthy') continue;
      const object = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      let lines: string[] = [];
      if (row.cluster === DEFAULT_CLUSTER || row.cluster === 'https://kubernetes.default.svc') {
        const d = await diagnose(reader, { apiVersion: apiVersionOf(r), kind: r.kind, namespace: r.namespace, name: r.name });
        lines = formatDiagnosis(d);
      }
      rows[i]!.unhealthy.push({ object, health: `${h} (${readinessOfArgo(h)})`, message: r.health?.message ?? '', diagnosis: lines });
    }
  }
  return rows;
}

/** `gitops status --watch`: the rows read every `intervalMs`, handed to `onChange` whenever one changes, until the signal aborts. */
export function watchGitopsStatus(o: StatusOptions & { signal: AbortSignal; intervalMs: number; onChange: (rows: AppRow[]) => void }): Promise<void> {
  return watchChanges({
    read: () => gitopsStatus(o),
    key: (rows) => JSON.stringify(rows.map((r) => [r.application, r.sync, r.health, r.revision, r.lastSync?.phase, r.rollout?.status, r.conditions])),
    onChange: o.onChange,
    wake: every(o.intervalMs),
    signal: o.signal,
  });
}

export function statusExit(rows: AppRow[]): number {
  if (rows.some((r) => r.verdict === 'failed')) return ExitCode.checkFailed;
  if (rows.some((r) => r.verdict !== 'ready')) return ExitCode.timeout;
  return ExitCode.ok;
}
