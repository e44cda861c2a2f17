/**
 * A PATH for running the built CLI the way a user's machine has it: real kubectl, helm (3 or 4) and helmfile,
 * the test cluster's fake kind and docker — each tool can be left out to test "missing".
 */
import { chmodSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHelmfile } from './helmfile.js';
import { HELM3, HELM4, repoRoot } from './tools.js';
import { tempDir } from './temp.js';

export const fakeBin = join(repoRoot, 'test', 'cluster', 'bin');

export interface Toolbox {
  dir: string;
  env: Record<string, string | undefined>;
}

/** A directory of symlinks (the tools asked for) first on a minimal PATH (/usr/bin:/bin for sh, dirname…). */
export async function toolbox(o: { helm?: 3 | 4 | false; helmfile?: boolean; kind?: boolean; docker?: boolean } = {}): Promise<Toolbox> {
  const dir = tempDir('logclaw-tools-');
  const helm = o.helm === false ? undefined : o.helm === 4 ? HELM4 : HELM3;
  if (helm) symlinkSync(helm, join(dir, 'helm'));
  const hf = o.helmfile === false ? undefined : await findHelmfile();
  if (hf) symlinkSync(hf, join(dir, 'helmfile'));
  // the fakes find their sources relative to their own path: call them through a wrapper, not a symlink
  const wrap = (name: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\nexec '${join(fakeBin, name)}' "$@"\n`);
    chmodSync(join(dir, name), 0o755);
  };
  if (o.kind !== false) wrap('kind');
  if (o.docker !== false) wrap('docker');
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find(existsSync);
  if (kubectl && !existsSync(join(dir, 'kubectl'))) symlinkSync(kubectl, join(dir, 'kubectl'));
  return {
    dir,
    env: {
      PATH: `${dir}:/usr/bin:/bin`,
      LOGCLAW_HELM: undefined,
      LOGCLAW_HELMFILE: undefined,
      LOGCLAW_KIND: undefined,
      LOGCLAW_DOCKER: undefined,
      LOGCLAW_KUBECTL: undefined,
      HELM_PLUGINS: join(dir, 'helm-plugins'),
      // a tool left out is not found in the tool cache either (logclaw looks there after PATH)
      ...(helm && hf ? {} : { LOGCLAW_CACHE_DIR: join(dir, 'empty-cache') }),
    },
  };
}
