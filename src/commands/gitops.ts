/**
 * `logclaw gitops bootstrap | onboard | status`: the Argo CD path. Thin: flags in, src/gitops/ core, output out.
 */
import type { Command } from 'commander';
import { action, examples } from './context.js';

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
    .option('--kube-context <ctx>', 'kube context of the Argo CD cluster (with --apply)')
    .option('--kubeconfig <file>', 'kubeconfig file')
    .option('--crds <dir>', 'CRD directory for validation (an argo-cd-* folder inside; default $LOGCLAW_CRD_DIR)')
    .option('--json', 'print the result as JSON')
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
}
