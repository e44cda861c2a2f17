/**
 * Paths of the external programs tests use, as prepared by scripts/setup-tools.mjs
 * (helm 3 and helm 4; a helm on PATH is used for its own major version).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The upstream CRDs at the pinned versions (data beside the checkout, never copied into the repo). */
export const sharedDir = process.env.LOGCLAW_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
export const crdDir = join(sharedDir, 'crds');
export const healthFixturesDir = join(sharedDir, 'health-fixtures');

interface ToolInfo {
  path: string;
  version: string;
}

function loadTools(): Record<string, ToolInfo> {
  const file = join(repoRoot, '.tools', 'tools.json');
  if (!existsSync(file)) throw new Error('run `npm run setup` first: .tools/tools.json is missing');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, ToolInfo>;
}

const tools = loadTools();
export const HELM3 = process.env.LOGCLAW_HELM3 ?? tools.helm3!.path;
export const HELM4 = process.env.LOGCLAW_HELM4 ?? tools.helm4!.path;
/** Both helm majors, for `describe.each(helms)`. */
export const helms = [
  { name: 'helm3', bin: HELM3, version: tools.helm3!.version },
  { name: 'helm4', bin: HELM4, version: tools.helm4!.version },
];
