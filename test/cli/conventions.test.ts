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

const INIT = ['tenant', 'init', 'acme', '--yes', '--name', 'Acme Corp', '--cloud', 'onprem', '--secret-store', 'none', '--ticketing', 'none'];

describe('the repository root, found as git finds its own', () => {
  const outside = scratch('logclaw-conv-outside-');
  const needRoot: string[][] = [
    ['lint'],
    ['render', '--tenant', 'dev-local'],
    ['tenant', 'validate'],
    ['tenant', 'list'],
    INIT,
    ['gitops', 'bootstrap', '--repo', 'https://github.com/acme/logclaw.git'],
    ['charts', 'check-versions'],
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
    const without = leaves(buildProgram() as unknown as C).filter(([, o]) => !o.includes('--json')).map(([n]) => n);
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
