/**
 * Entry point: builds the command tree, runs it, and is the only place errors are printed.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExitCode, LogclawError } from './errors.js';
import { defaultColor } from './output.js';
import { interruptController } from './commands/interrupt.js';
import { formatVersion, versionInfo } from './version.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The directory of logclaw's package.json (charts/, schemas/ beside it). */
export const packageDir = (): string => fileURLToPath(new URL('..', import.meta.url));

/** The command tree; given the command line's arguments (after the script), only the command they name is loaded. */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const [{ Command }, { registerCommands }] = await Promise.all([import('commander'), import('./commands/index.js')]);
  const program = new Command('logclaw')
    .description('Deploy and operate LogClaw: one isolated Kubernetes namespace per tenant.')
    .version(formatVersion(versionInfo(packageDir())), '-V, --version', 'print the logclaw version, its commit, chart, Kubernetes and helm versions')
    .option('--debug', 'print stack traces and debug details on errors')
    .option('--no-color', 'disable colour (also NO_COLOR=1)')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      outputError: (str, write) => write(defaultColor(process.stderr) ? `\u001b[31m${str}\u001b[39m` : str),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ logclaw tenant init acme            scaffold gitops/tenants/tenant-acme.yaml
  $ logclaw tenant validate             check every tenant file
  $ logclaw lint --crds ../shared/crds  what CI runs on every pull request
  $ logclaw dev up                      a full local stack on kind
  $ logclaw install --tenant acme --kube-context prod

Exit codes: 0 ok, 1 check failed, 2 usage error, 3 missing prerequisite, 4 timeout / not ready, 130 interrupted.`,
    );
  await registerCommands(program, args);
  program.exitOverride();
  for (const c of allCommands(program)) c.exitOverride();
  return program;
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((s) => [s, ...allCommands(s)]);
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const debug = argv.includes('--debug');
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    interruptController.abort(new LogclawError(`interrupted (${sig})`, { exitCode: ExitCode.interrupted }));
    // Give the command a moment to stop its children and clean up, then leave.
    setTimeout(() => {
      process.stderr.write(`error: interrupted (${sig}); stopping took longer than 5 s, left without waiting\n`);
      process.exit(ExitCode.interrupted);
    }, 5000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A reader that goes away (`logclaw ... | head`) is not an error: stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw e;
    });
  }
  try {
    const quick = quickValidate(argv.slice(2));
    if (quick) {
      const [{ Output }, { validateTenants }, { requireRepoRoot }] = await Promise.all([import('./output.js'), import('./commands/tenant-validate.js'), import('./root.js')]);
      return await validateTenants(new Output({ json: quick.json, color: quick.color }), quick.paths, () => requireRepoRoot(process.cwd()));
    }
    const program = await buildProgram(argv.slice(2));
    await program.parseAsync(helpFor(argv, program.commands.map((c) => c.name())));
    if (interrupted) return report(interruptController.signal.reason, debug);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    // a command's own word on the interruption (resumable commands say how), else the signal's
    if (interrupted) return report(e instanceof LogclawError && e.exitCode === ExitCode.interrupted ? e : interruptController.signal.reason, debug);
    return report(e, debug);
  }
}

/**
 * `tenant validate` with nothing but paths, --json, --no-color and --debug runs without building the command tree
 * (commander and the command files cost about as much as Node's own start-up); anything else, --help included,
 * goes through commander, whose `tenant validate` runs the same function.
 */
export function quickValidate(args: readonly string[]): { paths: string[]; json: boolean; color?: false } | undefined {
  if (args[0] !== 'tenant' || args[1] !== 'validate') return undefined;
  const rest = args.slice(2);
  if (!rest.every((a) => !a.startsWith('-') || a === '--json' || a === '--no-color' || a === '--debug')) return undefined;
  return { paths: rest.filter((a) => !a.startsWith('-')), json: rest.includes('--json'), color: rest.includes('--no-color') ? false : undefined };
}

/** `logclaw help tenant init` as `logclaw tenant init --help` (commander's help command looks at one word only). */
export function helpFor(argv: string[], commands: string[]): string[] {
  const [node, script, first, ...rest] = argv;
  if (first !== 'help' || rest.length < 2 || rest.some((a) => a.startsWith('-')) || !commands.includes(rest[0]!)) return argv;
  return [node!, script!, ...rest, '--help'];
}

/** commander's errors (loaded lazily, so known by their code). */
const isCommanderError = (e: unknown): e is Error & { code: string; exitCode: number } =>
  e instanceof Error && String((e as { code?: unknown }).code ?? '').startsWith('commander.');

function report(e: unknown, debug: boolean): number {
  const color = defaultColor(process.stderr);
  const red = (s: string) => (color ? `\u001b[31m${s}\u001b[39m` : s);
  const dim = (s: string) => (color ? `\u001b[2m${s}\u001b[22m` : s);
  if (isCommanderError(e)) {
    // commander already printed its message (help, version, or a usage error with a suggestion)
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (e.code === 'commander.executeSubCommandAsync') return e.exitCode;
    return ExitCode.usage;
  }
  if (e instanceof LogclawError) {
    process.stderr.write(`${red('error:')} ${e.message}\n`);
    for (const d of e.details) process.stderr.write(`${dim(d)}\n`);
    if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    if (debug && e.cause instanceof Error && e.cause.stack) process.stderr.write(`caused by: ${e.cause.stack}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`${red('error:')} ${err.message}\n`);
  if (debug) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write(dim('(an unexpected error; run with --debug for the stack trace)\n'));
  return ExitCode.checkFailed;
}
