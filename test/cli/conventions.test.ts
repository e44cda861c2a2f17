/**
 * The conventions users bring from helm, kubectl, git and argocd, through real processes of bin/logclaw.js:
 * the repository found as git finds its own (or a refusal naming where it looked), kubeconfig messages,
 * `version`, `completion`, one output flag, nested help, usage errors before helm runs, a bootstrap that a
 * re-run leaves as it is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HELM3, repoRoot } from '../helpers/tools.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const scratch = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

/** A clone-like copy: charts, schemas and helmfile.d linked, gitops copied (so writes stay in the copy). */
function cloneLike(): string {
  const root = scratch('logclaw-conv-repo-');
  for (const d of ['charts', 'schemas', 'helmfile.d']) symlinkSync(join(repoRoot, d), join(root, d));
  cpSync(join(repoRoot, 'gitops'), join(root, 'gitops'), { recursive: true });
  return root;
}

const INIT = ['tenant', 'init', 'acme', '--yes', '--name', 'Acme Corp', '--cloud', 'onprem', '--secret-store', 'none', '--ticketing', 'none', '--kube-api-cidr', '10.0.0.1/32'];

describe('the repository root, found as git finds its own', () => {
  const outside = scratch('logclaw-conv-outside-');
  const needRoot: string[][] = [
    ['lint'],
    ['render', '--tenant', 'dev-local'],
    ['tenant', 'validate'],
    ['tenant', 'list'],
    INIT,
    ['gitops', 'bootstrap', '--repo', 'https://github.com/acme/logclaw.git'],
    ['dev', 'up', '--dry-run'],
    ['diff', '--tenant', 'dev-local'],
    ['verify', '--tenant', 'dev-local'],
  ];

  it.each(needRoot.map((a) => [a.slice(0, 3).join(' '), a] as const))('outside a repository, `%s` exits 2 saying where it looked (no false pass)', async (_name, args) => {
    const r = await runCli(args, { cwd: outside, env: { LOGCLAW_ROOT: undefined, LOGCLAW_HELM: HELM3 } });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('error: not inside a logclaw repository: none of');
    expect(r.stderr).toContain(outside);
    expect(r.stderr).toContain('holds charts/logclaw-tenant/ and gitops/');
    expect(r.stderr).toMatch(/hint: .*LOGCLAW_ROOT/);
    expect(r.stdout).not.toMatch(/0 chart\(s\)|Tenants: none/);
    expect(existsSync(join(outside, 'gitops'))).toBe(false);
  });

  it('commands that do not need the repository still run outside it (doctor, version, completion)', async () => {
    for (const args of [['doctor', '--json'], ['version', '--short'], ['completion', 'bash']]) {
      const r = await runCli(args, { cwd: outside, env: { LOGCLAW_ROOT: undefined } });
      expect(r.stderr, args.join(' ')).not.toContain('not inside a logclaw repository');
      expect([0, 3], args.join(' ')).toContain(r.code);
    }
  });

  it('from a sub-directory, tenant init writes into the root gitops/tenants/ and list finds the tenants', async () => {
    const root = cloneLike();
    const sub = join(root, 'gitops', 'tenants');
    const init = await runCli(INIT, { cwd: sub, env: { LOGCLAW_ROOT: undefined } });
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(root, 'gitops', 'tenants', 'tenant-acme.yaml'))).toBe(true);
    expect(existsSync(join(sub, 'gitops'))).toBe(false);
    const list = await runCli(['tenant', 'list', '--json'], { cwd: sub, env: { LOGCLAW_ROOT: undefined } });
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((t) => t.id).sort()).toEqual(['acme', 'airgapped', 'dev-local', 'example-corp']);
  });

  it('LOGCLAW_ROOT names the root; one that is not a directory is a usage error', async () => {
    const root = cloneLike();
    const named = await runCli(['tenant', 'list', '--json'], { cwd: scratch('logclaw-conv-elsewhere-'), env: { LOGCLAW_ROOT: root } });
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout)).toHaveLength(3);
    const missing = await runCli(['tenant', 'list'], { cwd: root, env: { LOGCLAW_ROOT: join(root, 'nope') } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: LOGCLAW_ROOT=${join(root, 'nope')} is not a directory`);
  });
});

describe('gitops bootstrap --out: a re-run changes nothing', () => {
  it('five runs write what the first wrote; only the repository, revision and namespace values change; comments, flow style and document markers stay', async () => {
    const root = cloneLike();
    const out = join(root, 'gitops', 'argocd');
    const original = readFileSync(join(out, 'appproject.yaml'), 'utf8');
    const args = ['gitops', 'bootstrap', '--repo', 'https://github.com/acme/logclaw.git', '--revision', 'main', '--out', out];
    const first = await runCli(args, { cwd: root });
    expect(first.code, first.stderr).toBe(0);
    const after1 = readFileSync(join(out, 'appproject.yaml'), 'utf8');
    const set = readFileSync(join(out, 'applicationset.yaml'), 'utf8');
    for (let i = 0; i < 4; i++) expect((await runCli(args, { cwd: root })).code).toBe(0);
    expect(readFileSync(join(out, 'appproject.yaml'), 'utf8')).toBe(after1);
    expect(readFileSync(join(out, 'applicationset.yaml'), 'utf8')).toBe(set);
    // the same number of document markers, flow mappings as written
    expect(after1.match(/^---$/gm)?.length).toBe(original.match(/^---$/gm)?.length);
    expect(after1).toContain('- {server: https://kubernetes.default.svc, namespace: argocd}');
    expect(set).toContain('- {key: logclaw.io/wave, operator: In, values: [canary]}');
    // line by line, only the values bootstrap sets differ
    const a = original.split('\n');
    const b = after1.split('\n');
    expect(b.length).toBe(a.length);
    const changed = a.map((l, i) => [l, b[i]!] as const).filter(([x, y]) => x !== y);
    expect(changed.length).toBeGreaterThan(0);
    for (const [, y] of changed) expect(y).toMatch(/https:\/\/github\.com\/acme\/logclaw\.git|targetRevision: main|revision: main/);
  });
});

describe('kubeconfig messages', () => {
  const home = scratch('logclaw-conv-home-');
  const kubeconfig = join(home, 'kc.yaml');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\ncurrent-context: kind-logclaw-dev\ncontexts:\n- name: kind-logclaw-dev\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {}\n',
  );
  const noKube = { HOME: home, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined, LOGCLAW_HELM: HELM3 };

  it('with no kubeconfig at all: says so (exit 3), never names a context that does not exist', async () => {
    for (const args of [['status', '--tenant', 'dev-local', '--kube-context', 'nope'], ['diff', '--tenant', 'dev-local', '--kube-context', 'nope'], ['status', '--tenant', 'dev-local']]) {
      const r = await runCli(args, { env: noKube });
      expect(r.code, args.join(' ') + r.stderr).toBe(3);
      expect(r.stderr).toContain(`error: no kubeconfig: KUBECONFIG is not set and ${join(home, '.kube', 'config')} does not exist`);
      expect(r.stderr).not.toContain('loaded-context');
    }
  });

  it.each([['diff'], ['upgrade'], ['verify'], ['port-forward'], ['status']])('%s --kubeconfig /missing/file: no such file (exit 2)', async (cmd) => {
    const r = await runCli([cmd, '--tenant', 'dev-local', '--kubeconfig', '/missing/file'], { env: noKube });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error: --kubeconfig /missing/file: no such file');
    expect(r.stderr).not.toMatch(/current context|unknown option/);
  });

  it('a near-miss context name gets "did you mean"', async () => {
    const r = await runCli(['status', '--tenant', 'dev-local', '--kube-context', 'kind-logclaw-devv', '--kubeconfig', kubeconfig], { env: noKube });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: kube context "kind-logclaw-devv" is not in ${kubeconfig}: did you mean "kind-logclaw-dev"?`);
  });

  it('doctor recommends only options that exist', async () => {
    const { PORT_FORWARDS, checkPorts } = await import('../../src/doctor/index.js');
    const busy: Server = createServer();
    const port = PORT_FORWARDS[0]!.port;
    const bound = await new Promise<boolean>((res) => {
      busy.once('error', () => res(false));
      busy.listen({ port, host: '127.0.0.1' }, () => res(true));
    });
    try {
      const check = await checkPorts([PORT_FORWARDS[0]!]);
      expect(check.status).toBe('warn');
      expect(check.fix).toContain('logclaw port-forward');
      const help = (await runCli(['port-forward', '--help'])).stdout;
      for (const flag of check.fix!.match(/--[a-z][a-z-]*/g) ?? []) expect(help, flag).toContain(flag);
      expect(check.fix).not.toContain('--port');
    } finally {
      if (bound) await new Promise((res) => busy.close(res));
    }
  });
});

