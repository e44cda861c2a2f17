/**
 * diff and upgrade against the real control plane (test/cluster), with real helm 3 and helm 4, on the fixture
 * tenant repository (test/fixtures/release/tenant-repo): each test installs its own tenant (own namespace).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helms } from '../helpers/tools.js';
import { setupCluster } from '../helpers/cluster.js';
import { kjson } from '../helpers/kubectl.js';
import { ensureNodePoolCrd, installedTenant as installedTenantOn, type Tenant } from './tenant-repo.ts';

const cluster = setupCluster();
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

beforeAll(() => ensureNodePoolCrd(cluster()), 300_000);

const installedTenant = (helm: string, initial?: (v: Record<string, any>) => void) => installedTenantOn(cluster(), cleanups, helm, initial);

const revision = async (t: Tenant): Promise<number> => {
  const secrets = await kjson<{ items: Array<{ metadata: { labels: Record<string, string> } }> }>(cluster(), 'get', 'secrets', '-n', t.ns, '-l', `owner=helm,name=${t.ns}`);
  return Math.max(...secrets.items.map((s) => Number(s.metadata.labels.version)));
};

describe.each(helms)('diff and upgrade with $name', ({ bin }) => {
  it('a freshly installed tenant has no changes (exit 0); a tier bump standard → ha is shown, applied, and then there is nothing left', async () => {
    // without Kafka: the simulator's Strimzi stand-in does not report node pools whose CRD came after it started
    const t = await installedTenant(bin, (v) => (v.kafka.enabled = false));
    let r = await t.cli(['diff']);
    expect(r.stdout + r.stderr, 'no server default may show up as a change').toContain(`no changes:`);
    expect(r.code).toBe(0);

    t.edit((v) => (v.global.tier = 'ha'));
    r = await t.cli(['diff']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`Deployment ${t.ns}/ticketing-agent  (restart)`);
    expect(r.stdout).toMatch(/^-  replicas: 1\n\+  replicas: 2$/m);
    expect(r.stdout).toContain(`PodDisruptionBudget ${t.ns}/ticketing-agent  (create)`);
    expect(r.stdout).toContain(`StatefulSet ${t.ns}/search  (safe)`); // scaling up adds pods, nothing rolls
    expect(r.stdout).toMatch(/Summary: 1 to create, 2 to change, 0 to delete, 4 unchanged/);

    const before = await revision(t);
    r = await t.cli(['upgrade', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`upgraded ${t.ns}/${t.ns}: ready`);
    expect(await revision(t)).toBe(before + 1);
    const deploy = await kjson(cluster(), 'get', 'deployment', 'ticketing-agent', '-n', t.ns);
    expect(deploy.spec.replicas).toBe(2);
    r = await t.cli(['diff']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('no changes:');
  });
});

describe('diff and upgrade safety (helm 4)', () => {
  const helm = helms[1]!.bin;

  it('enabling Slack changes only the ConfigMap and the NetworkPolicy; the agent is restarted to read it', async () => {
    const t = await installedTenant(helm);
    t.edit((v) => (v.ticketingAgent.config.platforms.slack.enabled = true));
    let r = await t.cli(['diff', '--format', 'json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout);
    expect(d.objects.map((o: { ref: string; action: string }) => `${o.action} ${o.ref}`)).toEqual([
      `update ConfigMap ${t.ns}/ticketing-agent-config`,
      `update NetworkPolicy ${t.ns}/ticketing-agent`,
    ]);
    expect(d.objects[0].diff).toContain('-    platforms: []\n+    platforms: [slack]');
    expect(d.objects[1].diff).toContain('+    - ports:');
    expect(d.assessment.findings[0]).toMatchObject({ verdict: 'restart', kind: 'ConfigMap', rolloutRestart: [{ kind: 'Deployment', name: 'ticketing-agent' }] });
    r = await t.cli(['upgrade', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`restarted Deployment ${t.ns}/ticketing-agent`);
    const deploy = await kjson(cluster(), 'get', 'deployment', 'ticketing-agent', '-n', t.ns);
    expect(deploy.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
  });

  it('a Kafka storage shrink is refused as data loss (exit 1) and nothing is upgraded', async () => {
    const t = await installedTenant(helm);
    t.edit((v) => (v.kafka.storage = '5Gi'));
    const before = await revision(t);
    const r = await t.cli(['upgrade', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`update\\s+data-loss\\s+KafkaNodePool ${t.ns}/broker`));
    expect(r.stderr).toContain('error: upgrade refused: 1 change would lose data or cannot be applied');
    expect(r.stderr).toContain(`data-loss  KafkaNodePool ${t.ns}/broker: storage size 10Gi → 5Gi: Kafka volumes cannot shrink`);
    expect(r.stderr).toContain('fix: keep size at 10Gi or more');
    expect(await revision(t)).toBe(before);
  });

  it('a volumeClaimTemplates change is refused as immutable, and goes through with --recreate keeping pods and claims', async () => {
    const t = await installedTenant(helm);
    const c = cluster();
    const pvcBefore = await kjson(c, 'get', 'pvc', 'data-search-0', '-n', t.ns);
    const stsBefore = await kjson(c, 'get', 'statefulset', 'search', '-n', t.ns);
    t.edit((v) => (v.search.storage = '20Gi'));
    let r = await t.cli(['diff']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`StatefulSet ${t.ns}/search  (immutable)`);
    expect(r.stdout).toContain('# the API server refuses this update');
    expect(r.stdout).toMatch(/^-\s+storage: 10Gi\n\+\s+storage: 20Gi$/m);
    r = await t.cli(['upgrade', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('volumeClaimTemplates cannot change on a live StatefulSet (data storage 10Gi → 20Gi)');
    expect(r.stderr).toContain('hint: Re-run with --recreate');
    r = await t.cli(['upgrade', '--yes', '--recreate']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`re-created StatefulSet ${t.ns}/search (pods and PVCs kept)`);
    // the simulator's StorageClass does not allow expansion: the claim keeps its size, and says why
    expect(r.stdout).toMatch(new RegExp(`kept PersistentVolumeClaim ${t.ns}/data-search-0 \\(keeps 10Gi: StorageClass \\S+ does not allow volume expansion; new replicas get 20Gi\\)`));
    const sts = await kjson(c, 'get', 'statefulset', 'search', '-n', t.ns);
    expect(sts.metadata.uid).not.toBe(stsBefore.metadata.uid);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    const pvc = await kjson(c, 'get', 'pvc', 'data-search-0', '-n', t.ns);
    expect(pvc.metadata.uid).toBe(pvcBefore.metadata.uid);
    r = await t.cli(['diff']);
    expect(r.code, r.stdout).toBe(0);
  });

  it('masks Secret values unless --show-secrets; --dry-run changes nothing; no terminal and no --yes is a usage error', async () => {
    const t = await installedTenant(helm);
    t.edit((v) => (v.ticketingAgent.apiKey = 'n3w-s3cr3t'));
    let r = await t.cli(['diff']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Secret ${t.ns}/ticketing-agent-credentials`);
    expect(r.stdout).toContain('-  api-key: "*** (before)"');
    expect(r.stdout).toContain('+  api-key: "*** (after)"');
    expect(r.stdout).not.toContain(Buffer.from('n3w-s3cr3t').toString('base64'));
    expect(r.stdout).not.toContain(Buffer.from('s3cr3t-value-1').toString('base64'));
    r = await t.cli(['diff', '--show-secrets']);
    expect(r.stdout).toContain(`+  api-key: ${Buffer.from('n3w-s3cr3t').toString('base64')}`);
    const before = await revision(t);
    r = await t.cli(['upgrade', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('dry run: nothing changed; the upgrade would run:');
    expect(r.stdout).toMatch(new RegExp(`upgrade --install ${t.ns} \\S+/charts/logclaw-tenant --namespace ${t.ns}`));
    expect(r.stdout).toMatch(/rollout restart deployment\/ticketing-agent/);
    expect(await revision(t)).toBe(before);
    r = await t.cli(['upgrade']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('upgrade needs confirmation: pass --yes');
  });
});
