/**
 * Reading the release plan from helmfile.d with helmfile itself (`helmfile build` renders the state files —
 * templates, environments, state values — exactly as `helmfile sync` will; `helmfile list` says which releases
 * are enabled). No second parser of helmfile's format. Each release gets a hash of its inputs (state entry,
 * values files, local chart contents) so that a re-run can skip what is installed and READY.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ensureDependencies, type DependencyBuildResult } from '../charts/index.js';
import { ExitCode, LogclawError } from '../errors.js';
import { tenantNamespace } from '../tenant/id.js';
import type { Helm } from '../tools/helm.js';
import type { Helmfile, HelmfileTarget } from '../tools/helmfile.js';
import { resolveNeed, validate, type PlanRelease } from './dag.js';

export interface PlanInputs {
  /** helmfile.d directory (absolute or relative to cwd). */
  dir: string;
  cwd: string;
  /** Only these state files (basenames, e.g. 00-operators.yaml); default all. */
  files?: string[];
  /** Leave these state files out (e.g. the operators file when installing a tenant). */
  excludeFiles?: string[];
  environment?: string;
  stateValues?: string[];
  stateValuesFiles?: string[];
  helmBinary?: string;
  env?: Record<string, string | undefined>;
}

export interface LoadedRelease extends PlanRelease {
  /** Hash of everything that determines what this release installs. */
  inputs: string;
}

interface BuiltRelease {
  name: string;
  namespace?: string;
  chart: string;
  version?: string;
  needs?: string[];
  labels?: Record<string, string>;
  values?: unknown[];
  set?: unknown[];
  installed?: boolean;
}

/** The helmfile.d state files, in helmfile's order. */
export function stateFiles(dir: string, only?: string[], exclude?: string[]): string[] {
  if (!existsSync(dir)) throw new LogclawError(`${dir} does not exist`, { exitCode: 2, hint: 'Run logclaw from the repository root (or set LOGCLAW_ROOT).' });
  return readdirSync(dir)
    .filter((f) => /\.ya?ml(\.gotmpl)?$/.test(f) && statSync(join(dir, f)).isFile())
    .filter((f) => (!only || only.includes(f)) && !exclude?.includes(f))
    .sort()
    .map((f) => join(dir, f));
}

function hashDir(h: ReturnType<typeof createHash>, dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) hashDir(h, p);
    else if (e.isFile()) {
      h.update(e.name);
      h.update(readFileSync(p));
    }
  }
}

function inputsHash(r: BuiltRelease, file: string, baseDir: string, extra: string[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ r: { ...r, labels: undefined }, extra }));
  const local = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const chartPath = local(r.chart);
  if (existsSync(chartPath) && statSync(chartPath).isDirectory()) hashDir(h, chartPath);
  for (const v of r.values ?? []) {
    if (typeof v === 'string' && existsSync(local(v))) h.update(readFileSync(local(v)));
  }
  h.update(readFileSync(file));
  return h.digest('hex').slice(0, 16);
}

/** Load every enabled release of the selected state files and resolve their needs. */
export async function loadPlan(helmfile: Helmfile, o: PlanInputs): Promise<LoadedRelease[]> {
  const dir = isAbsolute(o.dir) ? o.dir : resolve(o.cwd, o.dir);
  const files = stateFiles(dir, o.files, o.excludeFiles);
  const releases: Array<LoadedRelease & { rawNeeds: string[] }> = [];
  const target = (file: string): HelmfileTarget => ({ file, environment: o.environment, stateValues: o.stateValues, stateValuesFiles: o.stateValuesFiles, helmBinary: o.helmBinary });
  await Promise.all(
    files.map(async (file) => {
      const [built, listed] = await Promise.all([build(helmfile, target(file), o), helmfile.list(target(file), [], { cwd: o.cwd, env: o.env })]);
      const enabled = new Map(listed.map((l) => [`${l.namespace}/${l.name}`, l.enabled && l.installed !== false]));
      for (const r of built) {
        const ns = r.namespace ?? '';
        if (r.installed === false || enabled.get(`${ns}/${r.name}`) === false) continue;
        releases.push({
          id: `${ns}/${r.name}`,
          name: r.name,
          namespace: ns,
          chart: r.chart,
          file: relative(o.cwd, file),
          needs: [],
          rawNeeds: r.needs ?? [],
          labels: r.labels ?? {},
          inputs: inputsHash(r, file, dir, [o.environment ?? '', ...(o.stateValues ?? []), ...(o.stateValuesFiles ?? []).map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : f))]),
        });
      }
    }),
  );
  releases.sort((a, b) => a.file.localeCompare(b.file));
  // helmfile resolves needs only inside a state file; the files themselves run in name order, so a release
  // of one file needs what the previous file installs (helmfile.d/README.md)
  const files_ = [...new Set(releases.map((r) => r.file))];
  for (const r of releases) {
    r.needs = r.rawNeeds.map((n) => {
      const id = resolveNeed(n, r, releases);
      if (!id) throw new LogclawError(`release ${r.id} (${r.file}) needs "${n}", which no enabled release in ${relative(o.cwd, dir)} is`, { hint: 'Fix the needs: entry, or enable that component in the tenant file.' });
      return id;
    });
    const previous = files_[files_.indexOf(r.file) - 1];
    if (previous) for (const p of releases.filter((x) => x.file === previous)) if (!r.needs.includes(p.id)) r.needs.push(p.id);
  }
  return validate(releases.map(({ rawNeeds: _r, ...rest }) => rest)) as LoadedRelease[];
}

