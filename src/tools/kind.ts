/**
 * The one typed wrapper around kind (local clusters in docker). Cluster creation goes through runMutating.
 */
import { toolPath } from './discover.js';
import { run, runMutating, type RunOptions, type RunResult } from './exec.js';
import { parseVersion, requireMinVersion } from './version.js';
import { Program } from './program.js';

export const KIND_MIN_VERSION = '0.24.0';

export class Kind extends Program {
  /** Find kind (LOGCLAW_KIND, else `kind` on PATH, else the copy in the tool cache: src/tools/discover.ts) and check its version. */
  static async detect(bin = toolPath('kind'), options?: RunOptions): Promise<Kind> {
    const r = await run(bin, ['version'], options);
    const version = requireMinVersion('kind', parseVersion(r.stdout), KIND_MIN_VERSION);
    return new Kind(bin, version);
  }

  /**
   * kind as a dry run names it when it is not installed: its commands are recorded for the plan, never run
   * (nothing may call one that reads, such as exists()).
   */
  static planned(bin = toolPath('kind')): Kind {
    return new Kind(bin, 'missing');
  }

  /** The kubeconfig context kind writes for a cluster. */
  static contextOf(cluster: string): string {
    return `kind-${cluster}`;
  }

  async clusters(options?: RunOptions): Promise<string[]> {
    const r = await run(this.bin, ['get', 'clusters'], options);
    return r.stdout.split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('No kind clusters'));
  }

  async exists(name: string, options?: RunOptions): Promise<boolean> {
    return (await this.clusters(options)).includes(name);
  }

  /** `kind create cluster` from a config (given on stdin) with a pinned node image. */
  create(name: string, o: { config: string; image: string; kubeconfig?: string; waitSeconds?: number }, options: RunOptions = {}): Promise<RunResult> {
    const args = ['create', 'cluster', '--name', name, '--image', o.image, '--config', '-'];
    if (o.kubeconfig) args.push('--kubeconfig', o.kubeconfig);
    if (o.waitSeconds) args.push('--wait', `${o.waitSeconds}s`);
    return runMutating(this.bin, args, { ...options, input: o.config }, this.dryRun);
  }

  delete(name: string, o: { kubeconfig?: string } = {}, options?: RunOptions): Promise<RunResult> {
    const args = ['delete', 'cluster', '--name', name];
    if (o.kubeconfig) args.push('--kubeconfig', o.kubeconfig);
    return runMutating(this.bin, args, options, this.dryRun);
  }

  /** Write the cluster's context into the kubeconfig again (after it was removed or the file replaced). */
  exportKubeconfig(name: string, o: { kubeconfig?: string } = {}, options?: RunOptions): Promise<RunResult> {
    const args = ['export', 'kubeconfig', '--name', name];
    if (o.kubeconfig) args.push('--kubeconfig', o.kubeconfig);
    return runMutating(this.bin, args, options, this.dryRun);
  }
}
