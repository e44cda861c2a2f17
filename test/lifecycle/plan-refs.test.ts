/** What a release is judged by, and how a CRD in the cluster is compared with the one an operator chart ships. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFingerprint } from '../../src/lifecycle/crds.js';
import { withStep, DEV_SECRETS_STEP } from '../../src/lifecycle/tenant.js';
import { awaitRefs } from '../../src/readiness/awaited.js';
import type { LoadedRelease } from '../../src/plan/load.js';
import type { KubeObject } from '../../src/readiness/types.js';
import { crdDir } from '../helpers/tools.js';

describe('awaitRefs', () => {
  it('keeps workloads, Jobs, claims, load balancers, CRDs and operator resources; defaults the namespace', async () => {
    const objs: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cluster-ip' }, spec: { type: 'ClusterIP' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'other' } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.example.com' } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' } },
    ];
    expect(await awaitRefs(undefined, objs, 'logclaw-acme')).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'lb', namespace: 'logclaw-acme' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', namespace: 'logclaw-acme' },
      { apiVersion: 'batch/v1', kind: 'Job', name: 'j', namespace: 'other' },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', name: 't', namespace: 'logclaw-acme' },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'x.example.com', namespace: undefined },
    ]);
  });
});

describe('crdFingerprint', () => {
  const kafka = () => parse(readFileSync(join(crdDir, 'strimzi-0.50.1', '040-Crd-kafka.yaml'), 'utf8')) as KubeObject;
  it('is the same for the file and the object the API server returns (status, metadata, conversion defaulted)', () => {
    const served = { ...kafka(), metadata: { name: 'kafkas.kafka.strimzi.io', uid: 'u', resourceVersion: '9', generation: 1 }, status: { conditions: [{ type: 'Established', status: 'True' }] } };
    served.spec = { ...served.spec, conversion: { strategy: 'None' } };
    expect(crdFingerprint(served)).toBe(crdFingerprint(kafka()));
  });
  it('changes when a version is no longer served (an older operator release)', () => {
    const old = kafka();
    old.spec.versions = old.spec.versions.filter((v: { name: string }) => v.name !== 'v1');
    expect(crdFingerprint(old)).not.toBe(crdFingerprint(kafka()));
  });
});

describe('withStep', () => {
  const rel = (name: string, needs: string[] = []): LoadedRelease => ({ id: `ns/${name}`, name, namespace: 'ns', chart: '', file: 'f', needs, labels: {}, inputs: '' });
  it('runs the step after the release that renders the namespace and before the others', () => {
    const releases = [rel('platform'), rel('kafka', ['ns/platform']), rel('loner')];
    const rendered = new Map<string, KubeObject[]>([['ns/platform', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }]]]);
    const r = withStep(releases, rendered, 'ns');
    expect(r.nsRelease).toBe('ns/platform');
    expect(Object.fromEntries(r.releases.map((x) => [x.id, x.needs]))).toEqual({
      'ns/platform': [],
      'ns/kafka': ['ns/platform', DEV_SECRETS_STEP],
      'ns/loner': [DEV_SECRETS_STEP],
      [DEV_SECRETS_STEP]: ['ns/platform'],
    });
  });
});
