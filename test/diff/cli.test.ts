/** Usage errors of diff and upgrade, before any cluster is needed. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('diff and upgrade usage', () => {
  it('diff needs --tenant or --changed (not both); --format is diff or json, with --changed pretty|json|github|markdown|junit; upgrade --timeout must be a duration (exit 2)', async () => {
    let r = await runCli(['diff']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('diff needs --tenant ID (compare with a cluster) or --changed (what the change does, no cluster)');
    r = await runCli(['diff', '--tenant', 'acme', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be diff or json, not "xml"');
    r = await runCli(['diff', '--tenant', 'acme', '--changed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--changed and --tenant cannot be combined');
    r = await runCli(['diff', '--tenant', 'acme', '--base', 'main']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base needs --changed');
    r = await runCli(['diff', '--changed', '--format', 'diff']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be one of pretty, json, github, markdown, junit with --changed, not "diff"');
    r = await runCli(['diff', '--changed', '--fail-on', 'safe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fail-on must be one of restart, disruptive, immutable, data-loss, not "safe"');
    r = await runCli(['upgrade', '--tenant', 'acme', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout soon: not a duration');
  });
  it('documents the flags of diff, upgrade and charts push', async () => {
    const d = await runCli(['diff', '--help']);
    for (const f of ['--tenant', '--kube-context', '--format', '--show-secrets', '--changed', '--base', '--explain', '--output', '--fail-on']) expect(d.stdout).toContain(f);
    const u = await runCli(['upgrade', '--help']);
    for (const f of ['--tenant', '--kube-context', '--yes', '--force', '--recreate', '--dry-run']) expect(u.stdout).toContain(f);
    const c = await runCli(['charts', 'push', '--help']);
    for (const f of ['--registry', '--dir', '--plain-http', '--username', '--password-stdin']) expect(c.stdout).toContain(f);
  });
});
