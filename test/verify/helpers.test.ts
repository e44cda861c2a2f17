// Pure parts of verify and port-forward: Kafka user choice by ACL and the console commands, service
// discovery by labels, Vector's HTTP path from its config, incident routing, durations, tenant values.
import { describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { discover, schemeFor, catalog } from '../../src/portforward/catalog.js';
import { containerPort } from '../../src/portforward/kube.js';
import { parseServiceList } from '../../src/portforward/index.js';
import { consumerCommand, groupPrefixOf, pickUser, producerCommand, type Broker } from '../../src/verify/kafka.js';
import { anomalySeverity, consumerGroup, healthPath, incidentFor, routedPlatforms, vectorHttpPath, vectorHttpSource, envReference, componentOf } from '../../src/verify/steps/index.js';
import { parseDuration } from '../../src/duration.js';
import { tenantInfoFromValues } from '../../src/verify/tenant.js';
import { requireTenantId } from '../../src/tenant/id.js';
import { exitCodeOf, displayExec } from '../../src/verify/exec.js';
import { newMarker } from '../../src/verify/index.js';

const user = (name: string, acls: unknown[]) => ({ metadata: { name }, spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } } });

describe('Kafka users by ACL', () => {
  const ingestion = user('ingestion', [{ resource: { type: 'topic', name: 'raw-logs', patternType: 'literal' }, operations: ['Write', 'Describe'] }]);
  const flink = user('flink', [
    { resource: { type: 'topic', name: 'raw-logs', patternType: 'literal' }, operations: ['Read', 'Describe'] },
    { resource: { type: 'topic', name: 'anomaly-events', patternType: 'literal' }, operations: ['Write'] },
    { resource: { type: 'group', name: 'logclaw-flink', patternType: 'prefix' }, operations: ['Read'] },
  ]);
  const agent = user('ticketing-agent', [
    { resource: { type: 'topic', name: 'anomaly-events', patternType: 'literal' }, operations: ['Read'] },
    { resource: { type: 'group', name: 'logclaw-ticketing-agent', patternType: 'literal' }, operations: ['Read'] },
  ]);
  const admin = user('admin', [
    { resource: { type: 'topic', name: '*', patternType: 'literal' }, operations: ['All'] },
    { resource: { type: 'group', name: '*', patternType: 'literal' }, operation: 'All' },
  ]);

  it('reads with a user that has a group of its own (prefix ACL), never a live literal group', () => {
    expect(pickUser([ingestion, flink, agent], 'raw-logs', 'Read')).toEqual({ user: flink, groupPrefix: 'logclaw-flink' });
    // the agent may read anomaly-events but only in its live literal group: not used
    expect(pickUser([ingestion, agent], 'anomaly-events', 'Read')).toBeUndefined();
    expect(pickUser([agent, admin], 'anomaly-events', 'Read')).toEqual({ user: admin, groupPrefix: 'logclaw-' });
  });

  it('writes with a user allowed to write the topic', () => {
    expect(pickUser([ingestion, flink, agent], 'anomaly-events', 'Write')?.user).toBe(flink);
    expect(pickUser([ingestion, flink, agent], 'raw-logs', 'Write')?.user).toBe(ingestion);
    expect(pickUser([agent], 'raw-logs', 'Write')).toBeUndefined();
    expect(groupPrefixOf(agent)).toBeUndefined();
    expect(consumerGroup('logclaw-flink', 'raw-m')).toBe('logclaw-flink-verify-raw-m');
    expect(consumerGroup(undefined, 'raw-m')).toBe('logclaw-verify-raw-m');
  });

  it('builds console commands for the environment: plain in dev, SASL_SSL SCRAM otherwise', () => {
    const dev: Broker = { cluster: 'logclaw', pod: 'logclaw-dual-0', container: 'kafka', bootstrap: 'logclaw-kafka-bootstrap:9092', security: 'plain' };
    expect(consumerCommand(dev, 'raw-logs', 'g', 30_000)).toEqual([
      'timeout', '32', 'env', 'KAFKA_HEAP_OPTS=-Xms32M -Xmx192M', 'bin/kafka-console-consumer.sh', '--bootstrap-server', 'logclaw-kafka-bootstrap:9092', '--topic', 'raw-logs', '--group', 'g',
      // from 32 s (the bound) + 60 s (clock slack) back: the marker sent after the exec opened is read however late the group join
      '--consumer-property', 'auto.offset.reset=by_duration:PT92S', '--consumer-property', 'enable.auto.commit=false', '--timeout-ms', '30000',
    ]);
    const prod: Broker = { ...dev, bootstrap: 'logclaw-kafka-bootstrap:9093', security: 'scram' };
    const creds = { user: 'flink', properties: ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', 'sasl.jaas.config=X required password="s3cret";'], secrets: ['s3cret'] };
    expect(producerCommand(prod, 'anomaly-events', 20_000, creds)).toEqual([
      'timeout', '20', 'env', 'KAFKA_HEAP_OPTS=-Xms32M -Xmx192M', 'bin/kafka-console-producer.sh', '--bootstrap-server', 'logclaw-kafka-bootstrap:9093', '--topic', 'anomaly-events',
      '--producer-property', 'security.protocol=SASL_SSL', '--producer-property', 'sasl.mechanism=SCRAM-SHA-512', '--producer-property', 'sasl.jaas.config=X required password="s3cret";',
    ]);
    const shown = displayExec({ namespace: 'ns', pod: 'p', container: 'kafka', command: producerCommand(prod, 'anomaly-events', 20_000, creds), secrets: creds.secrets });
    expect(shown).not.toContain('s3cret');
    expect(shown).toMatch(/^kubectl -n ns exec p -c kafka -- timeout 20 env 'KAFKA_HEAP_OPTS=-Xms32M -Xmx192M' bin\/kafka-console-producer.sh/);
  });

  it('reads exit codes from the exec status channel', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })).toBe(3);
    expect(exitCodeOf({ status: 'Failure', reason: 'InternalError' })).toBe(-1);
  });
});

