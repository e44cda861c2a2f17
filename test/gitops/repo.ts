/**
 * The GitOps tests' repository: test/cluster/argocd.ts projectGitRepo over this checkout, dependencies built by
 * the project's ensureDependencies with helm 3 (the real zammad chart from ../shared/upstream-charts), after the
 * airflow stand-in is prepared as lint prepares it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDependencies, type DependencyBuildResult } from '../../src/charts/index.js';
import { Helm } from '../../src/tools/helm.js';
import { projectGitRepo, type GitRepo } from '../cluster/argocd.ts';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

export async function projectRepo(dir = tempDir('logclaw-gitops-repo-')): Promise<GitRepo> {
  const { prepare } = (await import(join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs'))) as { prepare: () => string[] };
  process.env.LOGCLAW_HELM3 ??= HELM3;
  prepare();
  const helm = await Helm.detect(HELM3);
  const done = new Map<string, Promise<DependencyBuildResult[]>>();
  return projectGitRepo(repoRoot, dir, (chart) => ensureDependencies(chart, helm, done));
}
