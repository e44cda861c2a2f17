/** Unit tests of lint's building blocks (no helm): error parsing, schemas, CRDs, helmfile, rules' helpers, formats. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHelmError, parseHelmLint } from '../../src/tools/helm.js';
import { validateSchema, prepareCrdSchema } from '../../src/manifests/schema-check.js';
import { KubeSchemas } from '../../src/manifests/kube-schema.js';
import { CrdCatalog, parseBundleName } from '../../src/manifests/crds.js';
import { OperatorCatalog } from '../../src/manifests/operators.js';
import { checkHelmfile, loadHelmfile, releaseOrder, releaseId, isPinnedVersion } from '../../src/helmfile/index.js';
import { imagePinned } from '../../src/manifests/policy.js';
import { extractAddresses, serviceOfHost } from '../../src/manifests/domain/network.js';
import { topicsIn } from '../../src/manifests/domain/kafka.js';
import { jvmSize } from '../../src/manifests/domain/opensearch.js';
import { parseExceptions, validateRender } from '../../src/manifests/index.js';
import { parseRender } from '../../src/manifests/parse.js';
import { formatGithub, formatJunit } from '../../src/lint/format.js';
import { longestTenantId, type LintResult } from '../../src/lint/index.js';
import { crdDir, repoRoot } from '../helpers/tools.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'lint');

describe('helm error parsing (helm 3 and helm 4 wording)', () => {
  it('names the innermost template, chart and line of a nil pointer inside an include', () => {
    const h3 =
      'Error: template: p/templates/bad.yaml:6:8: executing "p/templates/bad.yaml" at <include "lib.x" .>: error calling include: template: p/charts/lib/templates/_x.tpl:2:10: executing "lib.x" at <.Values.a.b.c>: nil pointer evaluating interface {}.b\n\nUse --debug flag to render out invalid YAML\n';
    const h4 =
      'Error: p/templates/bad.yaml:6:8\n  executing "p/templates/bad.yaml" at <include "lib.x" .>:\n    error calling include:\np/charts/lib/templates/_x.tpl:2:10\n  executing "lib.x" at <.Values.a.b.c>:\n    nil pointer evaluating interface {}.b\n\nUse --debug flag to render out invalid YAML\n';
    for (const text of [h3, h4]) {
      const e = parseHelmError(text);
      expect(e).toMatchObject({ kind: 'template', template: 'p/charts/lib/templates/_x.tpl', chart: 'lib', line: 2, column: 10 });
      expect(e.message).toBe('at <.Values.a.b.c>: nil pointer evaluating interface {}.b');
    }
  });

  it('parses fail/required, parse errors, YAML errors, schema errors, missing dependencies and kubeVersion', () => {
    expect(parseHelmError('Error: execution error at (c/templates/x.yaml:6:35): image.tag is required')).toMatchObject({ kind: 'template', chart: 'c', line: 6, message: 'image.tag is required' });
    expect(parseHelmError('Error: parse error at (c/templates/x.yaml:1): missing value for if')).toMatchObject({ kind: 'parse', line: 1, message: 'missing value for if' });
    expect(parseHelmError('Error: YAML parse error on c/templates/x.yaml: error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context')).toMatchObject({ kind: 'yaml', template: 'c/templates/x.yaml', line: 7 });
    const s3 = parseHelmError("Error: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- replicaCount: Invalid type. Expected: string, given: integer\n");
    const s4 = parseHelmError("Error: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- at '/replicaCount': got number, want string\n");
    for (const s of [s3, s4]) expect(s).toMatchObject({ kind: 'schema', chart: 'c' });
    expect(s4.message).toMatch(/replicaCount/);
    expect(parseHelmError('Error: An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: c, redis').kind).toBe('dependency');
    expect(parseHelmError('Error: chart requires kubeVersion: >=1.30.0 which is incompatible with Kubernetes v1.27.0').message).toBe('the chart requires kubeVersion >=1.30.0, which excludes Kubernetes v1.27.0');
  });

  it('parses helm lint lines, continuing multi-line messages', () => {
    const out = `==> Linting ./c\n[INFO] Chart.yaml: icon is recommended\n[ERROR] values.yaml: - at '/replicaCount': got number, want string\n\n[ERROR] templates/: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- at '/replicaCount': got number, want string\n\n[WARNING] templates/x.yaml: object name does not conform\n\nError: 1 chart(s) linted, 1 chart(s) failed\n`;
    const msgs = parseHelmLint(out);
    expect(msgs.map((m) => [m.severity, m.path])).toEqual([
      ['info', 'Chart.yaml'],
      ['error', 'values.yaml'],
      ['error', 'templates/'],
      ['warning', 'templates/x.yaml'],
    ]);
    expect(msgs[2]!.error).toMatchObject({ kind: 'schema', chart: 'c' });
  });
});

describe('schema interpreter', () => {
  it('reports unknown fields, missing required fields, wrong types with field paths', () => {
    const s = { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, ports: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { port: { type: 'integer' } } } } } };
    expect(validateSchema(s, { ports: [{ port: '80', x: 1 }], extra: true })).toEqual([
      { path: 'ports[0].port', message: 'must be integer, not string ("80")' },
      { path: 'ports[0].x', message: 'unknown field "x"' },
      { path: 'extra', message: 'unknown field "extra"' },
      { path: 'name', message: 'required field is missing' },
    ]);
  });

  it('honours int-or-string, preserve-unknown-fields, embedded resources, enums, patterns and anyOf', () => {
    const s = prepareCrdSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
            mode: { type: 'string', enum: ['a', 'b'] },
            name: { type: 'string', pattern: '^[a-z]+$' },
            empty: { type: 'object' },
          },
        },
      },
    });
    expect(validateSchema(s, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec: { port: 'http', config: { anything: 1 }, template: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { x: 1 } }, mode: 'a', name: 'ok' } })).toEqual([]);
    expect(validateSchema(s, { spec: { port: 1.5, mode: 'c', name: 'No', empty: { pruned: 1 } } }).map((p) => p.path)).toEqual(['spec.port', 'spec.mode', 'spec.name', 'spec.empty.pruned']);
  });
});

describe('Kubernetes schemas (1.27 and the recent bundle)', () => {
  const kube = new KubeSchemas();
  it('bundles the oldest supported version and a recent one', () => {
    expect(kube.versionNames[0]).toBe('1.27');
    expect(Number(kube.versionNames.at(-1)!.split('.')[1])).toBeGreaterThanOrEqual(33);
  });
  it('finds unknown fields and bad quantities in a Deployment', () => {
    const v = kube.validate(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'i:1', resources: { limits: { cpu: 'lots' } }, bogus: 1 }] } } } },
      'apps/v1',
      'Deployment',
    );
    expect(v.notServedIn).toEqual([]);
    expect(v.problems.map((p) => [p.path, p.versions.length])).toEqual([
      ['spec.template.spec.containers[0].resources.limits.cpu', 2],
      ['spec.template.spec.containers[0].bogus', 2],
    ]);
  });
  it('knows which versions serve an API', () => {
    expect(kube.validate({}, 'policy/v1beta1', 'PodDisruptionBudget').notServedIn).toEqual(kube.versionNames);
    expect(kube.validate({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kind: 'FlowSchema', metadata: { name: 'f' } }, 'flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema').notServedIn).toEqual(kube.versionNames.slice(1));
    expect(kube.isClusterScoped('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBe(true);
    expect(kube.isClusterScoped('v1', 'ConfigMap')).toBe(false);
  });
});

describe('CRDs and operators', () => {
  const crds = CrdCatalog.load(crdDir);
  const hf = loadHelmfile(join(fixtures, 'repo', 'helmfile.d'));
  const ops = new OperatorCatalog(crds, hf.releases.filter((r) => r.file.endsWith('00-operators.yaml')));
  it('reads served, storage and deprecated versions of every CRD', () => {
    const kafka = crds.find('kafka.strimzi.io', 'Kafka')[0]!;
    expect(kafka.bundle).toBe('strimzi-0.50.1');
    expect(kafka.versions.map((v) => [v.name, v.served, v.storage, v.deprecated])).toEqual([
      ['v1', true, false, false],
      ['v1beta2', true, true, true],
    ]);
    expect(parseBundleName('cert-manager-v1.16.1')).toEqual({ name: 'cert-manager', version: '1.16.1' });
  });
  it('maps CR groups to the operators 00-operators pins, and lists their API versions for helm', () => {
    expect(ops.resolve('kafka.strimzi.io', 'KafkaTopic').operator?.name).toBe('strimzi');
    expect(ops.resolve('external-secrets.io', 'ExternalSecret').crd?.bundle).toBe('external-secrets-0.10.3');
    expect(ops.resolve('serving.kserve.io', 'InferenceService').problem?.rule).toBe('operator-not-installed');
    const api = ops.apiVersions();
    expect(api).toContain('kafka.strimzi.io/v1/Kafka');
    expect(api).toContain('external-secrets.io/v1beta1/ExternalSecret');
    expect(api).not.toContain('external-secrets.io/v1/ExternalSecret');
    expect(api.some((a) => a.startsWith('serving.kserve.io'))).toBe(false);
  });
});

describe('helmfile.d loader (the release plan reuses it)', () => {
  it('returns releases with chart paths, versions, values, needs and labels, in dependency order', () => {
    const hf = loadHelmfile(join(fixtures, 'repo', 'helmfile.d'));
    expect(hf.problems).toEqual([]);
    const tenant = hf.releases.find((r) => r.name === 'logclaw-good')!;
    expect(tenant).toMatchObject({ namespace: 'logclaw-good', chart: '../charts/logclaw-tenant', labels: { tier: 'tenants', tenant: 'good' }, line: 2 });
    expect(tenant.chartPath).toBe(join(fixtures, 'repo', 'charts', 'logclaw-tenant'));
    expect(tenant.values).toEqual([join(fixtures, 'repo', 'gitops', 'tenants', 'tenant-good.yaml')]);
    const es = hf.releases.find((r) => r.name === 'external-secrets')!;
    expect(es).toMatchObject({ chart: 'external-secrets/external-secrets', version: '0.10.3', repository: 'external-secrets' });
    const layers = releaseOrder(hf).map((l) => l.map(releaseId));
    expect(layers[0]).toContain('cert-manager/cert-manager');
    expect(layers.findIndex((l) => l.includes('flink-system/flink-operator'))).toBe(1);
    expect(layers.at(-1)).toEqual(['logclaw-good/logclaw-good']);
    expect(checkHelmfile(hf, join(fixtures, 'repo'))).toEqual([]);
  });
  it('neutralizes Go templates and marks templated fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hf-'));
    writeFileSync(join(dir, '10-x.yaml.gotmpl'), 'releases:\n{{- range .Values.tenants }}\n  - name: logclaw-{{ . }}\n    chart: ../charts/logclaw-tenant\n    version: {{ $.Values.v }}\n{{- end }}\n');
    const hf = loadHelmfile(dir);
    expect(hf.releases).toHaveLength(1);
    expect(hf.releases[0]!.templated).toEqual(['name', 'version']);
  });
  it('pinned versions are exact', () => {
    expect(['1.2.3', 'v1.16.1'].map(isPinnedVersion)).toEqual([true, true]);
    expect(['^1.2.0', '1.x', '', undefined, '>=1.0.0'].map((v) => isPinnedVersion(v))).toEqual([false, false, false, false, false]);
  });
});

describe('rule helpers', () => {
  it('images: tags and digests pin, latest and untagged do not', () => {
    expect(imagePinned('ghcr.io/a/b:1.2.3').pinned).toBe(true);
    expect(imagePinned(`b@sha256:${'a'.repeat(64)}`).pinned).toBe(true);
    expect(imagePinned('localhost:5000/b').why).toBe('has no tag');
    expect(imagePinned('b:latest').why).toBe('uses the latest tag');
  });
  it('addresses: URLs and host:port, buckets are not hosts, in-cluster names resolve to Services', () => {
    expect(extractAddresses('a: http://svc:8080/x, b: kafka-kafka-bootstrap.ns.svc:9092,other:9093 s3://bucket/p')).toEqual([
      { host: 'svc', port: 8080, scheme: 'http' },
      { host: 'kafka-kafka-bootstrap.ns.svc', port: 9092 },
      { host: 'other', port: 9093 },
    ]);
    const ctx = { namespace: 'logclaw-a', release: 'logclaw-a' };
    const known = new Set(['opensearch']);
    expect(serviceOfHost('opensearch', ctx, known)).toBe('opensearch');
    expect(serviceOfHost('logclaw-a-api', ctx, known)).toBe('logclaw-a-api');
    expect(serviceOfHost('x.logclaw-a.svc.cluster.local', ctx, known)).toBe('x');
    expect(serviceOfHost('pod-0.x.logclaw-a.svc', ctx, known)).toBe('x');
    expect(serviceOfHost('vault.vault.svc', ctx, known)).toBeUndefined();
    expect(serviceOfHost('api.anthropic.com', ctx, known)).toBeUndefined();
    expect(serviceOfHost('random', ctx, known)).toBeUndefined();
  });
  it('topics in YAML, properties and env values; JVM sizes; exception annotations', () => {
    expect(topicsIn('vector.yaml', 'sinks:\n  k:\n    topic: logs-raw\nsources:\n  s:\n    topics: [a, b]\n')).toEqual(['logs-raw', 'a', 'b']);
    expect(topicsIn('client.properties', 'input.topic=logs\nfoo=bar\n')).toEqual(['logs']);
    expect(topicsIn('KAFKA_TOPICS', 'a,b')).toEqual(['a', 'b']);
    expect(jvmSize('-Xms512m -Xmx2g', 'Xmx')).toBe(2 * 2 ** 30);
    expect(parseExceptions('pss-privileged: needs it; image-unpinned: vendor\nbad')).toEqual([
      { rule: 'pss-privileged', reason: 'needs it' },
      { rule: 'image-unpinned', reason: 'vendor' },
      { rule: 'bad', reason: '' },
    ]);
  });
  it('the longest tenantId fits the schema', () => {
    const id = longestTenantId(repoRoot);
    expect(id).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(id.length).toBe(40);
  });
  it('validateRender finds duplicates across charts and reports each once', () => {
    const doc = (chart: string) => `---\n# Source: u/charts/${chart}/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n  labels: {app.kubernetes.io/name: x, app.kubernetes.io/instance: r, app.kubernetes.io/managed-by: Helm, app.kubernetes.io/part-of: logclaw}\n`;
    const { objects } = parseRender(doc('a') + doc('b'));
    const r = validateRender(objects, { namespace: 'ns', release: 'r', kube: new KubeSchemas(), target: 't' });
    expect(r.findings.map((f) => [f.rule, f.chart])).toEqual([['duplicate-object', 'b']]);
  });
});

describe('output formats', () => {
  const result: LintResult = {
    findings: [
      { rule: 'pss-privileged', severity: 'error', message: 'container "a,b" is privileged: 100%', file: 'charts/x/templates/d.yaml', line: 3, chart: 'x', target: 'tenant t', object: { kind: 'Deployment', namespace: 'ns', name: 'd' }, path: 'spec' },
      { rule: 'unknown-kind', severity: 'warning', message: 'no schema <Widget>', target: 'tenant t', chart: 'x' },
    ],
    waived: [],
    stats: { charts: 1, tenants: 1, renders: 1, objects: 2, helmLints: 0, dependencyBuilds: 0, ms: 10, renderMs: [5], concurrency: 2, cpuMs: 5 },
    notes: [],
  };
  it('github: workflow commands with escaped properties and data', () => {
    const lines = formatGithub(result).split('\n');
    expect(lines[0]).toBe('::error file=charts/x/templates/d.yaml,line=3,title=pss-privileged (tenant t)::Deployment ns/d spec: container "a,b" is privileged: 100%25');
    expect(lines[1]).toMatch(/^::warning title=unknown-kind \(tenant t\)::no schema <Widget>$/);
  });
  it('junit: a testsuite per target, a failing testcase per chart with errors, XML-escaped', () => {
    const x = formatJunit(result);
    expect(x).toMatch(/<testsuites name="logclaw lint" tests="1" failures="1"/);
    expect(x).toMatch(/<testsuite name="tenant t" tests="1" failures="1">/);
    expect(x).toContain('no schema &lt;Widget&gt;');
    expect(x.match(/<testcase /g)).toHaveLength(1);
  });
});
