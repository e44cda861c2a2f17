/**
 * One reader of rendered manifests (src/manifests/yaml-kube.ts): the values are those sigs.k8s.io/yaml
 * YAMLToJSON hands the API server (see the module header for the facts), and every consumer — lint, render
 * and diff (parseRender), install (renderReleases), status and diff of installed releases (manifestObjects) —
 * sees the same objects for the same stream.
 */
import { describe, expect, it } from 'vitest';
import { parseRender } from '../../src/manifests/parse.js';
import { manifestObjects } from '../../src/kube/helm-release.js';
import { renderReleases } from '../../src/lifecycle/tenant.js';
import { parseKubeDocuments, parseKubeObjects, parseKubeYaml, resolveScalar, splitDocuments } from '../../src/manifests/yaml-kube.js';

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${data}`;

describe('scalars as go-yaml v2 resolves them for YAMLToJSON', () => {
  // Each pair: plain scalar → the JSON value apimachinery's YAMLOrJSONDecoder produced for it (Go run, see header).
  const table: Array<[string, unknown]> = [
    ['on', true], ['On', true], ['yes', true], ['y', true], ['Y', true], ['true', true],
    ['off', false], ['no', false], ['n', false], ['FALSE', false],
    ['~', null], ['null', null], ['', null],
    ['0755', 493], ['0o17', 15], ['0x1F', 31], ['0b101', 5], ['-0b11', -3], ['1_000', 1000], ['+12', 12],
    ['08', 8], ['1e3', 1000], ['1.5e+3', 1500], ['1.0', 1], ['.5', 0.5], ['0.1', 0.1],
    ['9223372036854775807', 9223372036854775807], ['12345678901234567890', 12345678901234567890],
    ['1e400', '1e400'], ['2001-12-14', '2001-12-14'], ['1.2.3', '1.2.3'], ['0.0.0.0:80', '0.0.0.0:80'],
    ['190:20:30', '190:20:30'], ['nan', 'nan'], ['v1', 'v1'], ['-x', '-x'],
  ];
  it.each(table)('%j → %j', (text, value) => {
    expect(resolveScalar(text)).toEqual(value);
    expect((parseKubeYaml(`v: ${text}\n`) as { v: unknown }).v).toEqual(value);
  });

  it('quoted and explicitly tagged scalars stay strings', () => {
    expect(parseKubeYaml('a: "on"\nb: \'0755\'\nc: !!str 0755\nd: |\n  on\n')).toEqual({ a: 'on', b: '0755', c: '0755', d: 'on\n' });
  });

  it('keys are resolved, then written as strings; the last duplicate wins; a null key is refused', () => {
    expect(parseKubeYaml('on: a\nn: b\n0755: c\n1.5: d\nz: 1\nz: 2\n')).toEqual({ true: 'a', false: 'b', '493': 'c', '1.5': 'd', z: 2 });
    expect(() => parseKubeYaml('null: d\n')).toThrow(/unsupported map key/);
  });

  it('.inf and .nan cannot reach the API server (YAMLToJSON fails on them)', () => {
    expect(() => parseKubeYaml('a: .inf\n')).toThrow(/unsupported value/);
    expect(() => parseKubeYaml('a: .nan\n')).toThrow(/unsupported value/);
  });

  it('anchors, aliases and merge keys', () => {
    expect(parseKubeYaml('a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n')).toEqual({ a: { b: 1 }, c: { b: 1 }, d: { b: 1, e: 2 } });
  });
});

describe('documents as apimachinery YAMLReader splits them', () => {
  it('`---` with a comment ends a document, indented `---` inside a block scalar is content, empty documents are null', () => {
    const docs = parseKubeDocuments('---\n# only a comment\n---\nkind: A\nv: |\n  ---\n  x\n--- # next\nkind: B\n---\n');
    expect(docs).toEqual([null, { kind: 'A', v: '---\nx\n' }, { kind: 'B' }]);
  });

  it('anything else after `---` is an invalid separator', () => {
    expect(() => splitDocuments('kind: A\n---x\nkind: B\n')).toThrow(/invalid Yaml document separator: x/);
    expect(() => splitDocuments('--- kind: A\n')).toThrow(/invalid Yaml document separator/);
  });

  it('records where each document starts', () => {
    expect(splitDocuments('a: 1\n---\nb: 2\nc: 3\n---\nd: 4').map((d) => d.line)).toEqual([1, 3, 6]);
  });

  it('a huge document (a 5 MB ConfigMap, 5,000 documents) reads in one pass', () => {
    const big = configMap(`  blob: |\n${'    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'.repeat(80_000)}`);
    const many = Array.from({ length: 5000 }, (_, i) => configMap(`  k: "${i}"\n`).replace('name: cm', `name: cm-${i}`)).join('---\n');
    const t0 = Date.now();
    const [one] = parseKubeObjects(big);
    expect(String(one!.data!.blob).length).toBe(80_000 * 65);
    expect(parseKubeObjects(many)).toHaveLength(5000);
    expect(Date.now() - t0).toBeLessThan(60_000); // a bound against a hang, not a timing assertion
  });
});

/** The same stream through every consumer. */
const STREAM = [
  '---',
  '# Source: c/templates/cm.yaml',
  configMap('  a: on\n  c: 0755\n  d: "on"\n  script: |\n    echo start\n    ---\n    echo end\n'),
  '---',
  '# Source: c/templates/empty.yaml',
  '---',
  '# Source: c/templates/svc.yaml',
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels: &labels\n    app: x\nspec:\n  selector:\n    <<: *labels\n  ports:\n  - port: 0x50\n',
  '--- # a comment after the separator',
  '# Source: c/templates/list.yaml',
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: sa\n  automountServiceAccountToken: off\n',
  '',
].join('\n');

describe('every consumer reads a stream the same way', () => {
  it('lint/render/diff (parseRender), install (renderReleases), status (manifestObjects) agree with the reader', async () => {
    const expected = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: true, c: 493, d: 'on', script: 'echo start\n---\necho end\n' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', labels: { app: 'x' } }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, automountServiceAccountToken: false },
    ];
    expect(parseKubeObjects(STREAM)).toEqual(expected);

    const rendered = parseRender(STREAM);
    expect(rendered.findings).toEqual([]);
    expect(rendered.objects.map((o) => o.obj)).toEqual(expected);
    expect(rendered.objects.map((o) => o.source)).toEqual(['c/templates/cm.yaml', 'c/templates/svc.yaml', 'c/templates/list.yaml']);

    expect(manifestObjects(STREAM)).toEqual(expected);

    const helmfile = { template: async () => STREAM };
    const installed = await renderReleases({ helmfile, helm: { bin: 'helm' }, cwd: '.', env: {} } as never, [{ id: 'r', file: 'f.yaml', name: 'r', namespace: 'ns' }] as never, new AbortController().signal);
    expect(installed.get('r')).toEqual(expected);
  });

  it('an invalid separator is a finding in lint, an error elsewhere', () => {
    const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---oops\n';
    expect(parseRender(bad).findings.map((f) => f.message)).toEqual([expect.stringMatching(/invalid Yaml document separator: oops/)]);
    expect(() => manifestObjects(bad)).toThrow(/invalid Yaml document separator/);
  });
});
