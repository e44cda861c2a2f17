import { type Command, Option } from 'commander';
import { action, examples, opt, startLifecycle, wouldRun } from './context.js';
import { formatDuration } from '../duration.js';
import { requireTenantId } from '../tenant/id.js';

/** Per-release timings for the summary (seconds from the plan's start) and absolute times for tools. */
interface UpFlags {
  tenant: string;
  cluster: string;
  storageClass: string;
  only?: string;
  skipCapacityCheck?: boolean;
  timeout: string;
  dryRun?: boolean;
  json?: boolean;
  kubeconfig?: string;
}

interface DownFlags {
  tenant: string;
  cluster: string;
  deleteCluster?: boolean;
  purge?: boolean;
  dryRun?: boolean;
  json?: boolean;
  kubeconfig?: string;
}

const clusterName = () => new Option('--cluster <name>', 'kind cluster name').default('logclaw-dev');
const KIND_KUBECONFIG = 'kubeconfig with the kind context';

/** In a dry run's command list: which missing prerequisite a command needs (kind's commands need docker too). */
function missingMark(command: string, missing: Array<{ id: string; title: string }> | undefined): string {
  if (!missing?.length) return '';
  const program = command.split(' ')[0]!.split('/').pop()!;
  const ids = new Set(missing.map((m) => m.id));
  const needs = [program, ...(program === 'kind' ? ['docker-engine'] : [])].filter((id) => ids.has(id));
  return needs.length ? `   ✗ needs ${needs.map((id) => missing.find((m) => m.id === id)!.title).join(' and ')} (missing)` : '';
}

