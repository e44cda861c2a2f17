/** Usage errors of diff and upgrade, before any cluster is needed. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('diff and upgrade usage', () => {
  it('diff needs --tenant; --format is diff or json; upgrade --timeout must be a duration (exit 2)', async () => {
    let r = await runCli(['diff']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--tenant <id>' not specified");
    r = await runCli(['diff', '--tenant', 'acme', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be diff or json, not "xml"');
    r = await runCli(['upgrade', '--tenant', 'acme', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout soon: not a duration');
  });
  it('documents the flags the issue asks for', async () => {
    const d = await runCli(['diff', '--help']);
    for (const f of ['--tenant', '--kube-context', '--format', '--show-secrets']) expect(d.stdout).toContain(f);
    const u = await runCli(['upgrade', '--help']);
    for (const f of ['--tenant', '--kube-context', '--yes', '--force', '--recreate', '--dry-run']) expect(u.stdout).toContain(f);
    const c = await runCli(['charts', 'push', '--help']);
    for (const f of ['--registry', '--dir', '--plain-http', '--username', '--password-stdin']) expect(c.stdout).toContain(f);
  });
});
