/**
 * `logclaw lint --changed`: what a change can affect, from `git diff` against the merge base with --base
 * (plus uncommitted and untracked files of the work tree), as a LintScope for runLint, with the reasons.
 *
 * - gitops/tenants/tenant-<id>.yaml → that tenant (validated and rendered);
 * - charts/<chart>/… → that chart (Chart.yaml checks, helm lint of its ci cases, version bump) and every chart
 *   depending on it, transitively; when the umbrella is among them: every tenant and umbrella ci case that
 *   renders the chart, i.e. whose values do not switch off the umbrella dependency it is reached through
 *   (`condition: kafka.enabled` false); logclaw-common, a dependency of every component, reaches everything;
 *   a change to the umbrella's own files selects every tenant, except a Chart.yaml change only in version
 *   pins (what a subchart's version bump makes), which selects the umbrella's ci cases;
 * - schemas/tenant*.schema.json → every tenant file validated again (no render), and the longest-tenantId render;
 *   schemas/kubernetes/ → every render validated again (renders come from the cache);
 * - helmfile.d/ → its own checks; helmfile.d/00-operators* also pins the operators, whose API versions and
 *   CRDs every render depends on → every render;
 * - gitops/ (other than tenants/) → the gitops manifest checks.
 * Anything else (src/, docs, tests) is not a lint input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ciValuesFiles, discoverCharts, STAMP_FILE, type ChartInfo } from '../charts/index.js';
import { isRecord } from '../object.js';
import { defaultBase } from '../release/versions.js';
import { listTenants, umbrellaDir, UMBRELLA_CHART } from '../render/index.js';
import { Git } from '../tools/git.js';
import { readValues } from './index.js';

/** What runLint checks when given a scope (everything else is skipped). */
export interface LintScope {
  /** Tenant ids rendered and validated. */
  tenants: string[];
  /** Tenant ids whose files are validated (schema and rules); includes `tenants`. */
  validateTenants: string[];
  /** Chart directories: Chart.yaml checks and helm lint. */
  charts: string[];
  /** Umbrella ci/*-values.yaml files rendered. */
  ciCases: string[];
  longestTenantId: boolean;
  helmfile: boolean;
  gitops: boolean;
  chartVersions: boolean;
}

export interface SelectedItem {
  /** `tenant acme`, `chart logclaw-kafka`, `ci case ci/dev-values.yaml`, `helmfile.d`, ... */
  item: string;
  reasons: string[];
}

export interface ChangeSelection {
  base: string;
  mergeBase: string;
  /** Changed files relative to the repository root. */
  files: string[];
  scope: LintScope;
  selected: SelectedItem[];
  /** Changed files that select nothing, with why. */
  ignored: Array<{ file: string; reason: string }>;
  /** Tenants a chart change does not reach, counted per reason. */
  notRendered: Array<{ reason: string; tenants: number }>;
}

export interface SelectChangedOptions {
  root: string;
  base?: string;
  git?: Git;
}

const isBuildOutput = (f: string): boolean => /^charts\/[^/]+\/charts\//.test(f) || f.endsWith(`/${STAMP_FILE}`);

function lookup(values: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = values;
  for (const p of path) {
    if (!isRecord(v) || !(p in v)) return undefined;
    v = v[p];
  }
  return v;
}

/**
 * Whether helm renders a dependency for these values: its condition (comma-separated paths; the first that
 * holds a bool decides, as helm does) from the values files over the chart's defaults over the subchart's.
 * Only an explicit `false` switches it off: anything else leaves it enabled.
 */
export function dependencyEnabled(condition: string | undefined, alias: string, layers: Array<Record<string, unknown>>, subchartDefaults: Record<string, unknown>): boolean {
  if (!condition) return true;
  for (const raw of condition.split(',')) {
    const path = raw.trim().split('.').filter(Boolean);
    if (!path.length) continue;
    let v: unknown;
    for (const layer of layers) {
      v = lookup(layer, path);
      if (v !== undefined) break;
    }
    if (v === undefined && path[0] === alias) v = lookup(subchartDefaults, path.slice(1));
    if (typeof v === 'boolean') return v;
  }
  return true;
}

