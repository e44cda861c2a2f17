import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describe('CLI conventions', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^logclaw ${pkg.version.replace(/\./g, '\\.')}( \\(commit [0-9a-f]{12}\\))?$`));
  });

  it('--help lists every command of the product with examples and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['tenant', 'lint', 'render', 'doctor', 'dev', 'operators', 'install', 'upgrade', 'diff', 'uninstall', 'status', 'verify', 'port-forward', 'charts']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('130 interrupted');
  });

  it('suggests the right command for a typo and exits 2', async () => {
    const r = await runCli(['tenat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean tenant?');
  });

  it('rejects an unknown option with exit 2', async () => {
    const r = await runCli(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});

describe('pipes', () => {
  it('stops quietly when the reader closes the pipe early (`logclaw --help | head -1`)', async () => {
    const { spawn } = await import('node:child_process');
    const { bin } = await import('../helpers/cli.js');
    const result = await new Promise<{ code: number | null; stderr: string; lines: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'lint', '--help'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      let lines = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.once('data', (d: Buffer) => {
        lines = d.toString().split('\n')[0]!;
        child.stdout.destroy();
      });
      child.on('close', (code) => resolve({ code, stderr, lines }));
    });
    expect(result.lines).toMatch(/^Usage: logclaw lint/);
    expect(result.stderr).not.toMatch(/EPIPE|Error:/);
    expect(result.code).toBe(0);
  });
});
