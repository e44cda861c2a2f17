/**
 * Named templates across a release: helm keeps one global table of `define`/`block` names for a chart and every
 * chart loaded with it (its subcharts, theirs, ... vendored as directories or `.tgz` archives), so when two charts
 * define the same name one of them silently wins and the other chart renders with a stranger's helper (Bitnami's
 * `common.names.fullname` against a library that also says `common.names.fullname`). This finds those names:
 * every define of a chart tree, grouped by name, reported (rule `template-name-collision`) when charts of
 * different names define it. Copies of one library under several subcharts (Bitnami's `common` in each store)
 * are one chart: helm means them to share their names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { Finding } from '../findings.js';
import { readTgz } from '../release/content.js';
import { isRecord } from '../object.js';

/** One define: the chart that holds it, where (shown path), and its identity inside that chart. */
export interface TemplateDefinition {
  name: string;
  chart: string;
  /** Path for people: relative to the root, `archive.tgz:inner/path` inside archives. */
  file: string;
  line: number;
  /** `<chart>/<path inside the chart>`: the same file seen through a packaged copy is the same definition. */
  key: string;
}

const DEFINE = /\{\{-?\s*(?:define|block)\s+"([^"]+)"/g;

function definesOf(text: string): Array<{ name: string; line: number }> {
  const out: Array<{ name: string; line: number }> = [];
  for (const m of text.matchAll(DEFINE)) out.push({ name: m[1]!, line: text.slice(0, m.index).split('\n').length });
  return out;
}

interface TreeFile {
  /** Path inside the chart (templates/_helpers.tpl, charts/x.tgz, charts/sub/Chart.yaml). */
  rel: string;
  data: () => Buffer;
}

type Values = Record<string, unknown>;

