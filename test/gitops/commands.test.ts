/**
 * `logclaw gitops bootstrap` and `onboard` through the built CLI, and the cluster-destination lint check.
 * Cluster-free: bootstrap validates against the Argo CD CRDs beside the checkout; onboard works in a scratch
 * git repository holding a copy of gitops/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { gitopsClusterFindings, projectClusters } from '../../src/gitops/clusters.js';
import { PLACEHOLDER_REPO, renderBootstrap } from '../../src/gitops/bootstrap.js';
import { pullRequestUrl } from '../../src/gitops/onboard.js';
import { runCli } from '../helpers/cli.js';
import { crdDir, repoRoot } from '../helpers/tools.js';

const REPO = 'https://github.com/acme/logclaw.git';
const dirs: string[] = [];
const scratch = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Every repoURL / sourceRepos value in an object tree. */
function repoUrls(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => repoUrls(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'repoURL' && typeof v === 'string') out.push(v);
      else if (k === 'sourceRepos' && Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
      else repoUrls(v, out);
    }
  }
  return out;
}

describe('logclaw gitops bootstrap', () => {
  it('points every source of this repository at --repo/--revision, keeps the upstream chart repositories, and is valid against the Argo CD CRDs', async () => {
    const r = await runCli(['gitops', 'bootstrap', '--repo', REPO, '--revision', 'release-1', '--crds', crdDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ repo: REPO, revision: 'release-1', namespace: 'argocd', validated: true });
    expect(s.files.map((f: any) => f.path)).toEqual(expect.arrayContaining(['applicationset.yaml', 'appproject.yaml', 'operators.yaml', 'operators/strimzi-kafka-operator.yaml']));
    expect(s.files.filter((f: any) => f.apply).map((f: any) => f.path).sort()).toEqual(['applicationset.yaml', 'appproject.yaml', 'operators.yaml']);

    const boot = renderBootstrap({ root: repoRoot, repo: REPO, revision: 'release-1' });
    const urls = boot.files.flatMap((f) => repoUrls(f.objects));
    expect(urls).not.toContain(PLACEHOLDER_REPO);
    expect(urls.filter((u) => u === REPO).length).toBe(s.replaced);
    // the operators' own chart repositories are untouched
    expect(urls).toEqual(expect.arrayContaining(['https://strimzi.io/charts/', 'https://charts.jetstack.io']));
    const set = boot.files.find((f) => f.path === 'applicationset.yaml')!.objects[0]!;
    expect(set.spec.generators[0].git).toMatchObject({ repoURL: REPO, revision: 'release-1' });
    expect(set.spec.template.spec.source).toMatchObject({ repoURL: REPO, targetRevision: 'release-1' });
    const cert = boot.files.find((f) => f.path === 'operators/cert-manager.yaml')!.objects[0]!;
    expect(cert.spec.sources[0].targetRevision).toBe('v1.16.1');
    expect(cert.spec.sources[1]).toMatchObject({ repoURL: REPO, targetRevision: 'release-1', ref: 'values' });
    // comments survive (the files stay readable when committed)
    expect(boot.files.find((f) => f.path === 'applicationset.yaml')!.text).toMatch(/# Fleet waves:/);
  });

  it('prints the files without --out/--apply; --out writes them, and bootstrap over its own output is idempotent', async () => {
    const printed = await runCli(['gitops', 'bootstrap', '--repo', 'git@github.com:acme/logclaw.git']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^# gitops\/argocd\/applicationset\.yaml$/m);
    expect(parseAllDocuments(printed.stdout).map((d) => d.toJS()).filter(Boolean).length).toBeGreaterThanOrEqual(9);

    const root = scratch('logclaw-boot-');
    cpSync(join(repoRoot, 'gitops'), join(root, 'gitops'), { recursive: true });
    const out = join(root, 'gitops', 'argocd');
    const w = await runCli(['gitops', 'bootstrap', '--repo', REPO, '--out', out], { cwd: root, env: { LOGCLAW_ROOT: root } });
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/✔ wrote .*operators\/opensearch-operator\.yaml/);
    expect(readFileSync(join(out, 'appproject.yaml'), 'utf8')).toContain(`- ${REPO}`);
    const first = readFileSync(join(out, 'applicationset.yaml'), 'utf8');
    const again = await runCli(['gitops', 'bootstrap', '--repo', REPO, '--out', out, '--json'], { cwd: root, env: { LOGCLAW_ROOT: root } });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).replaced).toBe(renderBootstrap({ root: repoRoot, repo: REPO }).replaced);
    expect(readFileSync(join(out, 'applicationset.yaml'), 'utf8')).toBe(first);
    const other = await runCli(['gitops', 'bootstrap', '--repo', 'https://github.com/other/repo.git'], { cwd: root, env: { LOGCLAW_ROOT: root } });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/no source in gitops\/argocd\/ points at/);
  });

  it('refuses what is not a git URL and --apply without --kube-context (usage, exit 2)', async () => {
    const bad = await runCli(['gitops', 'bootstrap', '--repo', 'acme/logclaw']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a git URL Argo CD can read/);
    const apply = await runCli(['gitops', 'bootstrap', '--repo', REPO, '--apply']);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toMatch(/--apply needs --kube-context/);
  });
});