/** Whether two Chart.yaml texts differ only in `version` and the dependencies' `version` pins. */
export function onlyVersionPinsChanged(before: string, after: string): boolean {
  try {
    const strip = (t: string) => {
      const c = parseYaml(t) as Record<string, unknown>;
      if (!isRecord(c)) return undefined;
      const { version: _v, ...rest } = c;
      const deps = Array.isArray(rest.dependencies) ? rest.dependencies.map((d) => (isRecord(d) ? { ...d, version: undefined } : d)) : rest.dependencies;
      return JSON.stringify({ ...rest, dependencies: deps });
    };
    const a = strip(before);
    return a !== undefined && a === strip(after);
  } catch {
    return false;
  }
}

/** What a change selects so far, each item with its reasons. */
class Selection {
  readonly reasons = new Map<string, string[]>();
  readonly ignored: ChangeSelection['ignored'] = [];
  readonly renderTenants = new Set<string>();
  readonly validateTenants = new Set<string>();
  /** chart dir → its changed files */
  readonly changedCharts = new Map<string, string[]>();
  readonly ciCases = new Set<string>();
  readonly notRendered = new Map<string, number>();
  /** Why every tenant and ci case renders again, once something says so. */
  allRenders: string | undefined;
  longest = false;
  helmfile = false;
  gitops = false;

  why(item: string, reason: string): void {
    const r = this.reasons.get(item) ?? [];
    if (!r.includes(reason)) r.push(reason);
    this.reasons.set(item, r);
  }
  ignore(file: string, reason: string): void {
    this.ignored.push({ file, reason });
  }
}

/** The repository as the selection sees it: tenants, charts, the umbrella and its ci cases. */
interface Repository {
  root: string;
  tenants: Array<{ id: string; file: string }>;
  tenantIds: Set<string>;
  charts: ChartInfo[];
  byDirName: Map<string, ChartInfo>;
  umbrella: string;
  umbrellaCi: string[];
}

const umbrellaCiItem = (r: Repository, f: string) => `ci case ${UMBRELLA_CHART} (${relative(r.umbrella, f)})`;

export async function selectChanged(o: SelectChangedOptions): Promise<ChangeSelection> {
  const root = o.root;
  const git = o.git ?? (await Git.open(root));
  const base = o.base ?? (await defaultBase(git));
  await git.resolve(base);
  const mergeBase = await git.mergeBase(base, 'HEAD');
  const files = await changedFiles(git, root, mergeBase);

  const charts = discoverCharts(join(root, 'charts'));
  const umbrella = umbrellaDir(root);
  const tenants = listTenants(root);
  const repo: Repository = {
    root,
    tenants,
    tenantIds: new Set(tenants.map((t) => t.id)),
    charts,
    byDirName: new Map(charts.map((c) => [basename(c.dir), c])),
    umbrella,
    umbrellaCi: existsSync(umbrella) ? ciValuesFiles(umbrella) : [],
  };
  const sel = new Selection();
  for (const f of files) selectFile(f, repo, sel);
  const affected = affectedCharts(repo, sel);
  if (affected.has(umbrella)) await selectThroughUmbrella(repo, sel, git, mergeBase);
  if (sel.allRenders) selectEveryRender(repo, sel, sel.allRenders);
  for (const t of sel.renderTenants) sel.validateTenants.add(t);

  const scope: LintScope = {
    tenants: [...sel.renderTenants].sort(),
    validateTenants: [...sel.validateTenants].sort(),
    charts: [...affected.keys()].sort(),
    ciCases: [...sel.ciCases].sort(),
    longestTenantId: sel.longest,
    helmfile: sel.helmfile,
    gitops: sel.gitops,
    chartVersions: sel.changedCharts.size > 0,
  };
  const selected = [...sel.reasons].map(([item, rs]) => ({ item, reasons: rs })).sort((a, b) => a.item.localeCompare(b.item));
  return { base, mergeBase, files, scope, selected, ignored: sel.ignored, notRendered: [...sel.notRendered].map(([reason, n]) => ({ reason, tenants: n })) };
}

/** Files changed since the merge base, committed or not, plus untracked ones; relative to root, build output left out. */
async function changedFiles(git: Git, root: string, mergeBase: string): Promise<string[]> {
  const rootRel = relative(git.root, root) || '.';
  const toRoot = (f: string) => relative(root, join(git.root, f)).split(sep).join('/');
  // an untracked Chart.lock is what `helm dependency build` writes for a chart without one: build output too
  const untracked = (await git.untrackedFiles([rootRel])).map(toRoot).filter((f) => !/^charts\/[^/]+\/Chart\.lock$/.test(f));
  const raw = [...(await git.changedFiles(mergeBase, [rootRel])).map(toRoot), ...untracked];
  return [...new Set(raw)].filter((f) => !f.startsWith('..') && !isBuildOutput(f)).sort();
}

