/**
 * The layer order of src/, lowest first, checked on every import (static, `export … from`, dynamic `import()`
 * and type-position `import('…').T`), read with the TypeScript parser. A unit is a folder of src/ or one of the
 * files at its top (errors.ts, output.ts…). A unit may import only units of lower layers, and no two units may
 * import each other (directly or round a longer cycle). A new folder must be placed in LAYERS.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  // errors; the small helpers over JSON-like data (isRecord, asRecord, asArray, get)
  ['errors', 'object'],
  // the base: output, durations, findings, the one KubeObject type, what a pod spec references, the repository root, version facts
  ['output', 'duration', 'findings', 'kube-object', 'pod-spec', 'root', 'version'],
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

/** Every module a TypeScript file names: static imports, `export … from`, dynamic `import()` and `import('…').T` types. */
export function moduleSpecifiers(file: string, text: string): Array<{ spec: string; line: number }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const specs: Array<{ spec: string; line: number }> = [];
  const add = (spec: string, node: ts.Node) => specs.push({ spec, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      add(node.arguments[0].text, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs;
}

/** Every relative import of a TypeScript file that stays inside src/. */
export function importsOf(file: string, text: string, srcRoot = SRC): ImportEdge[] {
  const out: ImportEdge[] = [];
  for (const { spec, line } of moduleSpecifiers(file, text)) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(srcRoot + sep)) continue;
    out.push({ from: unitOf(file, srcRoot), to: unitOf(target, srcRoot), file: relative(srcRoot, file), specifier: spec, line });
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

const rel = (f: string, srcRoot = SRC) => relative(srcRoot, f).split(sep).join('/');
const lineOf = (sf: ts.SourceFile, n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;

/** Where the terminal may be written: the CLI (errors), the output module and the commands. */
const MAY_PRINT = (file: string) => /^(cli\.ts|output\.ts|commands\/)/.test(file);

/**
 * Writes to the terminal in a file: `console` used at all, `process.stdout` / `process.stderr`, and the same
 * streams taken by destructuring `process` or imported from `node:process`.
 */
/** An identifier that names a property or declaration (`o.console`, `{ console: 1 }`) rather than using a global. */
const isNameOf = (n: ts.Identifier): boolean => !ts.isShorthandPropertyAssignment(n.parent) && (n.parent as { name?: ts.Node }).name === n;

export function terminalWrites(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const stream = (name: string) => name === 'stdout' || name === 'stderr';
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'process' && stream(n.name.text)) out.push(`${lineOf(sf, n)}: process.${n.name.text}`);
    else if (ts.isIdentifier(n) && n.text === 'console' && !isNameOf(n)) out.push(`${lineOf(sf, n)}: console`);
    else if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer && ts.isIdentifier(n.initializer) && n.initializer.text === 'process') {
      for (const el of n.name.elements) if (stream(((el.propertyName ?? el.name) as ts.Identifier).text)) out.push(`${lineOf(sf, el)}: process.${((el.propertyName ?? el.name) as ts.Identifier).text}`);
    } else if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && /^(node:)?process$/.test(n.moduleSpecifier.text)) {
      const named = n.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const el of named.elements) if (stream((el.propertyName ?? el.name).text)) out.push(`${lineOf(sf, el)}: ${(el.propertyName ?? el.name).text} from node:process`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The module that runs programs: only the wrappers beside it import it. */
const EXEC = join(SRC, 'tools', 'exec.ts');
/** Modules that start processes: only src/tools/exec.ts imports them. */
const SPAWNERS = /^(execa|(node:)?child_process)$/;

/** Imports of src/tools/exec.ts and of the process-starting modules, from where they are not allowed. */
export function runnerImports(file: string, text: string, srcRoot = SRC): string[] {
  const where = rel(file, srcRoot);
  return moduleSpecifiers(file, text)
    .filter(({ spec }) =>
      SPAWNERS.test(spec)
        ? file !== join(srcRoot, 'tools', 'exec.ts')
        : spec.startsWith('.') && resolve(dirname(file), spec).replace(/\.js$/, '.ts') === join(srcRoot, 'tools', 'exec.ts') && !where.startsWith('tools/'),
    )
    .map(({ spec, line }) => `${where}:${line}: ${spec}`);
}

/**
 * Methods of the wrappers (and exported functions of src/tools/ beside exec.ts) that hand an argument list their
 * caller gave them to a program: a `string[]` parameter that reaches `run`/`runMutating`/`execa` as the argument
 * list, or reaches a `this.` helper as its first argument, as it is or as the start of a longer list (`[...args,
 * '--kube-context', c]`, directly or through a local). Such a method must be private: outside src/tools, callers
 * name a subcommand by a method, never by an argument list.
 */
export function publicArgvMethods(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const isList = (t: ts.TypeNode | undefined) => Boolean(t && /^(readonly\s+string\[\]|string\[\]|(Readonly)?Array<string>)$/.test(t.getText(sf).trim()));
  const check = (fn: ts.FunctionLikeDeclaration, name: string) => {
    const argv = new Set(fn.parameters.filter((p) => ts.isIdentifier(p.name) && isList(p.type)).map((p) => (p.name as ts.Identifier).text));
    if (!argv.size || !fn.body) return;
    const isArgv = (e: ts.Expression | undefined): boolean => {
      if (!e) return false;
      while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
      if (ts.isIdentifier(e)) return argv.has(e.text);
      if (ts.isArrayLiteralExpression(e)) return Boolean(e.elements[0] && ts.isSpreadElement(e.elements[0]) && isArgv(e.elements[0].expression));
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.expression.kind === ts.SyntaxKind.ThisKeyword) return isArgv(e.arguments[0]);
      return false;
    };
    let hands = false;
    const walk = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && isArgv(n.initializer)) argv.add(n.name.text);
      if (ts.isCallExpression(n)) {
        const c = n.expression;
        if (ts.isIdentifier(c) && /^(run|runMutating)$/.test(c.text) && isArgv(n.arguments[1])) hands = true;
        if (ts.isIdentifier(c) && c.text === 'execa' && isArgv(n.arguments[1])) hands = true;
        if (ts.isPropertyAccessExpression(c) && c.expression.kind === ts.SyntaxKind.ThisKeyword && isArgv(n.arguments[0])) hands = true;
      }
      ts.forEachChild(n, walk);
    };
    walk(fn.body);
    if (hands) out.push(`${lineOf(sf, fn)}: ${name}`);
  };
  const hidden = (m: ts.ClassElement) => ts.isPrivateIdentifier(m.name!) || Boolean(ts.getCombinedModifierFlags(m as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
  const exported = (d: ts.Node) => Boolean(ts.getCombinedModifierFlags(d as ts.Declaration) & ts.ModifierFlags.Export);
  const visit = (n: ts.Node): void => {
    if (ts.isClassDeclaration(n)) {
      for (const m of n.members) if (ts.isMethodDeclaration(m) && !hidden(m)) check(m, `${n.name?.text ?? 'class'}.${m.name.getText(sf)}`);
    } else if (ts.isFunctionDeclaration(n) && n.name && exported(n)) check(n, n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const arrayLiterals = (file: string, text: string): Array<{ node: ts.ArrayLiteralExpression; sf: ts.SourceFile }> => {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Array<{ node: ts.ArrayLiteralExpression; sf: ts.SourceFile }> = [];
  const visit = (n: ts.Node): void => {
    if (ts.isArrayLiteralExpression(n)) out.push({ node: n, sf });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
};
const leadingWord = (a: ts.ArrayLiteralExpression): string | undefined => {
  const first = a.elements[0];
  return first && ts.isStringLiteralLike(first) && !first.text.startsWith('-') ? first.text : undefined;
};

/** The subcommands the wrappers name: the leading word of every array literal in src/tools/ beside exec.ts and redact.ts. */
export function wrapperSubcommands(files: Array<{ file: string; text: string }>): Set<string> {
  return new Set(files.flatMap(({ file, text }) => arrayLiterals(file, text).map(({ node }) => leadingWord(node)).filter((w): w is string => w !== undefined)));
}

/**
 * Argument lists for a program built outside src/tools/: an array literal of two or more elements that starts with
 * a subcommand a wrapper names (`['uninstall', release, '--namespace', ns]`, `['create', 'namespace', ns]`). Rows
 * of a table (an array inside an array, such as `[['version', 'VERSION']]`) are not lists of arguments.
 */
export function argvLiterals(file: string, text: string, subcommands: Set<string>): string[] {
  return arrayLiterals(file, text)
    .filter(({ node }) => node.elements.length > 1 && !ts.isArrayLiteralExpression(node.parent) && subcommands.has(leadingWord(node) ?? ''))
    .map(({ node, sf }) => `${lineOf(sf, node)}: ${node.getText(sf).slice(0, 80)}`);
}

describe('architecture: who prints, who runs programs', () => {
  const files = sourceFiles(SRC);
  const read = (f: string) => readFileSync(f, 'utf8');

  it('nothing outside src/cli.ts, src/output.ts and src/commands/ writes to the terminal', () => {
    const found = files.filter((f) => !MAY_PRINT(rel(f))).flatMap((f) => terminalWrites(f, read(f)).map((w) => `${rel(f)}:${w}`));
    expect(found).toEqual([]);
    // the rule itself: a core module that writes is caught, every way it can reach the streams; a command is not
    const planted = [
      "console.log('x');",
      "process.stderr.write('x');",
      'const { stdout: out } = process;',
      "import { stderr } from 'node:process';",
      'if (process.stdout.isTTY) {}',
      "const o = { console: 1 }; o.console; const env = process.env;",
    ].join('\n');
    expect(terminalWrites(join(SRC, 'plan', 'x.ts'), planted)).toEqual(['1: console', '2: process.stderr', '3: process.stdout', '4: stderr from node:process', '5: process.stdout']);
    expect(MAY_PRINT('plan/x.ts')).toBe(false);
    expect(['cli.ts', 'output.ts', 'commands/dev.ts'].every(MAY_PRINT)).toBe(true);
  });

  it('only the wrappers in src/tools/ import src/tools/exec.ts, and only it starts processes', () => {
    expect(existsSync(EXEC)).toBe(true);
    expect(files.flatMap((f) => runnerImports(f, read(f)))).toEqual([]);
    // the rule itself
    const planted = ["import { run } from '../tools/exec.js';", "const { execa } = await import('execa');", "import { spawn } from 'node:child_process';", "import { Helm } from '../tools/helm.js';"].join('\n');
    expect(runnerImports(join(SRC, 'plan', 'x.ts'), planted)).toEqual(['plan/x.ts:1: ../tools/exec.js', 'plan/x.ts:2: execa', 'plan/x.ts:3: node:child_process']);
    expect(runnerImports(join(SRC, 'tools', 'helm.ts'), planted)).toEqual(['tools/helm.ts:2: execa', 'tools/helm.ts:3: node:child_process']);
    expect(runnerImports(join(SRC, 'tools', 'exec.ts'), planted)).toEqual([]);
  });

  it('no argument list for a program is handed in from outside src/tools/: the wrappers take none publicly', () => {
    const wrappers = files.filter((f) => rel(f).startsWith('tools/') && f !== EXEC);
    expect(wrappers.length).toBeGreaterThan(5);
    expect(wrappers.flatMap((f) => publicArgvMethods(f, read(f)).map((m) => `${rel(f)}:${m}`))).toEqual([]);
    // the private helpers that do take one are seen (the check reads the real wrappers, not nothing)
    const helm = read(join(SRC, 'tools', 'helm.ts')).replace('private cluster(', 'cluster(');
    expect(publicArgvMethods(join(SRC, 'tools', 'helm.ts'), helm).map((m) => m.replace(/^\d+: /, ''))).toEqual(['Helm.cluster']);
    // the rule itself: a public pass-through is caught, directly, through a local, through a helper; typed lists are not
    const planted = `
      export class P {
        exec(args: string[], o?: RunOptions) { return run(this.bin, args, o); }
        cluster(args: readonly string[], c: Target) { const full = [...args, '--context', c.name]; return runMutating(this.bin, full); }
        via(args: string[]) { return this.mutate(args, {}); }
        private mutate(args: string[], t: Target) { return runMutating(this.bin, this.target(args, t)); }
        list(t: Target, selectors: string[] = []) { const args = [...this.globalArgs(t, selectors), 'list']; return run(this.bin, args); }
        changed(commit: string, paths: string[]) { return this.git(['diff', '--name-only', commit, '--', ...paths]); }
      }
      export function raw(args: string[]) { return execa('helm', args); }
      function internal(args: string[]) { return run('helm', args); }`;
    expect(publicArgvMethods(join(SRC, 'tools', 'p.ts'), planted).map((m) => m.replace(/^\d+: /, ''))).toEqual(['P.exec', 'P.cluster', 'P.via', 'raw']);
  });

  it('no argument list for a program is built outside src/tools/ (a dry run or a message names a call through kubectlEquivalent)', () => {
    const tools = files.filter((f) => rel(f).startsWith('tools/') && !/^tools\/(exec|redact)\.ts$/.test(rel(f)));
    const subcommands = wrapperSubcommands(tools.map((f) => ({ file: f, text: read(f) })));
    // the wrappers' subcommands are read from them (helm, helmfile, kubectl, git)
    for (const s of ['uninstall', 'template', 'rollout', 'merge-base', 'create']) expect(subcommands).toContain(s);
    const found = files.filter((f) => !rel(f).startsWith('tools/')).flatMap((f) => argvLiterals(f, read(f), subcommands).map((a) => `${rel(f)}:${a}`));
    expect(found).toEqual([]);
    // the rule itself
    const planted = [
      "await helm.exec(['uninstall', release, '--namespace', ns]);",
      "dryRun.record(['create', 'namespace', ns]);",
      "const args = ['plugin', 'list'];",
      "const columns = [['version', 'VERSION'], ['name', 'NAME']];",
      "const rows = [['tier', '--tier', ['global', 'tier']]];",
      "const one = ['delete'];",
      "const words = ['kafka', 'opensearch'];",
    ].join('\n');
    expect(argvLiterals(join(SRC, 'lifecycle', 'x.ts'), planted, subcommands).map((a) => a.split(':')[0])).toEqual(['1', '2', '3']);
  });
});

/**
 * Shared facts that have one home (README, Architecture): a module other than the home that defines one again
 * is named. Each rule: the home, and what defining it again looks like in source text.
 */
const ONE_HOME: { fact: string; home: string; again: RegExp }[] = [
  { fact: 'a printed duration', home: 'duration.ts', again: /toFixed\(\d\)\}\s*m?s\b|\/ 1000\)\}\s*m?s\b/ },
  { fact: 'isRecord / asRecord / asArray', home: 'object.ts', again: /\bfunction\s+(?:isRecord|asRecord|asArray|isObject|isPlainObject)\b|\b(?:const|let)\s+(?:isRecord|asRecord|asArray|isObject|isPlainObject)\s*=\s*(?:<[^>]*>\s*)?\(/ },
  { fact: 'a walk over a pod spec (containers, volumes, envFrom)', home: 'pod-spec.ts', again: /\benvFrom\b[\s\S]{0,200}\bsecretRef\b|\bprojected\b[\s\S]{0,200}\bsources\b/ },
  { fact: 'the tenant id check', home: 'tenant/id.ts', again: /\b(?:function|const)\s+(?:validateTenantId|requireTenantId|isTenantId)\b/ },
];

function secondHomes(files: { rel: string; text: string }[]): string[] {
  return ONE_HOME.flatMap((r) => files.filter((f) => f.rel !== r.home && r.again.test(f.text)).map((f) => `${f.rel}: ${r.fact} (its home is src/${r.home})`));
}

describe('architecture: shared facts have one home', () => {
  it('no module outside its home formats a duration, defines the object helpers, walks a pod spec or checks a tenant id', () => {
    const files = sourceFiles(SRC).map((f) => ({ rel: rel(f), text: readFileSync(f, 'utf8') }));
    for (const r of ONE_HOME) expect(files.some((f) => f.rel === r.home && r.again.test(f.text)), `${r.home} holds ${r.fact}`).toBe(true);
    expect(secondHomes(files)).toEqual([]);
    // the rule itself: copies in other modules are named
    const planted = [
      { rel: 'verify/x.ts', text: 'const took = `${(ms / 1000).toFixed(1)}s`;' },
      { rel: 'lint/x.ts', text: 'function isRecord(v: unknown) { return typeof v === "object"; }' },
      { rel: 'diff/x.ts', text: 'for (const e of c.envFrom ?? []) if (e.secretRef) refs.push(e.secretRef.name);' },
      { rel: 'status/x.ts', text: 'export const validateTenantId = (id: string) => /^[a-z]/.test(id);' },
    ];
    expect(secondHomes(planted).map((s) => s.split(':')[0])).toEqual(['verify/x.ts', 'lint/x.ts', 'diff/x.ts', 'status/x.ts']);
  });
});