describe('cluster destinations', () => {
  it('AppProject logclaw lists the clusters tenants may name; lint reports a tenant naming another one, at its line', () => {
    const root = scratch('logclaw-clusters-');
    cpSync(join(repoRoot, 'gitops'), join(root, 'gitops'), { recursive: true });
    expect(projectClusters(root)?.names).toEqual(['in-cluster']);
    const files = ['airgapped', 'dev-local', 'example-corp'].map((t) => join(root, 'gitops', 'tenants', `tenant-${t}.yaml`));
    expect(gitopsClusterFindings(root, files)).toEqual([]);
    const bad = join(root, 'gitops', 'tenants', 'tenant-edge.yaml');
    writeFileSync(bad, 'global:\n  tenantId: edge\n  rollout:\n    wave: canary\n    cluster: edge-1\n');
    const f = gitopsClusterFindings(root, [bad]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'gitops-cluster-unknown', severity: 'error', file: 'gitops/tenants/tenant-edge.yaml', line: 5, column: 14, path: 'global.rollout.cluster', tenant: 'edge' });
    expect(f[0]!.message).toBe('global.rollout.cluster edge-1 is not a destination of AppProject logclaw (gitops/argocd/appproject.yaml lists in-cluster); Argo CD would refuse the Application');
    // registering the cluster in the AppProject makes it valid
    const p = join(root, 'gitops', 'argocd', 'appproject.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('    - name: in-cluster\n      namespace: logclaw-*\n', '    - name: in-cluster\n      namespace: logclaw-*\n    - name: edge-*\n      namespace: logclaw-*\n'));
    expect(projectClusters(root)?.names).toEqual(['in-cluster', 'edge-*']);
    expect(gitopsClusterFindings(root, [bad])).toEqual([]);
  });
});

describe('logclaw gitops onboard', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' } }).trim();
  const env = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
  const repo = () => {
    const root = scratch('logclaw-onboard-');
    cpSync(join(repoRoot, 'gitops'), join(root, 'gitops'), { recursive: true });
    // what makes it a logclaw repository for root discovery (an empty directory: git does not track it)
    mkdirSync(join(root, 'charts', 'logclaw-tenant'), { recursive: true });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'init');
    git(root, 'remote', 'add', 'origin', 'git@github.com:acme/logclaw.git');
    return root;
  };

  it('writes a valid tenant file with its wave, commits only it on a new branch, never pushes, and names the pull request', async () => {
    const root = repo();
    writeFileSync(join(root, 'unrelated.txt'), 'not part of the commit\n');
    const r = await runCli(['gitops', 'onboard', 'acme', '--yes', '--kube-api-cidr', '10.0.0.1/32', '--name', 'Acme Corp', '--cloud', 'aws', '--region', 'us-east-1', '--bucket', 'acme-logclaw', '--secret-store', 'aws', '--aws-role-arn', 'arn:aws:iam::123456789012:role/acme', '--ticketing', 'slack', '--wave', 'canary', '--json'], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ tenantId: 'acme', file: 'gitops/tenants/tenant-acme.yaml', branch: 'onboard/tenant-acme', base: 'main', pushed: false, pullRequestUrl: 'https://github.com/acme/logclaw/compare/main...onboard%2Ftenant-acme?expand=1' });
    expect(s.nextSteps[0]).toBe('git push --set-upstream origin onboard/tenant-acme');
    expect(git(root, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('onboard/tenant-acme');
    expect(git(root, 'show', '--name-only', '--format=%s', 'HEAD').split('\n').filter(Boolean)).toEqual(['tenant acme: onboard (logclaw gitops onboard)', 'gitops/tenants/tenant-acme.yaml']);
    expect(git(root, 'status', '--porcelain')).toBe('?? unrelated.txt');
    const values = parse(readFileSync(join(root, 'gitops', 'tenants', 'tenant-acme.yaml'), 'utf8'));
    expect(values.global.rollout.wave).toBe('canary');
    const v = await runCli(['tenant', 'validate', 'gitops/tenants/tenant-acme.yaml'], { cwd: root, env: { LOGCLAW_ROOT: root } });
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('a wave outside canary|early|main is refused by the schema; a cluster the AppProject does not list is refused before any commit (exit 1)', async () => {
    const root = repo();
    const wave = await runCli(['gitops', 'onboard', 'beta', '--yes', '--kube-api-cidr', '10.0.0.1/32', '--name', 'Beta', '--cloud', 'onprem', '--secret-store', 'none', '--ticketing', 'none', '--wave', 'friday'], { cwd: root, env });
    expect(wave.code).toBe(1);
    expect(wave.stderr).toMatch(/global\.rollout\.wave must be one of canary, early, main \(got "friday"\) \[schema\]/);
    const cluster = await runCli(['gitops', 'onboard', 'beta', '--yes', '--kube-api-cidr', '10.0.0.1/32', '--name', 'Beta', '--cloud', 'onprem', '--secret-store', 'none', '--ticketing', 'none', '--cluster', 'edge-9'], { cwd: root, env });
    expect(cluster.code).toBe(1);
    expect(cluster.stderr).toMatch(/global\.rollout\.cluster edge-9 is not a destination of AppProject logclaw/);
    expect(existsSync(join(root, 'gitops', 'tenants', 'tenant-beta.yaml'))).toBe(false);
    expect(git(root, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(root, 'branch', '--list')).toBe('* main');
  });

  it('pull request links for GitHub and GitLab remotes', () => {
    expect(pullRequestUrl('https://gitlab.com/acme/logclaw.git', 'main', 'onboard/tenant-x')).toBe('https://gitlab.com/acme/logclaw/-/merge_requests/new?merge_request[source_branch]=onboard%2Ftenant-x&merge_request[target_branch]=main');
    expect(pullRequestUrl(undefined, 'main', 'b')).toBeUndefined();
  });
});
