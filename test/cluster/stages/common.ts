// Building blocks for KWOK Stage resources (kwok.x-k8s.io/v1alpha1). A Stage selects objects of
// one kind with jq match expressions, waits a delay and then patches status, emits an event,
// applies another object or deletes. Base stages (what a healthy kubelet / operator does) carry
// weight 0; scenario stages carry weight 1, and KWOK never picks a weight-0 stage while a stage with
// positive weight matches the same object, so scenarios override the base deterministically.
import type { KubeObject } from '../lib/kube.ts';

export const STAGE_API = 'kwok.x-k8s.io/v1alpha1';
export const SIM_LABEL = 'sim.logclaw.dev/scenario';

/** Which objects a scenario rule applies to. Every given field must match. */
export interface Match {
  namespace?: string | string[];
  /** exact object name, or a prefix when it ends with `*` */
  name?: string;
  labels?: Record<string, string>;
}

export interface Expr {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface StepSpec {
  event?: { type: string; reason: string; message: string };
  status?: string;
  apply?: string;
  delete?: boolean;
}

export interface StageSpecInput {
  name: string;
  apiGroup: string;
  kind: string;
  match?: Match;
  exprs: Expr[];
  /** real milliseconds */
  delayMs?: number;
  weight: number;
  steps: StepSpec[];
  scenario?: string;
}

export const q = (s: string) => JSON.stringify(s);

export function matchExprs(m: Match | undefined): { exprs: Expr[]; labels?: Record<string, string> } {
  const exprs: Expr[] = [];
  if (!m) return { exprs };
  if (m.namespace !== undefined) {
    exprs.push({ key: '.metadata.namespace', operator: 'In', values: Array.isArray(m.namespace) ? m.namespace : [m.namespace] });
  }
  if (m.name !== undefined) {
    if (m.name.endsWith('*')) {
      exprs.push({ key: `.metadata.name | startswith(${q(m.name.slice(0, -1))})`, operator: 'In', values: ['true'] });
    } else {
      exprs.push({ key: '.metadata.name', operator: 'In', values: [m.name] });
    }
  }
  return { exprs, labels: m.labels };
}

export function stage(s: StageSpecInput): KubeObject {
  const { exprs, labels } = matchExprs(s.match);
  return {
    apiVersion: STAGE_API,
    kind: 'Stage',
    metadata: {
      name: s.name,
      labels: { 'app.kubernetes.io/managed-by': 'logclaw-sim', ...(s.scenario ? { [SIM_LABEL]: s.scenario } : {}) },
    },
    spec: {
      resourceRef: { apiGroup: s.apiGroup, kind: s.kind },
      selector: {
        ...(labels && Object.keys(labels).length ? { matchLabels: labels } : {}),
        matchExpressions: [...exprs, ...s.exprs],
      },
      weight: s.weight,
      ...(s.delayMs !== undefined && s.delayMs > 0 ? { delay: { durationMilliseconds: Math.round(s.delayMs) } } : {}),
      steps: s.steps.flatMap((st) => {
        const out: unknown[] = [];
        if (st.event) out.push({ event: st.event });
        if (st.status) out.push({ patch: { subresource: 'status', root: 'status', template: st.status } });
        if (st.apply) out.push({ apply: { template: st.apply } });
        if (st.delete) out.push({ delete: true });
        return out;
      }),
    },
  };
}

/** Where a controller's stages apply: one kind, a weight (0 base, 1 scenario), and optionally some objects. */
export interface StageTarget {
  apiGroup: string;
  kind: string;
  weight: number;
  match?: Match;
  scenario?: string;
}

/** One thing a controller does: to objects the selector matches, after the delay, one step (event, status, apply, delete). */
export interface Transition extends StepSpec {
  /** stage name: `<prefix>-<name>` */
  name: string;
  exprs: Expr[];
  /** real milliseconds */
  delayMs?: number;
}

/**
 * The one stage builder: a controller's behaviour (a kubelet's pod lifecycle, an operator's status for a kind,
 * a scenario's failure mode) is a table of transitions, each becoming one Stage.
 */
export function stagesOf(prefix: string, target: StageTarget, transitions: Transition[]): KubeObject[] {
  return transitions.map(({ name, exprs, delayMs, ...step }) => stage({ ...target, name: `${prefix}-${name}`, exprs, delayMs, steps: [step] }));
}

export const notDeleted: Expr = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
/** A jq path whose value is one of `values`. */
export const field = (path: string, ...values: string[]): Expr => ({ key: path, operator: 'In', values });
/** The status of the condition of this type is one of `values`. */
export const cond = (type: string, ...values: string[]): Expr => field(`.status.conditions.[] | select( .type == ${q(type)} ) | .status`, ...values);

/** Seconds on the scenario clock → real milliseconds. */
export function scaled(seconds: number | undefined, timeScale: number): number {
  return Math.max(0, Math.round((seconds ?? 0) * 1000 * timeScale));
}

export function dnsName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'x';
}