const svc = (name: string, labels: Record<string, string>, ports: Array<number | [number, string]>, headless = false): V1Service => ({
  metadata: { name, labels },
  spec: { ...(headless ? { clusterIP: 'None' } : {}), ports: ports.map((p) => (Array.isArray(p) ? { port: p[0], name: p[1] } : { port: p })) },
});

describe('service discovery', () => {
  const services = [
    svc('logclaw-ingestion', { 'logclaw.io/component': 'ingestion' }, [8080, 8686, 9598]),
    svc('logclaw-opensearch-discovery', { 'opster.io/opensearch-cluster': 'logclaw-opensearch' }, [9300], true),
    svc('logclaw-opensearch-masters', { 'opster.io/opensearch-cluster': 'logclaw-opensearch' }, [9200, 9300]),
    svc('logclaw-opensearch', { 'opster.io/opensearch-cluster': 'logclaw-opensearch' }, [9200, 9300]),
    svc('logclaw-kafka-bootstrap', { 'strimzi.io/kind': 'Kafka', 'strimzi.io/cluster': 'logclaw' }, [9091, 9092]),
    svc('logclaw-kafka-brokers', { 'strimzi.io/kind': 'Kafka', 'strimzi.io/cluster': 'logclaw' }, [9090, 9091, 9092], true),
    svc('airflow-webserver', { tier: 'airflow', component: 'webserver' }, [[8080, 'airflow-ui']]),
    svc('airflow-postgresql', { tier: 'airflow' }, [5432]),
    svc('logclaw-ml-engine-feast', { 'logclaw.io/component': 'ml-engine', 'app.kubernetes.io/component': 'feast' }, [6567]),
    svc('logclaw-ticketing-agent', { 'logclaw.io/component': 'ticketing-agent' }, [[8080, 'http']]),
    svc('unrelated', { app: 'x' }, [8080]),
  ];

  it('finds each service by labels and port, preferring the cluster Service over node pools', () => {
    const found = discover(services).map((f) => [f.entry.key, f.service, f.port.port]);
    expect(found).toEqual([
      ['vector-http', 'logclaw-ingestion', 8080],
      ['vector-api', 'logclaw-ingestion', 8686],
      ['vector-metrics', 'logclaw-ingestion', 9598],
      ['opensearch', 'logclaw-opensearch', 9200],
      ['kafka-bootstrap', 'logclaw-kafka-bootstrap', 9092],
      ['airflow-webserver', 'airflow-webserver', 8080],
      ['feast', 'logclaw-ml-engine-feast', 6567],
      ['ticketing-agent', 'logclaw-ticketing-agent', 8080],
    ]);
    expect(discover(services, ['opensearch', 'zammad']).map((f) => f.entry.key)).toEqual(['opensearch']);
    expect(schemeFor(catalog.find((e) => e.key === 'opensearch')!, 'dev')).toBe('http');
    expect(schemeFor(catalog.find((e) => e.key === 'opensearch')!, 'production')).toBe('https');
  });

  it('validates --services', () => {
    expect(parseServiceList(['vector-http,opensearch', 'zammad'])).toEqual(['vector-http', 'opensearch', 'zammad']);
    expect(parseServiceList(undefined)).toBeUndefined();
    expect(() => parseServiceList(['vector'])).toThrow(/unknown service "vector"/);
  });

  it('maps a Service port to the container port, named or numeric', () => {
    const s: V1Service = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' as unknown as never }, { port: 9200, targetPort: 9201 as unknown as never }, { port: 5 }] } };
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] } };
    expect(containerPort(s, 80, pod)).toBe(8080);
    expect(containerPort(s, 9200, pod)).toBe(9201);
    expect(containerPort(s, 5, pod)).toBe(5);
    expect(() => containerPort(s, 81, pod)).toThrow(/no port 81/);
  });
});

