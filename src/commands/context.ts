/**
 * What every command action receives: the output module, the abort signal (Ctrl-C) and the repo root.
 * Commands stay thin: parse flags, call core, print through `out`.
 */
import type { Command } from 'commander';
import { Output } from '../output.js';

export interface CommandContext {
  out: Output;
  debug: boolean;
  /** Aborted on SIGINT/SIGTERM; pass it to long-running core work. */
  signal: AbortSignal;
  /** Directory logclaw works in (the repository root: charts/, gitops/, helmfile.d/). */
  cwd: string;
}

const controller = new AbortController();
export const interruptController = controller;

/** Build the context from a command's own and inherited options. */
export function contextFor(cmd: Command): CommandContext {
  const opts = cmd.optsWithGlobals() as { json?: boolean; color?: boolean; debug?: boolean; format?: string };
  const json = Boolean(opts.json) || opts.format === 'json';
  return {
    out: new Output({ json, color: opts.color === false ? false : undefined }),
    debug: Boolean(opts.debug),
    signal: controller.signal,
    cwd: process.env.LOGCLAW_ROOT ?? process.cwd(),
  };
}

/** Wrap an action so it receives the context as its first argument. */
export function action<A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<number | void>) {
  return async function (this: Command, ...args: unknown[]): Promise<void> {
    const cmd = args[args.length - 1] as Command;
    const code = await fn(contextFor(cmd), ...(args as A));
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  };
}

/** Append an "Examples:" block to a command's help. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
