import type { Command } from 'commander';
import { action, examples, clusterCommand, opt } from './context.js';
import { formatDuration } from '../duration.js';
import { requireTenantId } from '../tenant/id.js';

interface Flags {
  tenant: string;
  kubeContext: string;
  kubeconfig?: string;
  only?: string;
  timeout: string;
  dryRun?: boolean;
  force?: boolean;
  skipCapacityCheck?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'install', "install a tenant on a cluster by the release plan and wait until it is ready (its SecretStore included)", { tenant: 'tenant id (gitops/tenants/tenant-<id>.yaml)', kubeContext: 'kube context of the target cluster', contextRequired: true })
    .option('--only <components>', 'only these components (comma separated) and what they need')
    .addOption(opt.timeout('30m'))
    .addOption(opt.dryRun())
    .option('--force', 'on an installed tenant, go through with changes that lose data or are immutable (as upgrade --force)')
    .option('--skip-capacity-check', 'install even when the capacity check says the tenant does not fit the nodes')
    .addOption(opt.json('the summary'))
    .action(
      action(async (ctx, flags: Flags) => {
        const support = await import('./support.js');
        const tenant = requireTenantId(flags.tenant);
        const timeoutMs = support.parseDuration(flags.timeout);
        const dryRun = support.dryRunOf(flags.dryRun);
        support.startCommandLog(ctx.cwd, 'install');
        const { clusterTools } = await import('../lifecycle/tools.js');
        const { installPhases } = await import('../lifecycle/install.js');
        const { runPhases } = await import('./progress.js');
        const { waves } = await import('../plan/dag.js');
        const tools = await clusterTools(dryRun, ctx.signal);
        const only = flags.only?.split(',').map((s) => s.trim()).filter(Boolean);
        const { phases, state } = installPhases({ cwd: ctx.cwd, tenant, kubeContext: flags.kubeContext, kubeconfig: flags.kubeconfig, only, timeoutMs, tools, failGraceMs: support.failGraceMs(), environment: support.helmfileEnvironment(), force: flags.force, skipCapacityCheck: flags.skipCapacityCheck, dryRun });
        const started = Date.now();
        try {
          const timings = await runPhases(phases, { out: ctx.out, signal: ctx.signal, command: 'install' });
          const summary = {
            tenant,
            namespace: state.namespace,
            context: flags.kubeContext,
            dryRun: Boolean(dryRun),
            seconds: (Date.now() - started) / 1000,
            phases: timings.map((t) => ({ phase: t.title, seconds: t.ms / 1000, result: t.result ?? '' })),
            releases: (state.result?.outcomes ?? []).map((r) => ({ release: r.id, status: r.status, readySeconds: r.readyAt !== undefined ? r.readyAt / 1000 : undefined })),
            plan: state.releases ? waves(state.releases).map((w) => w.map((r) => r.id)) : [],
            safety: state.safety,
            capacity: state.capacity ? { fits: state.capacity.fits, fit: state.capacity.fit } : undefined,
            commands: support.recordedCommands(dryRun),
          };
          ctx.out.result(summary, (s, o) => {
            if (s.dryRun) {
              return [
                o.style('bold', 'Dry run: nothing was changed.'),
                'Releases (each wave starts when what it needs is ready):',
                ...s.plan.map((w, i) => `  ${i + 1}. ${w.join(', ')}`),
                '',
                'Commands it would run:',
                ...(s.commands ?? []).map((c) => `  ${c}`),
              ].join('\n');
            }
            return [
              o.style('green', `tenant ${s.tenant} is ready in ${s.namespace} on ${s.context} (${formatDuration(s.seconds * 1000)})`),
              '',
              o.table(s.releases.map((r) => ({ ...r, ready: r.readySeconds !== undefined ? formatDuration(r.readySeconds * 1000) : '-' })), [['release', 'RELEASE'], ['status', 'STATUS'], ['ready', 'READY AT']]),
              '',
              `Next: logclaw status --tenant ${s.tenant} --kube-context ${s.context}`,
            ].join('\n');
          });
        } catch (e) {
          throw support.withLogPath(support.interruptedError(e, ctx.signal, 'install', 'skipping what is already installed from the same inputs and ready'), ctx.cwd);
        } finally {
          await state.session?.close();
        }
      }),
    );
  cmd.addHelpText(
    'after',
    '\nOn a tenant that is already installed, install compares the render with the cluster first (as `logclaw diff`)\nand refuses data-loss and immutable changes (exit 1) unless --force; `logclaw upgrade` is the day-two command.\nBefore installing anything it checks that the tenant\'s requests fit the nodes under its tier\'s zone spread\n(as `logclaw capacity`) and stops (exit 1) naming the shortfall unless --skip-capacity-check.',
  );
  examples(cmd, ['logclaw install --tenant acme --kube-context prod', 'logclaw install --tenant acme --kube-context prod --dry-run', 'logclaw install --tenant acme --kube-context prod --force']);
}
