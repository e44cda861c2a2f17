#!/usr/bin/env node
/**
 * Benchmark: lint at fleet scale, in one run, on a copy of this repository whose gitops/tenants/ holds a
 * generated fleet (test/fixtures/fleet.mjs: N tenants + planted defects), committed as branch `main`:
 *
 *  (a) a change to one tenant: `lint --changed` wall time (goal <= 3 s on 2 cores);
 *  (b) a change to one subchart (with its version bumps, as a pull request makes it): tenants re-rendered per
 *      second by `lint --changed` against today's full `lint` (goal >= 2x), and the same `--changed` run again
 *      (every render from the render cache);
 *  (c) side by side on the same renders: `kubeconform -strict` with JSON schemas converted from the pinned CRDs
 *      (kubeconform's own openapi2jsonschema.py) and from schemas/kubernetes/, and `ct lint`: wall time and
 *      findings on the repository and on planted chart defects (unknown CR field, privileged pod, missing
 *      Secret reference, topic replicas above brokers).
 * Prints tables and ratios; asserts nothing. Numbers on a shared machine are noisy: the load is printed.
 *
 *   npm run -s build && node bench/go/build.mjs && node bench/fleet-lint.mjs [--tenants 1000] [--runs 3]
 *     [--only a,b,c] [--helm PATH] [--crds DIR] [--python PATH]
 *
 * ct needs yamllint and yamale: --python names a python whose environment has them (default
 * ~/.cache/logclaw/bench-venv/bin/python, made with `python3 -m venv ~/.cache/logclaw/bench-venv &&
 * ~/.cache/logclaw/bench-venv/bin/pip install yamllint yamale pyyaml`); without them ct is reported as skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTool, toolPath, tools } from './go/build.mjs';
import { generateFleet } from '../test/fixtures/fleet.mjs';
import { copyRepo, loadavg, median, seconds, timeIt } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : dflt);
const helm = arg('helm', process.env.LOGCLAW_HELM || JSON.parse(readFileSync(join(root, '.tools', 'tools.json'), 'utf8')).helm3.path);
const crds = resolve(arg('crds', join(root, '..', 'shared', 'crds')));
const count = Number(arg('tenants', '1000'));
const runs = Number(arg('runs', '3'));
const only = arg('only', 'a,b,c').split(',');
const python = arg('python', join(homedir(), '.cache', 'logclaw', 'bench-venv', 'bin', 'python'));
const node = process.execPath;
const cli = join(root, 'bin', 'logclaw.js');
const cacheHome = mkdtempSync(join(tmpdir(), 'logclaw-fleet-cache-'));
const env = { ...process.env, LOGCLAW_HELM: helm, NO_COLOR: '1', LOGCLAW_CACHE_DIR: cacheHome };
const git = (cwd, ...a) => execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'init.defaultBranch=main', ...a], { cwd, encoding: 'utf8' });
const lint = (cwd, args) => {
  const r = timeIt(node, [cli, 'lint', '--crds', crds, '--format', 'json', ...args], { cwd, env });
  return { ...r, json: JSON.parse(r.stdout) };
};
const table = (head, rows) => {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** Bump a chart's patch version in its Chart.yaml and the umbrella's pin of it (what a pull request does). */
function bumpChart(repo, chart) {
  const bump = (v) => v.replace(/(\d+)$/, (n) => String(Number(n) + 1));
  const file = join(repo, 'charts', chart, 'Chart.yaml');
  const text = readFileSync(file, 'utf8');
  const version = /^version: (\S+)$/m.exec(text)[1];
  writeFileSync(file, text.replace(/^version: \S+$/m, `version: ${bump(version)}`));
  const u = join(repo, 'charts', 'logclaw-tenant', 'Chart.yaml');
  const ut = readFileSync(u, 'utf8');
  writeFileSync(u, ut.replace(/^version: (\S+)$/m, (_m, v) => `version: ${bump(v)}`).replace(new RegExp(`(- name: ${chart}\\n(?:\\s+\\w+: .*\\n)*?\\s+version: )${version.replace(/\./g, '\\.')}`), `$1${bump(version)}`));
  // the new pin goes into the umbrella's tracked Chart.lock, as the README asks of a pull request
  execFileSync(helm, ['dependency', 'update', join(repo, 'charts', 'logclaw-tenant'), '--skip-refresh'], { stdio: 'ignore' });
}

