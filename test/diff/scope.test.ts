/** scopeToReleases: what `install --only` judges of a tenant diff; the refusal install and upgrade share (pure). */
import { describe, expect, it } from 'vitest';
import { decide, refusal, scopeToReleases } from '../../src/diff/upgrade.js';
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

describe('refusal (install and upgrade)', () => {
  const target = { tenant: 'acme', kubeContext: 'prod' };
  it('none when the decision may proceed: nothing blocking, or --force', () => {
    const calm = diff();
    expect(refusal(decide({ ...calm, assessment: { ...calm.assessment, blocking: [] } }, {}), { command: 'upgrade', ...target })).toBeUndefined();
    expect(refusal(decide(diff(), { force: true }), { command: 'install', ...target })).toBeUndefined();
  });

  it('names the command, counts and lists the refused changes with their fix, exit 1; --recreate is offered only where it is all it takes', () => {
    const d = diff();
    const vct = d.assessment.blocking[0]!;
    vct.recreate = { namespace: ns, name: 'opensearch' };
    vct.fix = 'add --recreate';
    const only = { ...d, assessment: { ...d.assessment, blocking: [vct] } };
    const e = refusal(decide(only, {}), { command: 'install', ...target })!;
    expect(e.message).toBe('install refused: 1 change would lose data or cannot be applied');
    expect(e.exitCode).toBe(1);
    expect(e.details).toEqual([`  immutable  StatefulSet ${ns}/opensearch: immutable change`, '             fix: add --recreate']);
    expect(e.hint).toBe('Re-run with --recreate (`logclaw upgrade --tenant acme --kube-context prod --recreate`) to re-create the StatefulSets (pods and PVCs keep running), or change the tenant file back.');

    const all = refusal(decide(d, {}), { command: 'upgrade', ...target })!;
    expect(all.message).toBe('upgrade refused: 3 changes would lose data or cannot be applied');
    expect(all.hint).toBe('Review with `logclaw diff --tenant acme --kube-context prod`; change the tenant file back, or re-run with --force (and --recreate for the StatefulSets) if you accept the consequences above.');
    expect(refusal(decide(d, {}), { command: 'install', ...target })!.hint).not.toContain('--recreate');
  });
});
