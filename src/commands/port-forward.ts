import type { Command } from 'commander';
import { action, examples, opt, useKubeconfig, clusterCommand } from './context.js';

interface Flags {
  tenant?: string;
  kubeContext?: string;
  kubeconfig?: string;
  services?: string[];
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'port-forward', 'forward every service of a tenant to localhost, in one process, until Ctrl-C', { tenant: 'tenant id (namespace logclaw-<id>)', kubeconfig: 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)' })
    .option('--services <names...>', 'only these (comma or space separated): vector-http, vector-api, vector-metrics, opensearch, opensearch-dashboards, kafka-bootstrap, airflow-webserver, feast, ticketing-agent, zammad')
    .addOption(opt.json('the forwards'))
    .action(
      action(async (ctx, flags: Flags) => {
        const { readTenant } = await import('../verify/tenant.js');
        const { requireTenantId, tenantNamespace } = await import('../tenant/id.js');
        const { startPortForward } = await import('../portforward/index.js');
        const tenantId = requireTenantId(flags.tenant);
        await useKubeconfig(flags.kubeconfig);
        const tenant = await readTenant(ctx.cwd, tenantId, false);
        if (!tenant) ctx.out.warn(`no tenant file for ${tenantId}: forwarding whatever Services namespace ${tenantNamespace(tenantId)} has`);
        const disabled = tenant ? Object.entries(tenant.enabled).filter(([, on]) => !on).map(([c]) => c) : [];
        const session = await startPortForward({
          tenantId,
          kubeContext: flags.kubeContext,
          services: flags.services,
          environment: tenant?.environment,
          disabled,
          signal: ctx.signal,
          onEvent: (e) => {
            if (e.type === 'reestablished') ctx.out.info(`${e.name}: pod ${e.previousPod ?? '?'} went away, forwarding to ${e.pod} (127.0.0.1:${e.localPort})`);
            else if (e.type === 'waiting') ctx.out.info(`${e.name}: waiting for a ready pod (${e.message})`);
            else if (e.type === 'error') ctx.out.info(`${e.name}: ${e.message}`);
          },
        });
        const rows = session.forwards.map((f) => ({
          service: f.name,
          target: `svc/${f.service}:${f.servicePort}`,
          pod: f.pod ?? `(waiting: ${f.message ?? 'no ready pod'})`,
          url: f.url,
          note: f.moved ? `usual port taken` : '',
        }));
        ctx.out.result({ namespace: session.namespace, context: session.context, forwards: session.forwards, missing: session.missing }, (_v, o) =>
          [
            `forwarding ${rows.length} service${rows.length === 1 ? '' : 's'} of namespace ${session.namespace} (context ${session.context}); Ctrl-C stops`,
            o.table(rows, [
              ['service', 'SERVICE'],
              ['url', 'LOCAL URL'],
              ['target', 'TARGET'],
              ['pod', 'POD'],
              ['note', 'NOTE'],
            ]),
            ...session.missing.map((m) => o.style('yellow', `not forwarded: ${m.key}: ${m.reason}`)),
          ].join('\n'),
        );
        if (!ctx.signal.aborted) await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        await session.close();
        ctx.out.info('port-forward: all forwards closed');
      }),
    );
  examples(cmd, [
    'logclaw port-forward --tenant acme',
    'logclaw port-forward --tenant acme --services vector-http,opensearch --kube-context prod',
  ]);
}
