/**
 * The one typed wrapper around helm (3.14+ and 4.x). Argument arrays through src/tools/exec.ts,
 * explicit --kube-context for every cluster call, version checked with semver.
 */
import semver from 'semver';
import { ExitCode, LogclawError } from '../errors.js';
import { run, runMutating, type RunOptions, type RunResult } from './exec.js';

export const HELM_MIN_VERSION = '3.14.0';

export interface HelmTemplateOptions {
  release: string;
  namespace: string;
  valuesFiles?: string[];
  set?: string[];
  kubeVersion?: string;
  apiVersions?: string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  /** Render against the cluster's capabilities (never used by lint/render). */
  validate?: boolean;
}

export interface HelmClusterOptions {
  kubeContext: string;
  kubeconfig?: string;
}

export class Helm {
  private constructor(
    readonly bin: string,
    readonly version: string,
  ) {}

  get major(): number {
    return semver.major(this.version);
  }

  /** Find helm (LOGCLAW_HELM, else `helm` on PATH) and check its version. */
  static async detect(bin = process.env.LOGCLAW_HELM || 'helm'): Promise<Helm> {
    const r = await run(bin, ['version', '--template', '{{.Version}}']);
    const version = semver.clean(r.stdout.trim()) ?? semver.coerce(r.stdout)?.version;
    if (!version) {
      throw new LogclawError(`could not read helm's version from "${r.stdout.trim()}"`, { exitCode: ExitCode.missingPrerequisite });
    }
    if (semver.lt(version, HELM_MIN_VERSION)) {
      throw new LogclawError(`helm ${version} is too old: logclaw needs helm ${HELM_MIN_VERSION}+ or helm 4`, {
        exitCode: ExitCode.missingPrerequisite,
        hint: 'Upgrade helm: https://helm.sh/docs/intro/install/',
      });
    }
    return new Helm(bin, version);
  }

  exec(args: string[], options?: RunOptions): Promise<RunResult> {
    return run(this.bin, args, options);
  }

  /** `helm template`; returns the rendered multi-document YAML. */
  async template(chart: string, o: HelmTemplateOptions, options?: RunOptions): Promise<string> {
    const args = ['template', o.release, chart, '--namespace', o.namespace];
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    for (const s of o.set ?? []) args.push('--set', s);
    if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
    for (const a of o.apiVersions ?? []) args.push('--api-versions', a);
    if (o.includeCrds) args.push('--include-crds');
    if (o.skipTests !== false) args.push('--skip-tests');
    return (await run(this.bin, args, options)).stdout;
  }

  /** `helm lint`; returns the result without throwing so findings can be parsed. */
  lint(chart: string, o: { strict?: boolean; valuesFiles?: string[]; kubeVersion?: string; namespace?: string } = {}, options?: RunOptions): Promise<RunResult> {
    const args = ['lint', chart];
    if (o.strict) args.push('--strict');
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
    if (o.namespace) args.push('--namespace', o.namespace);
    return run(this.bin, args, { ...options, reject: false });
  }

  dependencyBuild(chart: string, options?: RunOptions): Promise<RunResult> {
    return run(this.bin, ['dependency', 'build', chart, '--skip-refresh'], options);
  }

  package(chart: string, destination: string, options?: RunOptions): Promise<RunResult> {
    return run(this.bin, ['package', chart, '--destination', destination], options);
  }

  /** Cluster calls always name the context. */
  cluster(args: string[], c: HelmClusterOptions, options?: RunOptions): Promise<RunResult> {
    const full = [...args, '--kube-context', c.kubeContext];
    if (c.kubeconfig) full.push('--kubeconfig', c.kubeconfig);
    return runMutating(this.bin, full, options);
  }
}
