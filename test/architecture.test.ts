/**
 * The layer order of src/, lowest first, checked on every import (static, `export … from`, dynamic `import()`
 * and type-position `import('…').T`), read with the TypeScript parser. A unit is a folder of src/ or one of the
 * files at its top (errors.ts, output.ts…). A unit may import only units of lower layers, and no two units may
 * import each other (directly or round a longer cycle). A new folder must be placed in LAYERS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/**
 * Lowest first. A unit imports only units of lower layers, never one of its own layer or a higher one: the units
 * of one layer are independent of each other. What each layer is, and why a unit sits where it does, is in the
 * README's Architecture section.
 */
export const LAYERS: string[][] = [
  ['errors'],
  // the base: output, durations, findings, the one KubeObject type, the repository root, version facts
  ['output', 'duration', 'findings', 'kube-object', 'root', 'version'],
  // one typed wrapper per external program over the one exec module
  ['tools'],
  // tenant files (id, schema, rules), helmfile.d checks, change safety (quantities, rules)
  ['tenant', 'helmfile', 'safety'],
  // rendered manifests: YAML reader, schema and policy checks (operators' helmfile entries, quantities)
  ['manifests'],
  // charts (dependencies, versions); the cluster: API client + connect, watches, helm's release storage
  ['charts', 'kube'],
  // renders; readiness (verdicts, waits, which objects to await); chart releases; port-forwarding; capacity
  // (what renders request against what nodes have)
  ['render', 'readiness', 'release', 'portforward', 'capacity'],
  // explaining failures; a tenant as it is in the cluster; the preflight doctor
  ['diagnose', 'status', 'doctor'],
  // GitOps: bootstrap manifests, onboarding commits, Argo CD Application status (walked down with diagnose);
  // a tenant's support bundle (status and diagnosis of what is not ready, redacted)
  ['gitops', 'support-bundle'],
  // the release plan (helmfile per release, gated on readiness); verify; lint
  ['plan', 'verify', 'lint'],
  // diff and upgrade of a tenant (through the plan)
  ['diff'],
  // dev up/down, operators install, install (checked with diff first), uninstall, dev secrets, kind config
  ['lifecycle'],
  ['commands'],
  ['cli'],
];

export interface ImportEdge {
  from: string;
  to: string;
  file: string;
  specifier: string;
  line: number;
}

/** Every relative import of a TypeScript file that stays inside src/. */
export function importsOf(file: string, text: string, srcRoot = SRC): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const specs: Array<{ spec: string; node: ts.Node }> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push({ spec: node.moduleSpecifier.text, node });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      specs.push({ spec: node.arguments[0].text, node });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specs.push({ spec: node.argument.literal.text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const out: ImportEdge[] = [];
  for (const { spec, node } of specs) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(srcRoot + sep)) continue;
    out.push({
      from: unitOf(file, srcRoot),
      to: unitOf(target, srcRoot),
      file: relative(srcRoot, file),
      specifier: spec,
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
    });
  }
  return out;
}

export function unitOf(path: string, srcRoot = SRC): string {
  const parts = relative(srcRoot, path).split(sep);
  return parts.length === 1 ? parts[0]!.replace(/\.(js|ts)$/, '') : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

export function allImports(srcRoot = SRC): ImportEdge[] {
  return sourceFiles(srcRoot).flatMap((f) => importsOf(f, readFileSync(f, 'utf8'), srcRoot));
}

/** Imports that do not run down the declared order: to a unit of the same layer or a higher one (or one LAYERS does not place). */
export function upwardImports(edges: ImportEdge[], layers = LAYERS): ImportEdge[] {
  const layerOf = new Map(layers.flatMap((l, i) => l.map((u) => [u, i] as const)));
  return edges.filter((e) => e.from !== e.to && !(layerOf.has(e.from) && layerOf.has(e.to) && layerOf.get(e.to)! < layerOf.get(e.from)!));
}

/** Groups of units that import each other, directly or round a cycle (Tarjan's strongly connected components). */
export function importCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) if (e.from !== e.to) (next.get(e.from) ?? next.set(e.from, new Set()).get(e.from)!).add(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        group.push(w);
        if (w === v) break;
      }
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strong(v);
  return out;
}

