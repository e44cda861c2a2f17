/**
 * `logclaw tenant validate`: check tenant files and print the report. The commander action and the CLI's quick
 * path (src/cli.ts, a command line of paths and --json/--no-color/--debug only) both run it; it loads no commander.
 */
import type { Output } from '../output.js';

/** The exit code: 1 when a file has an error. `root` is read only when no path is given. */
export async function validateTenants(out: Output, paths: string[], root: () => string): Promise<number> {
  const { validateTenantFiles } = await import('../tenant/validate.js');
  const result = await validateTenantFiles(paths, { cwd: paths.length ? (process.env.LOGCLAW_ROOT ?? process.cwd()) : root() });
  if (out.json) out.result(result.findings, () => '');
  else {
    const { formatReport } = await import('../tenant/report.js');
    out.print(formatReport(result, out, { codeFrame: out.isTTY }));
  }
  return result.errors > 0 ? 1 : 0;
}
