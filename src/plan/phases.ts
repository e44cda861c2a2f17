/**
 * A long lifecycle command as a list of phases run in order. Core modules build the phases and do the work
 * through the PhaseControl each is given, never printing; the command layer (src/commands/progress.ts) renders them.
 */

export interface PhaseControl {
  /** What the phase is doing or waiting for now (replaces the previous line). */
  update(text: string): void;
  /** Something worth keeping in the output (recovered a release, reused a cluster…). */
  note(text: string): void;
  signal: AbortSignal;
}

export interface Phase {
  title: string;
  /** Returns a one-line result (shown after the title) or nothing. Throwing fails the command. */
  run(ctl: PhaseControl): Promise<string | void>;
  /** Skip it (shown as skipped with this reason). */
  skip?: string;
}

export interface PhaseTiming {
  title: string;
  ms: number;
  result?: string;
  status: 'done' | 'skipped' | 'failed' | 'interrupted';
}