const show = (e: ImportEdge) => `${e.file}:${e.line} (${e.from} → ${e.to}): ${e.specifier}`;

describe('architecture: the layer order of src/', () => {
  const edges = allImports();

  it('reads static, re-export, dynamic and type-position imports', () => {
    const text = [
      "import { a } from '../kube/api.js';",
      "export { b } from '../errors.js';",
      "import type { C } from '../readiness/types.js';",
      "const m = await import('../plan/index.js');",
      "type T = import('../status/index.js').Row;",
      "import 'node:fs';",
      "import { x } from 'yaml';",
    ].join('\n');
    const got = importsOf(join(SRC, 'lifecycle', 'x.ts'), text).map((e) => `${e.to}@${e.line}`);
    expect(got).toEqual(['kube@1', 'errors@2', 'readiness@3', 'plan@4', 'status@5']);
    // the real tree: commands load their core modules lazily, so dynamic imports must be among those read
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === 'commands' && e.to === 'lifecycle' && e.file === join('commands', 'dev.ts'))).toBe(true);
  });

  it('places every folder and top-level file of src/ in LAYERS', () => {
    const units = [...new Set(sourceFiles(SRC).map((f) => unitOf(f)))].sort();
    const placed = new Set(LAYERS.flat());
    expect(units.filter((u) => !placed.has(u))).toEqual([]);
    // and names no unit that does not exist
    expect([...placed].filter((u) => !units.includes(u))).toEqual([]);
  });

  it('finds no import from a lower layer to a higher one (nor between units of one layer)', () => {
    expect(upwardImports(edges).map(show)).toEqual([]);
  });

  it('finds no two units that import each other', () => {
    const first = (a: string, b: string) => edges.find((e) => e.from === a && e.to === b);
    const pairs = [...new Set(edges.filter((e) => e.from < e.to && first(e.to, e.from)).map((e) => `${e.from} ⇄ ${e.to}`))]
      .map((p) => { const [a, b] = p.split(' ⇄ ') as [string, string]; return `${p}: ${show(first(a, b)!)} and ${show(first(b, a)!)}`; });
    expect(pairs).toEqual([]);
    // nor round a longer cycle
    expect(importCycles(edges).map((g) => g.join(' → '))).toEqual([]);
  });

  it("is the order the README's Architecture section lists, every folder and top-level file named", () => {
    const readme = readFileSync(resolve(SRC, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Architecture'), readme.indexOf('\n## ', readme.indexOf('## Architecture') + 1));
    const layered = section.slice(section.indexOf('lowest first'));
    const layerOf = new Map(LAYERS.flatMap((l, i) => l.map((u) => [u, i] as const)));
    const named = LAYERS.flat().map((u) => ({ u, at: Math.min(...[`src/${u}/`, `src/${u}.ts`].map((n) => layered.indexOf(n)).filter((i) => i >= 0)) }));
    expect(named.filter((n) => !Number.isFinite(n.at)).map((n) => n.u)).toEqual([]);
    const order = [...named].sort((a, b) => a.at - b.at).map((n) => n.u);
    const outOfOrder = order.filter((u, i) => i > 0 && layerOf.get(u)! < layerOf.get(order[i - 1]!)!);
    expect(outOfOrder).toEqual([]);
  });

  it('flags an upward import and a cycle in a made-up graph', () => {
    const e = (from: string, to: string): ImportEdge => ({ from, to, file: `${from}/x.ts`, specifier: `../${to}/y.js`, line: 1 });
    const layers = [['low'], ['mid', 'side'], ['high']];
    expect(upwardImports([e('high', 'low'), e('mid', 'side'), e('low', 'mid'), e('high', 'mid')], layers).map((x) => `${x.from}>${x.to}`)).toEqual(['mid>side', 'low>mid']);
    expect(importCycles([e('mid', 'side'), e('side', 'high'), e('high', 'mid'), e('low', 'low')])).toEqual([['high', 'mid', 'side']]);
  });
});