function makeFleetRepo() {
  const repo = copyRepo(root, { helm, env });
  const dir = join(repo, 'gitops', 'tenants');
  for (const f of readdirSync(dir)) if (f.startsWith('tenant-')) rmSync(join(dir, f));
  const fleet = generateFleet(dir, { count });
  writeFileSync(join(repo, '.gitignore'), readFileSync(join(root, '.gitignore'), 'utf8'));
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'fleet');
  git(repo, 'checkout', '-qb', 'change');
  return { repo, fleet };
}

async function main() {
  const helmVersion = execFileSync(helm, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' });
  console.log(`bench/fleet-lint.mjs: ${count} generated tenants, helm ${helmVersion}, ${availableParallelism()} cores, ${runs} run(s) for (a)`);
  console.log(`load: ${uptime()}`);
  const { repo, fleet } = makeFleetRepo();
  console.log(`fleet repo ${repo}: ${fleet.tenants.length} tenants + ${fleet.planted.length} planted defects, committed as main`);
  // warm-up: dependency builds and the parsed-CRD cache (what any CI job has after its first run)
  lint(repo, ['--tenant', fleet.tenants[0].id, '--no-cache']);

  const results = {};
  if (only.includes('a') || only.includes('b')) {
    // today's full lint (no cache, everything)
    const full = lint(repo, ['--no-cache']);
    const s = full.json.stats;
    results.full = { ms: full.ms, cpuMs: full.cpuMs, renders: s.renders, helmLints: s.helmLints, errors: full.json.errors };
    const plantedFound = fleet.planted.filter((p) => p.rules.every((rule) => full.json.findings.some((f) => f.tenant === p.id && f.rule === rule)));
    console.log(`\ntoday's full lint: ${seconds(full.ms)} s wall, ${seconds(full.cpuMs)} s cpu, ${s.renders} renders + ${s.helmLints} helm lints, ${full.json.errors} error(s); planted tenant defects reported ${plantedFound.length}/${fleet.planted.length}; load ${loadavg()}`);
  }

  if (only.includes('a')) {
    const file = join(repo, 'gitops', 'tenants', `tenant-${fleet.tenants[7].id}.yaml`);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/tenantName: .*/, 'tenantName: Renamed by the benchmark'));
    const walls = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = lint(repo, ['--changed', '--base', 'main']);
      walls.push(last.ms);
    }
    // cold render cache for the changed tenant each time would be the first run only; show it without cache too
    const noCache = lint(repo, ['--changed', '--base', 'main', '--no-cache']);
    writeFileSync(file, text);
    results.a = { walls, renders: last.json.stats.renders, noCacheMs: noCache.ms };
    console.log('\n(a) change to one tenant of ' + count);
    console.log(
      table(
        ['command', 'wall (median)', 'runs', 'renders', 'goal'],
        [
          [`lint --changed`, `${seconds(median(walls))} s`, walls.map(seconds).join(' / '), last.json.stats.renders, `<= 3 s: ${median(walls) <= 3000 ? 'met' : 'NOT met'}`],
          [`lint --changed --no-cache`, `${seconds(noCache.ms)} s`, '1', noCache.json.stats.renders, ''],
          [`lint (today, everything)`, `${seconds(results.full.ms)} s`, '1', results.full.renders, `ratio ${(results.full.ms / median(walls)).toFixed(0)}x`],
        ],
      ),
    );
    console.log(`load: ${loadavg()}`);
  }

  if (only.includes('b')) {
    const rows = [];
    const todayRate = results.full.renders / (results.full.ms / 1000);
    // on a shared machine wall time measures the other users too; renders per CPU second does not
    const todayCpuRate = results.full.renders / (results.full.cpuMs / 1000);
    for (const [chart, template, edit] of [
      ['logclaw-kafka', 'templates/topics.yaml', (t) => t.replace('  config:\n    min.insync.replicas', '  config:\n    segment.bytes: 536870912\n    min.insync.replicas')],
      ['logclaw-zammad', 'templates/networkpolicy.yaml', (t) => t + '\n'],
    ]) {
      const f = join(repo, 'charts', chart, template);
      if (!existsSync(f)) continue;
      git(repo, 'checkout', '-q', '--', '.');
      writeFileSync(f, edit(readFileSync(f, 'utf8')));
      bumpChart(repo, chart);
      const first = lint(repo, ['--changed', '--base', 'main']);
      const again = lint(repo, ['--changed', '--base', 'main']);
      const st = first.json.stats;
      const rate = st.renders / (first.ms / 1000);
      const cpuRate = st.renders / (first.cpuMs / 1000);
      const selected = first.json.changed.scope.tenants.length;
      rows.push([
        chart,
        `${selected}/${count + fleet.planted.length}`,
        st.renders,
        st.helmLints,
        `${seconds(first.ms)} s`,
        `${rate.toFixed(1)}/s`,
        `${(rate / todayRate).toFixed(2)}x`,
        `${cpuRate.toFixed(1)}/cpu-s (${(cpuRate / todayCpuRate).toFixed(2)}x)`,
        `${(results.full.ms / first.ms).toFixed(1)}x`,
        `${seconds(again.ms)} s (${again.json.stats.cachedRenders}/${again.json.stats.renders} cached)`,
        first.json.errors,
      ]);
    }
    git(repo, 'checkout', '-q', '--', '.');
    console.log(`\n(b) change to one subchart (template + version bumps); today's full lint: ${results.full.renders} renders in ${seconds(results.full.ms)} s = ${todayRate.toFixed(1)} tenants re-rendered/s (${todayCpuRate.toFixed(1)} per cpu-s)`);
    console.log(table(['subchart', 'tenants selected', 'renders', 'helm lints', 'wall', 'renders/s', 'vs today (rate)', 'per cpu-s (vs today)', 'vs today (wall)', 'same run again', 'errors'], rows));
    console.log(`load: ${loadavg()}`);
  }

  if (only.includes('c')) await sideBySide();
  rmSync(join(repo, '..'), { recursive: true, force: true });
  rmSync(cacheHome, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// (c) kubeconform and ct on the same renders

/** kubeconform schemas: native kinds from schemas/kubernetes/<v>.json, CRDs through kubeconform's openapi2jsonschema.py. */
function kubeconformSchemas(dir, kubeSchemaFile) {
  mkdirSync(dir, { recursive: true });
  const bundle = JSON.parse(readFileSync(kubeSchemaFile, 'utf8'));
  const refsOf = (v, out) => {
    if (Array.isArray(v)) v.forEach((x) => refsOf(x, out));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' && typeof x === 'string' ? out.add(x.replace('#/definitions/', '')) : refsOf(x, out);
    return out;
  };
  for (const [gvk, def] of Object.entries(bundle.kinds)) {
    const parts = gvk.split('/');
    const kind = parts.pop();
    const apiVersion = parts.join('/');
    const group = apiVersion.split('/')[0];
    const version = apiVersion.split('/').pop();
    const defs = new Set([def]);
    for (const queue = [def]; queue.length; ) for (const r of refsOf(bundle.definitions[queue.pop()], new Set())) if (!defs.has(r)) (defs.add(r), queue.push(r));
    const schema = { $ref: `#/definitions/${def}`, definitions: Object.fromEntries([...defs].map((d) => [d, bundle.definitions[d]])) };
    writeFileSync(join(dir, `${kind.toLowerCase()}-${group}-${version}.json`), JSON.stringify(schema));
  }
  const script = join(execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'github.com/yannh/kubeconform'], { cwd: join(root, 'bench', 'go', 'kubeconform'), encoding: 'utf8' }).trim(), 'scripts', 'openapi2jsonschema.py');
  const crdFiles = readdirSync(crds, { recursive: true }).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(crds, f));
  const py = existsSync(python) ? python : 'python3';
  execFileSync(py, [script, ...crdFiles], { cwd: dir, env: { ...process.env, FILENAME_FORMAT: '{kind}-{fullgroup}-{version}' }, stdio: 'ignore' });
  return readdirSync(dir).length;
}

