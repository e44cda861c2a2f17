/**
 * What every command action receives: the output module, the abort signal (Ctrl-C) and the repo root.
 * Commands stay thin: parse flags, call core, print through `out`.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Output } from '../output.js';
import { findRepoRoot, requireRepoRoot } from '../root.js';
import { interruptController } from './interrupt.js';
import { LogclawError } from '../errors.js';

export { interruptController };

export interface CommandContext {
  out: Output;
  debug: boolean;
  /** Aborted on SIGINT/SIGTERM; pass it to long-running core work. */
  signal: AbortSignal;
  /**
   * The repository root (charts/, gitops/, helmfile.d/): LOGCLAW_ROOT, else the nearest directory upwards holding
   * charts/logclaw-tenant and gitops/. Reading it outside a repository throws a usage error naming where it looked,
   * so only commands that need the repository refuse to run elsewhere.
   */
  readonly cwd: string;
  /** The repository root when there is one, else the current directory (for a command's log file). */
  readonly workDir: string;
}

const controller = interruptController;

/** Build the context from a command's own and inherited options. */
export function contextFor(cmd: Command): CommandContext {
  const opts = cmd.optsWithGlobals() as { json?: boolean; color?: boolean; debug?: boolean; format?: string };
  const json = Boolean(opts.json) || opts.format === 'json';
  return {
    out: new Output({ json, color: opts.color === false ? false : undefined }),
    debug: Boolean(opts.debug),
    signal: controller.signal,
    get cwd() {
      return requireRepoRoot(process.cwd());
    },
    get workDir() {
      return process.env.LOGCLAW_ROOT ? requireRepoRoot(process.cwd()) : (findRepoRoot(process.cwd()) ?? process.cwd());
    },
  };
}

/** Wrap an action so it receives the context as its first argument. */
export function action<A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<number | void>) {
  return async function (this: Command, ...args: unknown[]): Promise<void> {
    const cmd = args[args.length - 1] as Command;
    const ctx = contextFor(cmd);
    let code: number | void;
    try {
      code = await fn(ctx, ...(args as A));
    } catch (e) {
      // Ctrl-C wherever it lands (a tool's version check, a prompt...) says which command stopped, unless the command said so itself
      if (!ctx.signal.aborted || (e instanceof LogclawError && e.message.endsWith('stopped before it finished'))) throw e;
      throw (await import('./support.js')).interruptedError(e, ctx.signal, commandPath(cmd), undefined);
    }
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  };
}

/** A command's words below the program: "lint", "dev up", "gitops status". */
function commandPath(cmd: Command): string {
  const words: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

/** Append an "Examples:" block to a command's help. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

/**
 * Options several commands share, worded once and added in place: `.addOption(opt.json('the summary'))`.
 * The description says what a command does differently (its tenant, its default timeout...).
 */
export const opt = {
  tenant: (description: string, defaultValue?: string) => withDefault(new Option('--tenant <id>', description), defaultValue),
  kubeContext: (description = 'kube context (default: the current one)') => new Option('--kube-context <ctx>', description),
  kubeconfig: (description = 'kubeconfig file') => new Option('--kubeconfig <file>', description),
  timeout: (defaultValue: string, description = 'give up (exit 4, with a diagnosis) after this long') => new Option('--timeout <duration>', description).default(defaultValue),
  dryRun: (description = 'print the plan and every command instead of running them') => new Option('--dry-run', description),
  json: (what = 'the result') => new Option('--json', `print ${what} as JSON`),
};

export interface ClusterOptionWords {
  tenant?: string;
  tenantOptional?: boolean;
  kubeContext?: string;
  contextRequired?: boolean;
  kubeconfig?: string;
}

/** A subcommand that works on a cluster: its name, description and clusterOptions. */
export const clusterCommand = (parent: Command, name: string, description: string, o: ClusterOptionWords): Command => clusterOptions(parent.command(name).description(description), o);

/**
 * The options of a command that works on a tenant in a cluster, in the order each lists them: --tenant (when it
 * takes one; required unless `tenantOptional`), --kube-context (required with `contextRequired`), --kubeconfig.
 * Each description says what the command does with it.
 */
export function clusterOptions(cmd: Command, o: ClusterOptionWords): Command {
  if (o.tenant !== undefined) cmd.addOption(o.tenantOptional ? opt.tenant(o.tenant) : opt.tenant(o.tenant).makeOptionMandatory());
  const context = opt.kubeContext(o.kubeContext);
  return cmd.addOption(o.contextRequired ? context.makeOptionMandatory() : context).addOption(opt.kubeconfig(o.kubeconfig));
}

/** A Kubernetes version as helm's --kube-version takes it (1.30, 1.30.2, v1.30.2-gke.1); anything else is a usage error (exit 2) before helm runs. */
export function kubeVersionArg(value: string): string {
  if (!/^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.-]+)?$/.test(value)) throw new InvalidArgumentError('expected a Kubernetes version such as 1.30 or 1.30.2');
  return value;
}

const withDefault = (o: Option, value: string | undefined): Option => (value === undefined ? o : o.default(value));

/** The start of a lifecycle command: the tenant id checked, --timeout parsed, the --dry-run recorder made, the run's log opened. */
export async function startLifecycle<F extends { tenant?: string; timeout?: string; dryRun?: boolean }>(ctx: CommandContext, command: string, flags: F) {
  const support = await import('./support.js');
  const tenant = (await import('../tenant/id.js')).requireTenantId(flags.tenant);
  const timeoutMs = (flags.timeout === undefined ? undefined : support.parseDuration(flags.timeout)) as F['timeout'] extends string ? number : number | undefined;
  const dryRun = support.dryRunOf(flags.dryRun);
  const log = support.startCommandLog(ctx.cwd, command);
  return { support, tenant, timeoutMs, dryRun, log };
}

/**
 * `--kubeconfig FILE` of a command that talks to the cluster: checked to exist (exit 2 otherwise), then made the
 * KUBECONFIG of this process and of every program it runs (helm, helmfile, kubectl), as kubectl's flag is.
 */
export async function useKubeconfig(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  const { kubeconfigSource } = await import('../kube/kubeconfig.js');
  const { resolve } = await import('node:path');
  kubeconfigSource(file);
  process.env.KUBECONFIG = resolve(file);
  return process.env.KUBECONFIG;
}

/** The dry-run report's list of commands. */
export const wouldRun = (commands: readonly string[] | undefined): string[] => ['Commands it would run:', ...(commands ?? []).map((c) => `  ${c}`)];
