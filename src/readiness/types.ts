/**
 * Types of the readiness engine: an object as the API server returns it, and one verdict per object.
 */

export type ReadinessStatus = 'ready' | 'progressing' | 'failed';

export interface Verdict {
  status: ReadinessStatus;
  /** One line for people: what the object is doing or what is wrong with it. */
  message: string;
  /**
   * Why a not-ready object is not ready when it is not simply "working on it":
   * Suspended (paused on purpose), Terminating (being deleted), NotObserved (the controller has not seen the
   * latest spec yet), NoStatus (no controller has written a status yet).
   */
  reason?: 'Suspended' | 'Terminating' | 'NotObserved' | 'NoStatus';
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string | null;
  severity?: string;
}

/** A Kubernetes object as plain JSON (API server response or parsed manifest). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    deletionTimestamp?: string | null;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }>;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  // spec and status are free-form; handlers read them through the small accessors in conditions.ts
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}

export type VerdictFn = (obj: KubeObject) => Verdict;
