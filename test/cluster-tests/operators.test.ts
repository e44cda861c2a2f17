// The official operator charts (helmfile.d/00-operators, from the chart repository the test cluster serves) install
// their CRDs, webhooks and operator Deployments; the simulator's stages then write each operator's status (and
// Secrets) onto the custom resources, and its webhook server answers the charts' admission webhooks. KServe has
// no chart here: its CRD (../shared/crds) is applied as it is.
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanup, ensureOperators, workspace } from '../helpers/workspace.js';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { k, kjson, kubectl, namespace, yamlDocs } from '../helpers/kubectl.js';
import { crdDir } from '../helpers/tools.ts';
import { verdict } from '../../src/readiness/verdict.ts';

const cluster = setupCluster();

const resources = (ns: string) => [
  { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaNodePool', metadata: { name: 'broker', namespace: ns, labels: { 'strimzi.io/cluster': 'events' } },
    spec: { replicas: 3, roles: ['broker', 'controller'], storage: { type: 'persistent-claim', size: '10Gi' } } },
  { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'events', namespace: ns, annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' } },
    spec: { kafka: { version: '4.1.0', listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }, { name: 'tls', port: 9093, type: 'internal', tls: true }] } } },
  { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaTopic', metadata: { name: 'raw-logs', namespace: ns, labels: { 'strimzi.io/cluster': 'events' } }, spec: { partitions: 3, replicas: 3 } },
  { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaUser', metadata: { name: 'vector', namespace: ns, labels: { 'strimzi.io/cluster': 'events' } }, spec: { authentication: { type: 'tls' } } },
  { apiVersion: 'opensearch.opster.io/v1', kind: 'OpenSearchCluster', metadata: { name: 'search', namespace: ns },
    spec: { general: { serviceName: 'search', version: '2.14.0' }, nodePools: [{ component: 'masters', replicas: 3, roles: ['cluster_manager', 'data'] }, { component: 'data', replicas: 2, roles: ['data'] }] } },
  { apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: { name: 'enrich', namespace: ns },
    spec: { image: 'flink:1.19', flinkVersion: 'v1_19', serviceAccount: 'flink', jobManager: { resource: { cpu: 1, memory: '1024m' } }, taskManager: { replicas: 2, resource: { cpu: 1, memory: '1024m' } }, job: { jarURI: 'local:///opt/flink/job.jar', parallelism: 2 } } },
  { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'anomaly', namespace: ns },
    spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 'pvc://models/anomaly' } } } },
  { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'creds', namespace: ns },
    spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, target: { name: 'app-creds' }, data: [{ secretKey: 'password', remoteRef: { key: 'logclaw/db' } }] } },
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'ingest', namespace: ns },
    spec: { secretName: 'ingest-tls', dnsNames: ['ingest.example.com'], issuerRef: { name: 'selfsigned', kind: 'ClusterIssuer' } } },
];

/** The object once its Ready condition has this status. */
const withReady = (c: ReturnType<typeof cluster>, args: string[], status: 'True' | 'False') => eventually(`${args.join(' ')} Ready=${status}`, async () => {
  const o = await kjson(c, 'get', ...args);
  return o.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === status && o;
});

