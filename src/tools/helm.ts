/**
 * The one typed wrapper around helm (3.14+ and 4.x). Argument arrays through src/tools/exec.ts,
 * explicit --kube-context for every cluster call, version checked with semver.
 */
import semver from 'semver';
import { ExitCode, LogclawError } from '../errors.js';
import { toolPath } from './discover.js';
import { run, runMutating, type RunOptions, type RunResult } from './exec.js';
import { Program } from './program.js';

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

/** Where helm says an error happened: the chart, the template file (as helm names it) and the line. */
export interface HelmErrorInfo {
  kind: 'template' | 'parse' | 'yaml' | 'schema' | 'dependency' | 'kube-version' | 'other';
  message: string;
  /** Template path as helm reports it, e.g. `logclaw-tenant/charts/kafka/templates/kafka.yaml`. */
  template?: string;
  /** The chart that owns the template (the deepest chart in the path), or the chart helm names. */
  chart?: string;
  line?: number;
  column?: number;
}

/** One `[ERROR]`/`[WARNING]`/`[INFO]` line of `helm lint`. */
export interface HelmLintMessage {
  severity: 'error' | 'warning' | 'info';
  /** Path relative to the chart (`templates/x.yaml`, `values.yaml`, `Chart.yaml`). */
  path: string;
  message: string;
  /** Parsed location when the message carries a template error. */
  error?: HelmErrorInfo;
}

/** The chart owning a template path such as `umbrella/charts/kafka/templates/x.yaml` (→ `kafka`). */
export function chartOfTemplate(template: string): string {
  const parts = template.split('/');
  const t = parts.lastIndexOf('templates');
  return t > 0 ? parts[t - 1]! : parts[0]!;
}

function located(kind: HelmErrorInfo['kind'], template: string, line: string | undefined, col: string | undefined, message: string): HelmErrorInfo {
  return {
    kind,
    message: message.trim(),
    template,
    chart: chartOfTemplate(template),
    line: line ? Number(line) : undefined,
    column: col ? Number(col) : undefined,
  };
}

/**
 * Turn helm's stderr (helm 3 or helm 4 wording) into a message naming the chart, template file and line.
 * Unknown shapes come back as kind 'other' with helm's first error line.
 */
