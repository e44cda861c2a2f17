/**
 * Golden files for what logclaw prints, as helm's tests keep them: test/golden/testdata/<name>.golden holds the
 * exact output, compared byte for byte after normalising only what must vary between runs (durations, temp
 * paths, random tenant ids, local ports, markers, tool versions of the machine). Update them after a deliberate
 * change of the output with
 *
 *   npm run test:golden:update        (UPDATE_GOLDEN=1 npx vitest run test/golden)
 *
 * and review the diff of testdata/ like code.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
export const updating = process.env.UPDATE_GOLDEN === '1';

/** One replacement: every match of `pattern` becomes `by` (a placeholder such as <DURATION>). */
export type Rule = [pattern: RegExp, by: string];

/** Durations as logclaw prints them (0.8 s, 12 s, 2 min 5 s; 65 ms per render; helm's 598ms, 3m20s), and JUnit's time="0.349", whatever they measured. */
export const DURATIONS: Rule = [/\b\d+ min \d+ s\b|\b\d+(?:\.\d+)?(?:ms|s|m\d+s|m)\b|\b\d+(?:\.\d+)? m?s\b/g, '<DURATION>'];
export const JUNIT_TIMES: Rule = [/ time="\d+(?:\.\d+)?"/g, ' time="<SECONDS>"'];
/**
 * A doctor check whose result depends on this machine (its kernel limits, the ports other programs hold):
 * the check's line and its fix line become one placeholder.
 */
export const machineCheck = (title: string): Rule => [new RegExp(`^[✓✗!] ${title.replace(/[()+.]/g, '\\$&')} .*(\n {20,}.*)*$`, 'gm'), `<${title}: depends on this machine>`];
/** A literal string (a temp dir, a random id) wherever it stands. */
export const literal = (text: string, by: string): Rule => [new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), by];
/** 127.0.0.1:PORT and localhost:PORT of forwards and test servers. */
export const LOCAL_PORTS: Rule = [/\b(127\.0\.0\.1|localhost):\d{2,5}\b/g, '$1:<PORT>'];

export function normalize(text: string, rules: Rule[]): string {
  return rules.reduce((t, [pattern, by]) => t.replace(pattern, by), text);
}

/**
 * Compare `actual` (normalised by `rules`) with testdata/<name>.golden, or write it there under UPDATE_GOLDEN=1.
 * A missing golden file fails (it is never created silently).
 */
export function expectGolden(name: string, actual: string, rules: Rule[] = []): void {
  const file = join(testdata, `${name}.golden`);
  const text = normalize(actual, rules);
  if (updating) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run \`npm run test:golden:update\` and review it`);
  const want = readFileSync(file, 'utf8');
  expect(text, `${name}.golden differs (after a deliberate output change: npm run test:golden:update)`).toBe(want);
}

/** What a command printed, in one golden file: exit code, stdout, stderr. */
export function transcript(r: { code: number; stdout: string; stderr: string }): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}${r.stdout.endsWith('\n') || !r.stdout ? '' : '\n'}--- stderr\n${r.stderr}${r.stderr.endsWith('\n') || !r.stderr ? '' : '\n'}`;
}
