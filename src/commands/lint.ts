/**
 * `logclaw lint`: charts, helmfile.d and every tenant render, validated before anything is deployed.
 * Thin: flags in, src/lint/ does the work, src/lint/format.ts prints. Exit 0 clean, 1 findings, 2 usage, 3 helm missing.
 */
import type { Command } from 'commander';
import { action, examples } from './context.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('lint')
    .description('lint charts, helmfile.d and every tenant render (schemas, CRDs, policy, references, domain rules)')
    .option('--tenant <id>', 'only this tenant (repeatable); skips chart helm lints and ci renders', collect)
    .option('--format <format>', 'pretty | json | github | junit', 'pretty')
    .option('--crds <dir>', 'directory of operator CRDs (one folder per operator release); default $LOGCLAW_CRD_DIR, else ../shared/crds beside the logclaw checkout')
    .option('--kube-version <version>', 'Kubernetes version helm renders for', '1.27.0')
    .option('--api-versions <group/version>', 'extra API versions for .Capabilities (repeatable)', collect)
    .option('--output <file>', 'write the report to a file instead of stdout (any format)')
    .option('--concurrency <n>', 'parallel helm calls (default: the number of cores)')
    .option('--base <ref>', 'git ref chart versions are compared with (default: origin/main, else main)')
    .option('--json', 'same as --format json')
    .action(
      action(async (ctx, opts: { tenant?: string[]; format: string; crds?: string; kubeVersion: string; apiVersions?: string[]; output?: string; concurrency?: string; base?: string; json?: boolean }) => {
        const { usageError, ExitCode } = await import('../errors.js');
        const { FORMATS, formatLint, counts } = await import('../lint/format.js');
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw usageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
        const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
        if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw usageError(`--concurrency must be a positive integer, not "${opts.concurrency}"`);
        const { Helm } = await import('../tools/helm.js');
        const { runLint } = await import('../lint/index.js');
        const { resolve } = await import('node:path');
        const helm = await Helm.detect();
        const { resolveCrdDir, noCrdsWarning } = await import('../manifests/crds.js');
        const crds = resolveCrdDir(ctx.cwd, opts.crds);
        if (!crds.dir) ctx.out.warn(noCrdsWarning(resolve(ctx.cwd, 'charts')));
        const result = await runLint({
          root: ctx.cwd,
          helm,
          tenants: opts.tenant,
          crdDir: crds.dir,
          kubeVersion: opts.kubeVersion,
          apiVersions: opts.apiVersions,
          concurrency,
          baseRef: opts.base,
          signal: ctx.signal,
        });
        const text = formatLint(result, format as (typeof FORMATS)[number], ctx.out);
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
  ]);
}