/** helm template of every tenant and umbrella ci case of `repo` with lint's arguments, one file each; returns the files. */
async function renderAll(repo, outDir, tenantsOnly) {
  const { operatorApiVersions } = await import(join(root, 'dist', 'render', 'tenant.js'));
  const { listTenants, releaseName, tenantNamespace, umbrellaDir } = await import(join(root, 'dist', 'render', 'index.js'));
  const { ciValuesFiles } = await import(join(root, 'dist', 'charts', 'index.js'));
  const api = operatorApiVersions(repo, crds).flatMap((a) => ['--api-versions', a]);
  mkdirSync(outDir, { recursive: true });
  const jobs = listTenants(repo)
    .filter((t) => !tenantsOnly || tenantsOnly.includes(t.id))
    .map((t) => ({ name: `tenant-${t.id}`, release: releaseName(t.id), ns: tenantNamespace(t.id), values: [t.file], set: [] }));
  if (!tenantsOnly) for (const f of ciValuesFiles(umbrellaDir(repo))) jobs.push({ name: `ci-${f.split('/').pop()}`, release: releaseName('ci'), ns: tenantNamespace('ci'), values: [f], set: ['--set', 'global.tenantId=ci'] });
  const files = [];
  for (const j of jobs) {
    const r = spawnSync(helm, ['template', j.release, umbrellaDir(repo), '--namespace', j.ns, ...j.values.flatMap((v) => ['--values', v]), ...j.set, '--kube-version', '1.27.0', ...api, '--skip-tests'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) continue; // lint reports the failed render; kubeconform has nothing to read
    const file = join(outDir, `${j.name}.yaml`);
    writeFileSync(file, r.stdout);
    files.push(file);
  }
  return files;
}

function runKubeconform(schemaDir, files) {
  const r = timeIt(toolPath('kubeconform'), ['-strict', '-summary', '-output', 'json', '-kubernetes-version', '1.27.0', '-schema-location', join(schemaDir, '{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json'), ...files], {}, [0, 1]);
  const j = JSON.parse(r.stdout);
  const of = (status) => (j.resources ?? []).filter((x) => x.status === status).map((x) => `${x.kind}/${x.name}: ${x.msg}`);
  // statusInvalid: the object breaks its schema (a finding); statusError: kubeconform could not check it
  return { ms: r.ms, summary: j.summary, findings: of('statusInvalid'), errors: of('statusError') };
}

function runCt(repo, charts) {
  const ctDir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'github.com/helm/chart-testing/v3'], { cwd: join(root, 'bench', 'go', 'chart-testing'), encoding: 'utf8' }).trim();
  const bin = dirname(python);
  if (!existsSync(join(bin, 'yamllint')) || !existsSync(join(bin, 'yamale'))) return { skipped: `yamllint/yamale not found next to ${python}` };
  const args = ['lint', '--charts', charts.map((c) => `charts/${c}`).join(','), '--chart-dirs', 'charts', '--validate-maintainers=false', '--check-version-increment=false', '--chart-yaml-schema', join(ctDir, 'etc', 'chart_schema.yaml'), '--lint-conf', join(ctDir, 'etc', 'lintconf.yaml'), '--skip-helm-dependencies'];
  const helmDir = dirname(helm);
  const r = timeIt(toolPath('ct'), args, { cwd: repo, env: { ...process.env, PATH: `${bin}:${helmDir}:${process.env.PATH}` } }, [0, 1]);
  const out = `${r.stdout}\n${r.stderr}`;
  const findings = out.split('\n').filter((l) => /^\[ERROR\]|^Error: |✖︎|error:|ERROR/.test(l.trim())).map((l) => l.trim());
  return { ms: r.ms, ok: r.status === 0, findings, tail: out.trim().split('\n').slice(-3).join(' | ') };
}