export function register(program: Command): void {
  const dev = program.command('dev').description('a local LogClaw stack on kind');
  examples(dev, ['logclaw dev up --dry-run', 'logclaw dev up', 'logclaw dev credentials', 'logclaw dev down --delete-cluster']);

  const up = dev
    .command('up')
    .description('create (or reuse) a kind cluster, install the operators and the dev tenant, wait until everything is ready')
    .addOption(opt.tenant('tenant to install (gitops/tenants/tenant-<id>.yaml)', 'dev-local'))
    .addOption(clusterName())
    .option('--storage-class <name>', 'StorageClass for volumes', 'standard')
    .option('--only <components>', 'only these components (comma separated) and what they need, e.g. kafka,opensearch')
    .option('--skip-capacity-check', "install even when the tenant's requests do not fit the kind nodes and docker's memory")
    .addOption(opt.timeout('20m'))
    .addOption(opt.dryRun())
    .addOption(opt.kubeconfig('kubeconfig to write the kind context into (default: $KUBECONFIG or ~/.kube/config)'))
    .addOption(opt.json('the summary'))
    .action(
      action(async (ctx, flags: UpFlags) => {
        const { support, tenant, timeoutMs, dryRun, log } = await startLifecycle(ctx, 'dev-up', flags);
        const { devUpPhases, devUpSummary } = await import('../lifecycle/dev.js');
        const { runPhases } = await import('./progress.js');
        const only = flags.only?.split(',').map((s) => s.trim()).filter(Boolean);
        const { phases, state } = devUpPhases({ cwd: ctx.cwd, tenant, cluster: flags.cluster, storageClass: flags.storageClass, only, timeoutMs, kubeconfig: flags.kubeconfig, signal: ctx.signal, failGraceMs: support.failGraceMs(), environment: support.helmfileEnvironment(), skipCapacityCheck: flags.skipCapacityCheck, dryRun });
        const started = Date.now();
        try {
          const timings = await runPhases(phases, { out: ctx.out, signal: ctx.signal, command: 'dev up' });
          const summary = devUpSummary(state, { tenant, cluster: flags.cluster, dryRun: Boolean(dryRun), started, timings, commands: support.recordedCommands(dryRun), log });
          ctx.out.result(summary, (s, o) => {
            const lines: string[] = [];
            if (s.dryRun) {
              lines.push(o.style('bold', 'Dry run: nothing was changed.'), '');
              if (s.operators.length) lines.push('Operators:', ...s.operators.map((r) => `  ${r}`));
              if (s.plan) {
                lines.push('Tenant releases (each wave starts when what it needs is ready):');
                s.plan.forEach((w, i) => lines.push(`  ${i + 1}. ${w.join(', ')}`));
              }
              lines.push('', ...wouldRun(s.commands?.map((c) => c + missingMark(c, s.missing))));
              if (s.missing) lines.push('', 'Missing prerequisites (install them, then run it without --dry-run):', ...s.missing.map((m) => `  ✗ ${m.title}: ${m.detail}${m.fix ? `\n      fix: ${m.fix}` : ''}`));
              return lines.join('\n');
            }
            lines.push(o.style('green', `LogClaw tenant ${s.tenant} is ready on ${s.context} (${formatDuration(s.seconds * 1000)})`), '');
            lines.push(o.table(s.phases.map((p) => ({ ...p, time: formatDuration(p.seconds * 1000) })), [['phase', 'PHASE'], ['time', 'TIME'], ['result', 'RESULT']]));
            if (s.releases.length) {
              lines.push('', o.table(s.releases.map((r) => ({ ...r, ready: r.readySeconds !== undefined ? formatDuration(r.readySeconds * 1000) : '-', took: r.installSeconds !== undefined ? `${formatDuration(r.installSeconds * 1000)} + ${formatDuration((r.waitSeconds ?? 0) * 1000)}` : '-' })), [['release', 'RELEASE'], ['status', 'STATUS'], ['took', 'INSTALL + WAIT'], ['ready', 'READY AT']]));
            }
            lines.push('', 'Endpoints: every service of the tenant on localhost with', `  ${s.next[1]}`, '', 'Next steps:', ...s.next.filter((_, i) => i !== 1).map((n) => `  ${n}`));
            return lines.join('\n');
          });
          if (state.missing?.length) {
            const { ExitCode, LogclawError } = await import('../errors.js');
            throw new LogclawError(`missing prerequisites: ${state.missing.map((m) => m.title).join(', ')}`, { exitCode: ExitCode.missingPrerequisite, hint: 'The plan above marks where each is needed; `logclaw doctor` gives the full report.' });
          }
        } catch (e) {
          throw support.withLogPath(support.interruptedError(e, ctx.signal, 'dev up', 'keeping the cluster and ' + 'skipping what is already installed from the same inputs and ready'), ctx.cwd);
        } finally {
          await state.session?.close();
        }
      }),
    );
  examples(up, ['logclaw dev up', 'logclaw dev up --only kafka,opensearch', 'logclaw dev up --dry-run', 'logclaw dev up --timeout 30m']);

  const down = dev
    .command('down')
    .description('remove the dev tenant (keeps its volumes unless --purge), or the whole kind cluster with --delete-cluster')
    .addOption(opt.tenant('tenant to remove', 'dev-local'))
    .addOption(clusterName())
    .option('--delete-cluster', 'delete the kind cluster itself')
    .option('--purge', 'also delete the tenant volumes (PVCs) and namespace')
    .addOption(opt.dryRun('print what would be removed'))
    .addOption(opt.kubeconfig(KIND_KUBECONFIG))
    .addOption(opt.json())
    .action(
      action(async (ctx, flags: DownFlags) => {
        const { support, tenant, dryRun } = await startLifecycle(ctx, 'dev-down', flags);
        const { Kind } = await import('../tools/kind.js');
        const { devDown } = await import('../lifecycle/dev.js');
        const kind = (await Kind.detect(undefined, { signal: ctx.signal })).withDryRun(dryRun);
        try {
          const r = await devDown(
            { cwd: ctx.cwd, tenant, cluster: flags.cluster, deleteCluster: Boolean(flags.deleteCluster), purge: Boolean(flags.purge), kubeconfig: flags.kubeconfig, signal: ctx.signal, timeoutMs: 300_000, dryRun },
            { update: (t) => ctx.out.info(`dev down: ${t}`), note: (t) => ctx.out.info(`dev down: ${t}`), signal: ctx.signal },
            kind,
          );
          ctx.out.result({ ...r, commands: support.recordedCommands(dryRun) }, (v) => {
            if (!v.existed) return `kind cluster ${v.cluster} does not exist: nothing to do`;
            if (v.clusterDeleted) return `deleted kind cluster ${v.cluster}`;
            const lines = [v.removed.length ? `removed ${v.removed.length} release(s) of tenant ${tenant}: ${v.removed.join(', ')}` : `tenant ${tenant} has no releases on ${v.cluster}`];
            if (v.keptPvcs.length) lines.push(`kept ${v.keptPvcs.length} volume(s) (--purge deletes them): ${v.keptPvcs.join(', ')}`);
            if (v.commands?.length) lines.push(...wouldRun(v.commands));
            return lines.join('\n');
          });
        } catch (e) {
          throw support.withLogPath(e, ctx.cwd);
        }
      }),
    );
  examples(down, ['logclaw dev down', 'logclaw dev down --purge', 'logclaw dev down --delete-cluster']);

  const creds = dev
    .command('credentials')
    .description('show the dev tenant\'s credentials: the random Secrets dev up created (never written to disk) and those its charts render from dev values')
    .addOption(opt.tenant('tenant', 'dev-local'))
    .addOption(clusterName())
    .addOption(opt.kubeconfig(KIND_KUBECONFIG))
    .addOption(opt.json('them'))
    .action(
      action(async (ctx, flags: { tenant: string; cluster: string; kubeconfig?: string }) => {
        const support = await import('./support.js');
        const tenant = requireTenantId(flags.tenant);
        const { Kind } = await import('../tools/kind.js');
        const { openSession } = await import('../lifecycle/session.js');
        const { tenantNamespace } = await import('../tenant/id.js');
        const { readDevSecrets } = await import('../lifecycle/dev-secrets.js');
        const session = await openSession(Kind.contextOf(flags.cluster), flags.kubeconfig, ctx.signal);
        try {
          const namespace = tenantNamespace(tenant);
          const secrets = await readDevSecrets(session.api!, namespace, ctx.signal, tenant);
          ctx.out.result({ namespace, secrets }, (v, o) =>
            v.secrets.length
              ? o.table(v.secrets.flatMap((s) => Object.entries(s.data).map(([key, value]) => ({ secret: s.name, key, value, source: s.source }))), [['secret', 'SECRET'], ['key', 'KEY'], ['value', 'VALUE'], ['source', 'FROM']])
              : `no dev secrets in ${v.namespace} (run logclaw dev up)`,
          );
        } finally {
          await session.close();
        }
      }),
    );
  examples(creds, ['logclaw dev credentials', 'logclaw dev credentials --json']);
}
