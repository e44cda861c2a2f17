/**
 * What the lifecycle commands share: the per-run log file (.logclaw/logs/<timestamp>-<command>.log, whose path
 * failures print), durations, tenant ids, the current kube context when none is given, the dry-run report.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { DryRun, execLogPath, setExecLog } from '../tools/record.js';

/** Start logging every tool call of this command; returns the log path. */
export function startCommandLog(cwd: string, command: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const path = join(cwd, '.logclaw', 'logs', `${stamp}-${command.replace(/\s+/g, '-')}.log`);
  setExecLog(path);
  return path;
}

/**
 * What a release waits for, as lines a person can follow: the first at once, then at most one per release every
 * `everyMs` (the latest), so a wait is never silent for long and never a stream of raw tool lines.
 */
export function waitingLines(print: (line: string) => void, everyMs = 10_000, now: () => number = Date.now): (release: string, text: string) => void {
  const last = new Map<string, number>();
  return (release, text) => {
    const at = last.get(release);
    if (at !== undefined && now() - at < everyMs) return;
    last.set(release, now());
    print(`${release}: waiting for ${text}`);
  };
}

/**
 * The error of a command stopped by Ctrl-C (`signal` aborted): says so, and for a command that resumes, that a
 * re-run picks up where it stopped. Any other error is returned as it is.
 */
export function interruptedError(e: unknown, signal: AbortSignal, command: string, resumes: string | undefined): unknown {
  if (!signal.aborted) return e;
  const reason = signal.reason instanceof Error ? signal.reason.message.replace(/^interrupted ?/, '') : '';
  return new LogclawError(`interrupted${reason ? ` ${reason}` : ''}: logclaw ${command} stopped before it finished`, {
    exitCode: ExitCode.interrupted,
    hint: resumes ? `Run logclaw ${command} again: it resumes, ${resumes}.` : undefined,
    cause: e,
  });
}

/** Add "full log: <path>" to an error leaving the command (once). */
export function withLogPath(e: unknown, cwd: string): unknown {
  const log = execLogPath();
  if (!log || !(e instanceof LogclawError) || e.exitCode === ExitCode.interrupted) return e;
  const line = `full log: ${relative(cwd, log) || log}`;
  if (!e.details.some((d) => d.startsWith('full log:'))) e.details.push(line);
  return e;
}

/** --dry-run: the recorder the command passes down (to its tools and core operations); none without the flag. */
export function dryRunOf(on: boolean | undefined): DryRun | undefined {
  return on ? new DryRun() : undefined;
}

/** The commands a dry run recorded, for the report (undefined when it is no dry run). */
export const recordedCommands = (dryRun: DryRun | undefined): string[] | undefined => (dryRun ? [...dryRun.commands] : undefined);

export { parseDuration } from '../duration.js';

/** The kubeconfig's current context, to be named explicitly in every call when --kube-context is omitted. */
export async function currentContext(kubeconfig?: string): Promise<string> {
  const { kubeconfigSource } = await import('../kube/kubeconfig.js');
  const source = kubeconfigSource(kubeconfig);
  if (!source) throw usageError('no --kube-context given (in a pod, name the context of the kubeconfig to use)', 'Pass --kube-context <name>.');
  const ctx = source.files
    .map((f) => (parse(readFileSync(f, 'utf8')) as { 'current-context'?: string } | null)?.['current-context'])
    .find(Boolean);
  if (!ctx) throw usageError(`no --kube-context given and ${source.files.join(', ')} (${source.from}) has no current context`, 'Pass --kube-context <name> (kubectl config get-contexts lists them).');
  return ctx;
}

/**
 * How long an object may stay failed (or a pod crash) before a wait gives up on it: LOGCLAW_FAIL_GRACE
 * (e.g. 30s), default 20 s — long enough for a restart that recovers, short enough to report a crash loop early.
 */
export function failGraceMs(): number | undefined {
  const v = process.env.LOGCLAW_FAIL_GRACE;
  return v ? parseDuration(v, 'LOGCLAW_FAIL_GRACE') : undefined;
}

/** The helmfile environment (LOGCLAW_HELMFILE_ENVIRONMENT, a helmfile `--environment` the state files declare); default none. */
export function helmfileEnvironment(): string | undefined {
  return process.env.LOGCLAW_HELMFILE_ENVIRONMENT || undefined;
}