export function parseHelmError(stderr: string): HelmErrorInfo {
  const text = stderr.replace(/\r/g, '').replace(/\n*Use --debug flag to render out invalid YAML\s*$/m, '').trim();
  let m: RegExpExecArray | null;
  // helm 3: `Error: template: c/templates/x.yaml:6:15: executing "c/templates/x.yaml" at <.Values.a.b>: nil pointer ...`
  // (an error inside an include names every template on the way: the last one is where it happened)
  const h3 = [...text.matchAll(/template: ([^\s:]+):(\d+):(\d+): (?:executing "[^"]*" at (<[^>]*>): )?/g)];
  if (h3.length) {
    const last = h3[h3.length - 1]!;
    const rest = text.slice(last.index! + last[0].length).split('\n')[0]!;
    return located('template', last[1]!, last[2], last[3], `${last[4] ? `at ${last[4]}: ` : ''}${rest}`);
  }
  // helm 4: `Error: c/templates/x.yaml:6:15\n  executing "..." at <...>:\n    nil pointer ...`
  const h4 = [...text.matchAll(/(?:^|\n)\s*(?:Error: )?([^\s:]+\/templates\/[^\s:]+):(\d+):(\d+)\s*\n\s*(?:executing "[^"]*" at (<[^>]*>):)?/g)];
  if (h4.length) {
    const last = h4[h4.length - 1]!;
    const rest = text.slice(last.index! + last[0].length).split('\n').map((l) => l.trim()).filter(Boolean);
    const msg = rest.find((l) => !/^(executing|error calling include)/.test(l) && !/\/templates\/[^\s:]+:\d+:\d+$/.test(l)) ?? rest[0] ?? '';
    return located('template', last[1]!, last[2], last[3], `${last[4] ? `at ${last[4]}: ` : ''}${msg}`);
  }
  if ((m = /execution error at \(([^:)]+):(\d+):(\d+)\): ([^\n]*)/.exec(text))) {
    return located('template', m[1]!, m[2], m[3], m[4]!);
  }
  if ((m = /parse error at \(([^:)]+):(\d+)\): ([^\n]*)/.exec(text))) {
    return located('parse', m[1]!, m[2], undefined, m[3]!);
  }
  if ((m = /YAML parse error on ([^:\s]+): (?:error converting YAML to JSON: )?(?:yaml: )?(?:line (\d+): )?([^\n]*)/.exec(text))) {
    return located('yaml', m[1]!, m[2], undefined, `invalid YAML in the rendered output: ${m[3]}`);
  }
  if ((m = /values don't meet the specifications of the schema\(s\) in the following chart\(s\):\n([^\n:]+):\n((?:- [^\n]*\n?)+)/.exec(text))) {
    const problems = m[2]!.trim().split('\n').map((l) => l.replace(/^- /, '').trim());
    return { kind: 'schema', chart: m[1]!.trim(), message: `values do not match ${m[1]!.trim()}/values.schema.json: ${problems.join('; ')}` };
  }
  if ((m = /found in Chart.yaml, but missing in charts\/ directory: ([^\n]*)/i.exec(text))) {
    return { kind: 'dependency', message: `dependencies not built (missing in charts/): ${m[1]}` };
  }
  if ((m = /chart requires kubeVersion: ([^\n]*) which is incompatible with Kubernetes ([^\s]+)/.exec(text))) {
    return { kind: 'kube-version', message: `the chart requires kubeVersion ${m[1]!.trim()}, which excludes Kubernetes ${m[2]}` };
  }
  const first = text.split('\n').find((l) => /^Error:/.test(l)) ?? text.split('\n')[0] ?? '';
  return { kind: 'other', message: first.replace(/^Error:\s*/, '').trim() || 'helm failed without a message' };
}

/** A one-line description: `chart kafka, templates/x.yaml line 6: message`. */
export function describeHelmError(e: HelmErrorInfo): string {
  const where: string[] = [];
  if (e.chart) where.push(`chart ${e.chart}`);
  if (e.template) {
    const t = e.template.split('/');
    const i = t.lastIndexOf('templates');
    where.push(`${i >= 0 ? t.slice(i).join('/') : e.template}${e.line ? ` line ${e.line}` : ''}`);
  }
  return where.length ? `${where.join(', ')}: ${e.message}` : e.message;
}

/** Parse `helm lint` output (helm 3 and 4 print the same `[LEVEL] path: message` lines). */
export function parseHelmLint(output: string): HelmLintMessage[] {
  const out: HelmLintMessage[] = [];
  const lines = output.replace(/\r/g, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\[(ERROR|WARNING|INFO)\] ([^:]*): (.*)$/.exec(lines[i]!);
    if (!m) continue;
    // Messages can continue on the following lines until a blank line or the next [LEVEL].
    let message = m[3]!;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && !/^\[(ERROR|WARNING|INFO)\]|^==>|^\d+ chart\(s\)/.test(lines[i + 1]!)) {
      message += '\n' + lines[++i];
    }
    const severity = m[1]!.toLowerCase() as HelmLintMessage['severity'];
    const parsed = severity === 'info' ? undefined : parseHelmError(message);
    out.push({ severity, path: m[2]!.trim(), message: message.trim(), error: parsed && parsed.kind !== 'other' ? parsed : undefined });
  }
  return out;
}

export interface HelmClusterOptions {
  kubeContext: string;
  kubeconfig?: string;
}

/**
 * Environment for short-lived helm children: a higher GOGC trades a little memory for less GC work
 * (a render allocates a few hundred MB at most). LOGCLAW_HELM_GOGC overrides it.
 */
export const helmChildEnv: Record<string, string> = { GOGC: process.env.LOGCLAW_HELM_GOGC ?? '400' };

/** A failed helm render or lint with the parsed location; the message already names chart, file and line. */
export class HelmError extends LogclawError {
  constructor(
    readonly info: HelmErrorInfo,
    readonly result: RunResult,
  ) {
    super(`helm failed: ${describeHelmError(info)}`, { exitCode: ExitCode.checkFailed, details: [`command: ${result.command}`] });
  }
}

export class Helm extends Program {
  get major(): number {
    return semver.major(this.version);
  }

  /** Find helm (LOGCLAW_HELM, else `helm` on PATH, else the copy in the tool cache: src/tools/discover.ts) and check its version. */
  static async detect(bin = toolPath('helm'), options?: RunOptions): Promise<Helm> {
    const r = await run(bin, ['version', '--template', '{{.Version}}'], options);
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

  /** helm 4 changed error wording and some defaults; callers branch on this, never on strings. */
  get isHelm4(): boolean {
    return this.major >= 4;
  }

  /** `helm template` arguments (shared by template() and the benchmark's shell loop). */
  templateArgs(chart: string, o: HelmTemplateOptions): string[] {
    const args = ['template', o.release, chart, '--namespace', o.namespace];
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    for (const s of o.set ?? []) args.push('--set', s);
    if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
    for (const a of o.apiVersions ?? []) args.push('--api-versions', a);
    if (o.includeCrds) args.push('--include-crds');
    if (o.skipTests !== false) args.push('--skip-tests');
    return args;
  }

  /** `helm template`; returns the rendered multi-document YAML. A failure names chart, template and line. */
  async template(chart: string, o: HelmTemplateOptions, options?: RunOptions): Promise<string> {
    const r = await run(this.bin, this.templateArgs(chart, o), { ...options, env: { ...helmChildEnv, ...options?.env }, reject: false });
    if (r.exitCode !== 0) {
      const info = parseHelmError(r.stderr || r.stdout);
      throw new HelmError(info, r);
    }
    return r.stdout;
  }

  /** `helm lint`; returns the result without throwing so findings can be parsed. */
  lint(chart: string, o: { strict?: boolean; valuesFiles?: string[]; kubeVersion?: string; namespace?: string } = {}, options?: RunOptions): Promise<RunResult> {
    const args = ['lint', chart];
    if (o.strict) args.push('--strict');
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
    if (o.namespace) args.push('--namespace', o.namespace);
    return run(this.bin, args, { ...options, env: { ...helmChildEnv, ...options?.env }, reject: false });
  }

  dependencyBuild(chart: string, options?: RunOptions): Promise<RunResult> {
    return run(this.bin, ['dependency', 'build', chart, '--skip-refresh'], options);
  }

  package(chart: string, destination: string, options?: RunOptions): Promise<RunResult> {
    return run(this.bin, ['package', chart, '--destination', destination], options);
  }

  /** `helm plugin list`: the installed plugins by name and version (none when helm cannot list them). */
  async plugins(options?: RunOptions): Promise<HelmPlugin[]> {
    const r = await run(this.bin, ['plugin', 'list'], { timeout: 20_000, ...options, reject: false });
    return r.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[0])
      .map(([name, version]) => ({ name: name!, version: version ?? '' }));
  }

  /** `helm push` of a packaged chart to an OCI registry; the result is returned (exit code included) for the caller to judge. */
  push(archive: string, registryUrl: string, o: HelmRegistryOptions = {}, options?: RunOptions): Promise<RunResult> {
    return run(this.bin, ['push', archive, registryUrl, ...registryArgs(o)], { ...options, reject: false });
  }

  /** `helm pull` of one chart version into a directory; the result is returned (exit code included). */
  pull(ref: string, o: HelmRegistryOptions & { version: string; destination: string }, options?: RunOptions): Promise<RunResult> {
    return run(this.bin, ['pull', ref, '--version', o.version, '--destination', o.destination, ...registryArgs(o)], { ...options, reject: false });
  }

  /** `helm upgrade --install` of one release from a chart directory (recorded under --dry-run). */
  upgradeInstall(release: string, chart: string, o: { namespace: string; valuesFiles?: string[] }, c: HelmClusterOptions, options?: RunOptions): Promise<RunResult> {
    const args = ['upgrade', '--install', release, chart, '--namespace', o.namespace, '--create-namespace'];
    for (const f of o.valuesFiles ?? []) args.push('--values', f);
    return this.cluster(args, c, options);
  }

  /** `helm uninstall` of one release; with `timeout`, waits (`--wait`) up to it for the release's objects to go. */
  uninstall(release: string, o: { namespace: string; timeout?: string }, c: HelmClusterOptions, options?: RunOptions): Promise<RunResult> {
    const args = ['uninstall', release, '--namespace', o.namespace];
    if (o.timeout) args.push('--wait', '--timeout', o.timeout);
    return this.cluster(args, c, options);
  }

  /** Cluster calls always name the context. */
  private cluster(args: string[], c: HelmClusterOptions, options?: RunOptions): Promise<RunResult> {
    const full = [...args, '--kube-context', c.kubeContext];
    if (c.kubeconfig) full.push('--kubeconfig', c.kubeconfig);
    return runMutating(this.bin, full, options, this.dryRun);
  }
}

export interface HelmPlugin {
  name: string;
  version: string;
}

/** How helm reaches an OCI registry. */
export interface HelmRegistryOptions {
  /** `--plain-http`: a registry without TLS. */
  plainHttp?: boolean;
  /** `--registry-config`: the credentials file to use instead of helm's own. */
  registryConfig?: string;
}

function registryArgs(o: HelmRegistryOptions): string[] {
  const args: string[] = [];
  if (o.plainHttp) args.push('--plain-http');
  if (o.registryConfig) args.push('--registry-config', o.registryConfig);
  return args;
}
