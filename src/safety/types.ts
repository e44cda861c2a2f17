import type { NamedKubeObject } from './objects.js';

/**
 * How risky a change is, from harmless to refused:
 * - safe: applies in place, nothing restarts;
 * - restart: pods roll (the finding names the workloads), no outage with more than one replica;
 * - disruptive: an outage or a capacity/quorum change while it applies, but no data is lost;
 * - immutable: the API server (or the operator) rejects the change; it needs a documented procedure;
 * - data-loss: applying it deletes or makes unreachable stored data.
 * immutable and data-loss are refused by `upgrade` unless --force.
 */
export const VERDICTS = ['safe', 'restart', 'disruptive', 'immutable', 'data-loss'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const verdictRank = (v: Verdict): number => VERDICTS.indexOf(v);
export const worst = (vs: Iterable<Verdict>): Verdict => {
  let w: Verdict = 'safe';
  for (const v of vs) if (verdictRank(v) > verdictRank(w)) w = v;
  return w;
};
export const isBlocking = (v: Verdict): boolean => v === 'immutable' || v === 'data-loss';

export interface SafetyFinding {
  verdict: Verdict;
  /** `Kind namespace/name` of the object the finding is about (or `tenant ID` for tenant-level findings). */
  object: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The field path that triggers it (spec.volumeClaimTemplates), when there is one. */
  field?: string;
  message: string;
  /** What to do instead, or how to go through with it. */
  fix?: string;
  /** For restart (and disruptive rollouts): the workloads whose pods roll, as `Kind name`. */
  workloads?: string[];
  /** Immutable StatefulSet changes `upgrade --recreate` can carry out (orphan-delete and re-create). */
  recreate?: { kind: 'StatefulSet'; namespace: string; name: string };
  /** Workloads that read a changed ConfigMap/Secret only at start and need a rollout restart. */
  rolloutRestart?: Array<{ kind: string; namespace: string; name: string }>;
}

/** One object's change: before absent → created, after absent → deleted. */
export interface ObjectChange {
  before?: NamedKubeObject;
  after?: NamedKubeObject;
}

/** Tenant values (the umbrella chart's values), only what safety reads. */
export interface TenantValues {
  global?: { tenantId?: string; [k: string]: unknown };
  [component: string]: unknown;
}

export interface SafetyContext {
  /** The tenant as installed and as about to be installed: tenantId and namespace changes are refused. */
  tenant?: {
    before?: { tenantId?: string; namespace?: string; values?: TenantValues };
    after?: { tenantId?: string; namespace?: string; values?: TenantValues };
  };
  /** Every desired object (rendered), for cross-object facts (index replicas, Cruise Control). Defaults to the changes' `after`. */
  desired?: NamedKubeObject[];
  /** Every live object, for cross-object facts. Defaults to the changes' `before`. */
  live?: NamedKubeObject[];
  /**
   * Components whose release the upgrade uninstalls (helmfile mode: one release per component), with the live
   * objects the release holds. Their storage decides between disruptive and data-loss.
   */
  removedComponents?: Array<{ name: string; objects: NamedKubeObject[] }>;
  /** Replicas of the OpenSearch indices; default: the highest number_of_replicas in the desired index templates, else 1. */
  indexReplicas?: number;
}

export interface Assessment {
  /** The worst verdict over every finding (safe when there are none). */
  verdict: Verdict;
  findings: SafetyFinding[];
  /** Findings that `upgrade` refuses without --force. */
  blocking: SafetyFinding[];
  /** Workloads whose pods roll, as `Kind namespace/name`, deduplicated. */
  restarts: string[];
  counts: Record<Verdict, number>;
}
