/**
 * The readiness engine agrees with Argo CD's health verdicts on every fixture in ../shared/health-fixtures
 * (Healthy → ready, Progressing/Suspended → progressing, Degraded → failed). The fixtures are read at test time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { healthFixturesDir } from '../helpers/tools.js';
import { claimedKinds, kindKey, verdict } from '../../src/readiness/verdict.js';
import type { KubeObject, ReadinessStatus } from '../../src/readiness/types.js';

interface Case {
  dir: string;
  file: string;
  argo: string;
}

function loadCases(): Case[] {
  const cases: Case[] = [];
  const testFiles: string[] = [];
  for (const group of readdirSync(healthFixturesDir, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    const gdir = join(healthFixturesDir, group.name);
    if (existsSync(join(gdir, 'health_test.yaml'))) testFiles.push(gdir);
    for (const kind of readdirSync(gdir, { withFileTypes: true })) {
      if (kind.isDirectory() && existsSync(join(gdir, kind.name, 'health_test.yaml'))) testFiles.push(join(gdir, kind.name));
    }
  }
  for (const dir of testFiles) {
    const spec = parse(readFileSync(join(dir, 'health_test.yaml'), 'utf8')) as { tests: Array<{ inputPath: string; healthStatus: { status: string } }> };
    for (const t of spec.tests) cases.push({ dir, file: t.inputPath, argo: t.healthStatus.status });
  }
  return cases;
}

const mapArgo: Record<string, ReadinessStatus> = { Healthy: 'ready', Progressing: 'progressing', Suspended: 'progressing', Degraded: 'failed' };
// Some fixtures repeat keys (statefulset.yaml); Go's YAML decoder keeps the last, so do we.
const load = (path: string): KubeObject => parse(readFileSync(path, 'utf8'), { uniqueKeys: false }) as KubeObject;

const cases = loadCases();

describe('Argo CD health fixtures', () => {
  it('covers every file under every testdata/ directory', () => {
    const listed = new Set(cases.map((c) => join(c.dir, c.file)));
    const onDisk = [...new Set(cases.map((c) => c.dir))].flatMap((d) =>
      readdirSync(join(d, 'testdata')).map((f) => join(d, 'testdata', f)),
    );
    expect(onDisk.length).toBeGreaterThanOrEqual(90);
    expect(onDisk.filter((f) => !listed.has(f))).toEqual([]);
    expect(listed.size).toBe(onDisk.length);
  });

  it('claims every kind that has a fixture', () => {
    const kinds = new Set(cases.map((c) => kindKey(load(join(c.dir, c.file)))));
    expect([...kinds].filter((k) => !claimedKinds().includes(k))).toEqual([]);
  });

  // Argo CD's GetResourceHealth (gitops-engine pkg/health/health.go) answers Progressing "Pending deletion" for
  // any object with metadata.deletionTimestamp before a resource customization runs; the customizations' own
  // tests call the Lua script directly and so skip that step. The verdict Argo CD gives in a cluster is the
  // one to agree with, so such fixtures expect progressing.
  const expected = (c: Case, obj: KubeObject): ReadinessStatus => (obj.metadata?.deletionTimestamp ? 'progressing' : mapArgo[c.argo]!);

  it('knows which fixtures the deletion rule changes', () => {
    const changed = cases
      .filter((c) => {
        const obj = load(join(c.dir, c.file));
        return expected(c, obj) !== mapArgo[c.argo];
      })
      .map((c) => `${kindKey(load(join(c.dir, c.file)))} ${c.file}`)
      .sort();
    // Only Strimzi kinds logclaw does not render carry a deletionTimestamp in a non-Progressing fixture.
    expect(changed.every((k) => /^kafka\.strimzi\.io\/(KafkaBridge|KafkaConnect|KafkaConnector) /.test(k))).toBe(true);
    expect(changed.length).toBeLessThanOrEqual(6);
  });

  it.each(cases.map((c) => [`${c.dir.slice(healthFixturesDir.length + 1)}/${c.file} → ${c.argo}`, c] as const))('%s', (_name, c) => {
    const obj = load(join(c.dir, c.file));
    const v = verdict(obj);
    expect(v.status, `${v.status}: ${v.message}`).toBe(expected(c, obj));
    expect(v.message.length).toBeGreaterThan(0);
    if (c.argo === 'Suspended') expect(v.reason).toBe('Suspended');
  });
});
