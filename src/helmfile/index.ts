/**
 * helmfile.d/ as data: the releases of every state file, in file order, with their chart, pinned version,
 * values, needs and labels, and the checks `logclaw lint` runs on them. Reused by the release plan of the
 * lifecycle commands (install/upgrade), so the API is small and has no side effects:
 *
 *   const hf = loadHelmfile('helmfile.d');
 *   hf.releases        // [{ name, namespace, chart, version, values, needs, labels, file, line, ... }]
 *   releaseOrder(hf)   // [['cert-manager/cert-manager'], ['strimzi/strimzi', ...], ...]  (needs first)
 *   checkHelmfile(hf)  // Finding[] (chart paths, values files, pinned versions, needs, cycles)
 *
 * helmfile renders state files as Go templates; this reader does not evaluate templates: lines that are only
 * a template action are dropped and inline `{{ ... }}` become a placeholder, and fields that held a template
 * are listed in `templated` so checks can skip them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import semver from 'semver';
import type { Finding } from '../findings.js';

export const TEMPLATE_PLACEHOLDER = '__helmfile_template__';

export interface HelmfileRepository {
  name: string;
  url: string;
  oci: boolean;
  file: string;
}

export interface HelmfileRelease {
  name: string;
  namespace: string;
  /** As written: a local path (`../charts/x`), `repo/chart`, or `oci://...`. */
  chart: string;
  version?: string;
  /** Values files as absolute paths, inline values as objects (in order). */
  values: Array<string | Record<string, unknown>>;
  /** As written: `name`, `namespace/name` or `context/namespace/name`. */
  needs: string[];
  labels: Record<string, string>;
  /** Absolute path of the state file that declares the release, and the release's line in it. */
  file: string;
  line: number;
  installed: boolean;
  condition?: string;
  /** Absolute chart directory for local charts. */
  chartPath?: string;
  /** Repository name for `repo/chart` references. */
  repository?: string;
  /** Fields whose value came from a Go template expression (not evaluated here). */
  templated: string[];
}

export interface HelmfileProblem {
  file: string;
  line?: number;
  message: string;
}

export interface Helmfile {
  dir: string;
  /** State files in the order helmfile reads them (sorted by name). */
  files: string[];
  repositories: HelmfileRepository[];
  releases: HelmfileRelease[];
  /** Files that did not parse. */
  problems: HelmfileProblem[];
}

/** `namespace/name` identity of a release (helmfile's own notation for needs). */
export const releaseId = (r: Pick<HelmfileRelease, 'name' | 'namespace'>): string => (r.namespace ? `${r.namespace}/${r.name}` : r.name);

function neutralizeTemplates(text: string): { text: string; templated: boolean } {
  let templated = false;
  const lines = text.split('\n').flatMap((line) => {
    if (!line.includes('{{')) return [line];
    templated = true;
    if (/^\s*(#.*)?\{\{-?[^}]*-?\}\}\s*$/.test(line) && !/:\s*\{\{/.test(line) && !/^\s*-\s*\{\{/.test(line)) return [];
    return [line.replace(/\{\{-?([^}]|\}(?!\}))*-?\}\}/g, TEMPLATE_PLACEHOLDER)];
  });
  return { text: lines.join('\n'), templated };
}

const isStateFile = (f: string): boolean => /\.(ya?ml)(\.gotmpl)?$/.test(f) || f.endsWith('.gotmpl');

/** Read helmfile.d/ (a directory of state files) or a single helmfile.yaml. Never throws on bad content. */
export function loadHelmfile(dirOrFile: string): Helmfile {
  const abs = resolve(dirOrFile);
  const files = existsSync(abs) && statSync(abs).isDirectory()
    ? readdirSync(abs).filter(isStateFile).sort().map((f) => join(abs, f))
    : existsSync(abs) ? [abs] : [];
  const hf: Helmfile = { dir: abs, files, repositories: [], releases: [], problems: [] };
  for (const file of files) readStateFile(file, hf);
  return hf;
}

