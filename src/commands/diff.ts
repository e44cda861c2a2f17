import type { Command } from 'commander';
import { action, examples, opt, useKubeconfig } from './context.js';

export function register(program: Command): void {
  const cmd = program
    .command('diff')
    .description('show what installing a tenant would change (server-side dry run, change safety verdicts); exit 1 when something would change')
    .requiredOption('--tenant <id>', 'tenant ID (gitops/tenants/tenant-<id>.yaml)')
    .option('--kube-context <ctx>', 'kube context (default: the current context)')
    .addOption(opt.kubeconfig('kubeconfig file (default: KUBECONFIG, else ~/.kube/config)'))
    .option('--json', 'print the changes and verdicts as JSON (same as --format json)')
    .option('--format <format>', 'diff or json', 'diff')
    .option('--show-secrets', 'show Secret values instead of masking them')
    .action(
      action(async (ctx, opts: { tenant: string; kubeContext?: string; kubeconfig?: string; format: string; json?: boolean; showSecrets?: boolean }) => {
        const { usageError } = await import('../errors.js');
        if (opts.json && opts.format !== 'diff' && opts.format !== 'json') throw usageError(`--json and --format ${opts.format} cannot be combined`);
        if (opts.format !== 'diff' && opts.format !== 'json') throw usageError(`--format must be diff or json, not "${opts.format}"`);
        (await import('../tenant/id.js')).requireTenantId(opts.tenant);
        const root = ctx.cwd;
        const { Helm } = await import('../tools/helm.js');
        const { connectCluster } = await import('../diff/connect.js');
        const { diffTenant } = await import('../diff/index.js');
        const { formatDiffBody, formatSummary } = await import('../diff/format.js');
        const helm = await Helm.detect();
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
  ]);
}
