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
export type { KubeObject } from '../kube-object.js';
import type { KubeObject } from '../kube-object.js';

export type VerdictFn = (obj: KubeObject) => Verdict;
