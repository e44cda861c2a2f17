import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import { action, examples, opt } from './context.js';

const mark = { ok: '✓', fail: '✗', warn: '!' } as const;
const colour = { ok: 'green', fail: 'red', warn: 'yellow' } as const;

export function register(program: Command): void {
  const cmd = program
    .command('doctor')
    .description('check the tools and machine logclaw needs (exit 3 when a required one is missing)')
    .addOption(opt.json('the checks'))
    .option('--for <scope>', 'dev (a local kind stack: docker and kind too) or install (an existing cluster)', 'dev')
    .action(
      action(async (ctx, opts: { for: string }) => {
        const { usageError } = await import('../errors.js');
        if (opts.for !== 'dev' && opts.for !== 'install') throw usageError(`--for must be dev or install, not "${opts.for}"`);
        const { runDoctor } = await import('../doctor/index.js');
        const report = await runDoctor({ scope: opts.for });
        const { tools: _tools, ...json } = report;
        ctx.out.result(json, (r, o: Output) => {
          const width = Math.max(...r.checks.map((c) => c.title.length));
          const lines = r.checks.map((c) => {
            const head = `${o.style(colour[c.status], mark[c.status])} ${c.title.padEnd(width)}  ${c.detail}`;
            return c.fix ? `${head}\n  ${' '.repeat(width)}  ${o.style('dim', 'fix:')} ${c.fix}` : head;
          });
          const bad = r.checks.filter((c) => c.required && c.status !== 'ok').length;
          const warns = r.checks.filter((c) => c.status === 'warn').length;
          lines.push('', r.ok ? `${o.style('green', 'ready')}${warns ? ` (${warns} warning${warns > 1 ? 's' : ''})` : ''}` : o.style('red', `${bad} required check${bad > 1 ? 's' : ''} failed`));
          return lines.join('\n');
        });
        return report.ok ? 0 : ExitCode.missingPrerequisite;
      }),
    );
  examples(cmd, ['logclaw doctor', 'logclaw doctor --for install --json']);
}
