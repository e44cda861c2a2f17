import { describe, expect, it } from 'vitest';
import { maskSecretPair, stripServerFields, toYaml } from '../../src/diff/normalize.js';
import { mergePreview, removeDropped } from '../../src/diff/merge.js';
import type { NamedKubeObject } from '../../src/safety/objects.js';

const secret = (data: Record<string, string>): NamedKubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data });

describe('normalising objects for the diff', () => {
  it('drops what the server maintains and sorts keys', () => {
    const o = stripServerFields({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c', namespace: 'n', resourceVersion: '12', uid: 'u', generation: 2, creationTimestamp: 't', managedFields: [{}], annotations: { 'deployment.kubernetes.io/revision': '3' } },
      data: { b: '2', a: '1' },
      status: { x: 1 },
    } as NamedKubeObject);
    expect(toYaml(o)).toBe('apiVersion: v1\ndata:\n  a: "1"\n  b: "2"\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: n\n');
  });
  it('masks Secret values: equal ones as ***, changed ones as *** (before) / *** (after), never the values', () => {
    const [b, a] = maskSecretPair(secret({ same: 'c2FtZQ==', changed: 'b2xk', gone: 'eA==' }), secret({ same: 'c2FtZQ==', changed: 'bmV3', added: 'eQ==' }));
    expect(b!.data).toEqual({ same: '***', changed: '*** (before)', gone: '*** (before)' });
    expect(a!.data).toEqual({ same: '***', changed: '*** (after)', added: '*** (after)' });
    const text = toYaml(b) + toYaml(a);
    for (const v of ['c2FtZQ==', 'b2xk', 'bmV3', 'eA==', 'eQ==']) expect(text).not.toContain(v);
    const cm: NamedKubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
    expect(maskSecretPair(cm, cm)[0]).toBe(cm);
  });
});

describe('client-side previews around the dry run', () => {
  it('lays desired fields over the live object, matching list items by name', () => {
    const live = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x:1', terminationMessagePath: '/dev/termination-log' }] } } }, status: { ok: true } };
    const desired = { spec: { template: { spec: { containers: [{ name: 'a', image: 'x:2' }] } } } };
    expect(mergePreview(live, desired)).toEqual({
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x:2', terminationMessagePath: '/dev/termination-log' }] } } },
      status: { ok: true },
    });
  });
  it('removes what the previous release rendered and the new render dropped (helm three-way merge)', () => {
    const predicted = {
      metadata: { labels: { keep: '1', old: '1', 'set-by-someone-else': '1' } },
      spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'OLD', value: '2' }] }, { name: 'sidecar' }] },
    };
    const previous = { metadata: { labels: { keep: '1', old: '1' } }, spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'OLD', value: '2' }] }, { name: 'sidecar' }] } };
    const desired = { metadata: { labels: { keep: '1' } }, spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } };
    expect(removeDropped(predicted, previous, desired)).toEqual({
      metadata: { labels: { keep: '1', 'set-by-someone-else': '1' } },
      spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] },
    });
  });
});
