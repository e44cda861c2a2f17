/** Dev secrets are found in rendered objects: what workloads read that nothing rendered provides. */
import { describe, expect, it } from 'vitest';
import { devSecretNeeds, devValue } from '../../src/lifecycle/dev-secrets.js';
import type { KubeObject } from '../../src/readiness/types.js';

const deploy = (name: string, env: object[], volumes: object[] = [], annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, annotations },
  spec: { template: { spec: { containers: [{ name: 'c', env }], volumes } } },
});

describe('devSecretNeeds', () => {
  it('collects secretKeyRef and secret volume items, minus what the render or an operator provides', () => {
    const objects: KubeObject[] = [
      deploy('flink', [
        { name: 'U', valueFrom: { secretKeyRef: { name: 'logclaw-opensearch-credentials', key: 'username' } } },
        { name: 'P', valueFrom: { secretKeyRef: { name: 'logclaw-opensearch-credentials', key: 'password' } } },
        { name: 'J', valueFrom: { secretKeyRef: { name: 'flink', key: 'sasl.jaas.config' } } }, // KafkaUser's
        { name: 'T', valueFrom: { secretKeyRef: { name: 'tls', key: 'tls.crt' } } }, // Certificate's
        { name: 'O', valueFrom: { secretKeyRef: { name: 'maybe', key: 'x', optional: true } } },
        { name: 'R', valueFrom: { secretKeyRef: { name: 'rendered', key: 'x' } } },
      ], [{ name: 'v', secret: { secretName: 'logclaw-redis', items: [{ key: 'password', path: 'p' }] } }]),
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name: 'flink' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { secretName: 'tls' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rendered' } },
      deploy('agent', [], [], { 'logclaw.io/dev-secrets': 'logclaw-ticketing-agent-zammad:api-token' }),
    ];
    expect(devSecretNeeds(objects)).toEqual([
      { name: 'logclaw-opensearch-credentials', keys: ['username', 'password'], readers: ['Deployment/flink'] },
      { name: 'logclaw-redis', keys: ['password'], readers: ['Deployment/flink'] },
      { name: 'logclaw-ticketing-agent-zammad', keys: ['api-token'], readers: ['Deployment/agent'] },
    ]);
  });

  it('leaves every Secret an operator makes to the operator (the one list in src/pod-spec.ts)', () => {
    const reads = (...names: string[]) => deploy('app', names.map((n, i) => ({ name: `E${i}`, valueFrom: { secretKeyRef: { name: n, key: 'k' } } })));
    const objects: KubeObject[] = [
      reads('kafka-cluster-ca', 'kafka-clients-ca-cert', 'os-admin-password', 'creds', 'user'),
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'kafka' } },
      { apiVersion: 'opensearch.opster.io/v1', kind: 'OpenSearchCluster', metadata: { name: 'os' } },
      // Strimzi names the KafkaUser's Secret after spec.template.secret.metadata.name when it is set
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser', metadata: { name: 'user' }, spec: { template: { secret: { metadata: { name: 'creds' } } } } },
    ];
    expect(devSecretNeeds(objects)).toEqual([{ name: 'user', keys: ['k'], readers: ['Deployment/app'] }]);
  });

  it('values are random per call; user names are readable', () => {
    expect(devValue('password')).toMatch(/^[\w-]{24}$/);
    expect(devValue('password')).not.toBe(devValue('password'));
    expect(devValue('username')).toBe('admin');
  });
});
