/**
 * `logclaw version`: what `--version` prints (logclaw and its commit, the umbrella chart, the Kubernetes versions
 * its charts need and lint validates against), plus the helm this machine would use; `--short` only the version.
 */
import type { Command } from 'commander';
import { action, examples, opt } from './context.js';

export function register(program: Command): void {
  const cmd = program
    .command('version')
    .description('print the logclaw version, its commit, the chart and Kubernetes versions it deploys and the helm it would use')
    .option('--short', 'print only the logclaw version')
    .addOption(opt.json('the versions'))
    .action(
      action(async (ctx, flags: { short?: boolean }) => {
        const { fileURLToPath } = await import('node:url');
        const { versionInfo, formatVersion } = await import('../version.js');
        const info = versionInfo(fileURLToPath(new URL('../..', import.meta.url)));
        if (flags.short) {
          ctx.out.result({ version: info.version }, (v) => v.version);
          return;
        }
        let helm: { bin: string; version: string } | { error: string };
        try {
          const { Helm } = await import('../tools/helm.js');
          const h = await Helm.detect();
          helm = { bin: h.bin, version: h.version };
        } catch (e) {
          helm = { error: e instanceof Error ? e.message : String(e) };
        }
        ctx.out.result({ ...info, helm }, (v) => formatVersion(v, ['error' in v.helm ? `  helm found: none (${v.helm.error})` : `  helm found: ${v.helm.version} (${v.helm.bin})`]));
      }),
    );
  examples(cmd, ['logclaw version', 'logclaw version --short', 'logclaw version --json | jq -r .chart.version']);
}
