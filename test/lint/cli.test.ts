/** `logclaw lint` as a user runs it: exit codes, formats, --tenant, --output, under helm 3 and helm 4. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crdDir, helms, repoRoot } from '../helpers/tools.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'lint', 'repo');

describe.each(helms)('logclaw lint CLI under $name', (h) => {
  let repo: string;
  const lint = (args: string[]) => runCli(['lint', '--crds', crdDir, ...args], { cwd: repo, env: { LOGCLAW_HELM: h.bin } });
  beforeAll(() => {
    repo = join(mkdtempSync(join(tmpdir(), `logclaw-lintcli-${h.name}-`)), 'repo');
    cpSync(fixture, repo, { recursive: true });
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('exit 0 on a clean tenant, with a pretty summary', async () => {
    const r = await lint(['--tenant', 'good']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no errors, 0 warning\(s\): 7 chart\(s\), 1 tenant\(s\), 0 helm lint\(s\), 1 render\(s\) of 17 object\(s\)/m);
  });

  it('exit 1 with findings grouped by tenant and chart (pretty)', async () => {
    const r = await lint(['--tenant', 'pss-privileged', '--tenant', 'kafka-topic-replicas']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const t1 = lines.indexOf('tenant kafka-topic-replicas');
    const t2 = lines.indexOf('tenant pss-privileged');
    expect(t1).toBeGreaterThanOrEqual(0);
    expect(t2).toBeGreaterThan(t1);
    expect(lines[t1 + 1]).toBe('  fx-kafka');
    expect(lines[t1 + 2]).toMatch(/error\s+kafka-topic-replicas {2}KafkaTopic logs-raw spec\.replicas/);
    expect(lines[t2 + 1]).toBe('  fx-app');
    expect(r.stdout).toMatch(/charts\/fx-app\/templates\/deployment\.yaml/);
    expect(r.stdout).toMatch(/2 error\(s\), 0 warning\(s\)/);
  });

  it('--format github prints workflow annotations; junit writes a report with --output', async () => {
    const gh = await lint(['--tenant', 'pss-privileged', '--format', 'github']);
    expect(gh.code).toBe(1);
    expect(gh.stdout).toMatch(/^::error file=charts\/fx-app\/templates\/deployment\.yaml,title=pss-privileged \(tenant pss-privileged\)::Deployment logclaw-pss-privileged-app spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: container "app" is privileged$/m);
    const junit = join(repo, '..', 'lint.xml');
    const j = await lint(['--tenant', 'pss-privileged', '--tenant', 'good', '--format', 'junit', '--output', junit]);
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/wrote .*lint\.xml: 1 error\(s\)/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="tenant pss-privileged" tests="1" failures="1">/);
    expect(xml).toMatch(/<failure message="1 error\(s\): pss-privileged: container &quot;app&quot; is privileged"/);
  });

  it('usage errors exit 2', async () => {
    expect((await lint(['--format', 'xml'])).code).toBe(2);
    expect((await lint(['--tenant', 'nobody'])).code).toBe(2);
    const r = await runCli(['lint', '--crds', join(repo, 'no-such-dir'), '--tenant', 'good'], { cwd: repo, env: { LOGCLAW_HELM: h.bin } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CRD directory .*no-such-dir does not exist/);
  });

  it('LOGCLAW_CRD_DIR stands in for --crds; without CRDs lint says what it skipped', async () => {
    const withEnv = await runCli(['lint', '--tenant', 'crd-schema', '--json'], { cwd: repo, env: { LOGCLAW_HELM: h.bin, LOGCLAW_CRD_DIR: crdDir } });
    expect(JSON.parse(withEnv.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('crd-schema');
    // Without CRDs the operators' API versions are unknown: Capabilities-gated CRs are not rendered, so what
    // they would provide (the ExternalSecret's Secret, Strimzi's bootstrap Service) is missing, and lint says why;
    // the NetworkPolicy for the operators' pods then selects nothing.
    const without = await runCli(['lint', '--tenant', 'good', '--json'], { cwd: repo, env: { LOGCLAW_HELM: h.bin, LOGCLAW_CRD_DIR: '' } });
    expect(without.code).toBe(1);
    const j = JSON.parse(without.stdout) as { notes: string[]; findings: Array<{ rule: string }> };
    expect(j.notes.join('\n')).toMatch(/no CRDs available: .*left out: .*Kafka/);
    expect(j.findings.map((f) => f.rule).sort()).toEqual(['address-unresolved', 'networkpolicy-selects-nothing', 'ref-secret-missing']);
  });
});