async function build(helmfile: Helmfile, t: HelmfileTarget, o: PlanInputs): Promise<BuiltRelease[]> {
  const built = await helmfile.build(t, { cwd: o.cwd, env: o.env });
  const out: BuiltRelease[] = [];
  for (const doc of parseAllDocuments(built)) {
    const j = doc.toJS() as { releases?: BuiltRelease[] } | null;
    for (const rel of j?.releases ?? []) out.push(rel);
  }
  return out;
}

export const phaseOf = (r: PlanRelease): string => basename(r.file).replace(/\.ya?ml(\.gotmpl)?$/, '');

/** The operators' state file of helmfile.d (installed cluster-wide by `operators install`, left out of a tenant's plan). */
export const OPERATORS_FILE = /^00-operators\.ya?ml(\.gotmpl)?$/;

function resolveDir(cwd: string, dir: string): string {
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

export function operatorsFiles(cwd: string, dir: string): string[] {
  return stateFiles(resolveDir(cwd, dir)).map((f) => f.split('/').pop()!).filter((f) => OPERATORS_FILE.test(f));
}

export const selectorOf = (r: { name: string; namespace: string }): string => (r.namespace ? `name=${r.name},namespace=${r.namespace}` : `name=${r.name}`);

/** The tenant's state values and environment for helmfile (the tenant file is the umbrella's values). */
export function tenantInputs(cwd: string, tenant: string): { stateValues: string[]; stateValuesFiles: string[]; env: Record<string, string> } {
  const file = resolve(cwd, 'gitops', 'tenants', `tenant-${tenant}.yaml`);
  if (!existsSync(file)) {
    throw new LogclawError(`no tenant file for "${tenant}": ${join('gitops', 'tenants', `tenant-${tenant}.yaml`)} does not exist`, {
      exitCode: ExitCode.usage,
      hint: `Create it with \`logclaw tenant init ${tenant}\`.`,
    });
  }
  return {
    // the tenant file is the state values (its <component>.enabled drive the release conditions) and the
    // charts' values; tenantId and the environment variables name it for templated release names
    stateValuesFiles: [file],
    stateValues: [`tenantId=${tenant}`],
    env: { LOGCLAW_TENANT: tenant, LOGCLAW_TENANT_FILE: file, LOGCLAW_TENANT_NAMESPACE: tenantNamespace(tenant) },
  };
}

/**
 * Build the file:// dependencies of every release whose chart is a directory of this repository (the
 * helmfile calls pass --skip-deps; a fresh clone has no charts/<dep>.tgz yet). Cached by content hash.
 */
export async function prepareLocalCharts(o: { cwd: string; helm: Helm }, releases: Array<{ file: string; chart: string }>): Promise<void> {
  const dirs = new Set<string>();
  for (const r of releases) {
    if (!r.file || !r.chart) continue;
    const dir = resolve(o.cwd, dirname(r.file), r.chart);
    if (existsSync(join(dir, 'Chart.yaml'))) dirs.add(dir);
  }
  const done = new Map<string, Promise<DependencyBuildResult[]>>();
  for (const dir of dirs) await ensureDependencies(dir, o.helm, done);
}
