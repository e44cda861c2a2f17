/**
 * Rendering of long lifecycle commands: a list of phases (src/plan/phases.ts) run in order,
 * listr2 tasks on a TTY, one plain line per event otherwise — and never silent for more than 10 s: every
 * phase repeats what it waits for. Returns per-phase timings for the summary. Core work only calls the
 * PhaseControl it is given; it never prints.
 */
import type { Output } from '../output.js';
import { LogclawError } from '../errors.js';
import type { Phase, PhaseControl, PhaseTiming } from '../plan/phases.js';
import { formatDuration } from '../duration.js';

const SILENCE_MS = 8000;

export async function runPhases(phases: Phase[], o: { out: Output; signal: AbortSignal; command: string; tty?: boolean }): Promise<PhaseTiming[]> {
  const tty = o.tty ?? (o.out.isTTY && process.stderr.isTTY && !o.out.json && process.env.CI === undefined);
  return tty ? runListr(phases, o) : runPlain(phases, o);
}

async function runPlain(phases: Phase[], o: { out: Output; signal: AbortSignal; command: string }): Promise<PhaseTiming[]> {
  const timings: PhaseTiming[] = [];
  for (const p of phases) {
    // Ctrl-C during a phase that does not watch the signal: stop before the next one
    if (o.signal.aborted) throw o.signal.reason;
    if (p.skip) {
      o.out.info(`${o.command}: ${p.title}: skipped (${p.skip})`);
      timings.push({ title: p.title, ms: 0, status: 'skipped', result: p.skip });
      continue;
    }
    const t0 = Date.now();
    let last = '';
    let lastAt = Date.now();
    const line = (text: string) => {
      last = text;
      lastAt = Date.now();
      o.out.info(`${o.command}: ${p.title}: ${text}`);
    };
    line('started');
    // plain mode: a changed status is printed at most every 2 s; anything is repeated within 10 s
    let pending: string | undefined;
    const timer = setInterval(() => {
      if (pending !== undefined && pending !== last && Date.now() - lastAt >= 2000) {
        line(pending);
        pending = undefined;
      } else if (Date.now() - lastAt >= SILENCE_MS) line(`still ${pending ?? last}`.replace(/^still still /, 'still '));
    }, 1000);
    try {
      const result = await p.run({
        update: (text) => {
          if (Date.now() - lastAt >= 2000) line(text);
          else pending = text;
        },
        note: (text) => line(text),
        signal: o.signal,
      });
      const ms = Date.now() - t0;
      o.out.info(`${o.command}: ${p.title}: done in ${formatDuration(ms)}${result ? ` — ${result}` : ''}`);
      timings.push({ title: p.title, ms, result: result || undefined, status: 'done' });
    } catch (e) {
      const interrupted = e instanceof LogclawError && e.exitCode === 130;
      o.out.info(`${o.command}: ${p.title}: ${interrupted ? 'interrupted' : 'failed'} after ${formatDuration(Date.now() - t0)}`);
      throw e;
    } finally {
      clearInterval(timer);
    }
  }
  return timings;
}

async function runListr(phases: Phase[], o: { out: Output; signal: AbortSignal; command: string }): Promise<PhaseTiming[]> {
  const { Listr } = await import('listr2');
  const timings: PhaseTiming[] = [];
  const list = new Listr(
    phases.map((p) => ({
      title: p.title,
      skip: p.skip ? `${p.title}: skipped (${p.skip})` : false,
      rendererOptions: { persistentOutput: true, outputBar: 1 },
      task: async (_ctx: unknown, task: { output: string; title: string }) => {
        if (o.signal.aborted) throw o.signal.reason;
        const t0 = Date.now();
        const notes: string[] = [];
        let last = '';
        let lastAt = Date.now();
        const set = (text: string) => {
          last = text;
          lastAt = Date.now();
          task.output = text;
        };
        // after a silence, the last line again with the phase's elapsed time (every SILENCE_MS until the next line)
        const timer = setInterval(() => {
          if (Date.now() - lastAt < SILENCE_MS || !last) return;
          lastAt = Date.now();
          task.output = `${last} (${formatDuration(lastAt - t0)})`;
        }, 1000);
        try {
          const result = await p.run({ update: set, note: (t) => (notes.push(t), set(t)), signal: o.signal });
          const ms = Date.now() - t0;
          task.title = `${p.title} (${formatDuration(ms)})${result ? ` — ${result}` : ''}`;
          task.output = notes.join('\n');
          timings.push({ title: p.title, ms, result: result || undefined, status: 'done' });
        } finally {
          clearInterval(timer);
        }
      },
    })),
    { concurrent: false, exitOnError: true, registerSignalListeners: false, rendererOptions: { collapseSubtasks: false, showErrorMessage: false }, renderer: 'default', fallbackRenderer: 'simple' },
  );
  await list.run();
  for (const p of phases) if (p.skip) timings.push({ title: p.title, ms: 0, status: 'skipped', result: p.skip });
  return timings;
}