/** helm's coalescing in short: `over` wins, maps merge. */
function merge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** A dependency's `condition` against its parent's values: the first path that holds a boolean decides; none: on. */
function enabled(condition: string | undefined, values: Values): boolean {
  for (const path of (condition ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let v: unknown = values;
    for (const k of path.split('.')) v = isRecord(v) ? v[k] : undefined;
    if (typeof v === 'boolean') return v;
  }
  return true;
}

interface LoadedChart {
  name: string;
  files: TreeFile[];
  shown: (rel: string) => string;
}

function yamlOf(files: TreeFile[], rel: string): Values {
  const f = files.find((x) => x.rel === rel);
  if (!f) return {};
  try {
    const v = parse(f.data().toString('utf8')) as unknown;
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

function loadArchive(bytes: Buffer, shownArchive: string): LoadedChart | undefined {
  let entries;
  try {
    entries = readTgz(bytes, shownArchive);
  } catch {
    return undefined; // not a chart archive: helm reports it when it loads the chart
  }
  // every entry sits below the chart's top folder (<name>/...)
  const top = entries[0]?.path.split('/')[0];
  if (!top) return undefined;
  const files = entries.filter((e) => e.path.startsWith(`${top}/`)).map((e) => ({ rel: e.path.slice(top.length + 1), data: () => e.data }));
  const name = yamlOf(files, 'Chart.yaml').name;
  return typeof name === 'string' ? { name, files, shown: (rel) => `${shownArchive}:${top}/${rel}` } : undefined;
}

/**
 * Walk one chart: its templates, then each subchart (directory or archive) in charts/ that its default values
 * (the chart's values.yaml under what its parents set) leave enabled, as helm drops a subchart whose condition is
 * false before rendering.
 */
function walkChart(c: LoadedChart, overrides: unknown, out: TemplateDefinition[], depth: number): void {
  const meta = yamlOf(c.files, 'Chart.yaml');
  const values = merge(yamlOf(c.files, 'values.yaml'), overrides) as Values;
  for (const f of c.files.filter((x) => x.rel.startsWith('templates/')).sort((a, b) => a.rel.localeCompare(b.rel))) {
    for (const d of definesOf(f.data().toString('utf8'))) out.push({ name: d.name, chart: c.name, file: c.shown(f.rel), line: d.line, key: `${c.name}/${f.rel}` });
  }
  if (depth > 20) return;
  const subs: LoadedChart[] = [];
  const subdirs = new Map<string, TreeFile[]>();
  for (const f of c.files) {
    const m = /^charts\/([^/]+)\/(.+)$/.exec(f.rel);
    if (m) {
      const list = subdirs.get(m[1]!) ?? [];
      list.push({ rel: m[2]!, data: f.data });
      subdirs.set(m[1]!, list);
    } else if (/^charts\/[^/]+\.tgz$/.test(f.rel)) {
      const sub = loadArchive(f.data(), c.shown(f.rel));
      if (sub) subs.push(sub);
    }
  }
  for (const [dir, files] of [...subdirs].sort((a, b) => a[0].localeCompare(b[0]))) {
    const name = yamlOf(files, 'Chart.yaml').name;
    if (typeof name === 'string') subs.push({ name, files, shown: (rel) => c.shown(`charts/${dir}/${rel}`) });
  }
  const deps = (Array.isArray(meta.dependencies) ? meta.dependencies : []) as Array<{ name?: string; alias?: string; condition?: string }>;
  for (const sub of subs) {
    const uses = deps.filter((d) => d.name === sub.name);
    if (!uses.length) {
      walkChart(sub, values[sub.name], out, depth + 1); // in charts/ without a dependency entry: always loaded
      continue;
    }
    for (const d of uses) {
      const key = d.alias ?? sub.name;
      if (enabled(d.condition, values)) walkChart(sub, values[key], out, depth + 1);
    }
  }
}

function dirFiles(dir: string, rel = ''): TreeFile[] {
  const out: TreeFile[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...dirFiles(dir, p));
    else if (e.isFile() || (e.isSymbolicLink() && statSync(join(dir, p)).isFile())) out.push({ rel: p, data: () => readFileSync(join(dir, p)) });
  }
  return out;
}

/**
 * Every define of the chart in `chartDir` and of every chart loaded with it: the subcharts in its charts/
 * (directories and archives, recursively), and file:// dependencies not built into charts/ yet (read from their
 * directories). Paths are shown relative to `root`.
 */
export function templateDefinitions(chartDir: string, root: string): TemplateDefinition[] {
  const out: TemplateDefinition[] = [];
  const files = dirFiles(chartDir);
  const name = yamlOf(files, 'Chart.yaml').name;
  walkChart({ name: typeof name === 'string' ? name : '?', files, shown: (rel) => relative(root, join(chartDir, rel)) }, undefined, out, 0);
  // file:// dependencies that are not built yet: helm would package them into charts/ first
  const meta = (parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) ?? {}) as { dependencies?: Array<{ name?: string; repository?: string }> };
  const built = existsSync(join(chartDir, 'charts')) ? readdirSync(join(chartDir, 'charts')) : [];
  for (const d of meta.dependencies ?? []) {
    if (!d.name || !d.repository?.startsWith('file://')) continue;
    if (built.some((f) => f === d.name || (f.startsWith(`${d.name}-`) && f.endsWith('.tgz')))) continue;
    const dir = join(chartDir, d.repository.slice('file://'.length));
    if (existsSync(join(dir, 'Chart.yaml'))) out.push(...templateDefinitions(dir, root));
  }
  return out;
}

/**
 * `template-name-collision` findings of one chart tree: for each pair of files of differently named charts that
 * define the same names, one finding naming both files and the shared names.
 */
export function templateNameCollisions(chartDir: string, root: string, chartName: string): Finding[] {
  const byName = new Map<string, TemplateDefinition[]>();
  for (const d of templateDefinitions(chartDir, root)) {
    const list = byName.get(d.name) ?? [];
    if (!list.some((x) => x.key === d.key)) list.push(d);
    byName.set(d.name, list);
  }
  const pairs = new Map<string, { a: TemplateDefinition; b: TemplateDefinition; names: string[] }>();
  for (const [name, defs] of byName) {
    for (let i = 0; i < defs.length; i++) {
      for (let j = i + 1; j < defs.length; j++) {
        const [a, b] = [defs[i]!, defs[j]!];
        if (a.chart === b.chart) continue;
        const id = `${a.key}\0${b.key}`;
        const p = pairs.get(id) ?? { a, b, names: [] };
        p.names.push(name);
        pairs.set(id, p);
      }
    }
  }
  return [...pairs.values()].map(({ a, b, names }) => {
    const shown = names.slice(0, 5).map((n) => `"${n}"`).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    return {
      rule: 'template-name-collision',
      severity: 'error' as const,
      chart: chartName,
      target: `chart ${chartName}`,
      file: a.file,
      line: a.line,
      message:
        `chart ${a.chart} (${a.file}) and chart ${b.chart} (${b.file}) both define ${names.length === 1 ? 'template' : `${names.length} templates:`} ${shown}; ` +
        `helm keeps one definition per name for the whole release, so one of them renders with the other's: prefix each chart's helpers with its own chart name`,
    };
  });
}

/** Findings of several chart trees, each collision once (the same files reached through an umbrella's copy). */
export function collisionFindings(charts: Array<{ dir: string; name: string }>, root: string): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const c of charts) {
    for (const f of templateNameCollisions(c.dir, root, c.name)) {
      const id = f.message.replace(/\([^)]*\)/g, '');
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(f);
    }
  }
  return out;
}
