/**
 * The step runner: runs steps in order, each with its own slice of the overall deadline, and turns
 * whatever happens (an outcome, a thrown error, the deadline, Ctrl-C) into one StepResult with a
 * duration. A step that needs another step which did not pass is skipped with that reason. Resources
 * a step opens are registered with `onClose` and always released; data it leaves behind is registered
 * with `onCleanup` and removed at the end unless the caller keeps it.
 */
import { isLogclawError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { StepOutcome, StepResult } from './types.js';

export interface StepContext {
  /** Aborted on Ctrl-C or when the run's deadline passes. */
  signal: AbortSignal;
  /** Epoch ms at which the whole run must end. */
  deadline: number;
  /** Milliseconds left before the deadline (never negative). */
  remaining(): number;
  /** Results of the steps run so far. */
  results: ReadonlyMap<string, StepResult>;
}

export interface Step<C> {
  id: string;
  title: string;
  /** The hop reported when the step throws without naming one. */
  hop: string;
  /** Step ids that must have passed for this one to make sense. */
  needs?: string[];
  run(ctx: C & StepContext): Promise<StepOutcome>;
}

export interface RunOptions {
  /** Ctrl-C. */
  signal?: AbortSignal;
  /** Overall budget in ms. */
  timeoutMs: number;
  /** Called when a step starts and when it ends (progress lines). */
  onStepStart?: (n: number, step: { id: string; title: string }) => void;
  onStepEnd?: (result: StepResult) => void;
  now?: () => number;
}

export interface RunResult {
  steps: StepResult[];
  interrupted: boolean;
  timedOut: boolean;
}

export class DeadlineError extends Error {
  constructor(readonly budgetMs: number) {
    super(`the --timeout budget (${formatDuration(budgetMs)}) was spent`);
    this.name = 'DeadlineError';
  }
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runSteps<C extends object>(steps: Step<C>[], base: C, options: RunOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  const results = new Map<string, StepResult>();
  const out: StepResult[] = [];
  let interrupted = false;
  let timedOut = false;

  for (const [i, step] of steps.entries()) {
    const n = i + 1;
    const t0 = now();
    const finish = (outcome: StepOutcome): StepResult => {
      const r: StepResult = {
        n,
        id: step.id,
        title: step.title,
        ...outcome,
        evidence: outcome.evidence ?? [],
        durationMs: Math.max(0, now() - t0),
      };
      if (r.status !== 'fail') {
        delete r.hop;
        delete r.hint;
      } else r.hop ??= step.hop;
      results.set(step.id, r);
      out.push(r);
      options.onStepEnd?.(r);
      return r;
    };

    if (interrupted || options.signal?.aborted) {
      interrupted = true;
      finish({ status: 'skip', summary: 'not run: interrupted' });
      continue;
    }
    if (timedOut || now() >= deadline) {
      timedOut = true;
      finish({ status: 'skip', summary: `not run: ${new DeadlineError(options.timeoutMs).message}` });
      continue;
    }
    const unmet = (step.needs ?? []).map((id) => results.get(id)).find((r) => r && r.status !== 'pass');
    if (unmet) {
      finish({ status: 'skip', summary: `not run: needs step ${unmet.n} (${unmet.title}), which ${unmet.status === 'fail' ? 'failed' : 'was skipped'}` });
      continue;
    }

    options.onStepStart?.(n, step);
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DeadlineError(options.timeoutMs)), Math.max(0, deadline - now()));
    const ctx = Object.assign(Object.create(null) as object, base, {
      signal: controller.signal,
      deadline,
      remaining: () => Math.max(0, deadline - now()),
      results,
    }) as C & StepContext;
    // A step that ignores its signal must not hold the run: race it against the abort.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const outcome = await Promise.race([step.run(ctx), aborted]);
      finish(outcome);
    } catch (e) {
      if (options.signal?.aborted) {
        interrupted = true;
        finish({ status: 'fail', summary: 'interrupted', hint: 'Run it again; nothing was left behind.' });
      } else if (e instanceof DeadlineError || controller.signal.reason instanceof DeadlineError) {
        timedOut = true;
        finish({
          status: 'fail',
          summary: `timed out: ${new DeadlineError(options.timeoutMs).message} while this step ran`,
          hint: `Give verify more time (--timeout) or look at this hop; \`logclaw status\` shows what is not ready.`,
        });
      } else {
        finish({
          status: 'fail',
          summary: errorMessage(e),
          ...(isLogclawError(e) ? { evidence: e.details.map((d) => d.trim()).filter(Boolean), hint: e.hint } : {}),
        });
      }
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (!controller.signal.aborted) controller.abort(new Error('step finished'));
    }
  }
  return { steps: out, interrupted, timedOut };
}

/** Closers and cleanups, run in reverse order of registration; each failure is collected, none stops the others. */
export class Closer {
  private readonly fns: Array<{ what: string; fn: () => Promise<void> | void }> = [];
  add(what: string, fn: () => Promise<void> | void): void {
    this.fns.push({ what, fn });
  }
  get size(): number {
    return this.fns.length;
  }
  /** Runs everything (latest first) within timeoutMs; returns [done, problems]. */
  async run(timeoutMs: number): Promise<{ done: string[]; problems: string[] }> {
    const done: string[] = [];
    const problems: string[] = [];
    const fns = this.fns.splice(0).reverse();
    const deadline = Date.now() + timeoutMs;
    for (const { what, fn } of fns) {
      const left = deadline - Date.now();
      if (left <= 0) {
        problems.push(`${what}: not done (no time left)`);
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(fn),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`still running when the ${formatDuration(timeoutMs)} for cleanup ran out`)), left);
          }),
        ]);
        done.push(what);
      } catch (e) {
        problems.push(`${what}: ${errorMessage(e)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return { done, problems };
  }
}
