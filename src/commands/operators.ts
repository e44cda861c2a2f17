import type { Command } from 'commander';
import { action, examples, clusterCommand, opt } from './context.js';

interface Flags {
  kubeContext?: string;
  kubeconfig?: string;
  timeout: string;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const operators = program.command('operators').description('the operators LogClaw needs (helmfile.d/00-operators.yaml)');
  examples(operators, ['logclaw operators install --dry-run', 'logclaw operators install --kube-context prod']);
  const install = clusterCommand(operators, 'install', 'install or upgrade the pinned operators, refresh CRDs older than them, wait until they are ready', { kubeContext: 'kube context (default: the kubeconfig current context, named explicitly in every call)' })
    .addOption(opt.timeout('10m'))
    .addOption(opt.dryRun())
    .addOption(opt.json())
    .action(
      action(async (ctx, flags: Flags) => {
        const support = await import('./support.js');
        const timeoutMs = support.parseDuration(flags.timeout);
        const dryRun = support.dryRunOf(flags.dryRun);
        support.startCommandLog(ctx.cwd, 'operators-install');
        const kubeContext = flags.kubeContext ?? (await support.currentContext(flags.kubeconfig));
        const { clusterTools } = await import('../lifecycle/tools.js');
        const { openSession } = await import('../lifecycle/session.js');
        const { installOperators } = await import('../lifecycle/operators.js');
        const { runPhases } = await import('./progress.js');
        const tools = await clusterTools(dryRun, ctx.signal);
        let session: Awaited<ReturnType<typeof openSession>> | undefined;
        let result: Awaited<ReturnType<typeof installOperators>> | undefined;
        try {
          const timings = await runPhases(
            [
              { title: `connect to ${kubeContext}`, run: async (ctl) => void (session = await openSession(kubeContext, flags.kubeconfig, ctl.signal)) },
              {
                title: 'operators',
                run: async (ctl) => {
                  result = await installOperators({ cwd: ctx.cwd, helmfileDir: 'helmfile.d', ...tools, session: session!, deadline: Date.now() + timeoutMs, failGraceMs: support.failGraceMs(), environment: support.helmfileEnvironment(), dryRun }, ctl);
                  return `${result.releases.length} operator(s) ready${result.refreshed.length ? `; refreshed ${result.refreshed.length} stale CRD(s)` : ''}`;
                },
              },
            ],
            { out: ctx.out, signal: ctx.signal, command: 'operators install' },
          );
          ctx.out.result(
            {
              context: kubeContext,
              dryRun: Boolean(dryRun),
              releases: result!.result.outcomes.map((o) => ({ release: o.id, status: o.status })),
              refreshedCrds: result!.refreshed,
              seconds: timings.reduce((n, t) => n + t.ms, 0) / 1000,
              commands: support.recordedCommands(dryRun),
            },
            (v, o) =>
              [
                ...(v.dryRun ? [o.style('bold', 'Dry run: nothing was changed.')] : []),
                o.table(v.releases, [['release', 'OPERATOR'], ['status', 'STATUS']]),
                ...(v.refreshedCrds.length ? [`refreshed CRDs: ${v.refreshedCrds.join(', ')}`] : []),
                ...(v.commands ? ['', 'Commands it would run:', ...v.commands.map((c) => `  ${c}`)] : []),
              ].join('\n'),
          );
        } catch (e) {
          throw support.withLogPath(support.interruptedError(e, ctx.signal, 'operators install', 'upgrading only what changed'), ctx.cwd);
        } finally {
          await session?.close();
        }
      }),
    );
  examples(install, ['logclaw operators install --kube-context prod', 'logclaw operators install --dry-run']);
}