/** Chart-level defects planted into a copy of the repository (the renders lint, kubeconform and ct see). */
const DEFECTS = [
  { name: 'unknown CR field', file: 'charts/logclaw-kafka/templates/kafka.yaml', chart: 'logclaw-kafka', edit: (t) => t.replace('spec:\n  kafka:\n    version:', 'spec:\n  kafka:\n    replicationFactor: 3\n    version:'), rules: ['crd-schema'] },
  { name: 'privileged pod', file: 'charts/logclaw-ticketing-agent/templates/deployment.yaml', chart: 'logclaw-ticketing-agent', edit: (t) => t.replace(/(\{\{- include "common\.security\.containerSecurityContext" \(dict "context" \$ "component" "agent"\)) \| nindent 12 \}\}/, '$1 | replace "privileged: false" "privileged: true" | nindent 12 }}'), rules: ['pss-privileged'] },
  { name: 'missing Secret reference', file: 'charts/logclaw-ticketing-agent/templates/deployment.yaml', chart: 'logclaw-ticketing-agent', edit: (t) => t.replace(/( {10}env:\n)/, '$1            - name: BENCH_TOKEN\n              valueFrom:\n                secretKeyRef: {name: logclaw-bench-missing, key: token}\n'), rules: ['ref-secret-missing'] },
  { name: 'topic replicas above brokers', file: 'charts/logclaw-kafka/templates/topics.yaml', chart: 'logclaw-kafka', edit: (t) => t.replace('  replicas: {{ $rf }}', '  replicas: 5'), rules: ['kafka-topic-replicas'] },
];

