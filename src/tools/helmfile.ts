/**
 * The one typed wrapper around helmfile. Every cluster call names its context (--kube-context) and the helm
 * binary logclaw detected (--helm-binary); installs go through runMutating (recorded under --dry-run).
 */
import { toolPath } from './discover.js';
import { run, runMutating, type RunOptions, type RunResult } from './exec.js';
import { parseVersion, requireMinVersion } from './version.js';
import { Program } from './program.js';

export const HELMFILE_MIN_VERSION = '0.169.0';

export interface HelmfileTarget {
  /** The state file (a helmfile.d/*.yaml file). */
  file: string;
  /** Always given for calls that reach a cluster (sync, apply, destroy); build/list/template need none. */
  kubeContext?: string;
  kubeconfig?: string;
  /** Path of the helm binary helmfile must call (logclaw's detected helm). */
  helmBinary?: string;
  environment?: string;
  /** `--state-values-set k=v` (secret-looking keys are redacted in logs). */
  stateValues?: string[];
  /** `--state-values-file f` (the tenant file: its `<component>.enabled` drive release conditions). */
  stateValuesFiles?: string[];
}

export interface HelmfileSyncOptions {
  /** Only releases matching these selectors (e.g. `name=kafka`). */
  selectors?: string[];
  /** `apply` (needs the helm-diff plugin; only changed releases) or `sync` (always upgrades). */
  mode?: 'apply' | 'sync';
  /** Skip `helm dependency build` (charts already have their dependencies). */
  skipDeps?: boolean;
  /** Extra arguments passed through to helm (`--args`). */
  helmArgs?: string[];
}

export class Helmfile extends Program {
  /** Find helmfile (LOGCLAW_HELMFILE, else `helmfile` on PATH, else the copy in the tool cache: src/tools/discover.ts) and check its version. */
  static async detect(bin = toolPath('helmfile'), options?: RunOptions): Promise<Helmfile> {
    const r = await run(bin, ['--version'], { ...options, reject: false });
    let text = `${r.stdout}\n${r.stderr}`;
    if (r.exitCode !== 0 || !parseVersion(text)) text = (await run(bin, ['version', '--output', 'short'], options)).stdout;
    const version = requireMinVersion('helmfile', parseVersion(text), HELMFILE_MIN_VERSION);
    return new Helmfile(bin, version);
  }

  /** Global flags: file, context, helm binary, environment, state values, selectors. */
  private globalArgs(t: HelmfileTarget, selectors: string[] = []): string[] {
    const args = ['--file', t.file];
    if (t.kubeContext) args.push('--kube-context', t.kubeContext);
    args.push('--no-color');
    if (t.helmBinary) args.push('--helm-binary', t.helmBinary);
    if (t.environment) args.push('--environment', t.environment);
    for (const f of t.stateValuesFiles ?? []) args.push('--state-values-file', f);
    for (const s of t.stateValues ?? []) args.push('--state-values-set', s);
    for (const s of selectors) args.push('--selector', s);
    return args;
  }

  private env(t: HelmfileTarget): Record<string, string | undefined> | undefined {
    return t.kubeconfig ? { KUBECONFIG: t.kubeconfig } : undefined;
  }

  /** Install or upgrade the selected releases (helmfile sync|apply). */
  sync(t: HelmfileTarget & { kubeContext: string }, o: HelmfileSyncOptions = {}, options: RunOptions = {}): Promise<RunResult> {
    const mode = o.mode ?? 'sync';
    const args = [...this.globalArgs(t, o.selectors), mode];
    if (o.skipDeps !== false) args.push('--skip-deps');
    // logclaw orders releases itself (the plan): install only the selected one, not what it needs
    if (o.selectors?.length) args.push('--skip-needs');
    if (mode === 'apply') args.push('--suppress-secrets');
    if (o.helmArgs?.length) args.push('--args', o.helmArgs.join(' '));
    return runMutating(this.bin, args, { ...options, env: { ...this.env(t), ...options.env } }, this.dryRun);
  }

  /**
   * `helmfile repos`: add the chart repositories a state file declares to helm (helm repo add + update). The
   * sync/template calls pass --skip-deps, which skips this; it changes helm's repository list, not a cluster,
   * and reaches the repositories: a dry run records it instead.
   */
  repos(t: HelmfileTarget, options: RunOptions = {}): Promise<RunResult> {
    return runMutating(this.bin, [...this.globalArgs({ ...t, kubeContext: undefined }), 'repos'], options, this.dryRun);
  }

  /** Remove the selected releases. */
  destroy(t: HelmfileTarget & { kubeContext: string }, selectors: string[] = [], options: RunOptions = {}): Promise<RunResult> {
    return runMutating(this.bin, [...this.globalArgs(t, selectors), 'destroy', '--skip-deps'], { ...options, env: { ...this.env(t), ...options.env } }, this.dryRun);
  }

  /** `helmfile list --output json` (no cluster access): the releases a state file declares after templating. */
  async list(t: HelmfileTarget, selectors: string[] = [], options: RunOptions = {}): Promise<Array<{ name: string; namespace: string; enabled: boolean; installed: boolean; labels: string; chart: string; version: string }>> {
    const args = [...this.globalArgs(t, selectors), 'list', '--output', 'json', '--skip-charts'];
    const r = await run(this.bin, args, options);
    return JSON.parse(r.stdout || '[]');
  }

  /** `helmfile build` (no cluster access): the state file after templating, as YAML documents. */
  async build(t: HelmfileTarget, options?: RunOptions): Promise<string> {
    return (await run(this.bin, [...this.globalArgs({ ...t, kubeContext: undefined }), 'build'], options)).stdout;
  }

  /**
   * `helmfile template` of the selected releases (no cluster access, no dependency build, no `needs`, no tests):
   * the manifests helm would install, with the CRDs of the charts when `includeCrds`.
   */
  async template(t: HelmfileTarget, o: HelmfileTemplateOptions = {}, options?: RunOptions): Promise<string> {
    const args = [...this.globalArgs({ ...t, kubeContext: undefined }, o.selectors), 'template'];
    if (o.includeCrds) args.push('--include-crds');
    args.push('--skip-tests', '--skip-deps', '--skip-needs');
    if (o.helmArgs?.length) args.push('--args', o.helmArgs.join(' '));
    return (await run(this.bin, args, options)).stdout;
  }
}

export interface HelmfileTemplateOptions {
  /** Only releases matching these selectors (e.g. `name=kafka`). */
  selectors?: string[];
  includeCrds?: boolean;
  /** Arguments passed through to `helm template` (`--args`). */
  helmArgs?: string[];
}
