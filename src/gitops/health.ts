/**
 * Argo CD's health words next to logclaw's readiness verdicts. Argo CD (gitops-engine) reports Healthy,
 * Progressing, Degraded, Suspended, Missing or Unknown per resource and leaves `health` out for kinds it has
 * no assessment for (ConfigMap, Secret, RBAC...), which count as healthy; logclaw says ready, progressing or
 * failed (src/readiness). Pure.
 */
import type { ReadinessStatus } from '../readiness/types.js';

export type ArgoHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** One entry of Application.status.resources (the fields used here). */
export interface ArgoResourceStatus {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status?: string; message?: string };
}

/** The health Argo CD aggregates for a resource: no assessment counts as Healthy. */
export function argoHealthOf(r: Pick<ArgoResourceStatus, 'health'>): ArgoHealth {
  return (r.health?.status as ArgoHealth | undefined) ?? 'Healthy';
}

/** The logclaw verdict an Argo CD health word means. */
export function readinessOfArgo(h: ArgoHealth): ReadinessStatus | 'missing' | 'unknown' {
  switch (h) {
    case 'Healthy': return 'ready';
    case 'Progressing': case 'Suspended': return 'progressing';
    case 'Degraded': return 'failed';
    case 'Missing': return 'missing';
    default: return 'unknown';
  }
}

export interface AgreementRow { ref: string; argo: ArgoHealth; logclaw: ReadinessStatus }

/** Each row with whether both engines say the same thing. */
export function readinessAgreement<T extends AgreementRow>(rows: T[]): Array<T & { agree: boolean }> {
  return rows.map((r) => ({ ...r, agree: readinessOfArgo(r.argo) === r.logclaw }));
}
