/**
 * What the tool calls of one logclaw run keep: the log file every call appends its full output to, and under
 * --dry-run the commands that would have changed something, recorded instead of run (a DryRun, passed down).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

let logFile: string | undefined;
/** Append the full output of every later call to this file (its path is printed on failure). */
export function setExecLog(path: string | undefined): void {
  logFile = path;
  if (path) mkdirSync(dirname(path), { recursive: true });
}
export const execLogPath = (): string | undefined => logFile;

/**
 * Under --dry-run, the commands that would have changed something, kept instead of run. The command creates one
 * (none without --dry-run) and passes it down: to the tool wrappers it detects (withDryRun) and to the operations
 * that change the cluster through the API, which record the kubectl equivalent instead.
 */
export class DryRun {
  readonly commands: string[] = [];

  record(command: string): void {
    this.commands.push(command);
  }
}
