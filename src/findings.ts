/**
 * The one Finding: a problem found by a check (tenant validation, chart and helmfile checks, manifest
 * validation, lint), with where it is. Tenant validation's findings are always positioned (file, line,
 * column, value path); lint reports them as they are, under its own rule `tenant`.
 * (Change safety's verdicts on a diff are another thing: SafetyFinding in src/safety/types.ts.)
 */

export type Severity = 'error' | 'warning';

/** `Kind namespace/name` identity of an object. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  /** Rule id (manifest rules in src/manifests/rules.ts, tenant rules in src/tenant/types.ts RULES, `schema`). */
  rule: string;
  severity: Severity;
  message: string;
  /** File the finding is about (template, Chart.yaml, helmfile, tenant file). */
  file?: string;
  /** 1-based. */
  line?: number;
  column?: number;
  object?: ObjectRef;
  /** Field path inside the object or file, e.g. `spec.template.spec.containers[0].image` or `global.tier`. */
  path?: string;
  /** Tenant id (for findings of a tenant render or tenant file). */
  tenant?: string;
  /** Chart name (the chart whose template or Chart.yaml the finding is about). */
  chart?: string;
  /** What was rendered or checked: `tenant acme`, `chart logclaw-kafka (ci/ha-values.yaml)`, `helmfile.d`. */
  target?: string;
}

/** A finding in a file, at a line and column, with the value path ('' for the file as a whole). */
export type PositionedFinding = Finding & { file: string; line: number; column: number; path: string };

/** True when a value has the shape of a PositionedFinding (used where findings cross a process or module boundary). */
export function isPositionedFinding(f: unknown): f is PositionedFinding {
  if (f === null || typeof f !== 'object') return false;
  const o = f as Record<string, unknown>;
  return (
    typeof o.rule === 'string' &&
    (o.severity === 'error' || o.severity === 'warning') &&
    typeof o.message === 'string' &&
    typeof o.file === 'string' &&
    typeof o.line === 'number' &&
    typeof o.column === 'number' &&
    typeof o.path === 'string'
  );
}
