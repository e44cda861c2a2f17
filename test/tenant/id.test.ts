/**
 * One tenant id (src/tenant/id.ts): the schema's pattern, one namespace and release name, and every command
 * that takes --tenant accepts and refuses the same ids (verify and uninstall used to disagree on `1a`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTenantId, releaseName, requireTenantId, TENANT_ID_MAX_LENGTH, TENANT_ID_PATTERN, tenantNamespace } from '../../src/tenant/id.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';

describe('the tenant id', () => {
  it('is the pattern and length of global.tenantId in the schema (base and generated)', () => {
    for (const file of ['tenant.base.schema.json', 'tenant.schema.json']) {
      const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', file), 'utf8')) as { properties: { global: { properties: { tenantId: { pattern: string; maxLength: number } } } } };
      const prop = schema.properties.global.properties.tenantId;
      expect([file, prop.pattern, prop.maxLength]).toEqual([file, TENANT_ID_PATTERN, TENANT_ID_MAX_LENGTH]);
    }
  });

  it('starts with a letter, ends with a letter or digit, at most 40 characters', () => {
    for (const ok of ['a', 'acme', 'example-corp', 'a1', `a${'b'.repeat(39)}`]) expect(isTenantId(ok), ok).toBe(true);
    for (const bad of ['', '1a', '-a', 'a-', 'Acme', 'a_b', 'a.b', `a${'b'.repeat(40)}`]) expect(isTenantId(bad), bad).toBe(false);
    expect(() => requireTenantId('1a')).toThrow(/"1a" is not a tenant id/);
    expect(() => requireTenantId(undefined)).toThrow(/--tenant is required/);
  });

  it('names namespace and release logclaw-<id>', () => {
    expect([tenantNamespace('acme'), releaseName('acme')]).toEqual(['logclaw-acme', 'logclaw-acme']);
  });
});

describe('every command with --tenant refuses `1a` the same way (exit 2)', () => {
  const commands: string[][] = [
    ['verify', '--tenant', '1a', '--kube-context', 'none'],
    ['uninstall', '--tenant', '1a', '--kube-context', 'none', '--yes'],
    ['status', '--tenant', '1a', '--kube-context', 'none'],
    ['install', '--tenant', '1a', '--kube-context', 'none'],
    ['port-forward', '--tenant', '1a', '--kube-context', 'none'],
    ['render', '--tenant', '1a'],
    ['diff', '--tenant', '1a', '--kube-context', 'none'],
    ['upgrade', '--tenant', '1a', '--kube-context', 'none', '--yes'],
  ];
  it.each(commands)('%s', async (...args) => {
    const r = await runCli(args, { cwd: repoRoot });
    expect({ exit: r.code, stderr: r.stderr }).toEqual({ exit: 2, stderr: expect.stringContaining('"1a" is not a tenant id (a DNS label of at most 40 characters') });
  });
});

describe('one duration grammar for every --timeout and LOGCLAW_FAIL_GRACE', () => {
  it('the lifecycle commands (commands/support) and verify/upgrade parse the same way', async () => {
    const support = await import('../../src/commands/support.js');
    const { parseDuration } = await import('../../src/duration.js');
    expect(support.parseDuration).toBe(parseDuration);
    expect(['1.5', '20m', '1h30m', '500ms', '2.5s'].map((d) => support.parseDuration(d))).toEqual([1500, 1_200_000, 5_400_000, 500, 2500]);
    for (const bad of ['0', '0s', '1x', '-1s', '']) expect(() => support.parseDuration(bad), bad).toThrow(/not a duration/);
    const before = process.env.LOGCLAW_FAIL_GRACE;
    process.env.LOGCLAW_FAIL_GRACE = 'soon';
    try {
      expect(() => support.failGraceMs()).toThrow(/LOGCLAW_FAIL_GRACE soon: not a duration/);
    } finally {
      if (before === undefined) delete process.env.LOGCLAW_FAIL_GRACE;
      else process.env.LOGCLAW_FAIL_GRACE = before;
    }
  });
});
