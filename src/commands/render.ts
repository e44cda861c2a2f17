/**
 * `logclaw render --tenant ID`: the tenant's manifests as helm renders them (umbrella chart + tenant file,
 * release and namespace logclaw-<tenantId>), to stdout or one file per chart and kind under --out DIR.
 */
import type { Command } from 'commander';
import { action, examples, kubeVersionArg, opt } from './context.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('render')
    .description("render a tenant's manifests with helm (release and namespace logclaw-<tenantId>)")
    .addOption(opt.tenant('tenant id (gitops/tenants/tenant-<id>.yaml)').makeOptionMandatory())
    .option('--out <dir>', 'write one file per chart and kind: <dir>/<chart>/<kind>.yaml')
    .option('--kube-version <version>', 'Kubernetes version for .Capabilities.KubeVersion (e.g. 1.30.2)', kubeVersionArg)
    .option('--api-versions <group/version>', 'API versions for .Capabilities.APIVersions (repeatable)', collect)
    .option('--crds <dir>', 'add the API versions of the operators helmfile.d/00-operators installs (CRDs from this dir; default $LOGCLAW_CRD_DIR, else ../shared/crds beside the logclaw checkout)')
    .option('--no-cache', 'always run helm (default: reuse an identical earlier render from the render cache)')
    .option('--json', 'with --out: print the files written as JSON')
    .action(
      action(async (ctx, opts: { tenant: string; out?: string; kubeVersion?: string; apiVersions?: string[]; crds?: string; cache: boolean }) => {
        (await import('../tenant/id.js')).requireTenantId(opts.tenant);
        const { renderTenant } = await import('../render/tenant.js');
        const { RenderCache } = await import('../render/cache.js');
        const { Helm } = await import('../tools/helm.js');
        const { resolveCrdDir, noCrdsWarning } = await import('../manifests/crds.js');
        const { resolve } = await import('node:path');
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        const crds = resolveCrdDir(ctx.cwd, opts.crds);
        if (!crds.dir) ctx.out.warn(noCrdsWarning(resolve(ctx.cwd, 'charts')));
        const r = await renderTenant({ root: ctx.cwd, tenantId: opts.tenant, helm, out: opts.out, kubeVersion: opts.kubeVersion, apiVersions: opts.apiVersions, crdDir: crds.dir, cache: opts.cache ? new RenderCache() : undefined, signal: ctx.signal });
        if (!opts.out) {
          ctx.out.raw(r.text);
          return;
        }
        ctx.out.result({ release: r.release, namespace: r.namespace, objects: r.objects, files: r.files }, (v) =>
          [`rendered ${v.objects} object(s) of tenant ${opts.tenant} (release ${v.release}, namespace ${v.namespace}) into ${v.files.length} file(s):`, ...v.files.map((f) => `  ${f}`)].join('\n'),
        );
      }),
    );
  examples(cmd, ['logclaw render --tenant acme > acme.yaml', 'logclaw render --tenant acme --out build/acme', 'logclaw render --tenant acme --kube-version 1.30.0 --crds ../shared/crds', 'logclaw render --tenant acme --no-cache']);
}