describe('conventions of helm, kubectl, kind and argocd', () => {
  it('`logclaw version` and `--version`: logclaw, its commit, the chart, Kubernetes and helm versions', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const chart = readFileSync(join(repoRoot, 'charts', 'logclaw-tenant', 'Chart.yaml'), 'utf8').match(/^version: (\S+)$/m)![1]!;
    const commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim().slice(0, 12);
    const short = await runCli(['--version']);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain(`logclaw ${pkg.version} (commit ${commit})`);
    expect(short.stdout).toContain(`chart:      logclaw-tenant ${chart}`);
    expect(short.stdout).toMatch(/kubernetes: charts need >=1\.27\.0-0; lint validates against 1\.27 and 1\.\d+/);
    expect(short.stdout).toContain('helm:       3.14+ or 4.x');
    const full = await runCli(['version'], { env: { LOGCLAW_HELM: HELM3 } });
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout.startsWith(short.stdout.trimEnd())).toBe(true);
    expect(full.stdout).toMatch(/helm found: 3\.\d+\.\d+ \(/);
    const json = JSON.parse((await runCli(['version', '--json'], { env: { LOGCLAW_HELM: HELM3 } })).stdout) as { version: string; chart: { version: string }; helm: { version: string } };
    expect([json.version, json.chart.version, json.helm.version.split('.')[0]]).toEqual([pkg.version, chart, '3']);
    expect((await runCli(['version', '--short'])).stdout).toBe(`${pkg.version}\n`);
  });

  it('`completion bash` completes commands, subcommands and their options in a real bash', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    const file = join(scratch('logclaw-conv-compl-'), 'logclaw.bash');
    writeFileSync(file, r.stdout);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['--norc', '-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _logclaw; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    expect(complete('logclaw', 'ten')).toEqual(['tenant']);
    expect(complete('logclaw', 'tenant', '')).toEqual(expect.arrayContaining(['init', 'validate', 'list']));
    expect(complete('logclaw', 'diff', '--j')).toEqual(['--json']);
    expect(complete('logclaw', 'lint', '--tenant', 'acme', '--cr')).toEqual(['--crds']);
    expect(complete('logclaw', 'ver')).toEqual(expect.arrayContaining(['verify', 'version']));
  });

  it.each(['zsh', 'fish'])('`completion %s` is a script that shell loads', async (shell) => {
    const r = await runCli(['completion', shell]);
    expect(r.code).toBe(0);
    const file = join(scratch('logclaw-conv-compl-'), `logclaw.${shell}`);
    writeFileSync(file, r.stdout);
    const probe = spawnSync(shell, ['--version']);
    if (probe.error) {
      // CI installs both (.ci/run); without them only the script's shape can be checked
      expect(r.stdout).toContain(shell === 'zsh' ? '#compdef logclaw' : 'complete -c logclaw');
      return;
    }
    if (shell === 'fish') {
      const out = execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C 'logclaw tenant '`], { encoding: 'utf8' });
      expect(out).toMatch(/^init\t/m);
      expect(out).toMatch(/^validate\t/m);
    } else {
      const out = execFileSync('zsh', ['-f', '-c', `source ${file}; whence -w _logclaw`], { encoding: 'utf8', env: { ...process.env, HOME: scratch('logclaw-conv-zsh-') } });
      expect(out.trim()).toBe('_logclaw: function');
    }
  });

  it('`completion` of an unknown shell is a usage error', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown shell "tcsh": completion supports bash, zsh, fish');
  });

  it('one output flag: every command with output takes --json; diff --json works; lint and diff keep --format as its alias', async () => {
    const { buildProgram } = await import('../../src/cli.js');
    type C = { name(): string; commands: C[]; options: Array<{ long?: string }> };
    const leaves = (c: C, path: string[] = []): Array<[string, string[]]> => (c.commands.length ? c.commands.flatMap((s) => leaves(s, [...path, s.name()])) : [[path.join(' '), c.options.map((o) => o.long ?? '')]]);
    const without = leaves((await buildProgram()) as unknown as C).filter(([, o]) => !o.includes('--json')).map(([n]) => n);
    expect(without).toEqual(['completion']);
    for (const cmd of ['lint', 'diff']) expect((await runCli([cmd, '--help'])).stdout).toMatch(/--format <format>/);
    const diff = await runCli(['diff', '--tenant', 'dev-local', '--json', '--kubeconfig', '/missing/file']);
    expect(diff.stderr).not.toContain("unknown option '--json'");
    expect(diff.stderr).toContain('--kubeconfig /missing/file: no such file');
  });

  it('`logclaw help tenant init` shows that subcommand\'s help', async () => {
    const r = await runCli(['help', 'tenant', 'init']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: logclaw tenant init /);
    expect((await runCli(['help', 'dev', 'up'])).stdout).toMatch(/^Usage: logclaw dev up /);
  });

  it.each(['dev', 'operators', 'charts'])('the %s group\'s help has examples', async (group) => {
    const r = await runCli([group, '--help']);
    expect(r.stdout).toMatch(new RegExp(`Examples:\\n  \\$ logclaw ${group} `));
  });

  it.each([['render', '--tenant', 'dev-local'], ['lint', '--tenant', 'dev-local']])('%s --kube-version banana is a usage error (exit 2) before helm runs', async (...args) => {
    const r = await runCli([...args, '--kube-version', 'banana'], { env: { LOGCLAW_HELM: HELM3 } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: option '--kube-version <version>' argument 'banana' is invalid. expected a Kubernetes version such as 1.30 or 1.30.2");
    expect(r.stderr.length).toBeLessThan(300);
  });
});

/** A helm that takes its time (then runs the real one), and drops a file when first called: Ctrl-C lands mid-run. */
function slowHelm(): { bin: string; started: string } {
  const dir = scratch('logclaw-conv-slowhelm-');
  const started = join(dir, 'started');
  const bin = join(dir, 'helm');
  writeFileSync(bin, `#!/bin/sh\ntouch ${JSON.stringify(started)}\nsleep 2\nexec ${JSON.stringify(HELM3)} "$@"\n`, { mode: 0o755 });
  return { bin, started };
}

/** Start logclaw, send SIGINT once `started` exists, and collect what it printed. */
async function interrupt(args: string[], started: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const { bin } = await import('../helpers/cli.js');
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const deadline = Date.now() + 60_000;
  while (!existsSync(started) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  return { code: await closed, stdout, stderr };
}

const haveScript = spawnSync('script', ['--version']).status === 0;

describe('long work is not silent, and Ctrl-C says what stopped', () => {
  it('lint shows its progress on a terminal (stderr), not in pipes and not with --json', async () => {
    expect(haveScript, 'util-linux script gives the CLI a terminal').toBe(true);
    const dir = scratch('logclaw-conv-tty-');
    const tty = (args: string) => {
      const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
      const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'logclaw.js'))} ${args} > ${out}`, '/dev/null'], {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: '1', LOGCLAW_HELM: HELM3, COLUMNS: '200' },
        encoding: 'utf8',
        timeout: 300_000,
      });
      return { terminal: r.stdout, stdout: readFileSync(out, 'utf8') };
    };
    const pretty = tty('lint --tenant dev-local --crds ../shared/crds --no-cache');
    expect(pretty.terminal).toMatch(/\r\u001b\[2Klint: 1 done, \d+(?:\.\d)? m?s — tenant dev-local: \d+ objects, \d+ finding\(s\)/);
    expect(pretty.stdout).not.toContain('lint: 1 done');
    expect(pretty.stdout).toMatch(/no errors, \d+ warning\(s\)/);
    const json = tty('lint --tenant dev-local --crds ../shared/crds --json');
    expect(json.terminal).not.toContain('lint: 1 done');
    expect(JSON.parse(json.stdout)).toHaveProperty('findings');
    const piped = await runCli(['lint', '--tenant', 'dev-local', '--crds', join(repoRoot, '..', 'shared', 'crds')], { env: { LOGCLAW_HELM: HELM3 } });
    expect(piped.stderr).not.toContain('lint: 1 done');
  });

  it('Ctrl-C in lint says it was interrupted (exit 130)', async () => {
    const helm = slowHelm();
    const r = await interrupt(['lint', '--no-cache', '--crds', join(repoRoot, '..', 'shared', 'crds')], helm.started, { LOGCLAW_HELM: helm.bin });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('error: interrupted (SIGINT): logclaw lint stopped before it finished');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('Ctrl-C in dev up says it was interrupted and that a re-run resumes (exit 130)', async () => {
    const helm = slowHelm();
    const r = await interrupt(['dev', 'up', '--dry-run'], helm.started, { LOGCLAW_HELM: helm.bin });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('error: interrupted (SIGINT): logclaw dev up stopped before it finished');
    expect(r.stderr).toContain('hint: Run logclaw dev up again: it resumes, keeping the cluster and skipping what is already installed from the same inputs and ready.');
  });

  it("upgrade's waits: one line per release at once, then at most one every 10 s (no stream of raw helmfile lines)", async () => {
    const { waitingLines } = await import('../../src/commands/support.js');
    const printed: string[] = [];
    let now = 0;
    const wait = waitingLines((l) => printed.push(l), 10_000, () => now);
    for (let i = 0; i < 15; i++) {
      wait('logclaw-acme/kafka', `helmfile: line ${i}`);
      now += 500;
    }
    wait('logclaw-acme/ingestion', 'helmfile: first');
    now += 3000;
    wait('logclaw-acme/kafka', 'Kafka logclaw-acme/kafka to be Ready');
    expect(printed).toEqual(['logclaw-acme/kafka: waiting for helmfile: line 0', 'logclaw-acme/ingestion: waiting for helmfile: first', 'logclaw-acme/kafka: waiting for Kafka logclaw-acme/kafka to be Ready']);
  });
});

describe('dev up --dry-run shows the plan even when prerequisites are missing', () => {
  it('every step and command, the ones needing kind and docker marked, then exit 3', async () => {
    const { findHelmfile } = await import('../helpers/helmfile.js');
    const helmfile = await findHelmfile();
    // a machine without docker or kind: only the system directories on PATH
    // no network and no chart repository known to helm: the plan lists the commands without the charts' CRDs
    const r = await runCli(['dev', 'up', '--dry-run'], {
      env: { PATH: '/usr/bin:/bin', LOGCLAW_HELM: HELM3, LOGCLAW_HELMFILE: helmfile, LOGCLAW_KIND: undefined, LOGCLAW_DOCKER: undefined, LOGCLAW_CACHE_DIR: scratch('logclaw-conv-cache-') },
      timeoutMs: 300_000,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    expect(r.stdout).toMatch(/Commands it would run:\n  kind create cluster --name logclaw-dev --image kindest\/node:v1\.32\.2@sha256:[0-9a-f]{64} --config - --wait 120s   ✗ needs kind and docker engine \(missing\)/);
    expect(r.stdout).toMatch(/Missing prerequisites \(install them, then run it without --dry-run\):\n(  ✗ docker .*\n      fix: .*\n)+  ✗ kind: not found on PATH\n      fix: /);
    if (helmfile) {
      // with helm and helmfile the releases are listed exactly
      expect(r.stdout).toMatch(/helmfile --file helmfile\.d\/00-operators\.yaml\.gotmpl --kube-context kind-logclaw-dev .*--selector name=strimzi-kafka-operator,namespace=strimzi sync/);
      // the operator namespaces get the platform-owned label tenant NetworkPolicies admit them by
      for (const ns of ['strimzi', 'flink-operator', 'opensearch-operator']) expect(r.stdout).toContain(`kubectl --context kind-logclaw-dev label namespace ${ns} platform.logclaw.io/role=operators --overwrite`);
      expect(r.stdout).toMatch(/helmfile --file helmfile\.d\/10-tenant\.yaml\.gotmpl --kube-context kind-logclaw-dev .*--selector name=platform,namespace=logclaw-dev-local sync/);
      expect(r.stdout).toMatch(/Tenant releases \(each wave starts when what it needs is ready\):\n  1\. logclaw-dev-local\/platform/);
    } else expect(r.stdout).toContain('(the exact commands need helmfile, which is missing)');
    expect(r.stderr).toMatch(/error: missing prerequisites: (.*, )?docker engine, kind/);
    expect(r.stderr).toContain('hint: The plan above marks where each is needed');
  });
});

describe('offline first run', () => {
  it("lint's missing upstream chart names, in order, the commands that work offline", async () => {
    const root = scratch('logclaw-conv-offline-');
    cpSync(join(repoRoot, 'charts'), join(root, 'charts'), { recursive: true, filter: (src) => !/logclaw-(airflow|zammad)\/charts$/.test(src) });
    for (const d of ['schemas', 'helmfile.d']) symlinkSync(join(repoRoot, d), join(root, d));
    cpSync(join(repoRoot, 'gitops'), join(root, 'gitops'), { recursive: true });
    const r = await runCli(['lint', '--tenant', 'dev-local', '--crds', join(repoRoot, '..', 'shared', 'crds'), '--no-cache'], { cwd: root, env: { LOGCLAW_HELM: HELM3 } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is not available offline');
    expect(r.stdout).toContain('With no network at all, in a clone of logclaw, run in order: `npm run setup` (helm 3 and 4), then `npm run stand-ins`');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['stand-ins']).toBe('node scripts/setup-tools.mjs && node test/fixtures/upstream-charts/prepare.mjs');
  });

  it('the stand-in script without helm says to run npm run setup first (exit 3, no stack trace)', () => {
    const root = scratch('logclaw-conv-prepare-');
    const dir = join(root, 'test', 'fixtures', 'upstream-charts');
    cpSync(join(repoRoot, 'test', 'fixtures', 'upstream-charts'), dir, { recursive: true });
    const r = spawnSync(process.execPath, [join(dir, 'prepare.mjs')], { cwd: root, env: { PATH: '/usr/bin:/bin', HOME: root }, encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('error: helm was not found');
    expect(r.stderr).toContain('run `npm run setup` first');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('README gives the offline order: npm run setup, then npm run stand-ins, then lint', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = readme.match(/```sh\nnpm run setup[^\n]*\nnpm run stand-ins[^\n]*\nlogclaw lint[^\n]*\n```/);
    expect(block, 'a README block with the three commands in order').not.toBeNull();
  });
});

describe('an empty routing for a severity', () => {
  it('validate and lint refuse it (rule routing-empty, at its line)', async () => {
    const root = cloneLike();
    const file = join(root, 'gitops', 'tenants', 'tenant-example-corp.yaml');
    const text = readFileSync(file, 'utf8');
    const low = text.match(/^( +)low: .*$/m)!;
    writeFileSync(file, text.replace(low[0], `${low[1]}low: []`));
    const line = text.slice(0, low.index).split('\n').length;
    const v = await runCli(['tenant', 'validate'], { cwd: root });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`gitops/tenants/tenant-example-corp.yaml:${line}:`);
    expect(v.stdout).toMatch(/error ticketingAgent\.config\.routing\.low is empty: low incidents would reach no platform; route them to at least one of .* \[routing-empty\]/);
    const l = await runCli(['lint', '--tenant', 'example-corp', '--crds', join(repoRoot, '..', 'shared', 'crds')], { cwd: root, env: { LOGCLAW_HELM: HELM3 } });
    expect(l.code).toBe(1);
    expect(l.stdout).toContain('routing-empty');
  });
});

describe('what logclaw recommends exists', () => {
  it('every `logclaw <command> --flag` that src/ prints names a command and flags that exist', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const { buildProgram } = await import('../../src/cli.js');
    type C = { name(): string; aliases(): string[]; commands: C[]; options: Array<{ long?: string; short?: string }> };
    const program = (await buildProgram()) as unknown as C;
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const file of walk(join(repoRoot, 'src'))) {
      const text = readFileSync(file, 'utf8');
      // a command line as messages print it: up to the end of the quoted text
      for (const m of text.matchAll(/logclaw ((?:[a-z][a-z-]* )+)([^`'"\n)]*)/g)) {
        const words = m[1]!.trim().split(' ');
        let cmd = program;
        const path: string[] = [];
        for (const w of words) {
          const sub = cmd.commands.find((c) => c.name() === w);
          if (!sub) break;
          cmd = sub;
          path.push(w);
        }
        if (!path.length || cmd.commands.length) continue; // prose ("logclaw finds…") or a group
        const flags = [...(m[1]! + m[2]!).matchAll(/(?:^|[\s([])(--[a-z][a-z-]*)/g)].map((f) => f[1]!);
        const known = new Set([...cmd.options, ...program.options].flatMap((o) => [o.long, o.short]).filter(Boolean).concat(['--help', '--no-color', '--debug']));
        for (const f of flags) {
          checked.push(`logclaw ${path.join(' ')} ${f}`);
          if (!known.has(f)) wrong.push(`${file.slice(repoRoot.length + 1)}: logclaw ${path.join(' ')} ${f}`);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(10);
    expect(wrong).toEqual([]);
  });
});

describe('the tenant init wizard in a terminal', () => {
  it('asks questions, refuses an empty routing as it is chosen, and writes only after the summary is confirmed', async () => {
    expect(haveScript, 'util-linux script gives the CLI a terminal').toBe(true);
    const { spawn } = await import('node:child_process');
    const root = cloneLike();
    const flags = '--name Acme --cloud aws --tier standard --environment production --storage-class gp3 --object-storage s3 --bucket acme-logs --region us-east-1 --secret-store aws --secret-region us-east-1 --aws-role-arn arn:aws:iam::123456789012:role/acme --llm disabled';
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'logclaw.js'))} tenant init acme ${flags}`;
    // no cluster to read the API server addresses from: the wizard asks for them without a default
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: root, env: { ...process.env, NO_COLOR: '1', COLUMNS: '200', LOGCLAW_ROOT: undefined, KUBECONFIG: join(root, 'no-kubeconfig') }, stdio: ['pipe', 'pipe', 'pipe'] });
    // each question, and the keys a person would press (space toggles, ↓ moves, ⏎ answers)
    const steps: Array<[RegExp, string]> = [
      [/Is the cluster air-gapped \(no egress to the internet\)\?/, '\r'],
      [/Addresses of the Kubernetes API server endpoints, comma-separated\?/, '10.0.0.1/32\r'],
      [/Which platforms receive incidents\? \(none: the ticketing agent is turned off\)/, ' \u001b[B\u001b[B\u001b[B\u001b[B \r'], // pagerduty, slack
      [/Which platforms receive critical incidents\?/, '\r'],
      [/Which platforms receive high incidents\?/, '\r'],
      [/Which platforms receive medium incidents\?/, '\r'],
      [/Which platforms receive low incidents\?/, ' \u001b[B \r'], // both off: refused
      [/Choose at least one platform: low incidents would otherwise reach none\./, ' \r'], // slack
      [/Write gitops\/tenants\/tenant-acme\.yaml\?/, '\r'],
    ];
    let out = '';
    let step = 0;
    let from = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      while (step < steps.length) {
        const m = out.slice(from).match(steps[step]![0]);
        if (!m) break;
        from += m.index! + m[0].length;
        const keys = steps[step++]![1];
        setTimeout(() => child.stdin.write(keys), 150);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((res) => child.on('close', res));
    clearTimeout(timer);
    const shown = out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(step, shown.slice(-2000)).toBe(steps.length);
    expect(code).toBe(0);
    expect(shown).toMatch(/Summary:\r?\n {2}tenant +acme \(Acme\), namespace logclaw-acme/);
    expect(shown).toMatch(/ {4}low +slack/);
    expect(shown).toContain('✔ wrote gitops/tenants/tenant-acme.yaml');
    expect(shown).not.toMatch(/must match|\^\[a-z/);
    const { parse } = await import('yaml');
    const values = parse(readFileSync(join(root, 'gitops', 'tenants', 'tenant-acme.yaml'), 'utf8')) as { ticketingAgent: { config: { routing: Record<string, string[]> } } };
    expect(values.ticketingAgent.config.routing).toEqual({ critical: ['pagerduty', 'slack'], high: ['pagerduty', 'slack'], medium: ['pagerduty', 'slack'], low: ['slack'] });
    expect((values as unknown as { platform: { networkPolicy: { kubeApiServer: { cidrs: string[] } } } }).platform.networkPolicy.kubeApiServer.cidrs).toEqual(['10.0.0.1/32']);
  });
});
