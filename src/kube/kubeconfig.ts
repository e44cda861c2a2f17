/**
 * Which kubeconfig a command reads, as kubectl chooses it (--kubeconfig, else KUBECONFIG's files, else
 * ~/.kube/config), and the messages when there is none, the file given does not exist, or a context name is
 * not in it (with "did you mean" for a near miss).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ExitCode, LogclawError } from '../errors.js';

export interface KubeconfigSource {
  /** Files to load (KUBECONFIG may list several). */
  files: string[];
  /** How they were chosen, for messages: `--kubeconfig`, `KUBECONFIG` or `~/.kube/config`. */
  from: '--kubeconfig' | 'KUBECONFIG' | '~/.kube/config';
}

const inCluster = (env: NodeJS.ProcessEnv): boolean => Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT);

/**
 * The kubeconfig files to read. Throws: --kubeconfig naming a missing file (exit 2); no kubeconfig anywhere
 * (exit 3), unless running in a pod, where undefined means "use the service account".
 */
export function kubeconfigSource(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, home = homedir()): KubeconfigSource | undefined {
  if (explicit) {
    if (!existsSync(explicit)) throw new LogclawError(`--kubeconfig ${explicit}: no such file`, { exitCode: ExitCode.usage, hint: 'Name an existing kubeconfig file, or leave --kubeconfig out to use KUBECONFIG or ~/.kube/config.' });
    return { files: [explicit], from: '--kubeconfig' };
  }
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const present = files.filter((f) => existsSync(f));
    if (present.length) return { files: present, from: 'KUBECONFIG' };
    if (inCluster(env)) return undefined;
    throw noKubeconfig(`KUBECONFIG=${env.KUBECONFIG} names no existing file`);
  }
  const home_ = join(home, '.kube', 'config');
  if (existsSync(home_)) return { files: [home_], from: '~/.kube/config' };
  if (inCluster(env)) return undefined;
  throw noKubeconfig(`no kubeconfig: KUBECONFIG is not set and ${home_} does not exist`);
}

const noKubeconfig = (message: string): LogclawError =>
  new LogclawError(message, {
    exitCode: ExitCode.missingPrerequisite,
    hint: 'Create a cluster first (logclaw dev up writes the kind context), or point --kubeconfig or KUBECONFIG at the kubeconfig of your cluster.',
  });

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The known name nearest to `name` when it is a near miss (a few edits, or one contains the other), else undefined. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { n: string; d: number } | undefined;
  for (const n of known) {
    const d = distance(name.toLowerCase(), n.toLowerCase());
    if (!best || d < best.d) best = { n, d };
  }
  if (!best) return undefined;
  const close = best.d <= Math.max(2, Math.floor(name.length / 3));
  const contains = known.find((n) => n.toLowerCase().includes(name.toLowerCase()) || name.toLowerCase().includes(n.toLowerCase()));
  return close ? best.n : contains;
}

/** The error for a context that is not in the kubeconfig: the near miss first, else the contexts there are. */
export function unknownContext(context: string, known: readonly string[], source: KubeconfigSource | undefined): LogclawError {
  const where = source ? `${source.from === '--kubeconfig' || source.from === 'KUBECONFIG' ? source.files.join(', ') : '~/.kube/config'}` : 'the kubeconfig';
  const guess = nearest(context, known);
  return new LogclawError(`kube context "${context}" is not in ${where}${guess ? `: did you mean "${guess}"?` : ''}`, {
    exitCode: ExitCode.usage,
    hint: known.length ? `Contexts there: ${known.join(', ')} (kubectl config get-contexts).` : 'That kubeconfig has no contexts; create the cluster first (logclaw dev up) or point --kubeconfig or KUBECONFIG at another file.',
  });
}
