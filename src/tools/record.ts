/**
 * What the tool calls of one logclaw run keep: the log file every call appends its full output to, and under
 * --dry-run the commands that would have changed something, recorded instead of run.
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

let dryRun: string[] | undefined;
/** Record commands instead of running those marked `mutating` (see runMutating). */
export function setDryRun(on: boolean): void {
  dryRun = on ? [] : undefined;
}
export const dryRunCommands = (): string[] => dryRun ?? [];
export const isDryRun = (): boolean => dryRun !== undefined;

/** Under --dry-run, keep a command instead of running it: true when it was kept. */
export function recordDryRun(command: string): boolean {
  if (!dryRun) return false;
  dryRun.push(command);
  return true;
}
