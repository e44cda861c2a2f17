import { usageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "2m", "90s", "1m30s", "500ms", "1h"; a bare number is seconds. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0];
  }
  if (!consumed || consumed !== t || total <= 0) throw usageError(`${flag} ${text}: not a duration`, 'Use e.g. 90s, 2m, 1m30s.');
  return Math.round(total);
}