/** What one changed file selects by where it is (the list at the top of this file). */
function selectFile(f: string, repo: Repository, sel: Selection): void {
  const parts = f.split('/');
  if (parts[0] === 'gitops' && parts[1] === 'tenants' && parts.length === 3) {
    const id = /^tenant-(.+)\.ya?ml$/.exec(parts[2]!)?.[1];
    if (!id) sel.ignore(f, 'not a tenant file (gitops/tenants/tenant-<id>.yaml)');
    else if (!repo.tenantIds.has(id)) sel.ignore(f, `tenant ${id} was removed: nothing to lint`);
    else {
      sel.renderTenants.add(id);
      sel.why(`tenant ${id}`, `${f} changed`);
    }
  } else if (parts[0] === 'gitops') {
    if (/\.ya?ml$/.test(f) && parts[1] !== 'tenants') {
      sel.gitops = true;
      sel.why('gitops manifests', `${f} changed`);
    } else sel.ignore(f, 'not a manifest lint reads');
  } else if (parts[0] === 'charts' && parts.length > 2) {
    const c = repo.byDirName.get(parts[1]!);
    if (!c) sel.ignore(f, `charts/${parts[1]} is not a chart (any more)`);
    else sel.changedCharts.set(c.dir, [...(sel.changedCharts.get(c.dir) ?? []), f]);
  } else if (parts[0] === 'schemas') {
    if (/^tenant(\.base)?\.schema\.json$/.test(parts[1]!) && parts.length === 2) {
      for (const t of repo.tenants) sel.validateTenants.add(t.id);
      sel.why('tenant validation of every tenant file', `${f} changed`);
      sel.longest = true;
      sel.why('longest tenantId render', `${f} changed (the schema's tenantId maxLength)`);
    } else if (parts[1] === 'kubernetes') {
      sel.allRenders ??= `${f} changed (Kubernetes schemas every rendered object is validated against)`;
    } else sel.ignore(f, 'documentation, not read by lint');
  } else if (parts[0] === 'helmfile.d') {
    sel.helmfile = true;
    sel.why('helmfile.d', `${f} changed`);
    if (parts[1]?.startsWith('00-operators')) sel.allRenders ??= `${f} changed (the pinned operators: API versions every render gets, CRDs custom resources are validated against)`;
  } else sel.ignore(f, 'not a lint input');
}

const chartName = (repo: Repository, dir: string) => repo.byDirName.get(basename(dir))?.name ?? basename(dir);

/** The changed charts and, transitively, every chart depending on them: chart dir → reasons. */
function affectedCharts(repo: Repository, sel: Selection): Map<string, string[]> {
  const dependents = new Map<string, ChartInfo[]>();
  for (const c of repo.charts) for (const d of c.dependencies) if (d.path) dependents.set(d.path, [...(dependents.get(d.path) ?? []), c]);
  const affected = new Map<string, string[]>();
  for (const [dir, fs] of sel.changedCharts) {
    const r = `${fs.length === 1 ? fs[0] : `${fs.length} files under charts/${basename(dir)}/`} changed`;
    affected.set(dir, [...(affected.get(dir) ?? []), r]);
    const queue = [dir];
    const seen = new Set(queue);
    while (queue.length) {
      const cur = queue.shift()!;
      for (const p of dependents.get(cur) ?? []) {
        if (seen.has(p.dir)) continue;
        seen.add(p.dir);
        queue.push(p.dir);
        const rr = `depends on ${chartName(repo, cur)}${cur === dir ? ' (changed)' : ''}`;
        affected.set(p.dir, [...new Set([...(affected.get(p.dir) ?? []), rr])]);
      }
    }
  }
  for (const [dir, rs] of affected) for (const r of rs) sel.why(`chart ${chartName(repo, dir)}`, r);
  return affected;
}

/**
 * The umbrella is affected: its own files select every render (unless only its Chart.yaml's version pins
 * changed: its ci cases), a changed subchart the tenants and ci cases that render it.
 */
