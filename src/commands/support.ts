/**
 * What the lifecycle commands share: the per-run log file (.logclaw/logs/<timestamp>-<command>.log, whose path
 * failures print), durations, tenant ids, the current kube context when none is given, the dry-run report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { dryRunCommands, execLogPath, setDryRun, setExecLog } from '../tools/exec.js';

/** Start logging every tool call of this command; returns the log path. */
export function startCommandLog(cwd: string, command: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const path = join(cwd, '.logclaw', 'logs', `${stamp}-${command.replace(/\s+/g, '-')}.log`);
  setExecLog(path);
  return path;
}

/** Add "full log: <path>" to an error leaving the command (once). */
export function withLogPath(e: unknown, cwd: string): unknown {
  const log = execLogPath();
  if (!log || !(e instanceof LogclawError) || e.exitCode === ExitCode.interrupted) return e;
  const line = `full log: ${relative(cwd, log) || log}`;
  if (!e.details.some((d) => d.startsWith('full log:'))) e.details.push(line);
  return e;
}

export function enableDryRun(on: boolean | undefined): boolean {
  setDryRun(Boolean(on));
  return Boolean(on);
}

export const recordedCommands = (): string[] => [...dryRunCommands()];

export { parseDuration } from '../duration.js';
export { requireTenantId as tenantId } from '../tenant/id.js';

/** The kubeconfig's current context, to be named explicitly in every call when --kube-context is omitted. */
export function currentContext(kubeconfig?: string): string {
  const file = kubeconfig ?? process.env.KUBECONFIG?.split(':').find((f) => f && existsSync(f)) ?? join(homedir(), '.kube', 'config');
  const cfg = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { 'current-context'?: string } | null) : null;
  const ctx = cfg?.['current-context'];
  if (!ctx) throw usageError('no --kube-context given and the kubeconfig has no current context', 'Pass --kube-context <name> (kubectl config get-contexts lists them).');
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
