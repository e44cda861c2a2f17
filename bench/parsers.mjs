#!/usr/bin/env node
// Hand-written parsers against the library path, on the workloads they exist for (one is kept only
// where it saves >= 20 % of that command's wall time). Every variant runs in a fresh Node process doing
// exactly that step (module loading included, as the command pays it), interleaved with the others and with
// the command itself; the saving is the difference of median walls, shown as a share of the command's
// median wall time.
//   tenant YAML:    src/tenant/simple-yaml.ts  vs the yaml package, parse() (no positions, no CST kept)
//   tenant schema:  src/tenant/quickcheck.ts   vs ajv's standalone validator precompiled at build time
//                   (dist/tenant/generated/tenant-validator-*.mjs, what `tenant validate` loads anyway)
//   rendered YAML:  src/manifests/yaml-kube.ts (js-yaml, the one reader) vs the yaml package (1.1 schema),
//                   on the renders of every tenant in gitops/tenants, against `logclaw lint` of the repo
// Workloads: `tenant validate` of one file, of 1,000 files, `logclaw lint` of this repository.
// Usage: npm run -s build && npm run -s bench:parsers [-- --runs 11] [--no-lint]
// (rendering the umbrella offline needs the airflow stand-in: node test/fixtures/upstream-charts/prepare.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tenantFleet } from '../test/fixtures/fleet.mjs';


const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const bin = join(root, 'bin', 'logclaw.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('runs', '11'));
const withLint = !process.argv.includes('--no-lint');
const toolsFile = join(root, '.tools', 'tools.json');
const helm = process.env.LOGCLAW_HELM || (existsSync(toolsFile) ? JSON.parse(readFileSync(toolsFile, 'utf8')).helm3.path : 'helm');
const env = { ...process.env, NO_COLOR: '1', LOGCLAW_HELM: helm };
const url = (p) => pathToFileURL(join(root, p)).href;

const { example, work, fleet } = tenantFleet(root, 'logclaw-bench-parsers-');
const validator = readdirSync(join(root, 'dist', 'tenant', 'generated')).find((f) => /^tenant-validator-.*\.mjs$/.test(f));
if (!validator) throw new Error('build first: npm run -s build');

function run(args, expect = 0) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expect) throw new Error(`${args.join(' ').slice(0, 200)} exited ${r.status}\n${r.stdout}${r.stderr}`);
  return ms;
}
const script = (body) => ['--input-type=module', '-e', body];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Files read in the step: one, or the 1,000 of the fleet. */
const readFiles = (many) =>
  many
    ? `const {readdirSync,readFileSync}=await import('node:fs');const d=${JSON.stringify(fleet)};const texts=readdirSync(d).map(f=>readFileSync(d+'/'+f,'utf8'));`
    : `const {readFileSync}=await import('node:fs');const texts=[readFileSync(${JSON.stringify(example)},'utf8')];`;
const parsedValues = `const {parse}=await import('yaml');const values=texts.map(t=>parse(t));`;

const cases = [];
for (const many of [false, true]) {
  const label = many ? 'tenant validate <1,000 files>' : 'tenant validate <one file>';
  const command = [bin, 'tenant', 'validate', many ? fleet : example];
  cases.push({
    parser: 'simple-yaml.ts',
    workload: label,
    command,
    fast: script(`${readFiles(many)}const {parseSimpleYaml}=await import(${JSON.stringify(url('dist/tenant/simple-yaml.js'))});for(const t of texts) if(!parseSimpleYaml(t)) process.exit(9);`),
    library: script(`${readFiles(many)}const {parse}=await import('yaml');for(const t of texts) parse(t,{uniqueKeys:true,strict:true});`),
  });
  cases.push({
    parser: 'quickcheck.ts',
    workload: label,
    command,
    fast: script(
      `${readFiles(many)}${parsedValues}const {readFileSync:r}=await import('node:fs');const {quickValidate}=await import(${JSON.stringify(url('dist/tenant/quickcheck.js'))});const q=JSON.parse(r(${JSON.stringify(join(root, 'dist', 'tenant', 'generated', 'tenant-quick.json'))},'utf8')).schema;for(const v of values) if(quickValidate(q,v)!==true) process.exit(9);`,
    ),
    library: script(`${readFiles(many)}${parsedValues}const {default:validate}=await import(${JSON.stringify(url(`dist/tenant/generated/${validator}`))});for(const v of values) if(!validate(v)) process.exit(9);`),
    // both sides parse with yaml first: the difference is the schema check alone
  });
}

let renders;
if (withLint) {
  // What lint parses: the render of every tenant (the umbrella ci files are renders of the same charts).
  const ids = readdirSync(join(root, 'gitops', 'tenants')).filter((f) => /^tenant-.+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
  const out = ids.map((id) => {
    const r = spawnSync(node, [bin, 'render', '--tenant', id], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`render --tenant ${id}: ${r.stderr}`);
    return r.stdout;
  });
  renders = join(work, 'renders.yaml');
  writeFileSync(renders, out.join('\n---\n'));
  const readRenders = `const {readFileSync}=await import('node:fs');const stream=readFileSync(${JSON.stringify(renders)},'utf8');`;
  cases.push({
    parser: 'yaml-kube.ts (js-yaml)',
    workload: 'lint (repo)',
    command: [bin, 'lint', '--crds', resolve(root, '..', 'shared', 'crds')],
    once: true,
    // two libraries: the verdict column does not apply (the hand-written yaml-fast.ts was removed: js-yaml was faster)
    libraries: true,
    fast: script(`${readRenders}const {splitDocuments,parseKubeYaml}=await import(${JSON.stringify(url('dist/manifests/yaml-kube.js'))});for(const d of splitDocuments(stream)) parseKubeYaml(d.text);`),
    library: script(`${readRenders}const {splitDocuments}=await import(${JSON.stringify(url('dist/manifests/yaml-kube.js'))});const {parse}=await import('yaml');for(const d of splitDocuments(stream)) parse(d.text,{version:'1.1',uniqueKeys:false,merge:true});`),
  });
}

const commands = new Map();
const samples = new Map(cases.map((c) => [c, { fast: [], library: [] }]));
// warm the file cache and V8's compile cache
for (const c of cases) {
  run(c.fast);
  run(c.library);
}
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const key = c.command.join(' ');
    if (!commands.has(key)) commands.set(key, []);
    if (!c.once || i === 0) commands.get(key).push(run(c.command, 0));
    samples.get(c).fast.push(run(c.fast));
    samples.get(c).library.push(run(c.library));
  }
}
rmSync(work, { recursive: true, force: true });

process.stdout.write(`parser benchmark: node ${process.version}, ${cpus().length} cores, ${runs} runs, medians; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
process.stdout.write(`${'parser'.padEnd(24)} ${'workload'.padEnd(30)} ${'command'.padStart(9)} ${'parser'.padStart(9)} ${'library'.padStart(9)} ${'saves'.padStart(8)}  verdict (keep if >= 20 %)\n`);
for (const c of cases) {
  const cmd = median(commands.get(c.command.join(' ')));
  const f = median(samples.get(c).fast);
  const l = median(samples.get(c).library);
  const share = ((l - f) / cmd) * 100;
  process.stdout.write(
    `${c.parser.padEnd(24)} ${c.workload.padEnd(30)} ${cmd.toFixed(0).padStart(7)}ms ${f.toFixed(0).padStart(7)}ms ${l.toFixed(0).padStart(7)}ms ${share.toFixed(1).padStart(7)}%  ${c.libraries ? 'n/a (js-yaml vs yaml)' : share >= 20 ? 'keep' : 'remove'}\n`,
  );
}
