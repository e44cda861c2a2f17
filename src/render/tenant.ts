/** `logclaw render`'s core: dependencies built (cached), the umbrella rendered for one tenant, optionally written out. */
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ensureDependencies } from '../charts/index.js';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import { requireTenantId } from '../tenant/id.js';
import { loadHelmfile } from '../helmfile/index.js';
import { CrdCatalog } from '../manifests/crds.js';
import { OperatorCatalog } from '../manifests/operators.js';
import type { Helm } from '../tools/helm.js';
import type { RenderCache } from './cache.js';
import { releaseName, renderChart, requireTenantFile, tenantNamespace, umbrellaDir, UMBRELLA_CHART, writeRenderOut } from './index.js';

export interface RenderTenantOptions {
  root: string;
  tenantId: string;
  helm: Helm;
  out?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  crdDir?: string;
  /** helm's output through this cache (src/render/cache.ts); none: always run helm. */
  cache?: RenderCache;
  /** Validate the tenant file first (default true); false renders it as it is (the umbrella's ci values files). */
  validate?: boolean;
  signal?: AbortSignal;
}

export interface RenderTenantResult {
  release: string;
  namespace: string;
  text: string;
  objects: number;
  files: string[];
}

/** API versions of the operators helmfile.d/00-operators installs, from a CRD directory. */
export function operatorApiVersions(root: string, crdDir: string | undefined): string[] {
  if (!crdDir) return [];
  const hfDir = join(root, 'helmfile.d');
  const hf = existsSync(hfDir) ? loadHelmfile(hfDir) : undefined;
  const ops = hf && hf.files.some((f) => basename(f).startsWith('00-operators')) ? hf.releases.filter((r) => basename(r.file).startsWith('00-operators')) : undefined;
  return new OperatorCatalog(CrdCatalog.load(resolve(root, crdDir)), ops).apiVersions();
}

/**
 * The tenant file passes `tenant validate` (the repository's schema, else the package's): helm's own schema
 * error names neither file nor line, so an invalid file is reported as `file:line:column` findings first (exit 1).
 */
export async function requireValidTenant(root: string, file: string): Promise<void> {
  const { validateTenantFiles } = await import('../tenant/validate.js');
  const schemaFile = join(root, 'schemas', 'tenant.schema.json');
  const r = await validateTenantFiles([file], { cwd: root, schemaFile: existsSync(schemaFile) ? schemaFile : undefined });
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (!errors.length) return;
  const shown = relative(root, file) || file;
  throw new LogclawError(`tenant file ${shown} is invalid: ${errors.length} error(s)`, {
    exitCode: ExitCode.checkFailed,
    details: errors.map((f) => `${f.file}:${f.line}:${f.column} error ${f.message} [${f.rule}]`),
    hint: `Fix the file (logclaw tenant validate ${shown} shows each error with its line).`,
  });
}

export async function renderTenant(o: RenderTenantOptions): Promise<RenderTenantResult> {
  requireTenantId(o.tenantId);
  const file = requireTenantFile(o.root, o.tenantId);
  if (o.validate !== false) await requireValidTenant(o.root, file);
  const chartDir = umbrellaDir(o.root);
  if (!existsSync(join(chartDir, 'Chart.yaml'))) throw usageError(`charts/${UMBRELLA_CHART}/Chart.yaml not found under ${o.root}`, 'Run logclaw from the repository root (or set LOGCLAW_ROOT).');
  await ensureDependencies(chartDir, o.helm);
  const release = releaseName(o.tenantId);
  const namespace = tenantNamespace(o.tenantId);
  const apiVersions = [...operatorApiVersions(o.root, o.crdDir), ...(o.apiVersions ?? [])];
  const r = await renderChart({ helm: o.helm, root: o.root, chartDir, release, namespace, valuesFiles: [file], kubeVersion: o.kubeVersion, apiVersions, keepText: Boolean(o.out), cache: o.cache, signal: o.signal });
  const files = o.out ? writeRenderOut(resolve(o.root, o.out), r.objects).map((f) => relative(o.root, f) || f) : [];
  return { release, namespace, text: r.text, objects: r.objects.length, files };
}