function readStateFile(file: string, hf: Helmfile): void {
  const raw = readFileSync(file, 'utf8');
  const { text } = neutralizeTemplates(raw);
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, merge: true, uniqueKeys: false });
  const base = dirname(file);
  const templates: Record<string, Record<string, unknown>> = {};
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      hf.problems.push({ file, line: e.linePos?.[0]?.line, message: e.message.split('\n')[0]! });
      continue;
    }
    const js = doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown> | null;
    if (!js || typeof js !== 'object') continue;
    for (const r of (Array.isArray(js.repositories) ? js.repositories : []) as Array<Record<string, unknown>>) {
      if (r && typeof r.name === 'string') hf.repositories.push({ name: r.name, url: String(r.url ?? ''), oci: r.oci === true, file });
    }
    if (js.templates && typeof js.templates === 'object') Object.assign(templates, js.templates);
    const releasesNode = isMap(doc.contents) ? (doc.contents.get('releases', true) as Node | undefined) : undefined;
    const releases = Array.isArray(js.releases) ? (js.releases as Array<Record<string, unknown>>) : [];
    releases.forEach((rel, i) => {
      if (!rel || typeof rel !== 'object') return;
      let merged: Record<string, unknown> = { ...rel };
      for (const inh of (Array.isArray(rel.inherit) ? rel.inherit : []) as Array<Record<string, unknown>>) {
        const t = templates[String(inh?.template)];
        if (t) merged = { ...t, ...merged };
      }
      const node = isSeq(releasesNode) ? (releasesNode.items[i] as Node | undefined) : undefined;
      const line = node?.range ? lc.linePos(node.range[0]).line : 1;
      hf.releases.push(toRelease(merged, file, base, line));
    });
  }
}

const isTemplated = (v: unknown): boolean => typeof v === 'string' && v.includes(TEMPLATE_PLACEHOLDER);

function toRelease(r: Record<string, unknown>, file: string, base: string, line: number): HelmfileRelease {
  const templated: string[] = [];
  for (const k of ['name', 'namespace', 'chart', 'version', 'installed', 'condition']) if (isTemplated(r[k])) templated.push(k);
  const chart = String(r.chart ?? '');
  const local = chart.startsWith('.') || chart.startsWith('/') || chart.startsWith('file://');
  const values: Array<string | Record<string, unknown>> = [];
  for (const v of Array.isArray(r.values) ? r.values : []) {
    if (typeof v === 'string') {
      if (isTemplated(v)) templated.push('values');
      values.push(isAbsolute(v) ? v : resolve(base, v));
    } else if (v && typeof v === 'object') values.push(v as Record<string, unknown>);
  }
  if (isTemplated(r.needs)) templated.push('needs');
  if (isTemplated(r.values)) templated.push('values');
  const needs = (Array.isArray(r.needs) ? r.needs : []).map(String);
  const labels: Record<string, string> = {};
  if (r.labels && typeof r.labels === 'object') for (const [k, v] of Object.entries(r.labels)) labels[k] = String(v);
  return {
    name: String(r.name ?? ''),
    namespace: typeof r.namespace === 'string' ? r.namespace : '',
    chart,
    version: r.version === undefined || r.version === null ? undefined : String(r.version),
    values,
    needs,
    labels,
    file,
    line,
    installed: r.installed === undefined ? true : r.installed !== false && r.installed !== 'false',
    condition: typeof r.condition === 'string' ? r.condition : undefined,
    chartPath: local ? resolve(base, chart.replace(/^file:\/\//, '')) : undefined,
    repository: !local && !chart.startsWith('oci://') && chart.includes('/') ? chart.split('/')[0] : undefined,
    templated,
  };
}

/** Resolve a `needs` entry to the release it names (undefined when none does). */
export function resolveNeed(hf: Helmfile, from: HelmfileRelease, need: string): HelmfileRelease | undefined {
  const parts = need.split('/');
  const name = parts[parts.length - 1]!;
  const ns = parts.length >= 2 ? parts[parts.length - 2]! : undefined;
  return hf.releases.find((r) => r.name === name && (ns === undefined ? r.namespace === from.namespace || !r.namespace : r.namespace === ns));
}

/** Cycles among needs, each as the list of release ids around it. */
export function needCycles(hf: Helmfile): string[][] {
  const cycles: string[][] = [];
  const state = new Map<HelmfileRelease, 'visiting' | 'done'>();
  const stack: HelmfileRelease[] = [];
  const seen = new Set<string>();
  const visit = (r: HelmfileRelease): void => {
    state.set(r, 'visiting');
    stack.push(r);
    for (const n of r.needs) {
      const t = resolveNeed(hf, r, n);
      if (!t) continue;
      if (state.get(t) === 'visiting') {
        const cyc = stack.slice(stack.indexOf(t)).map(releaseId);
        const key = [...cyc].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cyc, releaseId(t)]);
        }
      } else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(r, 'done');
  };
  for (const r of hf.releases) if (!state.has(r)) visit(r);
  return cycles;
}