async function selectThroughUmbrella(repo: Repository, sel: Selection, git: Git, mergeBase: string): Promise<void> {
  const own = sel.changedCharts.get(repo.umbrella);
  if (own) {
    const chartYaml = `${relative(repo.root, repo.umbrella).split(sep).join('/')}/Chart.yaml`;
    const rest = own.filter((f) => f !== chartYaml && !f.endsWith('/Chart.lock'));
    let pinsOnly = false;
    if (!rest.length && own.includes(chartYaml)) {
      const before = await git.show(mergeBase, relative(git.root, join(repo.root, chartYaml)).split(sep).join('/'));
      pinsOnly = before !== undefined && onlyVersionPinsChanged(before, readFileSync(join(repo.root, chartYaml), 'utf8'));
    }
    if (!pinsOnly) sel.allRenders ??= `chart ${UMBRELLA_CHART} changed (${own.slice(0, 3).join(', ')}${own.length > 3 ? ', …' : ''}): every tenant renders it`;
    else for (const f of repo.umbrellaCi) {
      sel.ciCases.add(f);
      sel.why(umbrellaCiItem(repo, f), `${chartYaml} changed only in version pins: the umbrella's own templates render with its new version`);
    }
  }
  if (!sel.allRenders) selectRendersOfChangedSubcharts(repo, sel);
}

/** Which tenants and ci cases render a changed chart, through which umbrella dependency (its condition not false). */
function selectRendersOfChangedSubcharts(repo: Repository, sel: Selection): void {
  const uChart = repo.byDirName.get(basename(repo.umbrella))!;
  const umbrellaValues = existsSync(join(repo.umbrella, 'values.yaml')) ? readValues(join(repo.umbrella, 'values.yaml')) : {};
  const reach = uChart.dependencies
    .filter((d) => d.path)
    .map((d) => {
      const hit = [...sel.changedCharts.keys()].filter((c) => c !== repo.umbrella && (c === d.path || reaches(d.path!, c, repo.charts)));
      return { dep: d, changed: hit.map((c) => chartName(repo, c)), defaults: hit.length ? readValues(join(d.path!, 'values.yaml')) : {} };
    })
    .filter((r) => r.changed.length);
  const judge = (label: string, valuesFile: string, onSelect: () => void, counted: boolean) => {
    const layers = [readValues(valuesFile), umbrellaValues];
    const on = reach.filter((r) => dependencyEnabled(r.dep.condition, r.dep.alias ?? r.dep.name, layers, r.defaults));
    if (on.length) {
      onSelect();
      for (const r of on) sel.why(label, `renders ${r.changed.join(', ')} (changed) as ${r.dep.alias ?? r.dep.name}${r.dep.condition ? ` (${r.dep.condition} is not false)` : ''}`);
    } else if (counted) {
      const k = reach.map((r) => `${r.dep.condition ?? r.dep.alias} is false`).join(', ');
      sel.notRendered.set(k, (sel.notRendered.get(k) ?? 0) + 1);
    }
  };
  for (const t of repo.tenants) judge(`tenant ${t.id}`, t.file, () => sel.renderTenants.add(t.id), true);
  for (const f of repo.umbrellaCi) judge(umbrellaCiItem(repo, f), f, () => sel.ciCases.add(f), false);
  if (reach.length) {
    sel.longest = true;
    sel.why('longest tenantId render', `the umbrella renders a changed chart (${reach.flatMap((r) => r.changed).join(', ')}): resource names may grow`);
  }
}

/** Every tenant, every umbrella ci case and the longest-tenantId render, for one reason. */
function selectEveryRender(repo: Repository, sel: Selection, reason: string): void {
  for (const t of repo.tenants) {
    sel.renderTenants.add(t.id);
    sel.why(`tenant ${t.id}`, reason);
  }
  for (const f of repo.umbrellaCi) {
    sel.ciCases.add(f);
    sel.why(umbrellaCiItem(repo, f), reason);
  }
  sel.longest = true;
  sel.why('longest tenantId render', reason);
}

/** Whether chart `from` depends on chart dir `to`, transitively through file:// dependencies. */
function reaches(from: string, to: string, charts: ChartInfo[], seen: Set<string> = new Set()): boolean {
  if (seen.has(from)) return false;
  seen.add(from);
  const c = charts.find((x) => x.dir === from);
  return Boolean(c?.dependencies.some((d) => d.path && (d.path === to || reaches(d.path, to, charts, seen))));
}
