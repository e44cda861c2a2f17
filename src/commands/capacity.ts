import type { Command } from 'commander';
import { action, examples, opt } from './context.js';

interface Flags {
  tenant?: string[];
  all?: boolean;
  kubeContext?: string;
  kubeconfig?: string;
  nodeShape?: string;
  crds?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('capacity')
    .description("CPU, memory and storage the tenants' renders request and limit, per component; against a cluster whether each fits its nodes and zones under its tier's spread (the shortfall when not), or offline with --node-shape the nodes a fleet needs; exit 1 when something does not fit")
    .option('--tenant <id>', 'a tenant (repeatable, or comma separated)', collect)
    .option('--all', 'every tenant of gitops/tenants/')
    .addOption(opt.kubeContext('check against this cluster (default without --node-shape: the current context)'))
    .addOption(opt.kubeconfig())
    .option('--node-shape <cpu,memory>', 'offline: how many nodes of this shape the tenants need (e.g. 8,32Gi)')
    .option('--crds <dir>', 'offline: API versions of the operators (default $LOGCLAW_CRD_DIR, else ../shared/crds beside the checkout)')
    .addOption(opt.json('the report'))
    .action(
      action(async (ctx, flags: Flags) => {
        const { usageError } = await import('../errors.js');
        const { requireTenantId } = await import('../tenant/id.js');
        const { listTenants } = await import('../render/index.js');
        const cap = await import('../capacity/index.js');
        if (flags.all && flags.tenant?.length) throw usageError('--tenant and --all are exclusive');
        const ids = flags.all ? listTenants(ctx.cwd).map((t) => t.id) : (flags.tenant ?? []).map((t) => requireTenantId(t));
        if (!ids.length) throw usageError('name the tenants: --tenant ID (repeatable) or --all');
        const shape = flags.nodeShape === undefined ? undefined : cap.parseNodeShape(flags.nodeShape);
        if (flags.nodeShape !== undefined && !shape) throw usageError(`--node-shape ${flags.nodeShape}: not a node shape`, 'Use CPU,memory[,pods], e.g. 8,32Gi or 16,64Gi,110.');
        const { Helm } = await import('../tools/helm.js');
        const { renderForInstall } = await import('../diff/index.js');
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        const offline = Boolean(shape) && !flags.kubeContext;
        let api: import('../kube/api.js').KubeApi | undefined;
        let context = '';
        let caps: import('../diff/capabilities.js').Capabilities;
        if (offline) {
          const { resolveCrdDir } = await import('../manifests/crds.js');
          const { operatorApiVersions } = await import('../render/tenant.js');
          const { SUPPORTED_KUBE_VERSIONS } = await import('../charts/index.js');
          caps = { kubeVersion: SUPPORTED_KUBE_VERSIONS[SUPPORTED_KUBE_VERSIONS.length - 1]!, apiVersions: operatorApiVersions(ctx.cwd, resolveCrdDir(ctx.cwd, flags.crds).dir) };
        } else {
          const support = await import('./support.js');
          context = flags.kubeContext ?? (await support.currentContext(flags.kubeconfig));
          const { connect } = await import('../kube/api.js');
          api = await connect({ context, kubeconfig: flags.kubeconfig, signal: ctx.signal });
          const { clusterCapabilities } = await import('../diff/capabilities.js');
          caps = await clusterCapabilities(api, ctx.signal);
        }
        try {
          const demands = [];
          for (const id of ids) {
            const r = await renderForInstall({ root: ctx.cwd, tenantId: id, helm, signal: ctx.signal }, caps);
            demands.push(cap.demandOf({ tenant: id, values: r.values as never, releases: r.releases }));
          }
          const cluster = api ? await cap.readCluster(api, context, { signal: ctx.signal }) : undefined;
          const report = cap.checkCapacity(demands, { cluster, shape });
          ctx.out.result(report, (r, o) => cap.formatCapacity(r, (rows, cols) => o.table(rows, cols)));
          return report.fits ? 0 : 1;
        } finally {
          await api?.close();
        }
      }),
    );
  examples(cmd, [
    'logclaw capacity --tenant acme --kube-context prod',
    'logclaw capacity --all --kube-context prod --json',
    'logclaw capacity --all --node-shape 8,32Gi',
  ]);
}
