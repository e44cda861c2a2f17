/** What `diff --changed` says only the cluster knows, for changes whose verdict depends on live state. */
import { describe, expect, it } from 'vitest';
import { offlineUnknowns } from '../../src/diff/offline.js';
import { assess } from '../../src/safety/index.js';
import type { NamedKubeObject } from '../../src/safety/objects.js';

const flink = (upgradeMode: string): NamedKubeObject => ({
  apiVersion: 'flink.apache.org/v1beta1',
  kind: 'FlinkDeployment',
  metadata: { name: 'anomaly', namespace: 'logclaw-acme' },
  spec: { job: { jarURI: 'local:///opt/job.jar', upgradeMode } },
});
const pvc = (storage: string): NamedKubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'logclaw-acme' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
});

describe('offlineUnknowns', () => {
  it('a Flink job leaving last-state: disruptive from the renders, its savepoints unknown offline', () => {
    const changes = [{ before: flink('last-state'), after: flink('stateless') }];
    const a = assess(changes);
    expect(a.verdict).toBe('disruptive');
    expect(offlineUnknowns(changes, a.findings)).toEqual([
      { object: 'FlinkDeployment logclaw-acme/anomaly', what: expect.stringMatching(/^whether the running job has savepoints and is RUNNING .*data-loss/) },
    ]);
    // a deleted job: whether it had savepoints
    const gone = [{ before: flink('last-state') }];
    expect(offlineUnknowns(gone, assess(gone).findings).map((u) => u.what)).toEqual([expect.stringMatching(/deleting a job with savepoints is data-loss/)]);
  });

  it('a claim that grows: whether its StorageClass expands; one that shrinks: the bound size; nothing else is unknown', () => {
    const grow = [{ before: pvc('10Gi'), after: pvc('20Gi') }];
    expect(offlineUnknowns(grow, assess(grow).findings).map((u) => u.what)).toEqual([expect.stringMatching(/^whether the StorageClass allows volume expansion/)]);
    const shrink = [{ before: pvc('10Gi'), after: pvc('5Gi') }];
    const s = assess(shrink);
    expect(s.verdict).toBe('data-loss');
    expect(offlineUnknowns(shrink, s.findings).map((u) => u.what)).toEqual([expect.stringMatching(/^the size of the bound volumes/)]);
    const same = [{ before: pvc('10Gi'), after: { ...pvc('10Gi'), metadata: { ...pvc('10Gi').metadata, labels: { a: 'b' } } } }];
    expect(offlineUnknowns(same, assess(same).findings)).toEqual([]);
  });
});
