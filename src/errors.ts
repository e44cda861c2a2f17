/** Exit codes shared by every command (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  missingPrerequisite: 3,
  timeout: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface LogclawErrorOptions {
  exitCode?: ExitCodeValue;
  /** One line telling the user what to do about it. */
  hint?: string;
  /** Extra lines shown under the message (e.g. the failed command line and stderr tail). */
  details?: string[];
  cause?: unknown;
}

/**
 * The one error type of logclaw. Core modules throw it; only src/cli.ts prints it.
 * Carries the process exit code and a hint for the user.
 */
export class LogclawError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: string[];

  constructor(message: string, options: LogclawErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LogclawError';
    this.exitCode = options.exitCode ?? ExitCode.checkFailed;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

export const usageError = (message: string, hint?: string): LogclawError =>
  new LogclawError(message, { exitCode: ExitCode.usage, hint });

export const notImplemented = (command: string): LogclawError =>
  new LogclawError(`logclaw ${command} is not implemented yet`, {
    exitCode: ExitCode.usage,
    hint: 'See `logclaw --help` for the commands available in this version.',
  });

export const isLogclawError = (e: unknown): e is LogclawError => e instanceof LogclawError;
