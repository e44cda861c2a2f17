import type { Command } from 'commander';
import type { Output } from '../output.js';
import { Option } from 'commander';
import { action, examples, opt } from './context.js';

const statusStyle = {
  pushed: 'green',
  skipped: 'dim',
  'would-push': 'cyan',
  refused: 'red',
  bumped: 'green',
  new: 'green',
  unchanged: 'dim',
  'needs-bump': 'red',
  invalid: 'red',
} as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const chartsDir = () => new Option('--charts <dir>', 'the charts directory').default('charts');

export function register(program: Command): void {
  const charts = program.command('charts').description('package, version-check and publish the charts');
  examples(charts, ['logclaw charts check-versions', 'logclaw charts package --out .dist-charts', 'logclaw charts push --registry oci://registry.example.com/logclaw --dry-run']);

  const pkg = charts
    .command('package')
    .description('build dependencies and package every chart (library chart included) in dependency order')
    .option('--out <dir>', 'where to write the .tgz packages', '.dist-charts')
    .addOption(chartsDir())
    .addOption(opt.json())
    .action(
      action(async (ctx, opts: { out: string; charts: string }) => {
        const { resolve } = await import('node:path');
        const { Helm } = await import('../tools/helm.js');
        const { packageCharts } = await import('../release/package.js');
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        const outDir = resolve(ctx.workDir, opts.out);
        const packaged = await packageCharts({
          chartsDir: resolve(ctx.workDir, opts.charts),
          outDir,
          helm,
          signal: ctx.signal,
          onChart: (c, i, n) => ctx.out.info(ctx.out.style('dim', `[${i + 1}/${n}] ${c.name} ${c.version}`)),
        });
        ctx.out.result({ outDir, helm: helm.version, charts: packaged }, (r, o: Output) =>
          [
            o.table(r.charts.map((c) => ({ ...c, file: c.file.slice(r.outDir.length + 1) })), [
              ['name', 'CHART'],
              ['version', 'VERSION'],
              ['type', 'TYPE'],
              ['file', 'PACKAGE'],
            ]),
            '',
            `${r.charts.length} chart(s) packaged into ${r.outDir}`,
          ].join('\n'),
        );
      }),
    );
  examples(pkg, ['logclaw charts package', 'logclaw charts package --out /tmp/charts --json']);

  const check = charts
    .command('check-versions')
    .description('every chart changed since a git ref has a higher version; the umbrella pins its subcharts exactly')
    .option('--base <ref>', 'git ref to compare with (default: origin/main, else main)')
    .addOption(chartsDir())
    .addOption(opt.json())
    .action(
      action(async (ctx, opts: { base?: string; charts: string }) => {
        const { resolve } = await import('node:path');
        const { checkVersions } = await import('../release/versions.js');
        const report = await checkVersions({ cwd: ctx.workDir, chartsDir: resolve(ctx.workDir, opts.charts), base: opts.base });
        ctx.out.result(report, (r, o: Output) => {
          const lines = [`compared with ${r.base} (merge base ${r.mergeBase.slice(0, 12)})`, ''];
          lines.push(
            o.table(
              r.charts.map((c) => ({ chart: c.name, base: c.baseVersion ?? '-', version: c.version, status: o.style(statusStyle[c.status], c.status), detail: c.message })),
              [
                ['chart', 'CHART'],
                ['base', 'BASE'],
                ['version', 'VERSION'],
                ['status', 'STATUS'],
                ['detail', 'DETAIL'],
              ],
            ),
          );
          const badDeps = r.dependencies.filter((d) => !d.ok);
          lines.push('', badDeps.length ? o.style('red', `${badDeps.length} dependency pin(s) wrong:`) : `${r.dependencies.length} local dependency pin(s) match their charts`);
          for (const d of badDeps) lines.push(`  ${d.chart} → ${d.dependency}: ${d.message}`);
          const bad = r.charts.filter((c) => !c.ok).length + badDeps.length;
          lines.push('', bad ? o.style('red', `${bad} problem(s)`) : o.style('green', 'versions ok'));
          return lines.join('\n');
        });
        return report.ok ? 0 : 1;
      }),
    );
  examples(check, ['logclaw charts check-versions', 'logclaw charts check-versions --base origin/release-1.2']);

  const push = charts
    .command('push')
    .description('push packaged charts to an OCI registry: same content skipped, different content under a published version refused')
    .requiredOption('--registry <url>', 'oci://HOST[:PORT]/PATH')
    .option('--dir <dir>', 'folder of .tgz packages (what `charts package` writes)', '.dist-charts')
    .option('--plain-http', 'talk HTTP, not HTTPS, to the registry (local registries)')
    .option('--username <user>', 'registry user name')
    .option('--password-stdin', 'read the registry password from stdin')
    .addOption(opt.dryRun('check against the registry and report, push nothing'))
    .addOption(opt.json())
    .action(
      action(async (ctx, opts: { registry: string; dir: string; plainHttp?: boolean; username?: string; passwordStdin?: boolean; dryRun?: boolean }) => {
        const { resolve } = await import('node:path');
        const { usageError } = await import('../errors.js');
        if (opts.passwordStdin && opts.username === undefined) throw usageError('--password-stdin needs --username');
        const password = opts.passwordStdin ? await readStdin() : undefined;
        const { parseRegistry, pushCharts } = await import('../release/push.js');
        parseRegistry(opts.registry); // a usage error before anything else
        const { Helm } = await import('../tools/helm.js');
        const helm = await Helm.detect(undefined, { signal: ctx.signal });
        const report = await pushCharts({
          dir: resolve(ctx.workDir, opts.dir),
          registry: opts.registry,
          helm,
          plainHttp: opts.plainHttp,
          username: opts.username,
          password,
          dryRun: opts.dryRun,
          signal: ctx.signal,
          onChart: (n, v) => ctx.out.info(ctx.out.style('dim', `checking ${n} ${v}`)),
        });
        ctx.out.result(report, (r, o: Output) => {
          const lines = [
            o.table(
              r.results.map((x) => ({ name: x.name, version: x.version, status: o.style(statusStyle[x.status], x.status), digest: x.digest ?? '-' })),
              [
                ['name', 'CHART'],
                ['version', 'VERSION'],
                ['status', 'STATUS'],
                ['digest', 'DIGEST'],
              ],
            ),
          ];
          for (const x of r.results.filter((y) => y.status === 'refused')) {
            lines.push('', o.style('red', `refused: ${x.ref} is already published with different content`), `  differs in: ${(x.differences ?? []).join(', ')}`, `  published versions are immutable: bump version in ${x.name}/Chart.yaml and package again`);
          }
          const count = (s: string) => r.results.filter((x) => x.status === s).length;
          lines.push('', r.ok ? `${count('pushed')} pushed, ${count('skipped')} already published${count('would-push') ? `, ${count('would-push')} would be pushed` : ''} (${r.registry})` : o.style('red', `nothing pushed: ${count('refused')} chart version(s) refused`));
          return lines.join('\n');
        });
        return report.ok ? 0 : 1;
      }),
    );
  examples(push, [
    'logclaw charts push --registry oci://ghcr.io/acme/charts',
    'echo "$TOKEN" | logclaw charts push --registry oci://registry.example.com/logclaw --username ci --password-stdin',
    'logclaw charts push --registry oci://127.0.0.1:5000/charts --plain-http --dry-run',
  ]);
}
