/**
 * `logclaw install | operators install | uninstall` on the test cluster: the happy path (helm 4), every failure
 * mode and known problem with its diagnosis and exit code, faults (5xx, cut watches), a release failing to
 * install in one phase, a hang reported within the timeout. Each test installs its own tenant namespace.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { cleanup, ensureOperators, workspace, type Workspace } from '../helpers/workspace.js';

let cluster: Cluster;
let ws: Workspace;
let ws4: Workspace;
const FAST = { LOGCLAW_FAIL_GRACE: '3s' };

const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, ...args], { encoding: 'utf8', stdio: 'pipe' });
const install = (w: Workspace, tenant: string, extra: string[] = [], env: Record<string, string> = {}) =>
  w.run(['install', '--tenant', tenant, '--kube-context', cluster.context, ...extra], { env: { ...FAST, ...env } });

beforeAll(async () => {
  cluster = await getCluster();
  ws = await workspace(cluster);
  ws4 = await workspace(cluster, { helm: 4 });
  await ensureOperators(cluster, ws);
});

afterAll(async () => {
  cleanup(ws);
  cleanup(ws4);
  await stopOwnCluster();
});

describe('logclaw install', () => {
  it('installs a tenant by the plan (helm 4) and reports every release ready; --dry-run changes nothing', async () => {
    ws4.tenant('inst-ok');
    const dry = await install(ws4, 'inst-ok', ['--dry-run', '--only', 'ingestion']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/1\. logclaw-inst-ok\/platform\n\s+2\. logclaw-inst-ok\/kafka\n\s+3\. logclaw-inst-ok\/ingestion/);
    expect(dry.stdout).toMatch(/--helm-binary \S*helm --state-values-file \S+\/gitops\/tenants\/tenant-inst-ok\.yaml --state-values-set tenantId=inst-ok --selector name=platform,namespace=logclaw-inst-ok sync --skip-deps --skip-needs/);
    expect(() => kubectl('get', 'namespace', 'logclaw-inst-ok')).toThrow();
    const r = await install(ws4, 'inst-ok', ['--json']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = JSON.parse(r.stdout) as { releases: Array<{ release: string; status: string }> };
    expect(s.releases.map((x) => `${x.release.split('/')[1]}=${x.status}`).sort()).toEqual(['ingestion=ready', 'kafka=ready', 'opensearch=ready', 'platform=ready', 'ticketing-agent=ready']);
    // helm 4 wrote the releases
    expect(kubectl('get', 'secret', '-n', 'logclaw-inst-ok', '-l', 'owner=helm,name=kafka', '-o', 'name')).toContain('sh.helm.release.v1.kafka.v1');
  });

  it('over an installed tenant: compares first (change safety); an immutable change is refused (exit 1) and nothing is applied', async () => {
    const ns = 'logclaw-inst-safe';
    ws.tenant('inst-safe');
    let r = await install(ws, 'inst-safe', ['--only', 'opensearch', '--json']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout).safety).toEqual({ installed: [], changes: 0, findings: [], forced: [] });
    // the same tenant again: everything installed is compared, nothing would change
    r = await install(ws, 'inst-safe', ['--only', 'opensearch', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const again = JSON.parse(r.stdout).safety;
    expect(again.installed).toEqual(['opensearch', 'platform']);
    expect(again.changes).toBe(0);
    const revisions = kubectl('get', 'secret', '-n', ns, '-l', 'owner=helm,name=opensearch', '-o', 'name');
    // a bigger volumeClaimTemplates: the API server would reject it halfway through the upgrade
    ws.tenant('inst-safe', { opensearch: { storage: '2Gi' } });
    r = await install(ws, 'inst-safe', ['--only', 'opensearch']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toContain('install refused: tenant inst-safe is installed and 1 change would lose data or cannot be applied');
    expect(r.stderr).toMatch(new RegExp(`immutable\\s+StatefulSet ${ns}/opensearch: .*volumeClaimTemplates`));
    expect(r.stderr).toMatch(/hint: Run `logclaw upgrade --tenant inst-safe --kube-context \S+ --recreate`/);
    expect(kubectl('get', 'secret', '-n', ns, '-l', 'owner=helm,name=opensearch', '-o', 'name')).toBe(revisions);
    expect(kubectl('get', 'statefulset', 'opensearch', '-n', ns, '-o', 'jsonpath={.spec.volumeClaimTemplates[0].spec.resources.requests.storage}')).toBe('1Gi');
  });

  it('CrashLoopBackOff: names the Deployment, ReplicaSet, pod and container, shows the logs, recognises Vector unable to reach Kafka (exit 1)', async () => {
    ws.tenant('inst-crash');
    await cluster.applyScenario({
      name: 'inst-crash',
      pods: [{
        match: { namespace: 'logclaw-inst-crash', labels: { app: 'ingestion' } },
        mode: 'crashLoop', delay: 1, period: 5, exitCode: 78,
        logs: ['2026-01-01T00:00:00Z ERROR rdkafka::client: librdkafka: Global error: BrokerTransportFailure (Local: Broker transport failure): kafka-kafka-bootstrap:9092/bootstrap: Connect to ipv4#10.96.0.10:9092 failed: Connection refused'],
      }],
    });
    const r = await install(ws, 'inst-crash', ['--only', 'ingestion']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/Deployment logclaw-inst-crash\/ingestion: /);
    expect(r.stderr).toMatch(/└ ReplicaSet ingestion-\w+ → Pod ingestion-\w+-\w+ → container ingestion: CrashLoopBackOff \(last exit code 78/);
    expect(r.stderr).toContain('BrokerTransportFailure');
    expect(r.stderr).toContain('known problem: Vector unable to reach Kafka');
    expect(r.stderr).toMatch(/fix: .*plain listener on 9092/);
    expect(r.stderr).toMatch(/full log: \.logclaw\/logs\/\S+-install\.log/);
    await cluster.removeScenario('inst-crash');
  });

  it('ImagePullBackOff names the image; OOMKilled names the limit (Airflow webserver: its own fix)', async () => {
    ws.tenant('inst-pull', { airflow: { enabled: true } });
    await cluster.applyScenario({
      name: 'inst-pull',
      pods: [
        { match: { namespace: 'logclaw-inst-pull', labels: { app: 'ticketing-agent' } }, mode: 'imagePullBackOff', delay: 1 },
        { match: { namespace: 'logclaw-inst-pull', labels: { app: 'airflow-webserver' } }, mode: 'oomKilled', delay: 1, period: 5 },
      ],
    });
    const r = await install(ws, 'inst-pull', ['--only', 'ticketing-agent,airflow']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/container ticketing-agent: ImagePullBackOff: image registry\.example\/logclaw\/ticketing-agent:1\.0\.0/);
    expect(r.stderr).toMatch(/container airflow-webserver: OOMKilled \(memory limit 1Gi\)/);
    expect(r.stderr).toContain('known problem: Airflow webserver OOMKilled');
    await cluster.removeScenario('inst-pull');
  });

  it('a hang is reported within the timeout (exit 4): the Airflow scheduler waiting for migrations', async () => {
    ws.tenant('inst-hang', { airflow: { enabled: true } });
    await cluster.applyScenario({
      name: 'inst-hang',
      pods: [{ match: { namespace: 'logclaw-inst-hang', labels: { app: 'airflow-scheduler' } }, mode: 'initNeverFinishes', logs: ['Waiting for migrations... 58 of 60 s', 'TimeoutError: There are still unapplied migrations after 60 seconds.'] }],
    });
    const t0 = Date.now();
    const r = await install(ws, 'inst-hang', ['--only', 'airflow-scheduler', '--timeout', '25s']);
    const took = Date.now() - t0;
    expect(r.code, r.stdout).toBe(4);
    expect(r.stderr).toMatch(/not ready before the timeout: Deployment logclaw-inst-hang\/airflow-scheduler/);
    expect(r.stderr).toMatch(/container wait-for-airflow-migrations: init container has not finished/);
    expect(r.stderr).toContain('known problem: Airflow scheduler waiting for database migrations');
    expect(took).toBeLessThan(25_000 + 60_000); // the timeout plus process start and the diagnosis
    await cluster.removeScenario('inst-hang');
  });

  it('OpenSearch cluster_manager_not_discovered and authentication failures are recognised', async () => {
    ws.tenant('inst-os');
    await cluster.applyScenario({
      name: 'inst-os',
      pods: [{ match: { namespace: 'logclaw-inst-os', labels: { app: 'opensearch' } }, mode: 'crashLoop', delay: 1, period: 5, logs: ['[2026-01-01T00:00:00,000][WARN ][o.o.c.c.ClusterFormationFailureHelper] [opensearch-0] cluster-manager not discovered yet', 'org.opensearch.discovery.ClusterManagerNotDiscoveredException: null'] }],
    });
    const r = await install(ws, 'inst-os', ['--only', 'opensearch']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/StatefulSet logclaw-inst-os\/opensearch/);
    expect(r.stderr).toContain('known problem: OpenSearch cluster_manager_not_discovered');
    await cluster.removeScenario('inst-os');
    ws.tenant('inst-osauth', { dashboards: { enabled: true } });
    await cluster.applyScenario({
      name: 'inst-os-auth',
      pods: [{ match: { namespace: 'logclaw-inst-osauth', labels: { app: 'opensearch-dashboards' } }, mode: 'crashLoop', delay: 1, period: 5, logs: ['FATAL  Error: [security_exception]: Authentication finally failed for REST request'] }],
    });
    const auth = await install(ws, 'inst-osauth', ['--only', 'opensearch-dashboards']);
    expect(auth.code, auth.stdout).toBe(1);
    expect(auth.stderr).toContain('known problem: OpenSearch authentication failing');
    await cluster.removeScenario('inst-os-auth');
  });

  it("requires the tenant's SecretStore to be Ready (exit 4 at the timeout, with what the store reports)", async () => {
    ws.tenant('inst-store', { platform: { secretStore: true } });
    // the simulated external-secrets controller validates stores in seconds: this one it never gets to
    await cluster.applyScenario({ name: 'inst-store', operators: [{ kind: 'SecretStore', match: { namespace: 'logclaw-inst-store' }, delay: 1_000_000 }] });
    const r = await install(ws, 'inst-store', ['--only', 'platform', '--timeout', '20s']);
    await cluster.removeScenario('inst-store');
    expect(r.code, r.stdout).toBe(4);
    expect(r.stderr).toMatch(/not ready before the timeout: SecretStore logclaw-inst-store\/logclaw-secret-store/);
    expect(r.stderr).toMatch(/SecretStore logclaw-inst-store\/logclaw-secret-store: progressing — waiting for the SecretStore to be validated/);
    expect(r.stderr).toMatch(/hint: The tenant's SecretStore \(SecretStore logclaw-inst-store\/logclaw-secret-store\) must be Ready/);
  });

  it("a custom resource the operator marks failed: its conditions (Strimzi Kafka NotReady)", async () => {
    ws.tenant('inst-kafka');
    await cluster.applyScenario({ name: 'inst-kafka', operators: [{ kind: 'Kafka', match: { namespace: 'logclaw-inst-kafka' }, delay: 1, fail: true }] });
    const r = await install(ws, 'inst-kafka', ['--only', 'kafka']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/Kafka logclaw-inst-kafka\/kafka: failed — Exceeded timeout of 300000ms/);
    expect(r.stderr).toMatch(/NotReady=True \(TimeoutException\)/);
    await cluster.removeScenario('inst-kafka');
  });

  it('a release that fails to install: its helm error and log; independent releases finish, dependents are not installed', async () => {
    ws.tenant('inst-broken', { components: { ingestion: { failRender: 'ingestion.kafka.bootstrapServers is required' } } });
    const r = await install(ws, 'inst-broken');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/installing logclaw-inst-broken\/ingestion \(helmfile\.d\/10-tenant\.yaml\.gotmpl\) failed/);
    expect(r.stderr).toContain('ingestion.kafka.bootstrapServers is required');
    expect(r.stderr).toMatch(/command: \S*helmfile --file helmfile\.d\/10-tenant\.yaml\.gotmpl/);
    // the others were installed and are ready
    expect(kubectl('get', 'statefulset', 'opensearch', '-n', 'logclaw-inst-broken', '-o', 'jsonpath={.status.readyReplicas}')).toBe('1');
    expect(kubectl('get', 'deploy', 'ticketing-agent', '-n', 'logclaw-inst-broken', '-o', 'name')).toContain('ticketing-agent');
  });

  it('survives 5xx answers and watches cut every few events', async () => {
    ws.tenant('inst-faults');
    const proxy = await cluster.proxy({ errorRate: 0.2, match: '/pods|/events|/logs', cutWatchAfterEvents: 2, seed: 7 });
    const faulty = await workspace(cluster, { kubeconfig: proxy.kubeconfig });
    faulty.tenant('inst-faults');
    const r = await faulty.run(['install', '--tenant', 'inst-faults', '--kube-context', proxy.context, '--only', 'ingestion'], { env: FAST });
    const records = proxy.requests();
    await proxy.close();
    cleanup(faulty);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(records.filter((x) => x.fault === 'error').length).toBeGreaterThan(0);
    expect(records.filter((x) => x.fault?.startsWith('cut-watch')).length).toBeGreaterThan(0);
  });
});

describe('logclaw uninstall', () => {
  it('asks for confirmation (or --yes), removes the releases and keeps the volumes; --purge deletes them', async () => {
    const refused = await ws.run(['uninstall', '--tenant', 'inst-broken', '--kube-context', cluster.context]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    const r = await ws.run(['uninstall', '--tenant', 'inst-broken', '--kube-context', cluster.context, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed \d release\(s\) of tenant inst-broken/);
    expect(r.stdout).toMatch(/kept 1 volume\(s\).*data-opensearch-0/);
    expect(kubectl('get', 'pvc', '-n', 'logclaw-inst-broken', '-o', 'name')).toContain('data-opensearch-0');
    const purge = await ws.run(['uninstall', '--tenant', 'inst-broken', '--kube-context', cluster.context, '--yes', '--purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/deleted 1 volume\(s\): data-opensearch-0/);
    expect(purge.stdout).toContain('deleted namespace logclaw-inst-broken');
  });
});
