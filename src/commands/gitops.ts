/**
 * `logclaw gitops bootstrap | onboard | status`: the Argo CD path. Thin: flags in, src/gitops/ core, output out.
 */
import { Option, type Command } from 'commander';
import { action, examples, opt } from './context.js';
import { tenantValueOptions, withNextSteps } from './tenant.js';

export function register(program: Command): void {
  const gitops = program.command('gitops').description('the GitOps path on Argo CD: bootstrap the manifests for your repository, onboard a tenant by commit, watch Applications');
  examples(gitops, [
    'logclaw gitops bootstrap --repo https://github.com/acme/logclaw.git --out gitops/argocd',
    'logclaw gitops onboard acme --cloud aws --tier ha',
    'logclaw gitops status --all',
  ]);

  const bootstrap = gitops
    .command('bootstrap')
    .description('gitops/argocd/ (AppProjects, operators app of apps, tenants ApplicationSet) for your repository and revision, validated like lint; printed, written (--out) or applied (--apply)')
    .requiredOption('--repo <url>', 'the git repository Argo CD reads (https://, git@host:path, ssh://, file://)')
    .option('--revision <rev>', 'branch, tag or commit Argo CD follows (default HEAD)')
    .option('--namespace <ns>', "Argo CD's namespace", 'argocd')
    .option('--out <dir>', 'write the files there (same layout as gitops/argocd/; commit them: the app of apps reads operators/ from git)')
    .option('--apply', 'apply the AppProjects, the operators app of apps and the ApplicationSet server-side (needs --kube-context)')
    .addOption(opt.kubeContext('kube context of the Argo CD cluster (with --apply)'))
    .addOption(opt.kubeconfig())
    .option('--crds <dir>', 'CRD directory for validation (an argo-cd-* folder inside; default $LOGCLAW_CRD_DIR)')
    .addOption(opt.json())
    .action(
      action(async (ctx, flags: { repo: string; revision?: string; namespace: string; out?: string; apply?: boolean; kubeContext?: string; kubeconfig?: string; crds?: string }) => {
        const { usageError } = await import('../errors.js');
        if (flags.apply && !flags.kubeContext) throw usageError('--apply needs --kube-context', 'Name the Argo CD cluster explicitly, e.g. --kube-context prod-argocd.');
        const { resolve } = await import('node:path');
        const core = await import('../gitops/bootstrap.js');
        const r = core.renderBootstrap({ root: ctx.cwd, repo: flags.repo, revision: flags.revision, namespace: flags.namespace });
        const crdDir = flags.crds ?? process.env.LOGCLAW_CRD_DIR;
        const findings = await core.validateBootstrap(r, crdDir ? resolve(ctx.cwd, crdDir) : undefined);
        const errors = findings.filter((f) => f.severity === 'error');
        if (errors.length) {
          const { LogclawError } = await import('../errors.js');
          throw new LogclawError(`the rendered Argo CD manifests are invalid (${errors.length} finding${errors.length === 1 ? '' : 's'})`, {
            details: errors.slice(0, 10).map((f) => `${f.file ?? ''} ${f.object ? `${f.object.kind}/${f.object.name} ` : ''}${f.path ? `${f.path}: ` : ''}${f.message} [${f.rule}]`),
            hint: crdDir ? 'Fix gitops/argocd/ (logclaw lint shows the same findings).' : 'Pass --crds DIR (or LOGCLAW_CRD_DIR) holding the Argo CD CRDs.',
          });
        }
        const written = flags.out ? await core.writeBootstrap(r, resolve(ctx.cwd, flags.out)) : [];
        const applied = flags.apply ? await core.applyBootstrap(r, { context: flags.kubeContext!, kubeconfig: flags.kubeconfig }, ctx.signal) : [];
        const summary = {
          repo: r.repo, revision: r.revision, namespace: r.namespace, replaced: r.replaced, validated: Boolean(crdDir),
          files: r.files.map((f) => ({ path: f.path, objects: f.objects.map((o) => `${o.kind}/${o.metadata?.name}`), apply: f.apply })),
          written, applied: applied.map((a) => `${a.kind}/${a.name}`),
        };
        if (!flags.out && !flags.apply && !ctx.out.json) {
          ctx.out.raw(r.files.map((f) => `# gitops/argocd/${f.path}\n${f.text.endsWith('\n') ? f.text : `${f.text}\n`}`).join('---\n'));
          return 0;
        }
        ctx.out.result(summary, (s, o) => {
          const lines = [`Argo CD manifests for ${s.repo} at ${s.revision} (namespace ${s.namespace}): ${s.files.length} files, ${s.replaced} repository references set${s.validated ? ', valid' : ' (CRDs not checked: no --crds)'}`];
          for (const w of s.written) lines.push(o.style('green', `✔ wrote ${w}`));
          for (const a of s.applied) lines.push(o.style('green', `✔ applied ${a}`));
          if (s.written.length) lines.push('', 'Commit them: the operators app of apps reads gitops/argocd/operators/ from the repository.');
          return lines.join('\n');
        });
        return 0;
      }),
    );
  examples(bootstrap, [
    'logclaw gitops bootstrap --repo https://github.com/acme/logclaw.git                 # print',
    'logclaw gitops bootstrap --repo git@github.com:acme/logclaw.git --revision main --out gitops/argocd --crds ../crds',
    'logclaw gitops bootstrap --repo https://github.com/acme/logclaw.git --apply --kube-context prod-argocd --json',
  ]);

  const onboard = tenantValueOptions(
    gitops
      .command('onboard')
      .description('tenant init + validate, then a git branch and a commit of the tenant file (never a push unless --push); prints the pull request to open')
      .argument('<tenantId>', 'tenant id: a DNS label, at most 40 characters (namespace logclaw-<tenantId>)'),
  )
    .option('--wave <wave>', 'rollout wave: canary | early | main (global.rollout.wave, default main)')
    .option('--cluster <name>', 'destination cluster as registered in Argo CD (global.rollout.cluster, default in-cluster)')
    .option('--branch <name>', 'branch to create (default onboard/tenant-<id>)')
    .option('--message <text>', 'commit message')
    .option('--push', 'push the branch (git push --set-upstream)')
    .option('--remote <name>', 'remote to push to and to link the pull request on', 'origin')
    .option('--force', 'overwrite an existing tenant file')
    .addOption(new Option('-y, --yes', 'never prompt: take flags and defaults only'))
    .addOption(opt.json())
    .action(
      action(async (ctx, tenantId: string, opts: Record<string, unknown>) => {
        const { onboardTenant } = await import('../gitops/onboard.js');
        const interactive = !opts.yes && Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ctx.out.json;
        const { readKubeApiServerCidrs } = await import('../kube/api-server.js');
        const r = await onboardTenant({ ...opts, tenantId }, { cwd: ctx.cwd, interactive, signal: ctx.signal, kubeApiCidrs: (context) => readKubeApiServerCidrs(context, { signal: ctx.signal }) });
        ctx.out.result(r, (v, o) =>
          withNextSteps([o.style('green', `✔ wrote ${v.file}`), o.style('green', `✔ committed ${v.commit.slice(0, 12)} on branch ${v.branch}${v.base ? ` (from ${v.base})` : ''}${v.pushed ? `, pushed to ${v.remote}` : ''}`)], v, o),
        );
      }),
    );
  examples(onboard, [
    'logclaw gitops onboard acme --yes --name "Acme Corp" --cloud aws --tier ha --region us-east-1 --bucket acme-logclaw \\\n      --secret-store aws \\\n      --aws-role-arn arn:aws:iam::123456789012:role/logclaw-acme --ticketing pagerduty,slack --wave canary \\\n      --kube-api-cidr 10.0.0.10/32,10.0.1.10/32',
    'logclaw gitops onboard lab --yes --cloud onprem --cluster edge-1 --push',
  ]);

  const status = gitops
    .command('status')
    .description("per tenant its Argo CD Application: sync, health, revision, last sync; for an unhealthy one the resources that are not healthy and their cause; exit 0 all Synced+Healthy, 4 progressing, 1 failed")
    .addOption(opt.tenant('one tenant'))
    .option('--all', 'every tenant (the default)')
    .option('--namespace <ns>', "Argo CD's namespace", 'argocd')
    .addOption(opt.kubeContext('kube context of the Argo CD cluster (default: the kubeconfig current context)'))
    .addOption(opt.kubeconfig())
    .option('--watch', 'print again whenever something changes (Ctrl-C stops)')
    .option('--interval <seconds>', 'poll interval of --watch', '2')
    .addOption(opt.json('the rows'))
    .action(
      action(async (ctx, flags: { tenant?: string; all?: boolean; namespace: string; kubeContext?: string; kubeconfig?: string; watch?: boolean; interval: string }) => {
        const { usageError } = await import('../errors.js');
        if (flags.tenant && flags.all) throw usageError('--tenant and --all exclude each other');
        const support = await import('./support.js');
        const tenant = flags.tenant ? (await import('../tenant/id.js')).requireTenantId(flags.tenant) : undefined;
        const kubeContext = flags.kubeContext ?? (await support.currentContext(flags.kubeconfig));
        const { openSession } = await import('../lifecycle/session.js');
        const core = await import('../gitops/status.js');
        const session = await openSession(kubeContext, flags.kubeconfig, ctx.signal);
        const colour = { ready: 'green', progressing: 'yellow', failed: 'red' } as const;
        const show = (rows: import('../gitops/status.js').AppRow[]) =>
          ctx.out.result({ context: kubeContext, namespace: flags.namespace, applications: rows }, (v, o) => {
            const lines = [`Argo CD Applications of LogClaw tenants in ${v.namespace} on ${v.context}`];
            lines.push(o.table(v.applications.map((r) => ({ ...r, state: o.style(colour[r.verdict], `${r.sync}/${r.health}`), last: r.lastSync ? `${r.lastSync.phase}${r.lastSync.finishedAt ? ` ${r.lastSync.finishedAt}` : ''}` : '-', step: r.rollout ? `${r.wave} (step ${r.rollout.step ?? '?'}: ${r.rollout.status})` : r.wave })),
              [['tenant', 'TENANT'], ['application', 'APPLICATION'], ['cluster', 'CLUSTER'], ['step', 'WAVE'], ['state', 'SYNC/HEALTH'], ['revision', 'REVISION'], ['last', 'LAST SYNC']]));
            for (const r of v.applications) {
              if (r.verdict === 'ready') continue;
              lines.push('', o.style(colour[r.verdict], `${r.application}: ${r.sync}/${r.health}`));
              for (const c of r.conditions) lines.push(`  ${c.type}: ${c.message}`);
              if (r.lastSync && r.lastSync.phase !== 'Succeeded') lines.push(`  last sync ${r.lastSync.phase}: ${r.lastSync.message}`);
              for (const u of r.unhealthy) {
                if (u.diagnosis.length) lines.push(...u.diagnosis.map((l) => `  ${l}`));
                else lines.push(`  ${u.object}: ${u.health}${u.message ? ` — ${u.message}` : ''}`);
              }
            }
            return lines.join('\n');
          });
        try {
          if (!flags.watch) {
            const rows = await core.gitopsStatus({ api: session.api!, namespace: flags.namespace, tenant, signal: ctx.signal });
            show(rows);
            return core.statusExit(rows);
          }
          await core.watchGitopsStatus({ api: session.api!, namespace: flags.namespace, tenant, signal: ctx.signal, intervalMs: Number(flags.interval) * 1000, onChange: show });
          return 0;
        } finally {
          await session.close();
        }
      }),
    );
  examples(status, ['logclaw gitops status --all', 'logclaw gitops status --tenant acme --kube-context prod-argocd --watch', 'logclaw gitops status --json | jq ".applications[] | {tenant, sync, health}"']);
}
