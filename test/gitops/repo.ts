/**
 * The GitOps tests' repository: a local git repository (file:// URL, which Argo CD's repo-server clones with
 * the real git) holding a copy of this project's charts/ and gitops/, the way a LogClaw user's repository
 * looks. The upstream stand-ins (airflow, zammad) are prepared as lint prepares them, and every chart's
 * file:// dependencies are built and committed (charts/<chart>/charts/*.tgz), as `helm dependency build`
 * leaves them: Argo CD runs `helm dependency build` only on the chart it renders, not on its subcharts.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDependencies } from '../../src/charts/index.js';
import { Helm } from '../../src/tools/helm.js';
import { gitRepo, type GitRepo } from '../cluster/argocd.ts';
import { HELM3, repoRoot } from '../helpers/tools.js';

export async function projectRepo(dir = mkdtempSync(join(tmpdir(), 'logclaw-gitops-repo-'))): Promise<GitRepo> {
  const { prepare } = (await import(join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs'))) as { prepare: () => string[] };
  process.env.LOGCLAW_HELM3 ??= HELM3;
  prepare();
  cpSync(join(repoRoot, 'charts'), join(dir, 'charts'), { recursive: true, filter: (src) => !src.endsWith('Chart.lock.hash') });
  cpSync(join(repoRoot, 'gitops', 'argocd'), join(dir, 'gitops', 'argocd'), { recursive: true });
  cpSync(join(repoRoot, 'gitops', 'tenants', '_template.yaml'), join(dir, 'gitops', 'tenants', '_template.yaml'));
  const helm = await Helm.detect(HELM3);
  const done = new Map();
  for (const chart of readdirSync(join(dir, 'charts'))) await ensureDependencies(join(dir, 'charts', chart), helm, done);
  for (const chart of readdirSync(join(dir, 'charts'))) rmSync(join(dir, 'charts', chart, 'Chart.lock.hash'), { force: true });
  const repo = await gitRepo(dir);
  await repo.commit('LogClaw charts and gitops', {});
  return repo;
}
