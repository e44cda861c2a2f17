/**
 * The fast reader of helm output agrees with the yaml package (YAML 1.1 schema) on every document it accepts,
 * and hands everything else to the fallback. Cases are the shapes chart templates print, plus rendered fixtures.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastParseDocument, parseYamlDocument, resolvePlain } from '../../src/manifests/yaml-fast.js';
import { HELM3, repoRoot } from '../helpers/tools.js';

const ref = (t: string) => parse(t, { version: '1.1', uniqueKeys: false, merge: true }) ?? null;
const same = (t: string) => {
  const fast = fastParseDocument(t);
  expect(fast, `fast reader gave up on:\n${t}`).toBeDefined();
  expect(JSON.parse(JSON.stringify(fast!.value))).toEqual(JSON.parse(JSON.stringify(ref(t))));
  return fast!.value;
};

describe('fast YAML reader', () => {
  it('reads Kubernetes-style block YAML exactly like the yaml package', () => {
    same(`# Source: c/templates/d.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "x"   # trailing comment
  labels:
    app.kubernetes.io/name: x
    'quoted key': 'it''s'
  annotations: {}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: "r/i:1.2.3"
        args: ["--a", 'b', c, 1, true]
        env:
          - name: A
            value: "line\\nbreak \\"q\\" \\u00e9"
          - name: B
            value: http://x:80/#/frag
        resources: { requests: { cpu: 100m, memory: 1Gi }, limits: {cpu: "1"} }
        ports:
        -   containerPort: 8080
            name: http
      volumes: []
      nodeSelector:
      tolerations:
        -
          key: a
          operator: Exists
`);
  });

  it('reads literal block scalars with every chomping mode, blank and comment-like lines inside', () => {
    same(`data:
  a.conf: |
    # not a comment
    key = value

      indented more
  b: |-
    trimmed
  c: |+
    kept

  d: |2
      two extra
  e: |
  f: last
`);
  });

  it('resolves scalars the YAML 1.1 way (as Kubernetes reads them)', () => {
    const v = same(`a: yes
b: on
c: n
d: ~
e:
f: 0777
g: 0x1F
h: -1.5
i: .inf
j: "yes"
k: 10
l: 0.0.0.0:4317
m: 12345678-1234-1234-1234-123456789012
n: 1.5e+3
`) as Record<string, unknown>;
    expect(v).toMatchObject({ a: true, b: true, c: false, d: null, e: null, f: 511, g: 31, h: -1.5, i: Infinity, j: 'yes', k: 10, l: '0.0.0.0:4317' });
    // go-yaml reads 1.2.3 as a string; the yaml package's 1.1 schema would say 1.2
    expect(fastParseDocument('v: 1.2.3\n')!.value).toEqual({ v: '1.2.3' });
    expect(resolvePlain('Off')).toBe(false);
    // keys resolve too: `on:` is the key "true" for Kubernetes (the GitHub Actions gotcha)
    expect(same('on: 1\n0x10: a\n')).toEqual({ true: 1, '16': 'a' });
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['folded scalars', 'a: >\n  one\n  two\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['flow collections over lines', 'a: [1,\n  2]\n'],
    ['merge keys', 'a:\n  <<: {b: 1}\n'],
    ['ambiguous numbers', 'a: 1e3\n'],
    ['multi-line quoted scalars', 'a: "one\n  two"\n'],
  ])('hands %s to the yaml package', (_why, text) => {
    expect(fastParseDocument(text)).toBeUndefined();
    expect(isDeepStrictEqual(parseYamlDocument(text), ref(text))).toBe(true);
  });

  it('leaves invalid YAML (tab indentation) to the yaml package, which reports it', () => {
    expect(fastParseDocument('a:\n\tb: 1\n')).toBeUndefined();
    expect(() => parseYamlDocument('a:\n\tb: 1\n')).toThrow(/Tabs are not allowed/);
  });

  it('agrees with the yaml package on every document of the fixture renders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-fast-'));
    try {
      const repo = join(dir, 'repo');
      cpSync(join(repoRoot, 'test', 'fixtures', 'lint', 'repo'), repo, { recursive: true });
      execFileSync(HELM3, ['dependency', 'build', join(repo, 'charts', 'fx-app')], { stdio: 'ignore' });
      for (const c of ['fx-kafka', 'fx-flink', 'fx-opensearch', 'fx-secrets']) execFileSync(HELM3, ['dependency', 'build', join(repo, 'charts', c)], { stdio: 'ignore' });
      execFileSync(HELM3, ['dependency', 'build', join(repo, 'charts', 'logclaw-tenant')], { stdio: 'ignore' });
      const api = ['kafka.strimzi.io/v1/Kafka', 'flink.apache.org/v1beta1/FlinkDeployment', 'opensearch.opster.io/v1/OpenSearchCluster', 'external-secrets.io/v1beta1/ExternalSecret'].flatMap((a) => ['--api-versions', a]);
      let docs = 0;
      for (const t of ['good', 'kafka-node-pools', 'name-too-long', 'exception-valid']) {
        const out = execFileSync(HELM3, ['template', 'r', join(repo, 'charts', 'logclaw-tenant'), '-f', join(repo, 'gitops', 'tenants', `tenant-${t}.yaml`), ...api], { encoding: 'utf8' });
        for (const chunk of out.split(/^---[ \t]*(?:#.*)?$/m)) {
          if (!chunk.trim()) continue;
          same(chunk);
          docs++;
        }
      }
      expect(docs).toBeGreaterThan(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
