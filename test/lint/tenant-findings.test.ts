/**
 * Lint reports tenant validation through the one Finding type: a static import of validateTenantFiles (no
 * module looked up by URL, nothing skipped), every tenant finding kept with its position and rule.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPositionedFinding } from '../../src/findings.js';
import { runLint } from '../../src/lint/index.js';
import { Helm } from '../../src/tools/helm.js';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

describe('lint and tenant validation', () => {
  it("reports a broken tenant's findings with file, line, column and the tenant rule", async () => {
    const root = tempDir('logclaw-lint-tenant-');
    mkdirSync(join(root, 'gitops', 'tenants'), { recursive: true });
    mkdirSync(join(root, 'schemas'));
    copyFileSync(join(repoRoot, 'schemas', 'tenant.schema.json'), join(root, 'schemas', 'tenant.schema.json'));
    const text = (await import('node:fs')).readFileSync(join(repoRoot, 'gitops', 'tenants', 'tenant-example-corp.yaml'), 'utf8');
    writeFileSync(join(root, 'gitops', 'tenants', 'tenant-example-corp.yaml'), text.replace(/^(\s+)tier: ha$/m, '$1tier: gold'));
    const r = await runLint({ root, helm: await Helm.detect(HELM3), concurrency: 1 });
    const tenant = r.findings.filter((f) => f.rule === 'tenant');
    expect(tenant).toEqual([
      expect.objectContaining({ severity: 'error', file: 'gitops/tenants/tenant-example-corp.yaml', path: 'global.tier', tenant: 'example-corp', message: expect.stringMatching(/^schema: global\.tier must be one of/) }),
    ]);
    expect(tenant[0]!.line).toBeGreaterThan(0);
    expect(r.notes.filter((n) => /tenant validation skipped/.test(n))).toEqual([]);
  });

  it('isPositionedFinding accepts tenant findings and refuses other shapes', () => {
    expect(isPositionedFinding({ rule: 'schema', severity: 'error', message: 'm', file: 'f', line: 1, column: 2, path: '' })).toBe(true);
    for (const bad of [null, {}, { rule: 'x', severity: 'fatal', message: 'm', file: 'f', line: 1, column: 1, path: '' }, { rule: 'x', severity: 'error', message: 'm', file: 'f', line: '1', column: 1, path: '' }]) {
      expect(isPositionedFinding(bad)).toBe(false);
    }
  });
});