async function sideBySide() {
  console.log('\n(c) side by side on the same renders');
  for (const t of tools) {
    const b = buildTool(t);
    const info = existsSync(join(dirname(b.path), '.build.json')) ? JSON.parse(readFileSync(join(dirname(b.path), '.build.json'), 'utf8')) : {};
    console.log(`  ${t.name} ${t.version}: ${b.built ? `built in ${b.seconds.toFixed(1)} s` : `cached (built in ${info.seconds?.toFixed(1) ?? '?'} s with ${info.go ?? 'go'})`} -> ${b.path}`);
  }
  const work = mkdtempSync(join(tmpdir(), 'logclaw-side-'));
  const schemaDir = join(work, 'schemas');
  const n = kubeconformSchemas(schemaDir, join(root, 'schemas', 'kubernetes', 'v1.27.json'));
  console.log(`  kubeconform schemas: ${n} files (native kinds from schemas/kubernetes/v1.27.json, CRDs from ${crds} through openapi2jsonschema.py)`);

  // the repository as it is (its tenants and umbrella ci cases)
  const repo = copyRepo(root, { helm, env });
  git(repo, 'init', '-q');
  writeFileSync(join(repo, '.gitignore'), readFileSync(join(root, '.gitignore'), 'utf8'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'repo');
  git(repo, 'checkout', '-qb', 'change');
  const charts = readdirSync(join(repo, 'charts')).filter((c) => existsSync(join(repo, 'charts', c, 'Chart.yaml')));
  const lc = lint(repo, ['--no-cache']);
  const tRender = Date.now();
  const files = await renderAll(repo, join(work, 'renders'));
  const renderMs = Date.now() - tRender;
  const kc = runKubeconform(schemaDir, files);
  const ct = runCt(repo, charts);
  console.log(`\n  on the repository (${files.length} renders: its tenants and umbrella ci cases; ct on its ${charts.length} charts)`);
  console.log(
    table(
      ['tool', 'wall', 'findings', 'notes'],
      [
        ['logclaw lint', `${seconds(lc.ms)} s`, lc.json.errors, `${lc.json.stats.renders} renders + ${lc.json.stats.helmLints} helm lints, ${lc.json.stats.objects} objects`],
        ['helm template + kubeconform -strict', `${seconds(renderMs + kc.ms)} s (${seconds(kc.ms)} s kubeconform)`, kc.findings.length + kc.errors.length, `${kc.summary?.valid ?? '?'} valid, ${kc.summary?.invalid ?? '?'} invalid, ${kc.summary?.errors ?? '?'} errors, ${kc.summary?.skipped ?? '?'} skipped`],
        ct.skipped ? ['ct lint', '-', '-', `skipped: ${ct.skipped}`] : ['ct lint', `${seconds(ct.ms)} s`, ct.findings.length, ct.ok ? 'passed' : `failed: ${ct.tail.slice(0, 160)}`],
      ],
    ),
  );
  for (const f of [...kc.findings, ...kc.errors].slice(0, 8)) console.log(`    kubeconform: ${f.slice(0, 220)}`);
  for (const f of (ct.findings ?? []).slice(0, 8)) console.log(`    ct: ${f.slice(0, 220)}`);

  // planted defects, one at a time: logclaw lint --changed, kubeconform on the renders of example-corp, ct lint of the chart
  const matrix = [];
  const details = [];
  for (const d of DEFECTS) {
    git(repo, 'checkout', '-q', '--', '.');
    const f = join(repo, d.file);
    const before = readFileSync(f, 'utf8');
    const after = d.edit(before);
    if (after === before) {
      matrix.push([d.name, 'edit did not apply', '', '', '']);
      continue;
    }
    writeFileSync(f, after);
    bumpChart(repo, d.chart);
    const l = lint(repo, ['--changed', '--base', 'main']);
    const hit = l.json.findings.filter((x) => d.rules.includes(x.rule));
    const r = await renderAll(repo, join(work, `renders-${matrix.length}`), ['example-corp']);
    const k = runKubeconform(schemaDir, r);
    const c = runCt(repo, [d.chart]);
    matrix.push([
      d.name,
      hit.length ? `found (${d.rules.join(', ')}, ${hit.length}x)` : `MISSED (${l.json.errors} other errors)`,
      `${seconds(l.ms)} s`,
      k.findings.length ? `found (${k.findings.length}x)` : k.errors.length ? `not checked (${k.errors.length} error(s))` : 'not found',
      c.skipped ? 'skipped' : c.ok ? 'not found' : 'found',
    ]);
    details.push(`${d.name}: logclaw: ${hit[0] ? `${hit[0].rule} ${hit[0].message}` : '-'}`, `${d.name}: kubeconform: ${k.findings[0] ?? k.errors[0] ?? '-'}`, `${d.name}: ct: ${c.skipped ?? (c.ok ? '-' : (c.findings[0] ?? c.tail))}`);
  }
  git(repo, 'checkout', '-q', '--', '.');
  console.log('\n  planted defects (one at a time; logclaw `lint --changed`, kubeconform on the renders of tenant example-corp, ct lint of the chart)');
  console.log(table(['defect', 'logclaw lint', 'logclaw wall', 'kubeconform -strict', 'ct lint'], matrix));
  console.log('  first finding of each:');
  for (const l of details) console.log(`    ${l.replace(/\s+/g, ' ').slice(0, 300)}`);
  console.log(`load: ${loadavg()}`);
  rmSync(join(repo, '..'), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}

await main();
