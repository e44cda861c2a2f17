/** Types of `logclaw verify`: steps, their results and the report the reporters render. */

export type StepStatus = 'pass' | 'fail' | 'skip';

/** What a step's run() returns (the runner adds timing and numbering). */
export interface StepOutcome {
  status: StepStatus;
  /** One line: what was seen (pass), what went wrong (fail) or why it did not run (skip). */
  summary: string;
  /** Facts backing the verdict: requests and answers, pods, offsets, hits. */
  evidence?: string[];
  /** On failure: the hop of the pipeline that broke, e.g. "Vector HTTP source (logclaw-ingestion:8080)". */
  hop?: string;
  /** On failure: what to do about it. */
  hint?: string;
}

export interface StepResult extends StepOutcome {
  /** 1-based position. */
  n: number;
  id: string;
  title: string;
  durationMs: number;
  evidence: string[];
}

export interface CleanupResult {
  /** What was removed (or would have been, with --keep-data: listed under kept). */
  removed: string[];
  kept: string[];
  problems: string[];
}

export interface VerifyReport {
  tenant: string;
  namespace: string;
  context: string;
  environment: string;
  marker: string;
  startedAt: string;
  durationMs: number;
  /** Number of failed steps; 0 means the pipeline works end to end. */
  failed: number;
  passed: number;
  skipped: number;
  interrupted: boolean;
  exitCode: number;
  steps: StepResult[];
  cleanup: CleanupResult;
}