/**
 * Releases in layers: every release comes after the releases it needs; within a layer, file order.
 * Releases caught in a cycle end up in a last layer (checkHelmfile reports the cycle).
 */
export function releaseOrder(hf: Helmfile): HelmfileRelease[][] {
  const layers: HelmfileRelease[][] = [];
  const placed = new Set<HelmfileRelease>();
  let rest = [...hf.releases];
  while (rest.length) {
    const layer = rest.filter((r) => r.needs.every((n) => {
      const t = resolveNeed(hf, r, n);
      return !t || placed.has(t);
    }));
    if (!layer.length) {
      layers.push(rest);
      break;
    }
    layer.forEach((r) => placed.add(r));
    layers.push(layer);
    rest = rest.filter((r) => !placed.has(r));
  }
  return layers;
}

/** Pinned means an exact version (1.2.3 or v1.2.3), not a range or empty. */
export const isPinnedVersion = (v: string | undefined): boolean => Boolean(v && semver.valid(v.replace(/^v/, '')) && !/[\^~*xX<>=| ]/.test(v));

/** lint's checks of helmfile.d. `root` is the directory file names are shown relative to. */
export function checkHelmfile(hf: Helmfile, root = dirname(hf.dir)): Finding[] {
  const findings: Finding[] = [];
  const rel = (f: string): string => relative(root, f) || basename(f);
  const target = 'helmfile.d';
  for (const p of hf.problems) findings.push({ rule: 'helmfile-parse', severity: 'error', file: rel(p.file), line: p.line, message: `does not parse: ${p.message}`, target });
  const repos = new Set(hf.repositories.map((r) => r.name));
  const ids = new Map<string, HelmfileRelease>();
  for (const r of hf.releases) {
    const at = { file: rel(r.file), line: r.line, target, path: `releases[${r.name}]` };
    const id = releaseId(r);
    const dup = ids.get(id);
    if (dup) findings.push({ ...at, rule: 'helmfile-duplicate', severity: 'error', message: `release ${id} is declared twice (also ${rel(dup.file)}:${dup.line})` });
    ids.set(id, r);
    if (!r.name) findings.push({ ...at, rule: 'helmfile-parse', severity: 'error', message: 'a release has no name' });
    if (!r.templated.includes('chart')) {
      if (!r.chart) findings.push({ ...at, rule: 'helmfile-chart', severity: 'error', message: `release ${r.name} has no chart` });
      else if (r.chartPath) {
        if (!existsSync(join(r.chartPath, 'Chart.yaml'))) findings.push({ ...at, rule: 'helmfile-chart', severity: 'error', message: `release ${r.name}: chart path ${r.chart} (${rel(r.chartPath)}) has no Chart.yaml` });
      } else if (r.repository && !repos.has(r.repository)) {
        findings.push({ ...at, rule: 'helmfile-chart', severity: 'error', message: `release ${r.name}: chart ${r.chart} names repository "${r.repository}", which no helmfile.d file declares under repositories:` });
      }
    }
    if (!r.chartPath && !r.templated.includes('version') && !isPinnedVersion(r.version)) {
      findings.push({ ...at, rule: 'helmfile-version', severity: 'error', message: `release ${r.name}: chart ${r.chart} ${r.version ? `version "${r.version}" is a range` : 'has no version'}; pin an exact version` });
    }
    for (const v of r.values) {
      if (typeof v !== 'string' || v.includes(TEMPLATE_PLACEHOLDER)) continue;
      const candidates = [v, v.replace(/\.gotmpl$/, ''), `${v}.gotmpl`];
      if (!candidates.some((c) => existsSync(c))) findings.push({ ...at, rule: 'helmfile-values', severity: 'error', message: `release ${r.name}: values file ${rel(v)} does not exist` });
    }
    for (const n of r.needs) {
      if (!resolveNeed(hf, r, n)) findings.push({ ...at, rule: 'helmfile-needs', severity: 'error', message: `release ${r.name} needs "${n}", which no release in ${rel(hf.dir)} is` });
    }
  }
  for (const c of needCycles(hf)) {
    const first = hf.releases.find((r) => releaseId(r) === c[0]);
    findings.push({ rule: 'helmfile-needs', severity: 'error', file: first ? rel(first.file) : rel(hf.dir), line: first?.line, target, message: `needs form a cycle: ${c.join(' → ')}` });
  }
  return findings;
}
