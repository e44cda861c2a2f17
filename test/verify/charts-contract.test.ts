// verify and port-forward find things by labels, ports and ACLs rather than names: this proves those
// rules hold for what the charts really render (real helm), so a chart change that breaks them fails here.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { HELM3 } from '../helpers/tools.js';
import { repoRoot } from '../helpers/tools.js';
import { kindOf, operatorApis, render, renderValues } from '../charts/lib.js';
import { discover, schemeFor } from '../../src/portforward/catalog.js';
import { brokerSecurity, DEFAULT_KAFKA_CLUSTER, pickUser } from '../../src/verify/kafka.js';
import { envReference, healthPath, TENANT_KINDS, vectorHttpPath, vectorHttpSource, RAW_TOPIC, ANOMALY_TOPIC } from '../../src/verify/steps/index.js';
import { verdict } from '../../src/readiness/verdict.js';

const devTenant = join(repoRoot, 'gitops', 'tenants', 'tenant-dev-local.yaml');
const haCase = join(repoRoot, 'charts', 'logclaw-tenant', 'ci', 'ha-aws-values.yaml');
const ns = 'logclaw-t';

describe('verify follows the charts', () => {
  it('dev tenant: Vector, OpenSearch found by labels; Vector HTTP path; Kafka cluster, plain listener, topics', async () => {
    const objs = await render(HELM3, 'logclaw-tenant', { namespace: ns, values: [devTenant], apiVersions: operatorApis });
    const services = kindOf(objs, 'Service') as unknown as V1Service[];
    const found = Object.fromEntries(discover(services).map((f) => [f.entry.key, `${f.service}:${f.port.port}`]));
    expect(found).toMatchObject({
      'vector-http': 'logclaw-ingestion:8080',
      'vector-api': 'logclaw-ingestion:8686',
      'vector-metrics': 'logclaw-ingestion:9598',
      opensearch: 'logclaw-opensearch:9200',
    });
    const os = discover(services, ['opensearch'])[0]!;
    expect(schemeFor(os.entry, 'dev')).toBe('http');

    const configs = kindOf(objs, 'ConfigMap').filter((c) => c.metadata.labels?.['logclaw.io/component'] === 'ingestion');
    expect(configs.length).toBeGreaterThan(0);
    expect(vectorHttpPath(configs.map((c) => (c as unknown as { data: Record<string, string> }).data))).toBe('/');

    const kafka = kindOf(objs, 'Kafka');
    expect(kafka.map((k) => k.metadata.name)).toEqual([DEFAULT_KAFKA_CLUSTER]);
    const listeners = (kafka[0] as unknown as { spec: { kafka: { listeners: Array<{ port: number; tls: boolean; authentication?: unknown }> } } }).spec.kafka.listeners;
    expect(brokerSecurity('dev')).toBe('plain');
    expect(listeners.some((l) => l.port === 9092 && !l.tls && !l.authentication)).toBe(true);
    const topics = kindOf(objs, 'KafkaTopic').map((t) => String((t as unknown as { spec?: { topicName?: string } }).spec?.topicName ?? t.metadata.name));
    expect(topics).toEqual(expect.arrayContaining([RAW_TOPIC, ANOMALY_TOPIC]));

    // every rendered object that reports readiness is one of the kinds step 1 lists
    const listed = new Set(TENANT_KINDS.map(([, k]) => k));
    const withStatus = objs.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind) || o.apiVersion.includes('strimzi') || o.apiVersion.includes('opster') || o.apiVersion.includes('flink.apache.org'));
    expect(withStatus.filter((o) => !listed.has(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    // and the readiness engine judges them (no status yet: not ready)
    for (const o of withStatus) expect(verdict(o as never).status).not.toBe('ready');
  });

  it('non-dev tenant: TLS+SCRAM listener, and KafkaUsers whose ACLs let verify read and write without joining live groups', async () => {
    const objs = await render(HELM3, 'logclaw-tenant', { namespace: ns, values: [haCase], apiVersions: operatorApis });
    const kafka = kindOf(objs, 'Kafka')[0] as unknown as { spec: { kafka: { listeners: Array<{ port: number; tls: boolean; authentication?: { type: string } }> } } };
    expect(brokerSecurity('production')).toBe('scram');
    expect(kafka.spec.kafka.listeners.some((l) => l.port === 9093 && l.tls && l.authentication?.type === 'scram-sha-512')).toBe(true);
    const users = kindOf(objs, 'KafkaUser') as unknown as Array<Record<string, unknown>>;
    const name = (u: { user: Record<string, unknown> } | undefined) => (u?.user.metadata as { name: string } | undefined)?.name;
    const readRaw = pickUser(users, RAW_TOPIC, 'Read');
    const readAnomaly = pickUser(users, ANOMALY_TOPIC, 'Read');
    const writeAnomaly = pickUser(users, ANOMALY_TOPIC, 'Write');
    expect(name(readRaw)).toBeDefined();
    expect(name(readAnomaly)).toBeDefined();
    expect(name(writeAnomaly)).toBeDefined();
    expect(readRaw!.groupPrefix).toBeTruthy();
    expect(readAnomaly!.groupPrefix).toBeTruthy();
  });

  it("non-dev tenant: verify sends to Vector's HTTP source over TLS with the token the receiver reads from its Secret", async () => {
    const objs = await render(HELM3, 'logclaw-tenant', { namespace: ns, values: [haCase], apiVersions: operatorApis });
    const configs = kindOf(objs, 'ConfigMap').filter((c) => c.metadata.labels?.['logclaw.io/component'] === 'ingestion');
    const source = vectorHttpSource(configs.map((c) => (c as unknown as { data: Record<string, string> }).data));
    expect(source).toMatchObject({ tls: true, clientCertificate: false, auth: { username: 'logclaw' } });
    const ref = envReference(source.auth!.password)!;
    const receiver = kindOf(objs, 'Deployment').find((d) => d.metadata.labels?.['logclaw.io/component'] === 'ingestion') as unknown as { spec: { template: V1Pod } };
    const env = receiver.spec.template.spec!.containers[0]!.env!.find((e) => e.name === ref);
    expect(env?.valueFrom?.secretKeyRef).toEqual({ name: 'logclaw-ingestion-receiver-token', key: 'token' });
    expect(kindOf(objs, 'ExternalSecret').map((e) => e.metadata.name)).toContain('logclaw-ingestion-receiver-token');
    const [http] = discover(kindOf(objs, 'Service') as unknown as V1Service[], ['vector-http']);
    expect(schemeFor(http!.entry, 'production')).toBe('https');
    expect(schemeFor(http!.entry, 'dev')).toBe('http');
  });

  it('ticketing agent: its Service is found and the health path comes from its probes', async () => {
    const objs = await renderValues(HELM3, 'logclaw-ticketing-agent', { global: { tenantId: 't', environment: 'dev' } }, { namespace: ns });
    const services = kindOf(objs, 'Service') as unknown as V1Service[];
    const found = discover(services, ['ticketing-agent']);
    expect(found.map((f) => f.port.port)).toEqual([8080]);
    const dep = kindOf(objs, 'Deployment')[0] as unknown as { spec: { template: V1Pod } };
    const path = healthPath(dep.spec.template);
    expect(path).toMatch(/^\/\w+/);
    expect(path).not.toBe('/health'); // taken from the chart, not the fallback
  });
});
