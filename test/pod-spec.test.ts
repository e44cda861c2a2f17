// What a pod spec references, walked once (src/pod-spec.ts), and the Secrets operators create.
import { describe, expect, it } from 'vitest';
import { operatorSecrets, podSpecReferences, SECRET_MAKING_KINDS, valueFromReferences, volumeReferences } from '../src/pod-spec.js';

describe('podSpecReferences', () => {
  const spec = {
    serviceAccountName: 'sa',
    imagePullSecrets: [{ name: 'pull' }],
    volumes: [
      { name: 'a', secret: { secretName: 's1', items: [{ key: 'tls.crt', path: 'c' }] } },
      { name: 'b', configMap: { name: 'cm1', optional: true } },
      { name: 'c', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'd', projected: { sources: [{ secret: { name: 's2' } }, { configMap: { name: 'cm2' } }] } },
    ],
    initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 's3' } }, { configMapRef: { name: 'cm3' } }] }],
    containers: [{ name: 'c', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 's4', key: 'password', optional: true } } }, { name: 'X', value: 'x' }] }],
  };

  it('names every Secret, ConfigMap, ServiceAccount and PVC with its field path, keys and how the pod uses it', () => {
    expect(podSpecReferences(spec, 'spec.template.spec').map((r) => [r.kind, r.name, r.path, r.optional, r.keys.join(','), r.via])).toEqual([
      ['ServiceAccount', 'sa', 'spec.template.spec.serviceAccountName', false, '', 'serviceAccountName'],
      ['Secret', 'pull', 'spec.template.spec.imagePullSecrets[0].name', false, '', 'imagePullSecrets'],
      ['Secret', 's1', 'spec.template.spec.volumes[0].secret.secretName', false, 'tls.crt', 'volume'],
      ['ConfigMap', 'cm1', 'spec.template.spec.volumes[1].configMap.name', true, '', 'volume'],
      ['PersistentVolumeClaim', 'data', 'spec.template.spec.volumes[2].persistentVolumeClaim.claimName', false, '', 'volume'],
      ['Secret', 's2', 'spec.template.spec.volumes[3].projected.sources[0].secret.name', false, '', 'volume'],
      ['ConfigMap', 'cm2', 'spec.template.spec.volumes[3].projected.sources[1].configMap.name', false, '', 'volume'],
      ['Secret', 's3', 'spec.template.spec.initContainers[0].envFrom[0].secretRef.name', false, '', 'envFrom'],
      ['ConfigMap', 'cm3', 'spec.template.spec.initContainers[0].envFrom[1].configMapRef.name', false, '', 'envFrom'],
      ['Secret', 's4', 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name', true, 'password', 'env'],
    ]);
  });

  it('reads one volume or valueFrom wherever it stands, and nothing from other values', () => {
    expect(volumeReferences({ secret: { secretName: 'x' } }, 'v').map((r) => r.name)).toEqual(['x']);
    expect(valueFromReferences({ configMapKeyRef: { name: 'y', key: 'k' } }, 'e').map((r) => [r.kind, r.name, r.keys])).toEqual([['ConfigMap', 'y', ['k']]]);
    expect([...volumeReferences('x', 'v'), ...valueFromReferences(null, 'e'), ...volumeReferences({ secret: { secretName: '' } }, 'v')]).toEqual([]);
  });
});

describe('operatorSecrets', () => {
  it('the Secrets each Secret-making kind makes, and none for other kinds', () => {
    const made = (kind: string, spec?: object) => operatorSecrets({ kind, metadata: { name: 'n' }, spec });
    expect(SECRET_MAKING_KINDS.map((k) => [k, made(k)])).toEqual([
      ['ExternalSecret', ['n']],
      ['Certificate', []],
      ['KafkaUser', ['n']],
      ['Kafka', ['n-cluster-ca-cert', 'n-clients-ca-cert', 'n-cluster-ca', 'n-clients-ca']],
      ['OpenSearchCluster', ['n-admin-password']],
    ]);
    expect(made('ExternalSecret', { target: { name: 't' } })).toEqual(['t']);
    expect(made('Certificate', { secretName: 'tls' })).toEqual(['tls']);
    expect(made('KafkaUser', { template: { secret: { metadata: { name: 'creds' } } } })).toEqual(['creds']);
    expect(made('Deployment')).toEqual([]);
  });
});
