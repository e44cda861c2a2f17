import type { Command } from 'commander';
import { action, examples, opt, clusterCommand } from './context.js';

interface Flags {
  tenant?: string;
  kubeContext?: string;
  kubeconfig?: string;
  out?: string;
  since?: string;
  includeLogs?: boolean;
  maxSize: string;
  redact: boolean;
  yes?: boolean;
  json?: boolean;
}

const size = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

export function register(program: Command): void {
  const cmd = clusterCommand(program, 'support-bundle', "one redacted .tar.gz of a tenant for whoever debugs it: tenant file, versions, helm history and values, every object with status and events, operators' resources, Deployments and logs, status and diagnosis", { tenant: 'tenant id (namespace logclaw-<id>)' })
    .option('--out <file>', 'the archive to write (default logclaw-support-<tenant>-<time>.tar.gz)')
    .option('--since <duration>', 'only log lines newer than this (e.g. 1h)')
    .option('--include-logs', "the tenant's pod logs too (current and previous container)")
    .option('--max-size <size>', 'bound of the content; the least important files (logs first) are cut and listed', '100MiB')
    .option('--no-redact', 'keep Secret data, credentials and tokens as they are (needs --yes)')
    .option('--yes', 'confirm --no-redact')
    .addOption(opt.json('the manifest and the file written'))
    .action(
      action(async (ctx, flags: Flags) => {
        const support = await import('./support.js');
        const { usageError } = await import('../errors.js');
        const tenant = (await import('../tenant/id.js')).requireTenantId(flags.tenant);
        if (!flags.redact && !flags.yes) {
          throw usageError('--no-redact writes Secret data, passwords and tokens into the bundle as they are: refused without --yes', 'Leave redaction on, or add --yes if the bundle stays where those secrets may be.');
        }
        const bundle = await import('../support-bundle/index.js');
        const maxBytes = bundle.parseSize(flags.maxSize);
        const sinceMs = flags.since ? support.parseDuration(flags.since, '--since') : undefined;
        const kubeContext = flags.kubeContext ?? (await support.currentContext(flags.kubeconfig));
        const { connect } = await import('../kube/api.js');
        const api = await connect({ context: kubeContext, kubeconfig: flags.kubeconfig, signal: ctx.signal });
        let r: Awaited<ReturnType<typeof bundle.createSupportBundle>>;
        try {
          r = await bundle.createSupportBundle({ api, context: kubeContext, tenant, cwd: ctx.cwd, out: flags.out, sinceMs, includeLogs: flags.includeLogs, maxBytes, redact: flags.redact, signal: ctx.signal });
        } finally {
          await api.close();
        }
        const { relative } = await import('node:path');
        ctx.out.result({ file: r.file, bytes: r.bytes, contentBytes: r.contentBytes, manifest: r.manifest }, (v, o) => {
          const m = v.manifest;
          const lines = [
            `${o.style('green', '✔')} wrote ${relative(ctx.cwd, v.file) || v.file} (${size(v.bytes)}; ${m.files.length + 1} files, ${size(v.contentBytes)} uncompressed) for tenant ${m.tenant} on ${m.context}`,
            m.redacted ? 'redacted: Secret data, credential-looking keys and env values, sasl.jaas.config, URL user info, tokens' : o.style('yellow', 'NOT redacted (--no-redact): it holds Secret data and credentials as they are'),
          ];
          if (m.failed.length) {
            lines.push(`not collected (${m.failed.length}; listed in manifest.json):`);
            for (const f of m.failed) lines.push(`  ${f.reason.padEnd(9)}  ${f.what}: ${f.message}`);
          }
          if (m.cut.length) {
            lines.push(`cut by --max-size ${flags.maxSize} (${m.cut.length}):`);
            for (const c of m.cut) lines.push(`  ${c.path} (${size(c.bytes)}${c.kept ? `, newest ${size(c.kept)} kept` : ', left out'})`);
          }
          return lines.join('\n');
        });
      }),
    );
  examples(cmd, [
    'logclaw support-bundle --tenant acme --kube-context prod',
    'logclaw support-bundle --tenant acme --include-logs --since 1h --out acme-support.tar.gz',
    'logclaw support-bundle --tenant acme --max-size 20MiB --json',
  ]);
}
