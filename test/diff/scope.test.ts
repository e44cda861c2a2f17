/** scopeToReleases: what `install --only` judges of a tenant diff (pure). */
import { describe, expect, it } from 'vitest';
import { decide, scopeToReleases } from '../../src/diff/upgrade.js';
import type { ObjectDiff, TenantDiff } from '../../src/diff/index.js';
import type { SafetyFinding } from '../../src/safety/types.js';

const ns = 'logclaw-acme';
const obj = (kind: string, name: string, release: string, action: ObjectDiff['action'], verdict: ObjectDiff['verdict']): ObjectDiff =>
  ({ ref: `${kind} ${ns}/${name}`, apiVersion: 'v1', kind, namespace: ns, name, release: `${ns}/${release}`, action, verdict, diff: '' });
const finding = (object: string, verdict: SafetyFinding['verdict'], extra: Partial<SafetyFinding> = {}): SafetyFinding => ({ verdict, object, kind: object.split(' ')[0]!, name: object, message: `${verdict} change`, ...extra });

const diff = (): TenantDiff => {
  const vct = finding(`StatefulSet ${ns}/opensearch`, 'immutable', { field: 'spec.volumeClaimTemplates' });
  const shrink = finding(`KafkaNodePool ${ns}/broker`, 'data-loss');
  const disabled = finding(`Release ${ns}/airflow`, 'disruptive', { field: 'release airflow' });
  const tenant = finding('tenant acme', 'data-loss', { field: 'global.tenantId' });
  return {
    mode: 'helmfile', tenantId: 'acme', namespace: ns, context: 'prod', kubeVersion: '1.33.0',
    releases: ['opensearch', 'kafka', 'airflow'].map((n) => ({ id: `${ns}/${n}`, name: n, namespace: ns, installed: true, changed: true, chartDir: '', valuesFiles: [], hooks: [] })),
    objects: [obj('StatefulSet', 'opensearch', 'opensearch', 'update', 'immutable'), obj('KafkaNodePool', 'broker', 'kafka', 'update', 'data-loss'), obj('Deployment', 'ingestion', 'ingestion', 'create', 'safe')],
    summary: { create: 1, update: 2, delete: 0, unchanged: 0 },
    changed: true,
    assessment: { verdict: 'data-loss', findings: [vct, shrink, disabled, tenant], blocking: [vct, shrink, tenant], restarts: [], counts: { safe: 0, restart: 0, disruptive: 1, immutable: 1, 'data-loss': 2 }, objects: [] },
  };
};

describe('scopeToReleases', () => {
  it('keeps the objects and findings of the selected releases and the tenant-level ones', () => {
    const d = scopeToReleases(diff(), [`${ns}/opensearch`]);
    expect(d.objects.map((x) => x.ref)).toEqual([`StatefulSet ${ns}/opensearch`]);
    expect(d.releases.map((r) => r.name)).toEqual(['opensearch']);
    expect(d.assessment.findings.map((f) => f.object)).toEqual([`StatefulSet ${ns}/opensearch`, 'tenant acme']);
    expect(d.assessment.blocking.map((f) => f.verdict)).toEqual(['immutable', 'data-loss']);
    expect(decide(d, {}).refused).toHaveLength(2);
  });

  it('a release-level finding follows its release; nothing selected with changes means unchanged', () => {
    const d = scopeToReleases(diff(), [`${ns}/airflow`]);
    expect(d.assessment.findings.map((f) => f.field)).toEqual(['release airflow', 'global.tenantId']);
    expect(d.objects).toEqual([]);
    expect(d.changed).toBe(false);
  });
});
