/**
 * The command tree. Each file registers one command (or group) and stays thin: flags, a call into core, output.
 * Command files import only light modules at the top; heavy ones are imported inside actions.
 */
import type { Command } from 'commander';

type CommandModule = { register(program: Command): void };

/** Each top-level command (or group) by name, in the order help lists them; a file is loaded only when needed. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  tenant: () => import('./tenant.js'),
  lint: () => import('./lint.js'),
  render: () => import('./render.js'),
  doctor: () => import('./doctor.js'),
  dev: () => import('./dev.js'),
  operators: () => import('./operators.js'),
  install: () => import('./install.js'),
  upgrade: () => import('./upgrade.js'),
  diff: () => import('./diff.js'),
  uninstall: () => import('./uninstall.js'),
  status: () => import('./status.js'),
  verify: () => import('./verify.js'),
  'port-forward': () => import('./port-forward.js'),
  charts: () => import('./charts.js'),
  gitops: () => import('./gitops.js'),
  'support-bundle': () => import('./support-bundle.js'),
  capacity: () => import('./capacity.js'),
  version: () => import('./version.js'),
  completion: () => import('./completion.js'),
};

/**
 * Register the command the arguments name, or every command when they name none, an unknown one (for commander's
 * "did you mean"), `help` or `completion` (which walk the whole tree). Loading one command file instead of all
 * keeps a quick command (`tenant validate`) close to Node's own start-up.
 */
export async function registerCommands(program: Command, args: readonly string[] = []): Promise<void> {
  const named = args.find((a) => !a.startsWith('-'));
  const one = named !== undefined && named !== 'completion' && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const m of await Promise.all(one.map((n) => COMMANDS[n]!()))) m.register(program);
}
