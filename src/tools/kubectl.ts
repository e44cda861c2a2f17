/**
 * The one typed wrapper around kubectl. Every cluster call names its context (--context) explicitly;
 * calls that change the cluster go through runMutating (recorded, not run, under --dry-run).
 */
import { toolPath } from './discover.js';
import { run, runMutating, type RunOptions, type RunResult } from './exec.js';
import { formatCommand } from './redact.js';
import { parseVersion, requireMinVersion } from './version.js';
import { Program } from './program.js';

export const KUBECTL_MIN_VERSION = '1.28.0';

export interface KubeTarget {
  context: string;
  kubeconfig?: string;
}

export class Kubectl extends Program {
  /** Find kubectl (LOGCLAW_KUBECTL, else `kubectl` on PATH, else the copy in the tool cache: src/tools/discover.ts) and check its version. */
  static async detect(bin = toolPath('kubectl'), options?: RunOptions): Promise<Kubectl> {
    const r = await run(bin, ['version', '--client', '-o', 'json'], options);
    let text = r.stdout;
    try {
      text = (JSON.parse(r.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? r.stdout;
    } catch {
      /* older kubectl: plain text */
    }
    const version = requireMinVersion('kubectl', parseVersion(text), KUBECTL_MIN_VERSION);
    return new Kubectl(bin, version);
  }

  private target(args: string[], t: KubeTarget): string[] {
    const full = [...args, '--context', t.context];
    if (t.kubeconfig) full.push('--kubeconfig', t.kubeconfig);
    return full;
  }

  /** A call that changes the cluster (recorded under --dry-run). */
  private mutate(args: string[], t: KubeTarget, options?: RunOptions): Promise<RunResult> {
    return runMutating(this.bin, this.target(args, t), options, this.dryRun);
  }

  /** `kubectl apply --server-side` of a multi-document manifest given on stdin. */
  applyServerSide(manifest: string, t: KubeTarget, o: { fieldManager?: string; forceConflicts?: boolean } = {}, options?: RunOptions): Promise<RunResult> {
    const args = ['apply', '--server-side', '--field-manager', o.fieldManager ?? 'logclaw', '-f', '-'];
    if (o.forceConflicts) args.push('--force-conflicts');
    return this.mutate(args, t, { ...options, input: manifest });
  }

  /** `kubectl delete --cascade=orphan`: the object goes, what it owns (pods, claims) keeps running; waits up to the timeout. */
  deleteOrphaning(kind: string, name: string, o: { namespace: string; timeoutSeconds: number }, t: KubeTarget, options?: RunOptions): Promise<RunResult> {
    return this.mutate(['delete', kind.toLowerCase(), name, '--namespace', o.namespace, '--cascade=orphan', '--wait=true', `--timeout=${o.timeoutSeconds}s`], t, options);
  }

  /** `kubectl rollout restart` of a workload (Deployment, StatefulSet, DaemonSet). */
  rolloutRestart(kind: string, name: string, namespace: string, t: KubeTarget, options?: RunOptions): Promise<RunResult> {
    return this.mutate(['rollout', 'restart', `${kind.toLowerCase()}/${name}`, '--namespace', namespace], t, options);
  }

  /** `kubectl patch --type merge` of one object with a JSON merge patch. */
  patchMerge(kind: string, name: string, namespace: string, patch: unknown, t: KubeTarget, options?: RunOptions): Promise<RunResult> {
    return this.mutate(['patch', kind.toLowerCase(), name, '--namespace', namespace, '--type', 'merge', '--patch', JSON.stringify(patch)], t, options);
  }

  /** Contexts in the kubeconfig (names only). */
  async contexts(kubeconfig?: string, options?: RunOptions): Promise<string[]> {
    const args = ['config', 'get-contexts', '-o', 'name'];
    if (kubeconfig) args.push('--kubeconfig', kubeconfig);
    const r = await run(this.bin, args, { ...options, reject: false });
    return r.exitCode === 0 ? r.stdout.split('\n').map((s) => s.trim()).filter(Boolean) : [];
  }

  /** The server's version (`kubectl version -o json`), or undefined when it cannot be reached. */
  async serverVersion(t: KubeTarget, options?: RunOptions): Promise<string | undefined> {
    const r = await run(this.bin, this.target(['version', '-o', 'json', '--request-timeout', '10s'], t), { ...options, reject: false });
    try {
      return (JSON.parse(r.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion;
    } catch {
      return undefined;
    }
  }
}

/**
 * The kubectl command line that does what logclaw does through the API: what a dry run lists, and how a message
 * names a call (nothing here runs). Secrets given are masked.
 */
export const kubectlEquivalent = {
  createNamespace: (name: string): string => formatCommand('kubectl', ['create', 'namespace', name]),
  /** A Secret of random values (the values are never shown). */
  createRandomSecret: (name: string, namespace: string, keys: string[]): string =>
    formatCommand('kubectl', ['create', 'secret', 'generic', name, '-n', namespace, ...keys.map((k) => `--from-literal=${k}=<random>`)]),
  labelNode: (node: string, label: string, value: string): string => formatCommand('kubectl', ['label', 'node', node, `${label}=${value}`]),
  labelNamespace: (context: string, name: string, label: string, value: string): string =>
    formatCommand('kubectl', ['--context', context, 'label', 'namespace', name, `${label}=${value}`, '--overwrite']),
  annotateCrd: (context: string, name: string, annotations: Record<string, string>): string =>
    formatCommand('kubectl', ['--context', context, 'annotate', 'crd', name, ...Object.entries(annotations).map(([k, v]) => `${k}=${v}`)]),
  /** Server-side apply of manifests described by `what` (they are not on disk). */
  applyServerSide: (context: string, what: string): string => formatCommand('kubectl', ['--context', context, 'apply', '--server-side', '--force-conflicts', '--field-manager', 'logclaw', '-f', what]),
  delete: (resource: string, name: string, namespace?: string): string => formatCommand('kubectl', ['delete', resource, name, ...(namespace ? ['-n', namespace] : [])]),
  exec: (r: { namespace: string; pod: string; container: string; command: string[] }, secrets: readonly string[] = []): string =>
    formatCommand('kubectl', ['-n', r.namespace, 'exec', r.pod, '-c', r.container, '--', ...r.command], secrets),
};
