/**
 * The fast path of `logclaw tenant validate [paths...] [--json] [--no-color] [--debug]`.
 *
 * bin/logclaw.js sends exactly those arguments here instead of building the commander tree (which,
 * with chalk and every command file, costs about as much as Node's own start-up), so validating
 * one file stays within 1.8× `node -e 0` (bench/cli.mjs). Anything else (--help, other flags)
 * goes through src/cli.ts, whose `tenant validate` prints the same output with the same exit codes.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, LogclawError } from '../errors.js';
import { requireRepoRoot } from '../root.js';
import type { Style } from '../output.js';
import { formatReport } from './report.js';
import { validateTenantFiles } from './validate.js';

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  dim: [2, 22],
  bold: [1, 22],
  underline: [4, 24],
};

/**
 * In the bundle (dist/tenant/validate-cli.cjs): is it older than a module tsc wrote since? Then bin
 * uses the ES modules instead. (The ES module itself is never stale.)
 */
export function isStaleBundle(): boolean {
  const self = fileURLToPath(import.meta.url);
  if (!self.endsWith('.cjs')) return false;
  const dir = dirname(self);
  const built = statSync(self).mtimeMs;
  return readdirSync(dir).some((f) => f.endsWith('.js') && statSync(join(dir, f)).mtimeMs > built);
}

/** The same decision as output.ts defaultColor, without loading chalk. */
function colorFor(stream: { isTTY?: boolean }, argv: string[]): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (argv.includes('--no-color')) return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

export async function runValidate(args: string[]): Promise<number> {
  // `logclaw tenant validate --json | head`: a closed pipe ends the run quietly
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const json = args.includes('--json');
  const debug = args.includes('--debug');
  const paths = args.filter((a) => !a.startsWith('-'));
  const color = colorFor(process.stdout, args);
  const style = (f: Style, t: string) => (color ? `\u001b[${CODES[f][0]}m${t}\u001b[${CODES[f][1]}m` : t);
  try {
    const result = await validateTenantFiles(paths, { cwd: paths.length ? (process.env.LOGCLAW_ROOT ?? process.cwd()) : requireRepoRoot(process.cwd()) });
    if (json) process.stdout.write(JSON.stringify(result.findings, null, 2) + '\n');
    else process.stdout.write(formatReport(result, { style }, { codeFrame: Boolean(process.stdout.isTTY) }) + '\n');
    return result.errors > 0 ? ExitCode.checkFailed : ExitCode.ok;
  } catch (e) {
    const errColor = colorFor(process.stderr, args);
    const red = (s: string) => (errColor ? `\u001b[31m${s}\u001b[39m` : s);
    if (e instanceof LogclawError) {
      process.stderr.write(`${red('error:')} ${e.message}\n`);
      for (const d of e.details) process.stderr.write(`${d}\n`);
      if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`${red('error:')} ${err.message}\n`);
    process.stderr.write(debug ? `${err.stack}\n` : '(an unexpected error; run with --debug for the stack trace)\n');
    return ExitCode.checkFailed;
  }
}