describe('verify helpers', () => {
  it("reads Vector's HTTP source path from its config (default /)", () => {
    const yaml = 'sources:\n  http:\n    type: http_server\n    address: 0.0.0.0:8080\n    path: /v1/logs\n    decoding: {codec: json}\n  syslog:\n    type: syslog\n';
    expect(vectorHttpPath([{ 'vector.yaml': yaml }])).toBe('/v1/logs');
    expect(vectorHttpPath([{ 'vector.yaml': 'sources:\n  h:\n    type: http_server\n    address: 0.0.0.0:8080\n' }])).toBe('/');
    expect(vectorHttpPath([{ 'x.toml': '[sources.h]\ntype = "http_server"' }])).toBe('/');
  });

  it("reads TLS, client certificates and basic auth of Vector's HTTP source; a password may name an environment variable", () => {
    const secured = 'sources:\n  http:\n    type: http_server\n    address: 0.0.0.0:8080\n    tls: {enabled: true, crt_file: /c, key_file: /k}\n    auth: {username: logclaw, password: "${RECEIVER_TOKEN}"}\n';
    expect(vectorHttpSource([{ 'vector.yaml': secured }])).toEqual({ path: '/', tls: true, clientCertificate: false, auth: { username: 'logclaw', password: '${RECEIVER_TOKEN}' } });
    const mtls = 'sources:\n  http:\n    type: http_server\n    address: 0.0.0.0:8080\n    tls: {enabled: true, ca_file: /ca, verify_certificate: true}\n';
    expect(vectorHttpSource([{ 'vector.yaml': mtls }])).toEqual({ path: '/', tls: true, clientCertificate: true });
    // another port's source is not this one
    expect(vectorHttpSource([{ 'vector.yaml': secured }], 8443)).toEqual({ path: '/', tls: false, clientCertificate: false });
    expect(envReference('${RECEIVER_TOKEN}')).toBe('RECEIVER_TOKEN');
    expect(envReference('literal')).toBeUndefined();
    expect(envReference('pre-${X}')).toBeUndefined();
  });

  it('finds the incident for the marker and the platforms it was routed to', () => {
    const body = { incidents: [{ id: 'INC-1', marker: 'other' }, { id: 'INC-2', severity: 'low', marker: 'lcv-x', routes: [{ platform: 'zammad' }, { platform: 'slack' }] }] };
    const inc = incidentFor(body, 'lcv-x')!;
    expect(inc.id).toBe('INC-2');
    expect(routedPlatforms(inc)).toEqual(['zammad', 'slack']);
    expect(routedPlatforms({ platforms: ['jira'] })).toEqual(['jira']);
    expect(routedPlatforms({})).toBeUndefined();
    expect(incidentFor([{ description: 'anomaly lcv-x seen' }], 'lcv-x')).toBeDefined();
    expect(incidentFor({ nothing: true }, 'lcv-x')).toBeUndefined();
  });

  it('chooses the mildest severity the tenant routes somewhere', () => {
    const r = (low: string[], medium: string[], high: string[], critical: string[]) => ({ routing: { low, medium, high, critical } });
    expect(anomalySeverity(r([], ['slack'], ['pagerduty'], ['pagerduty']))).toBe('medium');
    expect(anomalySeverity(r(['zammad'], [], [], []))).toBe('low');
    expect(anomalySeverity(r([], [], [], []))).toBe('low');
  });

  it('takes the health path from the pod probes', () => {
    expect(healthPath({ spec: { containers: [{ name: 'a', readinessProbe: { httpGet: { path: '/healthz', port: 8080 as unknown as never } } }] } })).toBe('/healthz');
    expect(healthPath({ spec: { containers: [{ name: 'a', livenessProbe: { httpGet: { path: '/live', port: 8080 as unknown as never } } }] } })).toBe('/live');
    const both = { name: 'a', livenessProbe: { httpGet: { path: '/healthz', port: 8080 as unknown as never } }, readinessProbe: { httpGet: { path: '/readyz', port: 8080 as unknown as never } } };
    expect(healthPath({ spec: { containers: [both] } })).toBe('/healthz');
    expect(healthPath(undefined)).toBe('/health');
  });

  it('groups objects by component label', () => {
    expect(componentOf({ metadata: { labels: { 'logclaw.io/component': 'ingestion' } } })).toBe('ingestion');
    expect(componentOf({ metadata: { labels: { 'strimzi.io/cluster': 'logclaw' } } })).toBe('kafka');
    expect(componentOf({ metadata: { labels: { tier: 'airflow', component: 'scheduler' } } })).toBe('airflow');
    expect(componentOf({ metadata: {} })).toBe('other');
  });

  it('parses durations', () => {
    expect(['2m', '90s', '1m30s', '500ms', '1h', '45'].map((d) => parseDuration(d))).toEqual([120_000, 90_000, 90_000, 500, 3_600_000, 45_000]);
    for (const bad of ['', 'soon', '2x', '-1s', '0s']) expect(() => parseDuration(bad)).toThrow(/not a duration/);
  });

  it('makes unique markers', () => {
    const m = newMarker(new Date('2025-02-03T04:05:06Z'));
    expect(m).toMatch(/^lcv-20250203040506-[0-9a-f]{6}$/);
    expect(newMarker()).not.toBe(newMarker());
  });

  it('reads environment, components and routing from tenant values', () => {
    const t = tenantInfoFromValues('acme', 'gitops/tenants/tenant-acme.yaml', {
      global: { tenantId: 'acme', environment: 'staging' },
      flink: { enabled: false },
      ticketingAgent: { enabled: true, config: { platforms: { slack: { enabled: true }, jira: { enabled: false } }, routing: { critical: ['slack'], low: [] } } },
    });
    expect(t).toMatchObject({ id: 'acme', namespace: 'logclaw-acme', environment: 'staging', platforms: ['slack'], routing: { critical: ['slack'], high: [], medium: [], low: [] } });
    expect(t.enabled).toMatchObject({ flink: false, kafka: true, zammad: false, ticketingAgent: true });
    expect(() => requireTenantId('Acme!')).toThrow(/not a tenant id/);
    expect(() => requireTenantId(undefined)).toThrow(/--tenant is required/);
  });
});
