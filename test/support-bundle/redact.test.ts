/**
 * Redaction of the support bundle, one planted credential of each kind: Secret data, env values, config keys,
 * sasl.jaas.config, URL user info, bearer tokens and JWTs; and what must stay readable (names of Secrets, keys).
 */
import { describe, expect, it } from 'vitest';
import { MASK, redactObject, redactString, redactValue } from '../../src/support-bundle/index.js';
import { isSecretKey, redactFreeText } from '../../src/tools/redact.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXBsYW50ZWQ';

describe('support bundle redaction', () => {
  it('masks every value of a Secret, keeps its keys and sizes, drops its last-applied annotation', () => {
    const s = redactObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"cGxhbnRlZA=="}}' }, managedFields: [{ manager: 'kubectl' }] },
      data: { password: Buffer.from('planted-secret-data').toString('base64') },
      stringData: { 'config.yaml': 'user: x' },
    });
    expect(s.data).toEqual({ password: `${MASK} (19 bytes)` });
    expect(s.stringData).toEqual({ 'config.yaml': `${MASK} (7 bytes)` });
    expect(s.metadata?.annotations).toEqual({});
    expect(s.metadata?.managedFields).toBeUndefined();
    expect(JSON.stringify(s)).not.toMatch(/planted|cGxhbnRlZA/);
  });

  it('masks credential-looking env values and keys, keeps references to Secrets', () => {
    const d = redactObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: {
        template: {
          spec: {
            containers: [{
              name: 'c',
              env: [
                { name: 'DB_PASSWORD', value: 'planted-env-password' },
                { name: 'API_TOKEN', value: 'planted-env-token' },
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-user', key: 'password' } } },
              ],
            }],
            volumes: [{ name: 'tls', secret: { secretName: 'kafka-tls' } }],
          },
        },
      },
    });
    const env = d.spec.template.spec.containers[0].env;
    expect(env.map((e: { value?: string }) => e.value)).toEqual([MASK, MASK, 'info', undefined]);
    expect(env[3].valueFrom.secretKeyRef).toEqual({ name: 'kafka-user', key: 'password' });
    expect(d.spec.template.spec.volumes[0].secret.secretName).toBe('kafka-tls');
    const values = redactValue({ auth: { password: 'planted-values-pass', existingSecret: 'auth-secret', passwordSecretRef: 'x', clientSecret: 'planted-cs' }, replicas: 3, tls: { enabled: true } });
    expect(values).toEqual({ auth: { password: MASK, existingSecret: 'auth-secret', passwordSecretRef: 'x', clientSecret: MASK }, replicas: 3, tls: { enabled: true } });
  });

  it('masks sasl.jaas.config, URL user info, bearer tokens and JWTs in free text and in ConfigMap data', () => {
    const cm = redactObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: {
        'client.properties': 'bootstrap.servers=kafka:9093\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="planted-jaas";\n',
        'app.yaml': `opensearch:\n  url: https://admin:planted-url-pass@opensearch:9200\n  password: planted-yaml-pass\nwebhook: "Authorization: Bearer planted-bearer-token-123"\nsa: ${JWT}\n`,
        'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="planted-jaas-2";',
      },
    });
    const text = JSON.stringify(cm);
    expect(text).not.toMatch(/planted/);
    expect(text).not.toContain(JWT);
    expect(cm.data['client.properties']).toContain('bootstrap.servers=kafka:9093');
    expect(cm.data['app.yaml']).toContain('https://admin:***@opensearch:9200');
    expect(redactString('2026-01-01 connect password=planted-log-pass user=bob')).toBe('2026-01-01 connect password=*** user=bob');
    expect(redactString('{"apiKey": "planted-json-key", "name": "x"}')).toBe('{"apiKey": "***", "name": "x"}');
  });

  it("redacts kubectl's last-applied-configuration as the object it holds", () => {
    const applied = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'app.yaml': 'x:\n  password: planted-yaml\n', 'client.properties': 'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="planted-jaas";' } };
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'DB_PASSWORD', value: 'planted-env' }] }] } } } };
    for (const o of [applied, dep]) {
      const r = redactObject({ ...o, metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(o) + '\n' } } });
      const a = r.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration']!;
      expect(a).not.toMatch(/planted/);
      expect(JSON.parse(a).kind).toBe(o.kind);
    }
  });

  it('names credentials, not where they live', () => {
    for (const k of ['password', 'clientSecret', 'apiKey', 'api_key', 'DB_TOKEN', 'sasl.jaas.config', 'credentials', 'privateKey', 'secretKey']) expect(isSecretKey(k), k).toBe(true);
    for (const k of ['secretName', 'existingSecret', 'passwordSecretRef', 'tokenPath', 'secretStoreRef', 'name', 'key', 'tls']) expect(isSecretKey(k), k).toBe(false);
    expect(redactFreeText('secretName: kafka-tls')).toBe('secretName: kafka-tls');
  });
});
