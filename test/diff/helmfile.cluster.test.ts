/**
 * diff and upgrade in helmfile mode (one release per component, as `logclaw install` does) on the lifecycle's
 * fixture stack (test/lifecycle/fixtures/stack: helmfile.d, the official operator charts), helm 4, the test cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { cleanup, ensureOperators, workspace, type Workspace } from '../helpers/workspace.js';
import { helmfileForSuite } from '../helpers/helmfile.js';

await helmfileForSuite('diff/upgrade in helmfile mode');

let cluster: Cluster;
let ws: Workspace;

describe('diff and upgrade of a tenant installed by the release plan (helmfile mode)', () => {
  beforeAll(async () => {
    cluster = await getCluster();
    ws = await workspace(cluster, { helm: 4 });
    await ensureOperators(cluster, ws);
  }, 600_000);
  afterAll(async () => {
    cleanup(ws);
    await stopOwnCluster();
  });

  it('no changes after install; a component setting and a disabled component are shown, upgraded and uninstalled; then nothing is left', async () => {
    const id = 'dfx';
    const ns = `logclaw-${id}`;
    const run = (args: string[]) => ws.run([...args, '--tenant', id, '--kube-context', cluster.context], { env: { LOGCLAW_FAIL_GRACE: '3s' } });
    ws.tenant(id, { airflow: { enabled: true } });
    const installed = await run(['install']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);

    let r = await run(['diff']);
    expect(r.stdout + r.stderr).toContain(`no changes:`);
    expect(r.code).toBe(0);

    ws.tenant(id, { airflow: { enabled: false }, components: { ingestion: { memoryLimit: '512Mi' } } });
    r = await run(['diff', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const d = JSON.parse(r.stdout);
    expect(d.mode).toBe('helmfile');
    expect(d.objects.map((o: { action: string; ref: string; release: string }) => `${o.action} ${o.ref} (${o.release})`)).toEqual([
      `delete Deployment ${ns}/airflow-webserver (${ns}/airflow)`,
      `delete Deployment ${ns}/airflow-scheduler (${ns}/airflow-scheduler)`,
      `update Deployment ${ns}/ingestion (${ns}/ingestion)`,
    ]);
    expect(d.objects.find((o: { name: string }) => o.name === 'ingestion').diff).toMatch(/-\s+memory: 256Mi\n\+\s+memory: 512Mi/);
    expect(d.releases.filter((x: { removed?: boolean }) => x.removed).map((x: { id: string }) => x.id).sort()).toEqual([`${ns}/airflow`, `${ns}/airflow-scheduler`]);
    expect(d.assessment.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'release airflow', verdict: 'disruptive', message: 'component airflow disabled: its release is uninstalled' }),
        expect.objectContaining({ field: 'release airflow-scheduler', verdict: 'disruptive' }),
      ]),
    );

    r = await run(['upgrade', '--yes']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // what a release waits for: a line at once, then at most one every 10 s, never helmfile's raw stream
    const waits = r.stderr.split('\n').filter((l) => l.includes(': waiting for '));
    const perRelease = new Map<string, number>();
    for (const l of waits) perRelease.set(l.split(':')[0]!, (perRelease.get(l.split(':')[0]!) ?? 0) + 1);
    for (const [release, n] of perRelease) expect(n, `${release}: ${waits.join('\n')}`).toBeLessThanOrEqual(1 + Math.ceil(r.ms / 10_000));
    expect(r.stdout).toContain(`uninstalled ${ns}/airflow (component disabled)`);
    expect(r.stdout).toContain(`upgraded ${ns}/ingestion: ready`);
    r = await run(['diff']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('no changes:');
  });
});
