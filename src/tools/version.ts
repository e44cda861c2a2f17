/** Version parsing and minimum-version checks shared by the tool wrappers (semver, never string compares). */
import semver from 'semver';
import { ExitCode, LogclawError } from '../errors.js';
import { installHints } from './exec.js';

/** The first version-looking token of a tool's output ("kind v0.27.0 go1.24" → 0.27.0). */
export function parseVersion(text: string): string | undefined {
  const m = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(text);
  if (!m) return semver.coerce(text)?.version;
  return semver.valid(m[1]!) ?? semver.coerce(m[1]!)?.version;
}

/** Throw exit 3 with an upgrade hint when `version` is older than `min` (pre-release tags ignored). */
export function requireMinVersion(tool: string, version: string | undefined, min: string, hint?: string): string {
  if (!version) {
    throw new LogclawError(`could not read ${tool}'s version`, { exitCode: ExitCode.missingPrerequisite, hint: hint ?? installHints[tool] });
  }
  const plain = semver.coerce(version)?.version ?? version;
  if (semver.lt(plain, min)) {
    throw new LogclawError(`${tool} ${version} is too old: logclaw needs ${tool} ${min} or newer`, {
      exitCode: ExitCode.missingPrerequisite,
      hint: hint ?? installHints[tool],
    });
  }
  return version;
}

export const atLeast = (version: string | undefined, min: string): boolean =>
  !!version && semver.gte(semver.coerce(version)?.version ?? '0.0.0', min);
