/**
 * The core charts (platform, kafka, ingestion, opensearch) alone, as helmfile installs them: every ci case under helm 3 and 4, valid
 * against the pinned CRDs, plus the library's contract (tier sizing, storage class, pinned images,
 * security) and the behaviour behind individual values.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crdDir, helms, HELM3, repoRoot } from '../helpers/tools.js';
import { loadCrds, validateCustomResources } from './crd-validate.js';
import { ciCases, ciFile, readValues, kindOf, maybe, named, operatorApis, optionalApis, CORE, podSpecs, prepareCharts, render, renderError, renderValues, type K8sObject } from './lib.js';

const crds = loadCrds(crdDir);
const ALL = [...operatorApis, ...optionalApis];
const NS = 'logclaw-acme';
const base = (over: Record<string, unknown> = {}) => ({ tenantId: 'acme', tenantName: 'Acme', tier: 'standard', cloudProvider: 'aws', environment: 'production', ...over });

beforeAll(async () => {
  await prepareCharts();
});

describe.each(Object.values(CORE))('%s', (chart) => {
  it('has ci cases', () => expect(ciCases(chart).length).toBeGreaterThanOrEqual(3));
  describe.each(helms)('$name', ({ bin }) => {
    it.each(ciCases(chart))('renders %s clean; custom resources match their CRDs; workloads restricted', async (file) => {
      const objs = await render(bin, chart, { release: 'logclaw-acme', namespace: NS, values: [ciFile(chart, file)], kubeVersion: '1.34.0', apiVersions: ALL });
      expect(objs.length).toBeGreaterThan(0);
      expect(validateCustomResources(crds, objs)).toEqual([]);
      for (const o of objs) {
        expect(o.metadata.labels?.['app.kubernetes.io/part-of'], `${o.kind}/${o.metadata.name}`).toBe('logclaw');
        expect(o.metadata.labels?.['logclaw.io/component']).toBe(chart.replace('logclaw-', ''));
      }
      for (const { owner, spec } of podSpecs(objs)) {
        for (const ctr of [...(spec.initContainers ?? []), ...spec.containers]) {
          expect(ctr.securityContext.allowPrivilegeEscalation, owner.metadata.name).toBe(false);
          expect(ctr.securityContext.capabilities.drop).toEqual(['ALL']);
          expect(Object.keys(ctr.resources).sort()).toEqual(['limits', 'requests']);
        }
      }
      if (bin !== HELM3) {
        const ref = await render(HELM3, chart, { release: 'logclaw-acme', namespace: NS, values: [ciFile(chart, file)], kubeVersion: '1.34.0', apiVersions: ALL });
        expect(objs).toEqual(ref);
      }
    });
  });
});

describe('logclaw-common through logclaw-ingestion', () => {
  const receiver = async (tier: string, extra: Record<string, unknown> = {}): Promise<K8sObject[]> =>
    renderValues(HELM3, 'logclaw-ingestion', { global: base({ tier }), ...extra }, { namespace: NS, apiVersions: ALL });

  it.each([
    ['standard', 1],
    ['ha', 3],
    ['ultra-ha', 5],
  ])('tier %s: %i replicas, a PDB and zone spread only above one', async (tier, n) => {
    const objs = await receiver(tier);
    const d = named(objs, 'Deployment', 'logclaw-ingestion-receiver');
    expect(d.spec.replicas).toBe(n);
    expect(Boolean(maybe(objs, 'PodDisruptionBudget', 'logclaw-ingestion-receiver'))).toBe(n > 1);
    expect(d.spec.template.spec.topologySpreadConstraints?.[0]?.topologyKey).toBe(n > 1 ? 'topology.kubernetes.io/zone' : undefined);
  });

  it('an explicit replica count wins over the tier; resources overrides merge into the profile', async () => {
    const objs = await receiver('ultra-ha', { receiver: { replicas: 2, resources: { limits: { memory: '3Gi' } } } });
    const d = named(objs, 'Deployment', 'logclaw-ingestion-receiver');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '256Mi' }, limits: { cpu: '4', memory: '3Gi', 'ephemeral-storage': '1Gi' } });
    expect(maybe(objs, 'PodDisruptionBudget', 'logclaw-ingestion-receiver').spec.maxUnavailable).toBe(1);
  });

  it('restricted security context, labels and selector labels', async () => {
    const d = named(await receiver('standard'), 'Deployment', 'logclaw-ingestion-receiver');
    expect(d.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(d.spec.template.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'logclaw-ingestion', 'app.kubernetes.io/instance': 'test', 'app.kubernetes.io/component': 'receiver', 'logclaw.io/component': 'ingestion' });
    expect(d.metadata.labels).toMatchObject({ 'logclaw.io/tenant': 'acme', 'app.kubernetes.io/version': '0.38.0', 'helm.sh/chart': `logclaw-ingestion-${readValues(join(repoRoot, 'charts', 'logclaw-ingestion', 'Chart.yaml')).version}` });
  });

  it('image references: registry/repository:tag, never an unpinned tag', async () => {
    const objs = await receiver('standard', { image: { registry: 'mirror.local:5000', repository: 'timberio/vector', tag: '0.38.0-distroless-libc' } });
    expect(named(objs, 'Deployment', 'logclaw-ingestion-receiver').spec.template.spec.containers[0].image).toBe('mirror.local:5000/timberio/vector:0.38.0-distroless-libc');
    const schemaErr = await renderError(HELM3, 'logclaw-ingestion', { global: base(), image: { registry: 'docker.io', repository: 'timberio/vector', tag: 'latest' } });
    expect(schemaErr).toMatch(/tag/);
  });

  it('fails without a tenant id', async () => {
    expect(await renderError(HELM3, 'logclaw-ingestion', { global: { tier: 'standard' } })).toContain('global.tenantId is required');
  });
});

describe('logclaw-common storage class choice through logclaw-kafka and logclaw-opensearch', () => {
  const cls = async (g: Record<string, unknown>) => {
    const k = await renderValues(HELM3, 'logclaw-kafka', { global: base(g) }, { namespace: NS, apiVersions: ALL });
    const o = await renderValues(HELM3, 'logclaw-opensearch', { global: base({ ...g, environment: 'dev' }) }, { namespace: NS, apiVersions: ALL });
    return [named(k, 'KafkaNodePool', 'combined').spec.storage.volumes[0].class, named(o, 'StatefulSet', 'logclaw-opensearch').spec.volumeClaimTemplates[0].spec.storageClassName];
  };
  it('high-throughput class where set', async () => expect(await cls({ storageClass: 'gp3', storageClassHighThroughput: 'io2' })).toEqual(['io2', 'io2']));
  it('else the default class', async () => expect(await cls({ storageClass: 'gp3' })).toEqual(['gp3', 'gp3']));
  it('else none (the cluster default)', async () => expect(await cls({})).toEqual([undefined, undefined]));
});

describe('logclaw-kafka', () => {
  it('caps replication at the broker count and keeps min.insync.replicas a majority', async () => {
    const objs = await renderValues(HELM3, 'logclaw-kafka', { global: base({ tier: 'ultra-ha' }), broker: { replicas: 3 } }, { namespace: NS, apiVersions: ALL });
    for (const t of kindOf(objs, 'KafkaTopic') as any[]) {
      expect(t.spec.replicas).toBe(3);
      expect(t.spec.config['min.insync.replicas']).toBe(2);
    }
    expect(named(objs, 'KafkaNodePool', 'controller').spec.replicas).toBe(5);
  });

  it('sizes pools from values: storage, heap, resources, partitions, retention', async () => {
    const objs = await render(HELM3, 'logclaw-kafka', { namespace: NS, values: [ciFile('logclaw-kafka', 'ha-mm2-connect-values.yaml')], apiVersions: ALL });
    const broker = named(objs, 'KafkaNodePool', 'broker').spec;
    expect(broker).toMatchObject({ replicas: 4, jvmOptions: { '-Xms': '6g', '-Xmx': '6g' }, resources: { limits: { memory: '12Gi', cpu: '4' } } });
    expect(broker.storage.volumes[0]).toMatchObject({ size: '1Ti', class: 'io2' });
    expect(named(objs, 'KafkaNodePool', 'controller').spec.storage.volumes[0].size).toBe('50Gi');
    expect(named(objs, 'KafkaTopic', 'raw-logs').spec).toMatchObject({ partitions: 32, replicas: 3, config: { 'retention.ms': 48 * 3600000 } });
  });

  it('mirrors to DR with the DR credentials and opens egress to its ports only', async () => {
    const objs = await render(HELM3, 'logclaw-kafka', { namespace: NS, values: [ciFile('logclaw-kafka', 'ha-mm2-connect-values.yaml')], apiVersions: ALL });
    const mm = named(objs, 'KafkaMirrorMaker2', 'logclaw-dr').spec;
    expect(mm.target).toMatchObject({ alias: 'dr', bootstrapServers: 'kafka-dr-0.example:9093,kafka-dr-1.example:9094', authentication: { type: 'scram-sha-512', username: 'mirror', passwordSecret: { secretName: 'dr-credentials', password: 'password' } }, tls: { trustedCertificates: [{ secretName: 'dr-ca', certificate: 'ca.crt' }] } });
    expect(mm.mirrors[0].source).toMatchObject({ alias: 'acme', bootstrapServers: 'logclaw-kafka-bootstrap:9093', authentication: { username: 'mirror-maker' } });
    const np = named(objs, 'NetworkPolicy', 'logclaw-kafka-mirror-maker-egress').spec;
    // the target's ports on public addresses only (private, link-local and CGNAT ranges excepted)
    const internet = [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } }, { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } }];
    expect(np.egress).toEqual([{ to: internet, ports: [{ port: 9093, protocol: 'TCP' }] }, { to: internet, ports: [{ port: 9094, protocol: 'TCP' }] }]);
    const connector = named(objs, 'KafkaConnector', 'logclaw-archive-s3').spec;
    expect(connector).toMatchObject({ class: 'io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector', config: { topics: 'raw-logs,anomaly-events', 'aws.s3.bucket.name': 'acme-archive', 'aws.s3.region': 'us-east-1' } });
    const connectUser = named(objs, 'KafkaUser', 'connect').spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}`);
    expect(connectUser).toEqual(['topic:raw-logs', 'topic:anomaly-events', 'topic:logclaw-connect', 'group:logclaw-connect']);
  });

  it('air-gapped: Connect and MirrorMaker 2 reach only destinations inside the cluster', async () => {
    const objs = await render(HELM3, 'logclaw-kafka', { namespace: NS, values: [ciFile('logclaw-kafka', 'airgapped-connect-values.yaml')], apiVersions: ALL });
    // the namespaces of the in-cluster endpoints, nothing else
    expect(named(objs, 'NetworkPolicy', 'logclaw-kafka-connect-egress').spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }], ports: [{ port: 9000, protocol: 'TCP' }] }]);
    expect(named(objs, 'NetworkPolicy', 'logclaw-kafka-mirror-maker-egress').spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dr' } } }], ports: [{ port: 9092, protocol: 'TCP' }] }]);
    const connect = named(objs, 'KafkaConnect', 'logclaw-archive').spec;
    expect(connect.template.connectContainer.env.map((e: any) => e.name)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(named(objs, 'KafkaConnector', 'logclaw-archive-s3').spec.config['aws.s3.endpoint']).toBe('http://minio.minio.svc:9000');
  });

  it('refuses MirrorMaker 2 without a target', async () => {
    expect(await renderError(HELM3, 'logclaw-kafka', { global: base(), mirrorMaker2: { enabled: true } }, { apiVersions: ALL })).toContain('kafka.mirrorMaker2.target.bootstrapServers is required');
  });

  it('renders no custom resource when Strimzi is absent', async () => {
    const objs = await renderValues(HELM3, 'logclaw-kafka', { global: base(), connect: { enabled: true }, mirrorMaker2: { enabled: true, target: { bootstrapServers: 'dr:9093' } } }, { namespace: NS });
    expect(objs.map((o) => o.kind).sort()).toEqual(['NetworkPolicy', 'NetworkPolicy']);
  });
});

describe('logclaw-ingestion', () => {
  it('validates, enriches and routes invalid events to dead-letter', async () => {
    const objs = await render(HELM3, 'logclaw-ingestion', { namespace: NS, values: [ciFile('logclaw-ingestion', 'ha-privatelink-aws-values.yaml')], apiVersions: ALL });
    const { parse } = await import('yaml');
    const cfg = parse(named(objs, 'ConfigMap', 'logclaw-ingestion-receiver').data['vector.yaml']);
    expect(Object.keys(cfg.sources).sort()).toEqual(['http', 'http_tls', 'internal_metrics', 'syslog']);
    expect(cfg.sources.syslog.address).toBe('0.0.0.0:6514');
    expect(cfg.transforms.validate).toMatchObject({ type: 'remap', inputs: ['http', 'syslog', 'http_tls'], reroute_dropped: true });
    expect(cfg.transforms.validate.source).toContain('> 262144');
    expect(cfg.transforms.enrich.source).toContain('.tenant_id = "acme"');
    expect(cfg.transforms.enrich.source).toContain('.ingest_timestamp = now()');
    expect(cfg.transforms.dead_letter.inputs).toEqual(['validate.dropped']);
    expect(cfg.sinks.raw_logs).toMatchObject({ type: 'kafka', topic: 'raw-logs', inputs: ['enrich'], compression: 'lz4', buffer: { max_events: 50000 } });
    expect(cfg.sinks.dead_letter).toMatchObject({ type: 'kafka', topic: 'dead-letter', inputs: ['dead_letter'] });
    expect(cfg.sinks.metrics).toMatchObject({ type: 'prometheus_exporter', address: '0.0.0.0:9598' });
    expect(cfg.api.address).toBe('0.0.0.0:8686');
    const np = named(objs, 'NetworkPolicy', 'logclaw-ingestion-receiver-ingress').spec;
    expect(np.ingress).toEqual([
      {
        ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 6514 }, { protocol: 'TCP', port: 8443 }],
        from: [{ podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8' } }, { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['payments'] } ] } }],
      },
    ]);
    const lb = named(objs, 'Service', 'logclaw-ingestion-privatelink');
    expect(lb.spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/8']);
    expect(lb.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('external');
    // optional CRDs present: scraping, alerts and recommendations
    expect(named(objs, 'ServiceMonitor', 'logclaw-ingestion-receiver').spec.endpoints[0].port).toBe('metrics');
    expect(named(objs, 'PrometheusRule', 'logclaw-ingestion').spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['LogclawIngestionDeadLetters', 'LogclawIngestionKafkaErrors']);
    expect(named(objs, 'VerticalPodAutoscaler', 'logclaw-ingestion-receiver').spec.updatePolicy.updateMode).toBe('Off');
  });

  it('outside dev the HTTP and OTLP inputs use TLS from the tenant Issuer; HTTP takes the shared token, OTLP client certificates', async () => {
    const objs = await renderValues(HELM3, 'logclaw-ingestion', { global: base() }, { namespace: NS, apiVersions: ALL });
    const { parse } = await import('yaml');
    const cfg = parse(named(objs, 'ConfigMap', 'logclaw-ingestion-receiver').data['vector.yaml']);
    const tls = { enabled: true, crt_file: '/etc/logclaw/receiver-tls/tls.crt', key_file: '/etc/logclaw/receiver-tls/tls.key' };
    const clientCerts = { ...tls, ca_file: '/etc/logclaw/receiver-tls/ca.crt', verify_certificate: true };
    expect(cfg.sources.http.tls).toEqual(tls);
    expect(cfg.sources.http.auth).toEqual({ username: 'logclaw', password: '${RECEIVER_TOKEN}' });
    expect(cfg.sources.otlp.grpc.tls).toEqual(clientCerts);
    expect(cfg.sources.otlp.http.tls).toEqual(clientCerts);
    const cert = named(objs, 'Certificate', 'logclaw-ingestion-receiver-tls').spec;
    expect(cert.issuerRef).toEqual({ name: 'logclaw-internal-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(cert.dnsNames).toContain(`logclaw-ingestion.${NS}.svc`);
    expect(named(objs, 'ExternalSecret', 'logclaw-ingestion-receiver-token').spec.data).toEqual([{ secretKey: 'token', remoteRef: { key: 'logclaw/acme/ingestion-token', property: 'token' } }]);
    const d = named(objs, 'Deployment', 'logclaw-ingestion-receiver');
    const ctr = d.spec.template.spec.containers[0];
    expect(ctr.env).toContainEqual({ name: 'RECEIVER_TOKEN', valueFrom: { secretKeyRef: { name: 'logclaw-ingestion-receiver-token', key: 'token' } } });
    expect(ctr.volumeMounts).toContainEqual({ name: 'receiver-tls', mountPath: '/etc/logclaw/receiver-tls', readOnly: true });
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'receiver-tls', secret: { secretName: 'logclaw-ingestion-receiver-tls' } });
    expect(d.metadata.annotations?.['logclaw.io/prerequisites']).toBeUndefined();
  });

  it('without cert-manager and External Secrets the certificate and token Secrets are prerequisites', async () => {
    const objs = await renderValues(HELM3, 'logclaw-ingestion', { global: base() }, { namespace: NS, apiVersions: [] });
    expect(kindOf(objs, 'Certificate')).toEqual([]);
    expect(kindOf(objs, 'ExternalSecret')).toEqual([]);
    expect(named(objs, 'Deployment', 'logclaw-ingestion-receiver').metadata.annotations['logclaw.io/prerequisites']).toBe('Secret/logclaw-ingestion-receiver-tls, Secret/logclaw-ingestion-receiver-token');
  });

  it('in dev the inputs stay plain and open to the namespace; token or mtls without TLS does not render', async () => {
    const objs = await renderValues(HELM3, 'logclaw-ingestion', { global: base({ environment: 'dev' }) }, { namespace: NS, apiVersions: ALL });
    const { parse } = await import('yaml');
    const cfg = parse(named(objs, 'ConfigMap', 'logclaw-ingestion-receiver').data['vector.yaml']);
    expect(cfg.sources.http.tls).toBeUndefined();
    expect(cfg.sources.http.auth).toBeUndefined();
    expect(cfg.sources.otlp.grpc.tls).toBeUndefined();
    expect(kindOf(objs, 'Certificate')).toEqual([]);
    expect(named(objs, 'Deployment', 'logclaw-ingestion-receiver').spec.template.spec.containers[0].env.map((e: any) => e.name)).not.toContain('RECEIVER_TOKEN');
    for (const clientAuth of ['token', 'mtls']) {
      expect(await renderError(HELM3, 'logclaw-ingestion', { global: base(), receiver: { security: { tls: 'disabled', clientAuth } } })).toContain(`clientAuth=${clientAuth} needs TLS`);
    }
  });

  it('mtls asks every HTTP and OTLP client, the private link included, for a certificate of the tenant CA', async () => {
    const objs = await render(HELM3, 'logclaw-ingestion', { namespace: NS, values: [ciFile('logclaw-ingestion', 'receiver-mtls-values.yaml')], apiVersions: ALL });
    const { parse } = await import('yaml');
    const cfg = parse(named(objs, 'ConfigMap', 'logclaw-ingestion-receiver').data['vector.yaml']);
    expect(cfg.sources.http.tls).toMatchObject({ ca_file: '/etc/logclaw/receiver-tls/ca.crt', verify_certificate: true });
    expect(cfg.sources.http_tls.tls).toMatchObject({ crt_file: '/etc/logclaw/tls/tls.crt', ca_file: '/etc/logclaw/tls/ca.crt', verify_certificate: true });
    expect(cfg.sources.http.auth).toBeUndefined();
    expect(cfg.sources.otlp.http.tls.verify_certificate).toBe(true);
    expect(named(objs, 'Certificate', 'logclaw-ingestion-receiver-tls').spec.dnsNames).toContain('ingest.lab.internal');
    expect(kindOf(objs, 'ExternalSecret')).toEqual([]);
  });

  it('the node agent reads /var/log read-only as root without capabilities, only in the chosen namespaces', async () => {
    const objs = await render(HELM3, 'logclaw-ingestion', { namespace: NS, values: [ciFile('logclaw-ingestion', 'agent-values.yaml')], apiVersions: operatorApis });
    const ds = named(objs, 'DaemonSet', 'logclaw-ingestion-agent').spec.template.spec;
    expect(ds.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } });
    expect(ds.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(ds.containers[0].volumeMounts).toContainEqual({ name: 'var-log', mountPath: '/var/log', readOnly: true });
    expect(ds.containers[0].image).toBe('mirror.lab.internal:5000/timberio/vector:0.38.0-distroless-libc');
    const { parse } = await import('yaml');
    const cfg = parse(named(objs, 'ConfigMap', 'logclaw-ingestion-agent').data['vector.yaml']);
    expect(cfg.sources.node_logs).toMatchObject({ type: 'kubernetes_logs', extra_namespace_label_selector: 'kubernetes.io/metadata.name in (payments,checkout)' });
    expect(named(objs, 'ClusterRole', 'logclaw-lab-vector-agent').rules[0].verbs).toEqual(['get', 'list', 'watch']);
    expect(named(objs, 'Deployment', 'logclaw-ingestion-receiver').spec.replicas).toBe(2);
    expect(kindOf(objs, 'ServiceMonitor')).toEqual([]);
  });
});

describe('logclaw-opensearch', () => {
  it('honours pool, dashboards, credentials and index-template values', async () => {
    const objs = await render(HELM3, 'logclaw-opensearch', { namespace: NS, values: [ciFile('logclaw-opensearch', 'ultra-ha-values.yaml')], apiVersions: ALL });
    const spec = named(objs, 'OpenSearchCluster', 'logclaw-opensearch').spec;
    expect(spec.nodePools.map((p: any) => [p.component, p.replicas, p.diskSize ?? null, p.jvm])).toEqual([
      ['managers', 3, '10Gi', '-Xms2g -Xmx2g'],
      ['data', 6, '4000Gi', '-Xms16g -Xmx16g'],
    ]);
    expect(spec.dashboards.replicas).toBe(3);
    expect(named(objs, 'ExternalSecret', 'logclaw-opensearch-admin').spec).toMatchObject({ refreshInterval: '15m', data: [{ remoteRef: { key: 'opensearch/acme-admin', property: 'username' } }, { remoteRef: { key: 'opensearch/acme-admin', property: 'password' } }] });
    const tpl = JSON.parse(named(objs, 'ConfigMap', 'logclaw-opensearch-index-template').data['logclaw-logs.json']);
    expect(tpl.template.settings).toEqual({ number_of_shards: 12, number_of_replicas: 1, refresh_interval: '30s' });
  });

  it('declares the Flink ETL job a user of its own that may only write and create the log indices', async () => {
    const objs = await render(HELM3, 'logclaw-opensearch', { namespace: NS, values: [ciFile('logclaw-opensearch', 'ultra-ha-values.yaml')], apiVersions: ALL });
    const role = named(objs, 'OpensearchRole', 'logclaw-logs-writer').spec;
    expect(role).toEqual({
      opensearchCluster: { name: 'logclaw-opensearch' },
      clusterPermissions: ['indices:data/write/bulk'],
      indexPermissions: [{ indexPatterns: ['logclaw-logs-*', 'logclaw-archive-*'], allowedActions: ['write', 'create_index'] }],
    });
    expect(named(objs, 'OpensearchUser', 'logclaw-flink-etl').spec).toEqual({ opensearchCluster: { name: 'logclaw-opensearch' }, passwordFrom: { name: 'logclaw-opensearch-flink-etl', key: 'password' } });
    expect(named(objs, 'OpensearchUserRoleBinding', 'logclaw-flink-etl').spec).toEqual({ opensearchCluster: { name: 'logclaw-opensearch' }, users: ['logclaw-flink-etl'], roles: ['logclaw-logs-writer'] });
    const es = named(objs, 'ExternalSecret', 'logclaw-opensearch-flink-etl').spec;
    expect(es.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'opensearch/acme-flink', property: 'password' } }]);
    expect(es.target.template.data).toEqual({ username: 'logclaw-flink-etl', password: '{{ .password }}' });
    // dev (security plugin off), or an operator without the user CRDs: no user
    const dev = await renderValues(HELM3, 'logclaw-opensearch', { global: base({ environment: 'dev' }) }, { namespace: NS, apiVersions: ALL });
    expect(kindOf(dev, 'OpensearchUser')).toEqual([]);
    const older = await renderValues(HELM3, 'logclaw-opensearch', { global: base() }, { namespace: NS, apiVersions: ALL.filter((a) => !a.endsWith('/OpensearchUser')) });
    expect([...kindOf(older, 'OpensearchUser'), ...kindOf(older, 'OpensearchRole'), ...kindOf(older, 'OpensearchUserRoleBinding')]).toEqual([]);
    expect(maybe(older, 'ExternalSecret', 'logclaw-opensearch-flink-etl')).toBeUndefined();
  });

  it('caps index replicas at data nodes - 1 and defaults by tier', async () => {
    const objs = await renderValues(HELM3, 'logclaw-opensearch', { global: base({ tier: 'ultra-ha' }), data: { replicas: 2 } }, { namespace: NS, apiVersions: ALL });
    const tpl = JSON.parse(named(objs, 'ConfigMap', 'logclaw-opensearch-index-template').data['logclaw-logs.json']);
    expect(tpl.template.settings).toMatchObject({ number_of_shards: 5, number_of_replicas: 1 });
  });

  it('without cert-manager the operator generates the HTTP certificate and the Job trusts its CA', async () => {
    const objs = await renderValues(HELM3, 'logclaw-opensearch', { global: base() }, { namespace: NS, apiVersions: operatorApis.filter((a) => !a.startsWith('cert-manager')) });
    expect(named(objs, 'OpenSearchCluster', 'logclaw-opensearch').spec.security.tls.http).toEqual({ generate: true });
    const job = named(objs, 'Job', 'logclaw-opensearch-index-template');
    expect(job.spec.template.spec.volumes.find((v: any) => v.name === 'ca').secret.secretName).toBe('logclaw-opensearch-ca');
    expect(maybe(objs, 'Certificate', 'logclaw-opensearch-http')).toBeUndefined();
  });
});

describe('logclaw-platform', () => {
  it('air-gapped with API server CIDRs: the only address blocks are the API server', async () => {
    const objs = await render(HELM3, 'logclaw-platform', { namespace: NS, values: [ciFile('logclaw-platform', 'vault-airgapped-values.yaml')], apiVersions: ALL });
    const nps = Object.fromEntries(kindOf(objs, 'NetworkPolicy').map((n: any) => [n.metadata.name, n.spec]));
    expect(nps['logclaw-platform-allow-kube-api'].egress).toEqual([{ ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }], to: [{ ipBlock: { cidr: '10.96.0.1/32' } }] }]);
    expect(nps['logclaw-platform-allow-monitoring']).toBeUndefined();
    expect(nps['logclaw-platform-allow-operators'].ingress[0].from[0].namespaceSelector.matchExpressions[0].values).toEqual(['strimzi-system', 'opensearch-operator-system']);
    expect(named(objs, 'SecretStore', 'logclaw').spec.provider.vault.auth.kubernetes.mountPath).toBe('k8s-lab');
    expect(named(objs, 'Namespace', NS).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(named(objs, 'Certificate', 'logclaw-internal-ca').spec.duration).toBe('43800h');
  });

  it('quota by tier with overrides; switches for namespace, RBAC and LimitRange', async () => {
    const aws = await render(HELM3, 'logclaw-platform', { namespace: NS, values: [ciFile('logclaw-platform', 'aws-irsa-values.yaml')], apiVersions: ALL });
    expect(named(aws, 'ResourceQuota', 'logclaw-platform-quota').spec.hard).toMatchObject({ 'requests.cpu': '64', pods: '300', 'requests.memory': '192Gi' });
    const az = await render(HELM3, 'logclaw-platform', { namespace: NS, values: [ciFile('logclaw-platform', 'azure-managed-identity-values.yaml')], apiVersions: ALL });
    expect(kindOf(az, 'Namespace')).toEqual([]);
    expect(kindOf(az, 'Role')).toEqual([]);
    expect(kindOf(az, 'LimitRange')).toEqual([]);
    expect(named(az, 'SecretStore', 'logclaw').spec.provider.azurekv).toEqual({ vaultUrl: 'https://contoso.vault.azure.net', authType: 'ManagedIdentity' });
    expect(named(az, 'ResourceQuota', 'logclaw-platform-quota').spec.hard['requests.cpu']).toBe('128');
  });
});
