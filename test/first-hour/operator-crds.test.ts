/**
 * Which CRDs of an operator chart are helm's. A chart that
 * templates its CRDs (cert-manager's crds.enabled) makes them release resources helm upgrades, so logclaw must
 * never apply them itself (that made the next helm upgrade fail with "invalid ownership metadata"); CRDs in the
 * chart's crds/ folder are installed once by helm and refreshed by logclaw. Real helm renders the stand-in charts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdsWithSource } from '../../src/lifecycle/index.js';
import { helms, repoRoot } from '../helpers/tools.js';

const operators = join(repoRoot, 'test', 'fixtures', 'operators');

describe.each(helms)('operator chart CRDs under $name', (h) => {
  execFileSync(process.execPath, [join(operators, 'prepare.mjs'), 'cert-manager', 'strimzi-kafka-operator']);
  const render = (chart: string) => execFileSync(h.bin, ['template', chart, join(operators, chart), '--include-crds', '--namespace', chart], { encoding: 'utf8', maxBuffer: 64 << 20 });

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

describe("the cluster's helmfile environment", () => {
  it('is used only when the operators file declares it (helmfile fails on an undeclared environment)', async () => {
    const { readFileSync } = await import('node:fs');
    const { declaresEnvironment } = await import('../../src/lifecycle/index.js');
    const repo = readFileSync(join(repoRoot, 'helmfile.d', '00-operators.yaml.gotmpl'), 'utf8');
    expect(declaresEnvironment(repo, 'test')).toBe(true);
    expect(declaresEnvironment(repo, 'default')).toBe(true);
    expect(declaresEnvironment(repo, 'staging')).toBe(false);
    expect(declaresEnvironment(readFileSync(join(repoRoot, 'test', 'lifecycle', 'fixtures', 'stack', 'helmfile.d', '00-operators.yaml.gotmpl'), 'utf8'), 'test')).toBe(false);
    expect(declaresEnvironment('environments:\n  default: {}\nreleases:\n  - name: test\n    test: x\n', 'test')).toBe(false);
  });
});