describe('the official operator charts and operator stages', () => {
  beforeAll(async () => {
    const c = cluster();
    // `logclaw operators install` once per cluster, under its operators lock (the lifecycle tests share it)
    const ws = await workspace(c);
    try {
      await ensureOperators(c, ws);
    } finally {
      cleanup(ws);
    }
    await k(c, 'apply', '--server-side', '-f', `${crdDir}/kserve-0.13.0`);
    await eventually('InferenceService CRD Established', async () => (await kjson(c, 'get', 'crd', 'inferenceservices.serving.kserve.io'))
      .status?.conditions?.some((x: any) => x.type === 'Established' && x.status === 'True'), 120_000);
  }, 900_000);

  it('installs the real CRDs and operator Deployments', async () => {
    const c = cluster();
    const crds = (await kjson(c, 'get', 'crd')).items.map((x: any) => x.metadata.name);
    for (const n of ['kafkas.kafka.strimzi.io', 'kafkanodepools.kafka.strimzi.io', 'opensearchclusters.opensearch.opster.io', 'flinkdeployments.flink.apache.org',
      'externalsecrets.external-secrets.io', 'secretstores.external-secrets.io', 'clustersecretstores.external-secrets.io', 'certificates.cert-manager.io',
      'issuers.cert-manager.io', 'clusterissuers.cert-manager.io', 'inferenceservices.serving.kserve.io']) {
      expect(crds).toContain(n);
    }
    const dep = await kjson(c, 'get', 'deployment', 'strimzi-cluster-operator', '-n', 'strimzi');
    expect(dep.status.readyReplicas).toBe(1);
    expect((await kjson(c, 'get', 'deployment', '-n', 'cert-manager')).items.map((d: any) => d.metadata.name).sort())
      .toEqual(['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook']);
    expect((await kjson(c, 'get', 'deployment', '-n', 'external-secrets')).items.map((d: any) => d.metadata.name).sort())
      .toEqual(['external-secrets', 'external-secrets-cert-controller', 'external-secrets-webhook']);
    // the charts' admission webhooks, with the test cluster's CA injected (cainjector's and cert-controller's job)
    const vwc = (await kjson(c, 'get', 'validatingwebhookconfiguration')).items;
    for (const name of ['cert-manager-webhook', 'secretstore-validate', 'externalsecret-validate']) {
      const w = vwc.find((x: any) => x.metadata.name === name);
      expect(w, name).toBeDefined();
      for (const hook of w.webhooks) expect(hook.clientConfig.caBundle, `${name} ${hook.name}`).toBeTruthy();
    }
  });

  it('labels every operator namespace with the platform-owned role tenant NetworkPolicies admit it by', async () => {
    const c = cluster();
    for (const ns of ['cert-manager', 'external-secrets', 'strimzi', 'flink-operator', 'opensearch-operator']) {
      expect((await kjson(c, 'get', 'namespace', ns)).metadata.labels?.['platform.logclaw.io/role'], ns).toBe('operators');
    }
  });

  it('writes each operator status (Ready conditions, phases, Secrets) after its delay', async () => {
    const c = cluster();
    const ns = await namespace(c, 'ops');
    const r = await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(...resources(ns)) });
    expect(r.exitCode, r.stderr).toBe(0);
    const get = (kind: string, name: string) => kjson(c, 'get', kind, name, '-n', ns);
    const ready = (o: any) => o.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True';

    const kafka = await eventually('Kafka Ready', async () => { const o = await get('kafka.kafka.strimzi.io', 'events'); return ready(o) && o; }, 60_000);
    expect(kafka.status.observedGeneration).toBe(kafka.metadata.generation);
    expect(kafka.status.kafkaVersion).toBe('4.1.0');
    expect(kafka.status.listeners.map((l: any) => l.bootstrapServers)).toEqual([`events-kafka-bootstrap.${ns}.svc:9092`, `events-kafka-bootstrap.${ns}.svc:9093`]);
    const pool = await eventually('KafkaNodePool status', async () => { const o = await get('kafkanodepool', 'broker'); return o.status?.nodeIds && o; });
    expect(pool.status).toMatchObject({ nodeIds: [0, 1, 2], replicas: 3, roles: ['broker', 'controller'] });
    expect(pool.status.labelSelector).toContain('strimzi.io/pool-name=broker');
    const topic = await eventually('KafkaTopic Ready', async () => { const o = await get('kafkatopic', 'raw-logs'); return ready(o) && o; });
    expect(topic.status.topicName).toBe('raw-logs');
    const user = await eventually('KafkaUser Ready', async () => { const o = await get('kafkauser', 'vector'); return ready(o) && o; });
    expect(user.status).toMatchObject({ username: 'CN=vector', secret: 'vector' });
    const userSecret = await eventually('KafkaUser secret', () => get('secret', 'vector'));
    expect(Object.keys(userSecret.data).sort()).toEqual(['ca.crt', 'user.crt', 'user.key', 'user.p12', 'user.password']);

    const os = await eventually('OpenSearchCluster RUNNING', async () => { const o = await get('opensearchcluster', 'search'); return o.status?.phase === 'RUNNING' && o; }, 60_000);
    expect(os.status).toMatchObject({ health: 'green', initialized: true, availableNodes: 5, version: '2.14.0' });
    const flink = await eventually('FlinkDeployment STABLE', async () => { const o = await get('flinkdeployment', 'enrich'); return o.status?.lifecycleState === 'STABLE' && o; }, 60_000);
    expect(flink.status).toMatchObject({ jobManagerDeploymentStatus: 'READY', jobStatus: { state: 'RUNNING' }, reconciliationStatus: { state: 'DEPLOYED' } });
    const isvc = await eventually('InferenceService Ready', async () => { const o = await get('inferenceservice', 'anomaly'); return ready(o) && o; }, 60_000);
    expect(isvc.status.url).toBe(`http://anomaly.${ns}.svc.cluster.local`);

    const es = await eventually('ExternalSecret Ready', async () => { const o = await get('externalsecret', 'creds'); return ready(o) && o; });
    expect(es.status.conditions[0]).toMatchObject({ reason: 'SecretSynced', message: 'Secret was synced' });
    const target = await eventually('ExternalSecret target secret', () => get('secret', 'app-creds'));
    expect(Buffer.from(target.data.password, 'base64').toString()).toBe('sim:logclaw/db');
    expect(target.metadata.ownerReferences[0]).toMatchObject({ kind: 'ExternalSecret', name: 'creds', controller: true });
    const cert = await eventually('Certificate Ready', async () => { const o = await get('certificate', 'ingest'); return ready(o) && o; });
    expect(cert.status.conditions.find((x: any) => x.type === 'Ready').message).toBe('Certificate is up to date and has not expired');
    expect(new Date(cert.status.notAfter).getTime()).toBeGreaterThan(Date.now());
    const tls = await eventually('Certificate secret', () => get('secret', 'ingest-tls'));
    expect(tls.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(tls.data['tls.crt'], 'base64').toString()).toContain('BEGIN CERTIFICATE');

    // The ExternalSecret owns its Secret: deleting it collects the Secret.
    await k(c, 'delete', 'externalsecret', 'creds', '-n', ns);
    await eventually('target secret collected', async () => (await kubectl(c, ['get', 'secret', 'app-creds', '-n', ns])).exitCode !== 0);
  });

  it('answers the charts\' admission webhooks through the API server\'s egress proxy, dialling only loopback addresses', async () => {
    const c = cluster();
    const ns = await namespace(c, 'hooks');
    const before = c.egress().length;
    // cert-manager's validating webhook (failurePolicy Fail) must answer before the Issuer exists
    const r = await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned', namespace: ns }, spec: { selfSigned: {} } },
    ) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(c.egress().slice(before).filter((x) => x.webhook)).toContainEqual(expect.objectContaining({ webhook: 'cert-manager-webhook.cert-manager.svc/validate', review: 'AdmissionReview' }));
    // every connection the API server made for its webhooks went to the loopback webhook server
    const svc = await kjson(c, 'get', 'service', 'cert-manager-webhook', '-n', 'cert-manager');
    expect(c.egress().filter((x) => x.destination === `${svc.spec.clusterIP}:443`).map((x) => x.routedTo)).toContainEqual(expect.stringMatching(/^127\.0\.0\.1:\d+$/));
    expect(c.egress().filter((x) => x.refused)).toEqual([]);
  });

  it('validates SecretStores and ClusterSecretStores, sets up Issuers and ClusterIssuers (Ready as the controllers write it)', async () => {
    const c = cluster();
    const ns = await namespace(c, 'stores');
    const store = (kind: string, name: string, namespaced: boolean) => ({ apiVersion: 'external-secrets.io/v1beta1', kind, metadata: { name, ...(namespaced ? { namespace: ns } : {}) },
      spec: { provider: { vault: { server: 'https://vault.example.com', path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } } } } });
    const issuer = (kind: string, name: string, spec: object, namespaced: boolean) => ({ apiVersion: 'cert-manager.io/v1', kind, metadata: { name, ...(namespaced ? { namespace: ns } : {}) }, spec });
    const objects = [
      store('SecretStore', 'logclaw', true),
      store('ClusterSecretStore', `${ns}-store`, false),
      issuer('Issuer', 'logclaw-internal-ca-selfsigned', { selfSigned: {} }, true),
      issuer('Issuer', 'logclaw-internal-ca', { ca: { secretName: 'logclaw-internal-ca' } }, true),
      issuer('ClusterIssuer', `${ns}-acme`, { acme: { server: 'https://acme.example.com/directory', email: 'ops@example.com', privateKeySecretRef: { name: 'acme-key' }, solvers: [{ http01: { ingress: {} } }] } }, false),
    ];
    const r = await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(...objects) });
    expect(r.exitCode, r.stderr).toBe(0);
    try {
      const readyObj = (args: string[]) => withReady(c, args, 'True');
      const ss = await readyObj(['secretstore', 'logclaw', '-n', ns]);
      expect(ss.status).toMatchObject({ capabilities: 'ReadWrite', conditions: [{ type: 'Ready', status: 'True', reason: 'Valid', message: 'store validated' }] });
      const css = await readyObj(['clustersecretstore', `${ns}-store`]);
      expect(css.status.conditions[0]).toMatchObject({ reason: 'Valid', message: 'store validated' });
      const selfSigned = await readyObj(['issuer', 'logclaw-internal-ca-selfsigned', '-n', ns]);
      expect(selfSigned.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'IsReady', observedGeneration: selfSigned.metadata.generation });
      const ca = await readyObj(['issuer', 'logclaw-internal-ca', '-n', ns]);
      expect(ca.status.conditions[0]).toMatchObject({ reason: 'KeyPairVerified', message: 'Signing CA verified' });
      const acme = await readyObj(['clusterissuer', `${ns}-acme`]);
      expect(acme.status.conditions[0]).toMatchObject({ reason: 'ACMEAccountRegistered', message: 'The ACME account was registered with the ACME server' });
      expect(acme.status.acme).toMatchObject({ lastRegisteredEmail: 'ops@example.com', uri: expect.stringMatching(/^https:\/\//) });
      // logclaw's readiness engine takes each of them for ready, with the controller's message
      for (const o of [ss, css, selfSigned, ca, acme]) expect(verdict(o), `${o.kind}/${o.metadata.name}`).toMatchObject({ status: 'ready' });
      expect(verdict(ca).message).toContain('Signing CA verified');
    } finally {
      await kubectl(c, ['delete', 'clustersecretstore', `${ns}-store`, '--wait=false']);
      await kubectl(c, ['delete', 'clusterissuer', `${ns}-acme`, '--wait=false']);
    }
  });

  it('fails a SecretStore and an Issuer the way their controllers report it', async () => {
    const c = cluster();
    const ns = await namespace(c, 'storefail');
    await c.applyScenario({ name: ns, operators: [
      { kind: 'SecretStore', match: { namespace: ns }, fail: true },
      { kind: 'Issuer', match: { namespace: ns }, fail: true },
    ] });
    try {
      const r = await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(
        { apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'logclaw', namespace: ns }, spec: { provider: { fake: { data: [] } } } },
        { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'logclaw-internal-ca', namespace: ns }, spec: { ca: { secretName: 'logclaw-internal-ca' } } },
      ) });
      expect(r.exitCode, r.stderr).toBe(0);
      const failedObj = (kind: string, name: string) => withReady(c, [kind, name, '-n', ns], 'False');
      const ss = await failedObj('secretstore', 'logclaw');
      expect(ss.status.conditions[0]).toMatchObject({ reason: 'ValidationFailed', message: 'unable to validate store' });
      expect(verdict(ss)).toMatchObject({ status: 'failed', message: expect.stringContaining('unable to validate store') });
      const is = await failedObj('issuer', 'logclaw-internal-ca');
      expect(is.status.conditions[0]).toMatchObject({ reason: 'ErrGetKeyPair', message: 'Error getting keypair for CA issuer: secrets "logclaw-internal-ca" not found' });
      expect(verdict(is)).toMatchObject({ status: 'failed' });
    } finally {
      await c.removeScenario(ns);
    }
  });

  it('reports the failures a scenario chooses, with the operators\' messages', async () => {
    const c = cluster();
    const ns = await namespace(c, 'opsfail');
    await c.applyScenario({ name: ns, operators: [
      { kind: 'Kafka', match: { namespace: ns }, fail: true },
      { kind: 'ExternalSecret', match: { namespace: ns }, fail: true },
      { kind: 'FlinkDeployment', match: { namespace: ns }, fail: 'org.apache.flink.runtime.JobException: Recovery is suppressed' },
      { kind: 'Certificate', match: { namespace: ns, name: 'ingest' }, fail: { reason: 'Failed', message: 'issuer selfsigned not found' } },
      { kind: 'OpenSearchCluster', match: { namespace: ns }, delay: 6000 },
    ] });
    const r = await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(...resources(ns)) });
    expect(r.exitCode, r.stderr).toBe(0);
    const get = (kind: string, name: string) => kjson(c, 'get', kind, name, '-n', ns);
    const kafka = await eventually('Kafka NotReady', async () => { const o = await get('kafka.kafka.strimzi.io', 'events'); return o.status?.conditions && o; }, 60_000);
    expect(kafka.status.conditions[0]).toMatchObject({ type: 'NotReady', status: 'True', reason: 'TimeoutException' });
    expect(kafka.status.conditions[0].message).toBe(`Exceeded timeout of 300000ms while waiting for Pods resource events-broker-0 in namespace ${ns} to be ready`);
    const es = await eventually('ExternalSecret failed', async () => { const o = await get('externalsecret', 'creds'); return o.status?.conditions && o; });
    expect(es.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'SecretSyncedError' });
    expect((await kubectl(c, ['get', 'secret', 'app-creds', '-n', ns])).exitCode).not.toBe(0);
    const flink = await eventually('Flink failed', async () => { const o = await get('flinkdeployment', 'enrich'); return o.status?.lifecycleState === 'FAILED' && o; }, 60_000);
    expect(flink.status).toMatchObject({ jobManagerDeploymentStatus: 'ERROR', error: 'org.apache.flink.runtime.JobException: Recovery is suppressed' });
    const cert = await eventually('Certificate failed', async () => { const o = await get('certificate', 'ingest'); return o.status?.failedIssuanceAttempts && o; });
    expect(cert.status.conditions.find((x: any) => x.type === 'Issuing')).toMatchObject({ status: 'False', reason: 'Failed', message: 'issuer selfsigned not found' });
    // The slowed OpenSearch stays PENDING while the base-speed resources are long done.
    expect((await get('opensearchcluster', 'search')).status.phase).toBe('PENDING');
    // Unmatched kinds keep the default behaviour.
    await eventually('KafkaTopic Ready', async () => (await get('kafkatopic', 'raw-logs')).status?.conditions?.[0]?.type === 'Ready');
    await c.removeScenario(ns);
  });
});
