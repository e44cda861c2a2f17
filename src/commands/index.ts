/**
 * The command tree. Each file registers one command (or group) and stays thin: flags, a call into core, output.
 * Command files import only light modules at the top; heavy ones are imported inside actions.
 */
import type { Command } from 'commander';

type CommandModule = { register(program: Command): void };

/** The top-level commands (and groups) in the order help lists them; each is the file of its name, loaded only when needed. */
const COMMANDS = ['tenant', 'lint', 'render', 'doctor', 'dev', 'operators', 'install', 'upgrade', 'diff', 'uninstall', 'status', 'verify', 'port-forward', 'charts', 'gitops', 'support-bundle', 'capacity', 'version', 'completion'];

/**
 * Register the command the arguments name, or every command when they name none, an unknown one (for commander's
 * "did you mean"), `help` or `completion` (which walk the whole tree). Loading one command file instead of all
 * keeps a quick command (`tenant validate`) close to Node's own start-up.
 */
export async function registerCommands(program: Command, args: readonly string[] = []): Promise<void> {
  const named = args.find((a) => !a.startsWith('-'));
  const chosen = named !== undefined && named !== 'completion' && COMMANDS.includes(named) ? [named] : COMMANDS;
  for (const m of await Promise.all(chosen.map((n) => import(/* @vite-ignore */ `./${n}.js`) as Promise<CommandModule>))) m.register(program);
}
