/**
 * `logclaw lint`: charts, helmfile.d and every tenant render, validated before anything is deployed.
 * Thin: flags in, src/lint/ does the work, src/lint/format.ts prints. Exit 0 clean, 1 findings, 2 usage, 3 helm missing.
 */
import type { Command } from 'commander';
import { action, examples, kubeVersionArg } from './context.js';
import { formatDuration } from '../duration.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('lint')
    .description('lint charts, helmfile.d and every tenant render (schemas, CRDs, policy, references, domain rules)')
    .option('--tenant <id>', 'only this tenant (repeatable); skips chart helm lints and ci renders', collect)
    .option('--format <format>', 'pretty | json | github | junit', 'pretty')
    .option('--crds <dir>', 'directory of operator CRDs (one folder per operator release); default $LOGCLAW_CRD_DIR, else ../shared/crds beside the logclaw checkout')
    .option('--kube-version <version>', 'Kubernetes version helm renders for', kubeVersionArg, '1.27.0')
    .option('--api-versions <group/version>', 'extra API versions for .Capabilities (repeatable)', collect)
    .option('--output <file>', 'write the report to a file instead of stdout (any format)')
    .option('--concurrency <n>', 'parallel helm calls (default: the number of cores)')
    .option('--base <ref>', 'git ref chart versions (and with --changed, the change) are compared with (default: origin/main, else main)')
    .option('--changed', 'only what the change since the merge base with --base can affect (committed, uncommitted and untracked files)')
    .option('--explain', 'with --changed: print why each tenant, chart and check was selected')
    .option('--no-cache', 'always run helm (default: identical renders come from the render cache in ~/.cache/logclaw/render)')
    .option('--json', 'same as --format json')
    .action(
      action(async (ctx, opts: { tenant?: string[]; format: string; crds?: string; kubeVersion: string; apiVersions?: string[]; output?: string; concurrency?: string; base?: string; changed?: boolean; explain?: boolean; cache: boolean; json?: boolean }) => {
        const { usageError, ExitCode } = await import('../errors.js');
        const { FORMATS, formatLint, formatSelection, counts } = await import('../lint/format.js');
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw usageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
        const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
        if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw usageError(`--concurrency must be a positive integer, not "${opts.concurrency}"`);
        if (opts.changed && opts.tenant?.length) throw usageError('--changed and --tenant cannot be combined', 'Use --changed to let the change choose the tenants, or --tenant to name them.');
        if (opts.explain && !opts.changed) throw usageError('--explain needs --changed');
        const { Helm } = await import('../tools/helm.js');
        const { runLint } = await import('../lint/index.js');
        const { RenderCache } = await import('../render/cache.js');
        const changed = opts.changed ? await (await import('../lint/changed.js')).selectChanged({ root: ctx.cwd, base: opts.base }) : undefined;
        const { resolve } = await import('node:path');
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        const { resolveCrdDir, noCrdsWarning } = await import('../manifests/crds.js');
        const crds = resolveCrdDir(ctx.cwd, opts.crds);
        if (!crds.dir) ctx.out.warn(noCrdsWarning(resolve(ctx.cwd, 'charts')));
        // progress on a terminal: one status line per render and helm lint, replaced by the next (stderr)
        let done = 0;
        const started = Date.now();
        const showProgress = format !== 'json';
        const onProgress = showProgress ? (line: string) => void ctx.out.status(`lint: ${++done} done, ${formatDuration(Date.now() - started)} — ${line}`) : undefined;
        const lint = () => runLint({
          root: ctx.cwd,
          helm,
          tenants: opts.tenant,
          crdDir: crds.dir,
          kubeVersion: opts.kubeVersion,
          apiVersions: opts.apiVersions,
          concurrency,
          baseRef: changed?.base ?? opts.base,
          scope: changed?.scope,
          cache: opts.cache ? new RenderCache() : undefined,
          signal: ctx.signal,
          onProgress,
        });
        let result: Awaited<ReturnType<typeof runLint>>;
        try {
          result = await lint();
        } catch (e) {
          throw (await import('./support.js')).interruptedError(e, ctx.signal, 'lint', undefined);
        } finally {
          if (onProgress) ctx.out.status();
        }
        if (ctx.signal.aborted) throw (await import('./support.js')).interruptedError(undefined, ctx.signal, 'lint', undefined);
        const extras = { changed, explain: opts.explain };
        // pretty and json carry the selection; for github and junit it goes to stderr
        if (changed && format !== 'pretty' && format !== 'json') for (const l of formatSelection(changed, Boolean(opts.explain))) ctx.out.info(l);
        const text = formatLint(result, format as (typeof FORMATS)[number], ctx.out, extras);
        if (opts.output) {
          const { writeFileSync } = await import('node:fs');
          writeFileSync(resolve(ctx.cwd, opts.output), text + '\n');
          const { errors, warnings } = counts(result);
          ctx.out.info(`wrote ${opts.output}: ${errors} error(s), ${warnings} warning(s)`);
        } else ctx.out.raw(text + '\n');
        return counts(result).errors ? ExitCode.checkFailed : ExitCode.ok;
      }),
    );
  examples(cmd, [
    'logclaw lint',
    'logclaw lint --crds ../shared/crds',
    'logclaw lint --tenant acme --tenant globex',
    'logclaw lint --format github --crds "$LOGCLAW_CRD_DIR"',
    'logclaw lint --format junit --output lint-report.xml',
    'logclaw lint --base origin/release-1.4',
    'logclaw lint --changed --explain --crds ../shared/crds',
    'logclaw lint --changed --base origin/main --format github',
  ]);
}
