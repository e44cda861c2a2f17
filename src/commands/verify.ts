import type { Command } from 'commander';
import { action, examples, opt, useKubeconfig, clusterCommand } from './context.js';

interface Flags {
  tenant?: string;
  kubeContext?: string;
  kubeconfig?: string;
  timeout: string;
  json?: boolean;
  junit?: string;
  keepData?: boolean;
}

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'verify', "prove a tenant's pipeline works end to end: Vector → Kafka → OpenSearch, anomalies, ticketing", { tenant: 'tenant id (gitops/tenants/tenant-<id>.yaml, namespace logclaw-<id>)', kubeconfig: 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)' })
    .addOption(opt.timeout('2m', 'budget for the whole run'))
    .addOption(opt.json('the report'))
    .option('--junit <file>', 'also write a JUnit XML report (one test case per step)')
    .option('--keep-data', 'keep the marker documents instead of deleting them')
    .action(
      action(async (ctx, flags: Flags) => {
        const { readTenant } = await import('../verify/tenant.js');
        const { requireTenantId } = await import('../tenant/id.js');
        const { parseDuration } = await import('../duration.js');
        const { runVerify, prettyHeader, prettyStep, prettyFooter, pretty, junit } = await import('../verify/index.js');
        const timeoutMs = parseDuration(flags.timeout);
        const tenant = (await readTenant(ctx.cwd, requireTenantId(flags.tenant)))!;
        await useKubeconfig(flags.kubeconfig);
        const o = ctx.out;
        const report = await runVerify({
          tenant,
          kubeContext: flags.kubeContext,
          timeoutMs,
          keepData: flags.keepData,
          signal: ctx.signal,
          onStart: (v) => o.print(prettyHeader(v)),
          onStepStart: (n, step) => {
            if (!o.json && process.stderr.isTTY) o.info(o.style('dim', `… ${n} ${step.title}`));
          },
          onStepEnd: (r) => o.print(prettyStep(r, o)),
        });
        if (flags.junit) {
          const { mkdirSync, writeFileSync } = await import('node:fs');
          const { dirname, resolve } = await import('node:path');
          const file = resolve(ctx.cwd, flags.junit);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, junit(report));
        }
        if (o.json) o.result(report, pretty);
        else o.print(prettyFooter(report, o));
        return report.exitCode;
      }),
    );
  examples(cmd, [
    'logclaw verify --tenant acme',
    'logclaw verify --tenant acme --kube-context prod --timeout 5m --junit reports/verify.xml',
    'logclaw verify --tenant dev-local --json --keep-data',
  ]);
}
