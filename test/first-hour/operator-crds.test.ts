/**
 * Which CRDs of an operator chart are helm's. A chart that
 * templates its CRDs (cert-manager's crds.enabled) makes them release resources helm upgrades, so logclaw must
 * never apply them itself (that made the next helm upgrade fail with "invalid ownership metadata"); CRDs in the
 * chart's crds/ folder are installed once by helm and refreshed by logclaw. Real helm renders the official charts
 * (../shared/upstream-charts) with the values of helmfile.d/values.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdsWithSource } from '../../src/lifecycle/crds.js';
import { helms, repoRoot, sharedDir } from '../helpers/tools.js';

const archive: Record<string, string> = { 'cert-manager': 'cert-manager-v1.16.1.tgz', 'strimzi-kafka-operator': 'strimzi-kafka-operator-0.50.1.tgz' };

describe.each(helms)('operator chart CRDs under $name', (h) => {
  const render = (chart: string) => execFileSync(h.bin, ['template', chart, join(sharedDir, 'upstream-charts', archive[chart]!), '--include-crds', '--namespace', chart,
    '--values', join(repoRoot, 'helmfile.d', 'values', `${chart}.yaml`)], { encoding: 'utf8', maxBuffer: 64 << 20 });

  it('cert-manager templates its CRDs: all templated', () => {
    const crds = crdsWithSource(render('cert-manager'));
    expect(crds.map((c) => c.crd.metadata?.name)).toEqual(expect.arrayContaining(['certificates.cert-manager.io', 'issuers.cert-manager.io', 'clusterissuers.cert-manager.io']));
    expect(crds.every((c) => c.templated)).toBe(true);
  });

  it("strimzi keeps them in crds/: none templated (logclaw refreshes those)", () => {
    const crds = crdsWithSource(render('strimzi-kafka-operator'));
    expect(crds.map((c) => c.crd.metadata?.name)).toEqual(expect.arrayContaining(['kafkas.kafka.strimzi.io', 'kafkanodepools.kafka.strimzi.io']));
    expect(crds.some((c) => c.templated)).toBe(false);
  });
});
