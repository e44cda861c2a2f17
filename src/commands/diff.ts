import type { Command } from 'commander';
import { action, examples, opt, useKubeconfig, clusterCommand } from './context.js';
import type { CommandContext } from './context.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

interface DiffFlags {
  tenant?: string;
  kubeContext?: string;
  kubeconfig?: string;
  json?: boolean;
  format?: string;
  showSecrets?: boolean;
  changed?: boolean;
  base?: string;
  explain?: boolean;
  output?: string;
  failOn?: string;
  crds?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  concurrency?: string;
  cache: boolean;
}

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'diff', 'show what installing a tenant would change (server-side dry run, change safety verdicts; exit 1 when something would change), or with --changed what a change does to every tenant it reaches (render against render, no cluster)', { tenant: 'tenant ID (gitops/tenants/tenant-<id>.yaml), compared with the cluster', tenantOptional: true, kubeContext: 'kube context (default: the current context)', kubeconfig: 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)' })
    .option('--json', 'print the changes and verdicts as JSON (same as --format json)')
    .option('--format <format>', 'diff or json; with --changed: pretty, json, github, markdown or junit')
    .option('--show-secrets', 'show Secret values instead of masking them')
    .option('--changed', 'no cluster: every tenant and umbrella ci case the change since the merge base with --base reaches (as lint --changed selects), rendered at the merge base and at HEAD plus uncommitted changes, compared and classified')
    .option('--base <ref>', 'with --changed: the ref the change is compared with (default: origin/main, else main)')
    .option('--explain', 'with --changed: print why each tenant was selected')
    .option('--output <file>', 'with --changed: write the report to a file instead of stdout')
    .option('--fail-on <verdict>', 'with --changed: exit 1 when a change is at least restart, disruptive, immutable or data-loss', 'immutable')
    .option('--crds <dir>', 'with --changed: operator CRDs as lint reads them (default $LOGCLAW_CRD_DIR, else ../shared/crds beside the checkout)')
    .option('--kube-version <version>', 'with --changed: the Kubernetes version helm renders for (as lint)', '1.27.0')
    .option('--api-versions <group/version>', 'with --changed: extra API versions for .Capabilities (repeatable)', collect)
    .option('--concurrency <n>', 'with --changed: parallel helm calls (default: the number of cores)')
    .option('--no-cache', 'with --changed: always run helm (default: renders come from the render cache)')
    .action(
      action(async (ctx, opts: DiffFlags) => {
        const { usageError } = await import('../errors.js');
        if (opts.json && opts.format !== undefined && opts.format !== 'json') throw usageError(`--json and --format ${opts.format} cannot be combined`);
        if (opts.json) opts.format = 'json';
        if (opts.changed) {
          if (opts.tenant) throw usageError('--changed and --tenant cannot be combined', 'Use --changed to diff what a change reaches (no cluster), or --tenant to compare one tenant with a cluster.');
          return diffChangedCommand(ctx, opts);
        }
        if (!opts.tenant) throw usageError('diff needs --tenant ID (compare with a cluster) or --changed (what the change does, no cluster)');
        for (const f of ['base', 'explain', 'output'] as const) if (opts[f] !== undefined) throw usageError(`--${f} needs --changed`);
        const format = opts.format ?? 'diff';
        if (format !== 'diff' && format !== 'json') throw usageError(`--format must be diff or json, not "${format}"`);
        (await import('../tenant/id.js')).requireTenantId(opts.tenant);
        const root = ctx.cwd; // the repository first: outside one, exit 2 before any cluster is asked
        const { Helm } = await import('../tools/helm.js');
        const { connectCluster } = await import('../diff/connect.js');
        const { diffTenant } = await import('../diff/index.js');
        const { formatDiffBody, formatSummary } = await import('../diff/format.js');
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        await useKubeconfig(opts.kubeconfig);
        const { api, context } = await connectCluster(opts.kubeContext);
        try {
          const d = await diffTenant({
            root,
            tenantId: opts.tenant,
            api,
            helm,
            context,
            showSecrets: opts.showSecrets,
            signal: ctx.signal,
            onPhase: (t) => ctx.out.info(ctx.out.style('dim', `${t}…`)),
          });
          ctx.out.result(d, (r, o) => [formatDiffBody(r, o), formatSummary(r, o)].filter(Boolean).join('\n'));
          return d.changed ? 1 : 0;
        } finally {
          await api.close();
        }
      }),
    );
  examples(cmd, [
    'logclaw diff --tenant acme --kube-context prod',
    'logclaw diff --tenant acme --format json | jq .assessment.blocking',
    'logclaw diff --changed --explain',
    'logclaw diff --changed --base origin/main --format markdown --output diff.md',
    'logclaw diff --changed --format github --fail-on disruptive',
  ]);
}

/** `diff --changed`: flags in, src/diff/changed.ts does the work, src/diff/changed-format.ts prints. */
async function diffChangedCommand(ctx: CommandContext, opts: DiffFlags): Promise<number> {
  const { usageError, ExitCode } = await import('../errors.js');
  const { CHANGED_FORMATS, formatChanged } = await import('../diff/changed-format.js');
  const { diffChanged, failing, FAIL_ON } = await import('../diff/changed.js');
  const format = opts.format ?? 'pretty';
  if (!(CHANGED_FORMATS as readonly string[]).includes(format)) throw usageError(`--format must be one of ${CHANGED_FORMATS.join(', ')} with --changed, not "${format}"`);
  const failOn = opts.failOn ?? 'immutable';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw usageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"`);
  const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw usageError(`--concurrency must be a positive integer, not "${opts.concurrency}"`);
  const { Helm } = await import('../tools/helm.js');
  const { RenderCache } = await import('../render/cache.js');
  const { resolveCrdDir, noCrdsWarning } = await import('../manifests/crds.js');
  const { formatSelection } = await import('../lint/format.js');
  const { resolve } = await import('node:path');
  const helm = await Helm.detect(undefined, { signal: ctx.signal });
  const crds = resolveCrdDir(ctx.cwd, opts.crds);
  if (!crds.dir) ctx.out.warn(noCrdsWarning(resolve(ctx.cwd, 'charts')));
  const d = await diffChanged({
    root: ctx.cwd,
    helm,
    base: opts.base,
    crdDir: crds.dir,
    kubeVersion: opts.kubeVersion,
    apiVersions: opts.apiVersions,
    cache: opts.cache ? new RenderCache() : undefined,
    concurrency,
    showSecrets: opts.showSecrets,
    signal: ctx.signal,
    onProgress: (t) => ctx.out.info(ctx.out.style('dim', `${t}…`)),
  });
  const selection = formatSelection(d.selection, Boolean(opts.explain)).map((l) => l.replace(/; linting .*$/, `; rendering ${d.summary.targets} target(s) at the merge base and at HEAD`));
  const body = formatChanged(d, format as (typeof CHANGED_FORMATS)[number], ctx.out, failOn as (typeof FAIL_ON)[number]);
  // pretty carries the selection first; json has it as `selection`; for the others it goes to stderr
  const text = format === 'pretty' ? [...selection, body].join('\n') : body;
  if (format !== 'pretty' && format !== 'json') for (const l of selection) ctx.out.info(l);
  if (opts.output) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(resolve(ctx.cwd, opts.output), text + '\n');
    ctx.out.info(`wrote ${opts.output}: ${d.summary.tenantsChanged} tenant(s) change, verdict ${d.verdict}`);
  } else ctx.out.raw(text + '\n');
  return failing(d, failOn as (typeof FAIL_ON)[number]).length ? ExitCode.checkFailed : ExitCode.ok;
}
