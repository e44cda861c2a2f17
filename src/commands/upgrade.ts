import type { Command } from 'commander';
import { action, examples, opt, useKubeconfig, clusterCommand } from './context.js';

interface UpgradeFlags {
  tenant: string;
  kubeContext?: string;
  kubeconfig?: string;
  yes?: boolean;
  force?: boolean;
  recreate?: boolean;
  dryRun?: boolean;
  timeout: string;
  skipCapacityCheck?: boolean;
}

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'upgrade', 'upgrade a tenant: show the changes and their safety, refuse data loss and immutable changes, upgrade only changed releases', { tenant: 'tenant ID (gitops/tenants/tenant-<id>.yaml)', kubeContext: 'kube context (default: the current context)', kubeconfig: 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)' })
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'go through with data-loss and immutable changes')
    .option('--recreate', 'carry out immutable StatefulSet changes: delete with --cascade=orphan (pods and PVCs stay), re-create')
    .addOption(opt.dryRun('show the changes and every command the upgrade would run; change nothing'))
    .addOption(opt.timeout('15m', 'how long to wait for the upgraded releases to be ready'))
    .option('--skip-capacity-check', 'upgrade even when grown replicas or requests do not fit the nodes')
    .addOption(opt.json())
    .action(
      action(async (ctx, flags: UpgradeFlags) => {
        const { ExitCode, usageError } = await import('../errors.js');
        const { parseDuration } = await import('../duration.js');
        const timeoutMs = parseDuration(flags.timeout);
        (await import('../tenant/id.js')).requireTenantId(flags.tenant);
        const root = ctx.cwd;
        const { Helm } = await import('../tools/helm.js');
        const { DryRun } = await import('../tools/record.js');
        const { connectCluster } = await import('../diff/connect.js');
        const { diffTenant } = await import('../diff/index.js');
        const { decide, refusal, applyUpgrade } = await import('../diff/upgrade.js');
        const { formatSummary, verdictStyle } = await import('../diff/format.js');
        const out = ctx.out;
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        await useKubeconfig(flags.kubeconfig);
        const { api, context } = await connectCluster(flags.kubeContext);
        try {
          const d = await diffTenant({ root, tenantId: flags.tenant, api, helm, context, signal: ctx.signal, onPhase: (t) => out.info(out.style('dim', `${t}…`)) });
          // the changes and their verdicts first
          if (d.changed) {
            out.print(
              d.objects
                .map((x) => `  ${x.action.padEnd(7)} ${out.style(verdictStyle[x.verdict], x.verdict.padEnd(10))} ${x.ref}`)
                .join('\n'),
            );
          }
          out.print(formatSummary(d, out));
          if (!d.changed) {
            out.result({ status: 'unchanged', diff: d }, () => '');
            return 0;
          }
          const decision = decide(d, { force: flags.force, recreate: flags.recreate });
          const refused = refusal(decision, { command: 'upgrade', tenant: d.tenantId, kubeContext: context });
          if (refused) {
            out.result({ status: 'refused', refused: decision.refused, diff: d }, () => '');
            throw refused;
          }
          if (!flags.skipCapacityCheck) {
            // replicas or requests that grow must fit the nodes (the tenant's own pods make room for their replacements)
            const { upgradeCapacity } = await import('../lifecycle/capacity.js');
            const cap = await upgradeCapacity({ root: ctx.cwd, tenant: flags.tenant, context, api, helm, signal: ctx.signal });
            if (cap.error) throw cap.error;
          }
          if (decision.forced.length) out.warn(`--force: going through with ${decision.forced.length} blocking change(s) listed above`);
          const dryRun = flags.dryRun ? new DryRun() : undefined;
          if (!dryRun && !flags.yes) {
            if (!process.stdin.isTTY || !process.stdout.isTTY) {
              throw usageError('upgrade needs confirmation: pass --yes (no terminal to ask on)', 'Review the changes with `logclaw diff` first.');
            }
            const { confirm } = await import('@inquirer/prompts');
            const ok = await confirm({ message: `Upgrade tenant ${d.tenantId} in context ${context}?`, default: false }, { signal: ctx.signal });
            if (!ok) {
              out.print('cancelled: nothing changed');
              return ExitCode.checkFailed;
            }
          }
          const { waitingLines } = await import('./support.js');
          const waiting = waitingLines((l) => out.info(out.style('dim', l)));
          const result = await applyUpgrade({
            cwd: root,
            diff: d,
            decision,
            api,
            helm,
            context,
            timeoutMs,
            signal: ctx.signal,
            dryRun,
            progress: {
              step: (t) => out.info(t),
              waiting,
              note: (t) => out.info(t),
              event: (e) => {
                if (e.type === 'ready') out.info(`${e.release.id}: ready`);
              },
            },
          });
          out.result({ status: flags.dryRun ? 'dry-run' : 'upgraded', result, diff: d }, (r) => {
            const lines: string[] = [];
            if (flags.dryRun) lines.push('dry run: nothing changed; the upgrade would run:', ...r.result.commands.map((c) => `  ${c}`));
            else {
              for (const x of r.result.recreated) lines.push(`re-created ${x} (pods and PVCs kept)`);
              for (const x of r.result.expandedClaims) lines.push(`expanded ${x}`);
              for (const x of r.result.keptClaims) lines.push(`kept ${x}`);
              for (const x of r.result.restarted) lines.push(`restarted ${x}`);
              for (const x of r.result.uninstalled) lines.push(`uninstalled ${x} (component disabled)`);
              if (r.result.releases.length) lines.push(out.style('green', `upgraded ${r.result.releases.join(', ')}: ready`));
            }
            return lines.join('\n');
          });
          return 0;
        } finally {
          await api.close();
        }
      }),
    );
  examples(cmd, [
    'logclaw upgrade --tenant acme --kube-context prod',
    'logclaw upgrade --tenant acme --dry-run',
    'logclaw upgrade --tenant acme --recreate --yes',
  ]);
}
