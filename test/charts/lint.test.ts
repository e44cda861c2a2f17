/**
 * `logclaw lint` (the built CLI) over the repository with the pinned CRDs: nothing to report for the
 * charts, helmfile files and Argo CD manifests (schemas of built-in kinds and CRDs, policy, references,
 * domain rules), every tenant render included. The airflow stand-in is put in place first (the official
 * chart cannot be fetched here), as `npm run stand-ins` does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crdDir, HELM3, repoRoot } from '../helpers/tools.js';

it('logclaw lint --crds reports nothing for the repository', async () => {
  execFileSync(process.execPath, [join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')], { env: { ...process.env, LOGCLAW_HELM3: HELM3 }, stdio: 'ignore' });
  const out = join(mkdtempSync(join(tmpdir(), 'logclaw-lint-')), 'lint.json');
  const r = await runCli(['lint', '--crds', crdDir, '--format', 'json', '--output', out, '--concurrency', '2'], { env: { LOGCLAW_HELM: HELM3 }, timeoutMs: 600_000 });
  expect(r.stderr).not.toMatch(/helm was not found/);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: { rule: string; file?: string; message: string }[]; stats: { renders: number; objects: number } };
  expect(report.stats.renders).toBeGreaterThanOrEqual(5);
  expect(report.stats.objects).toBeGreaterThan(100);
  expect(report.findings.map((f) => `${f.rule} ${f.file}: ${f.message}`)).toEqual([]);
}, 900_000);
