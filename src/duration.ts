/** The one duration grammar of logclaw's flags and settings (--timeout, LOGCLAW_FAIL_GRACE). */
import { usageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "2m", "90s", "1m30s", "1h30m", "500ms", "1.5h"; a bare number is seconds. Milliseconds, > 0. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t) && Number(t) > 0) return Math.round(Number(t) * 1000);
  let total = 0;
  let consumed = '';
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0];
  }
  if (!consumed || consumed !== t || total <= 0) throw usageError(`${flag} ${text}: not a duration`, 'Use e.g. 90s, 20m, 1m30s or 1h.');
  return Math.round(total);
}

/**
 * The one way logclaw prints a duration: "59 ms" under a second, "1.2 s" under 10 s, "12 s" under 2 min, "2 min 5 s" beyond (a space
 * before the unit; seconds rounded, so never "1 min 60 s"). Machine-read times (JUnit's time="0.349") stay
 * decimal seconds: see junitSeconds.
 */
export function formatDuration(ms: number): string {
  const t = Math.max(0, ms);
  if (t < 999.5) return `${Math.round(t)} ms`;
  if (t < 9_950) return `${(t / 1000).toFixed(1)} s`;
  const s = Math.round(t / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Seconds with three decimals, as JUnit's `time` attribute wants them: "0.349". */
export const junitSeconds = (ms: number): string => (ms / 1000).toFixed(3);
