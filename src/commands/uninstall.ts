import type { Command } from 'commander';
import { action, examples, clusterCommand, opt } from './context.js';
import { requireTenantId } from '../tenant/id.js';

interface Flags {
  tenant: string;
  kubeContext: string;
  kubeconfig?: string;
  yes?: boolean;
  purge?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'uninstall', "remove a tenant's releases from a cluster; its volumes (PVCs) and namespace stay unless --purge", { tenant: 'tenant id (namespace logclaw-<id>)', kubeContext: 'kube context of the cluster', contextRequired: true })
    .option('--yes', 'do not ask for confirmation')
    .option('--purge', 'also delete the volumes (PVCs: all data) and the namespace')
    .addOption(opt.dryRun('print what would be removed'))
    .addOption(opt.json())
    .action(
      action(async (ctx, flags: Flags) => {
        const support = await import('./support.js');
        const { usageError, LogclawError, ExitCode } = await import('../errors.js');
        const tenant = requireTenantId(flags.tenant);
        const dryRun = support.dryRunOf(flags.dryRun);
        const namespace = (await import('../tenant/id.js')).tenantNamespace(tenant);
        if (!flags.yes && !dryRun) {
          if (!process.stdin.isTTY || !process.stderr.isTTY) {
            throw usageError(`uninstall needs a confirmation: pass --yes to remove tenant ${tenant} from ${flags.kubeContext} without a prompt`);
          }
          const { confirm } = await import('@inquirer/prompts');
          const ok = await confirm({
            message: `Remove tenant ${tenant} (namespace ${namespace}) from ${flags.kubeContext}${flags.purge ? ', DELETING ITS VOLUMES AND DATA' : ' (volumes are kept)'}?`,
            default: false,
          });
          if (!ok) throw new LogclawError('not confirmed: nothing was removed', { exitCode: ExitCode.checkFailed });
        }
        support.startCommandLog(ctx.workDir, 'uninstall');
        const { Helm } = await import('../tools/helm.js');
        const { openSession } = await import('../lifecycle/session.js');
        const { uninstallTenant } = await import('../lifecycle/uninstall.js');
        const { noTenant } = await import('../status/index.js');
        const helm = (await Helm.detect(undefined, { signal: ctx.signal })).withDryRun(dryRun);
        const session = await openSession(flags.kubeContext, flags.kubeconfig, ctx.signal);
        try {
          const r = await uninstallTenant({
            api: session.api!,
            namespace,
            purge: Boolean(flags.purge),
            helm,
            target: { kubeContext: flags.kubeContext, kubeconfig: flags.kubeconfig },
            dryRun,
            update: (t) => ctx.out.info(`uninstall: ${t}`),
            signal: ctx.signal,
            timeoutMs: 300_000,
          });
          if (!r.removed.length && !r.namespaceDeleted) throw noTenant(namespace, flags.kubeContext);
          ctx.out.result({ ...r, context: flags.kubeContext, dryRun: Boolean(dryRun), commands: support.recordedCommands(dryRun) }, (v, o) => {
            const lines = [`${v.dryRun ? 'would remove' : 'removed'} ${v.removed.length} release(s) of tenant ${tenant} from ${v.context}: ${v.removed.join(', ')}`];
            if (v.keptPvcs.length) lines.push(`kept ${v.keptPvcs.length} volume(s) and namespace ${v.namespace} (--purge deletes them): ${v.keptPvcs.join(', ')}`);
            if (v.chartPvcs.length && !flags.purge) lines.push(o.style('yellow', `note: these PVCs belonged to a chart without helm.sh/resource-policy: keep, so helm deleted them: ${v.chartPvcs.join(', ')}`));
            if (v.deletedPvcs.length) lines.push(`deleted ${v.deletedPvcs.length} volume(s): ${v.deletedPvcs.join(', ')}`);
            if (v.namespaceDeleted) lines.push(`deleted namespace ${v.namespace}`);
            if (v.commands?.length) lines.push('', 'Commands it would run:', ...v.commands.map((c) => `  ${c}`));
            return lines.join('\n');
          });
        } catch (e) {
          throw support.withLogPath(e, ctx.workDir);
        } finally {
          await session.close();
        }
      }),
    );
  examples(cmd, ['logclaw uninstall --tenant acme --kube-context prod', 'logclaw uninstall --tenant acme --kube-context prod --yes --purge']);
}
