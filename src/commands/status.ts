import type { Command } from 'commander';
import { action, examples, clusterCommand, opt } from './context.js';

interface Flags {
  tenant: string;
  kubeContext?: string;
  kubeconfig?: string;
  json?: boolean;
  watch?: boolean;
}

const age = (s: number): string => (s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : s < 172800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)}d`);

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'status', "one row per component of a tenant: verdict (ready/progressing/failed), message and age; exit 0 all ready, 4 not ready, 1 failed", { tenant: 'tenant id (namespace logclaw-<id>)', kubeContext: 'kube context (default: the kubeconfig current context)' })
    .addOption(opt.json('the rows'))
    .option('--watch', 'keep watching and print the rows whenever a verdict changes (Ctrl-C stops)')
    .action(
      action(async (ctx, flags: Flags) => {
        const support = await import('./support.js');
        const tenant = (await import('../tenant/id.js')).requireTenantId(flags.tenant);
        const kubeContext = flags.kubeContext ?? (await support.currentContext(flags.kubeconfig));
        const { openSession } = await import('../lifecycle/session.js');
        const { tenantNamespace } = await import('../tenant/id.js');
        const state = await import('../status/index.js');
        const namespace = tenantNamespace(tenant);
        const session = await openSession(kubeContext, flags.kubeconfig, ctx.signal);
        const render = (rows: import('../status/index.js').ComponentRow[]) =>
          ctx.out.result({ tenant, namespace, context: kubeContext, components: rows }, (v, o) => {
            const colour = { ready: 'green', progressing: 'yellow', failed: 'red', missing: 'red' } as const;
            return [
              `tenant ${tenant} (${namespace}) on ${kubeContext}`,
              o.table(
                v.components.map((r) => ({ ...r, verdict: o.style(colour[r.status], r.status), age: age(r.ageSeconds) })),
                [['component', 'COMPONENT'], ['verdict', 'STATUS'], ['age', 'AGE'], ['message', 'MESSAGE']],
              ),
            ].join('\n');
          });
        try {
          if (!flags.watch) {
            const { rows } = await state.tenantStatus(session.api!, namespace, ctx.signal);
            if (!rows.length) throw state.noTenant(namespace, kubeContext);
            render(rows);
            return state.statusExitCode(rows);
          }
          await state.watchTenantStatus({ api: session.api!, hub: session.hub!, namespace, context: kubeContext, signal: ctx.signal, onChange: render });
          return 0;
        } finally {
          await session.close();
        }
      }),
    );
  examples(cmd, ['logclaw status --tenant acme --kube-context prod', 'logclaw status --tenant dev-local --kube-context kind-logclaw-dev --watch', 'logclaw status --tenant acme --json']);
}
