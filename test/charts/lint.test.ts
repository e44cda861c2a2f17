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
import { tempDir } from '../helpers/temp.js';

it("logclaw lint --crds reports nothing for the repository but the node-agent case's privileged-namespace warning", async () => {
  execFileSync(process.execPath, [join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')], { env: { ...process.env, LOGCLAW_HELM3: HELM3 }, stdio: 'ignore' });
  const out = join(tempDir('logclaw-lint-'), 'lint.json');
  const r = await runCli(['lint', '--crds', crdDir, '--format', 'json', '--output', out, '--concurrency', '2'], { env: { LOGCLAW_HELM: HELM3 }, timeoutMs: 600_000 });
  expect(r.stderr).not.toMatch(/helm was not found/);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: { rule: string; severity: string; target?: string; file?: string; message: string }[]; stats: { renders: number; objects: number } };
  expect(report.stats.renders).toBeGreaterThanOrEqual(5);
  expect(report.stats.objects).toBeGreaterThan(100);
  // the one finding: the umbrella case that runs the Vector node agent is warned that its namespace admits any pod
  // at privileged, with the DaemonSet and paths that need it
  expect(report.findings.map((f) => `${f.severity} ${f.rule} ${f.target} ${f.file}: ${f.message}`)).toEqual([
    expect.stringMatching(/^warning pss-namespace-level chart logclaw-tenant \(ci\/onprem-airgapped-values\.yaml\) charts\/logclaw-platform\/templates\/namespace\.yaml: namespace logclaw-ci enforces Pod Security "privileged".* DaemonSet logclaw-ingestion-agent mounts hostPath .*\/var\/log/),
  ]);
}, 900_000);
