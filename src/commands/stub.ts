import type { Command } from 'commander';
import { notImplemented } from '../errors.js';
import { action } from './context.js';

/** Register a command that a later change implements: it answers "not implemented yet" (exit 2). */
export function stub(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(`${description} (not implemented yet)`)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(
      action(async () => {
        throw notImplemented(parent.parent ? `${parent.name()} ${name}` : name);
      }),
    );
}
