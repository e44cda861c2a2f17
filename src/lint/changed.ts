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

export async function selectChanged(o: SelectChangedOptions): Promise<ChangeSelection> {
  const root = o.root;
  const git = o.git ?? (await Git.open(root));
  const base = o.base ?? (await defaultBase(git));
  await git.resolve(base);
  const mergeBase = await git.mergeBase(base, 'HEAD');
  const rootRel = relative(git.root, root) || '.';
  const toRoot = (f: string) => relative(root, join(git.root, f)).split(sep).join('/');
  // an untracked Chart.lock is what `helm dependency build` writes for a chart without one: build output too
  const untracked = (await git.untrackedFiles([rootRel])).map(toRoot).filter((f) => !/^charts\/[^/]+\/Chart\.lock$/.test(f));
  const raw = [...(await git.changedFiles(mergeBase, [rootRel])).map(toRoot), ...untracked];
  const files = [...new Set(raw)].filter((f) => !f.startsWith('..') && !isBuildOutput(f)).sort();

  const reasons = new Map<string, string[]>();
  const why = (item: string, reason: string) => {
    const r = reasons.get(item) ?? [];
    if (!r.includes(reason)) r.push(reason);
    reasons.set(item, r);
  };
  const ignored: ChangeSelection['ignored'] = [];
  const tenants = listTenants(root);
  const tenantIds = new Set(tenants.map((t) => t.id));
  const charts = discoverCharts(join(root, 'charts'));
  const byDirName = new Map(charts.map((c) => [basename(c.dir), c]));
  const umbrella = umbrellaDir(root);
  const umbrellaCi = existsSync(umbrella) ? ciValuesFiles(umbrella) : [];

  const renderTenants = new Set<string>();
  const validateTenants = new Set<string>();
  const changedCharts = new Map<string, string[]>(); // chart dir → its changed files
  const ciCases = new Set<string>();
  let allRenders: string | undefined;
  let longest = false;
  let helmfile = false;
  let gitops = false;
  let umbrellaPinsOnly: boolean | undefined;

  for (const f of files) {
    const parts = f.split('/');
    if (parts[0] === 'gitops' && parts[1] === 'tenants' && parts.length === 3) {
      const id = /^tenant-(.+)\.ya?ml$/.exec(parts[2]!)?.[1];
      if (!id) ignored.push({ file: f, reason: 'not a tenant file (gitops/tenants/tenant-<id>.yaml)' });
      else if (!tenantIds.has(id)) ignored.push({ file: f, reason: `tenant ${id} was removed: nothing to lint` });
      else {
        renderTenants.add(id);
        why(`tenant ${id}`, `${f} changed`);
      }
    } else if (parts[0] === 'gitops') {
      if (/\.ya?ml$/.test(f) && parts[1] !== 'tenants') {
        gitops = true;
        why('gitops manifests', `${f} changed`);
      } else ignored.push({ file: f, reason: 'not a manifest lint reads' });
    } else if (parts[0] === 'charts' && parts.length > 2) {
      const c = byDirName.get(parts[1]!);
      if (!c) {
        ignored.push({ file: f, reason: `charts/${parts[1]} is not a chart (any more)` });
        continue;
      }
      changedCharts.set(c.dir, [...(changedCharts.get(c.dir) ?? []), f]);
    } else if (parts[0] === 'schemas') {
      if (/^tenant(\.base)?\.schema\.json$/.test(parts[1]!) && parts.length === 2) {
        for (const t of tenants) validateTenants.add(t.id);
        why('tenant validation of every tenant file', `${f} changed`);
        longest = true;
        why('longest tenantId render', `${f} changed (the schema's tenantId maxLength)`);
      } else if (parts[1] === 'kubernetes') {
        allRenders ??= `${f} changed (Kubernetes schemas every rendered object is validated against)`;
      } else ignored.push({ file: f, reason: 'documentation, not read by lint' });
    } else if (parts[0] === 'helmfile.d') {
      helmfile = true;
      why('helmfile.d', `${f} changed`);
      if (parts[1]?.startsWith('00-operators')) allRenders ??= `${f} changed (the pinned operators: API versions every render gets, CRDs custom resources are validated against)`;
    } else ignored.push({ file: f, reason: 'not a lint input' });
  }

  // Charts: the changed ones and, transitively, every chart depending on them.
  const dependents = new Map<string, ChartInfo[]>();
  for (const c of charts) for (const d of c.dependencies) if (d.path) dependents.set(d.path, [...(dependents.get(d.path) ?? []), c]);
  const affected = new Map<string, string[]>(); // chart dir → reasons
  const name = (dir: string) => byDirName.get(basename(dir))?.name ?? basename(dir);
  for (const [dir, fs] of changedCharts) {
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
        const rr = `depends on ${name(cur)}${cur === dir ? ' (changed)' : ''}`;
        affected.set(p.dir, [...new Set([...(affected.get(p.dir) ?? []), rr])]);
      }
    }
  }
  for (const [dir, rs] of affected) for (const r of rs) why(`chart ${name(dir)}`, r);

  const notRendered = new Map<string, number>();
  if (affected.has(umbrella)) {
    const own = changedCharts.get(umbrella);
    if (own) {
      // the umbrella's own files: every render, unless only its Chart.yaml's version pins changed
      const chartYaml = `${relative(root, umbrella).split(sep).join('/')}/Chart.yaml`;
      const rest = own.filter((f) => f !== chartYaml && !f.endsWith('/Chart.lock'));
      if (!rest.length && own.includes(chartYaml)) {
        const before = await git.show(mergeBase, relative(git.root, join(root, chartYaml)).split(sep).join('/'));
        umbrellaPinsOnly = before !== undefined && onlyVersionPinsChanged(before, readFileSync(join(root, chartYaml), 'utf8'));
      } else umbrellaPinsOnly = false;
      if (!umbrellaPinsOnly) allRenders ??= `chart ${UMBRELLA_CHART} changed (${own.slice(0, 3).join(', ')}${own.length > 3 ? ', …' : ''}): every tenant renders it`;
      else for (const f of umbrellaCi) {
        ciCases.add(f);
        why(`ci case ${UMBRELLA_CHART} (${relative(umbrella, f)})`, `${chartYaml} changed only in version pins: the umbrella's own templates render with its new version`);
      }
    }
    if (!allRenders) {
      // which tenants and ci cases render a changed chart (through which umbrella dependency)
      const uChart = byDirName.get(basename(umbrella))!;
      const umbrellaValues = existsSync(join(umbrella, 'values.yaml')) ? readValues(join(umbrella, 'values.yaml')) : {};
      const reach = uChart.dependencies
        .filter((d) => d.path)
        .map((d) => {
          const hit = [...changedCharts.keys()].filter((c) => c !== umbrella && (c === d.path || reaches(d.path!, c, charts)));
          return { dep: d, changed: hit.map(name), defaults: hit.length ? readValues(join(d.path!, 'values.yaml')) : {} };
        })
        .filter((r) => r.changed.length);
      const judge = (label: string, valuesFile: string, onSelect: () => void, counted: boolean) => {
        const layers = [readValues(valuesFile), umbrellaValues];
        const on = reach.filter((r) => dependencyEnabled(r.dep.condition, r.dep.alias ?? r.dep.name, layers, r.defaults));
        if (on.length) {
          onSelect();
          for (const r of on) why(label, `renders ${r.changed.join(', ')} (changed) as ${r.dep.alias ?? r.dep.name}${r.dep.condition ? ` (${r.dep.condition} is not false)` : ''}`);
        } else if (counted) {
          const k = reach.map((r) => `${r.dep.condition ?? r.dep.alias} is false`).join(', ');
          notRendered.set(k, (notRendered.get(k) ?? 0) + 1);
        }
      };
      for (const t of tenants) judge(`tenant ${t.id}`, t.file, () => renderTenants.add(t.id), true);
      for (const f of umbrellaCi) judge(`ci case ${UMBRELLA_CHART} (${relative(umbrella, f)})`, f, () => ciCases.add(f), false);
      if (reach.length) {
        longest = true;
        why('longest tenantId render', `the umbrella renders a changed chart (${reach.flatMap((r) => r.changed).join(', ')}): resource names may grow`);
      }
    }
  }
  if (allRenders) {
    for (const t of tenants) {
      renderTenants.add(t.id);
      why(`tenant ${t.id}`, allRenders);
    }
    for (const f of umbrellaCi) {
      ciCases.add(f);
      why(`ci case ${UMBRELLA_CHART} (${relative(umbrella, f)})`, allRenders);
    }
    longest = true;
    why('longest tenantId render', allRenders);
  }
  for (const t of renderTenants) validateTenants.add(t);

  const scope: LintScope = {
    tenants: [...renderTenants].sort(),
    validateTenants: [...validateTenants].sort(),
    charts: [...affected.keys()].sort(),
    ciCases: [...ciCases].sort(),
    longestTenantId: longest,
    helmfile,
    gitops,
    chartVersions: changedCharts.size > 0,
  };
  const selected = [...reasons].map(([item, rs]) => ({ item, reasons: rs })).sort((a, b) => a.item.localeCompare(b.item));
  return { base, mergeBase, files, scope, selected, ignored, notRendered: [...notRendered].map(([reason, n]) => ({ reason, tenants: n })) };
}

/** Whether chart `from` depends on chart dir `to`, transitively through file:// dependencies. */
function reaches(from: string, to: string, charts: ChartInfo[], seen: Set<string> = new Set()): boolean {
  if (seen.has(from)) return false;
  seen.add(from);
  const c = charts.find((x) => x.dir === from);
  return Boolean(c?.dependencies.some((d) => d.path && (d.path === to || reaches(d.path, to, charts, seen))));
}
