/** The per-user cache logclaw keeps derived data in (parsed CRDs, build locks). Never inside the repository. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** LOGCLAW_CACHE_DIR, else $XDG_CACHE_HOME/logclaw, else ~/.cache/logclaw. */
export function cacheDir(...sub: string[]): string {
  const base = process.env.LOGCLAW_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'logclaw');
  return join(base, ...sub);
}

/** Write a file atomically (temp file + rename), so concurrent readers never see half of it. */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
