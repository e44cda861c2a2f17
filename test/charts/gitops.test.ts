/**
 * gitops/argocd: valid against the Argo CD v3.5.1 CRDs, and what the ApplicationSet's git files
 * generator makes of the tenant files is allowed by the AppProject and installs what the CLI would.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { crdDir, HELM3, repoRoot } from '../helpers/tools.js';
import { loadCrds, validateCustomResources } from './crd-validate.js';
import { prepareCharts, readValues, render, tenantFiles, type K8sObject } from './lib.js';

const dir = join(repoRoot, 'gitops', 'argocd');
const load = (file: string): any[] => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
const manifests = [
  ...readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f)),
  ...readdirSync(join(dir, 'operators')).map((f) => join(dir, 'operators', f)),
].flatMap((f) => load(f).map((o) => ({ file: f, o })));
const argoCrds = loadCrds(join(crdDir, 'argo-cd-v3.5.1'));
const byKind = (kind: string) => manifests.filter((m) => m.o.kind === kind).map((m) => m.o);
const project = (name: string) => byKind('AppProject').find((p) => p.metadata.name === name);
const appSet = byKind('ApplicationSet').find((a) => a.metadata.name === 'logclaw-tenants');

/** Argo CD glob (path.Match semantics for the patterns used here: * within a path segment). */
const glob = (pattern: string, value: string): boolean => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]*')}$`).test(value);

/** The git files generator over this checkout: parameters of every matching file. */
function generate(): Record<string, any>[] {
  const gen = appSet.spec.generators[0].git;
  const include = gen.files.filter((f: any) => !f.exclude).map((f: any) => f.path);
  const exclude = gen.files.filter((f: any) => f.exclude).map((f: any) => f.path);
  const tenantsDir = join(repoRoot, 'gitops', 'tenants');
  return readdirSync(tenantsDir)
    .map((f) => `gitops/tenants/${f}`)
    .filter((p) => include.some((g: string) => glob(g, p)) && !exclude.some((g: string) => glob(g, p)))
    .map((p) => ({ ...readValues(join(repoRoot, p)), path: { path: posix.dirname(p), filename: posix.basename(p), basename: posix.basename(p, '.yaml') } }));
}

/** Go-template fields of the forms {{ .a.b }} (missingkey=error) and {{ dig "a" "b" "default" . }} (all the template uses). */
function fill(node: unknown, params: Record<string, any>): any {
  if (typeof node === 'string')
    return node.replace(/\{\{\s*dig((?:\s+"[^"]*")+)\s+\.\s*\}\}/g, (_m, args: string) => {
      const words = [...args.matchAll(/"([^"]*)"/g)].map((x) => x[1]!);
      const fallback = words.pop();
      const v = words.reduce((a: any, k) => (a == null ? undefined : a[k]), params);
      return String(v ?? fallback);
    }).replace(/\{\{\s*\.([A-Za-z0-9_.]+)\s*\}\}/g, (_m, ref: string) => {
      const v = ref.split('.').reduce((a: any, k) => (a == null ? undefined : a[k]), params);
      if (v === undefined) throw new Error(`map has no entry for key ${ref}`);
      return String(v);
    });
  if (Array.isArray(node)) return node.map((n) => fill(n, params));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, params)]));
  return node;
}

describe('gitops/argocd', () => {
  it('every manifest is valid against the Argo CD v3.5.1 CRDs', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(9);
    expect(validateCustomResources(argoCrds, manifests.map((m) => m.o))).toEqual([]);
    for (const { o } of manifests) expect(o.metadata.namespace).toBe('argocd');
  });

  it('AppProject logclaw: this repository, logclaw-* namespaces only', () => {
    const p = project('logclaw');
    const repo = appSet.spec.template.spec.source.repoURL;
    expect(p.spec.sourceRepos).toEqual([repo]);
    expect(p.spec.destinations).toEqual([{ name: 'in-cluster', namespace: 'logclaw-*' }]);
  });

  it('ApplicationSet: git files over tenant-*.yaml, never _template.yaml', () => {
    const gen = appSet.spec.generators;
    expect(gen).toHaveLength(1);
    expect(gen[0].git.files).toEqual([{ path: 'gitops/tenants/tenant-*.yaml' }, { path: 'gitops/tenants/_template.yaml', exclude: true }]);
    expect(glob('gitops/tenants/tenant-*.yaml', 'gitops/tenants/_template.yaml')).toBe(false);
    expect(appSet.spec.goTemplate).toBe(true);
    expect(appSet.spec.goTemplateOptions).toEqual(['missingkey=error']);
    const params = generate();
    expect(params.map((p) => p.path.filename).sort()).toEqual(tenantFiles());
    expect(params.map((p) => p.path.filename)).not.toContain('_template.yaml');
  });

  describe.each(tenantFiles())('the Application generated for %s', (file) => {
    let app: any;
    let objs: K8sObject[];
    beforeAll(async () => {
      const params = generate().find((p) => p.path.filename === file)!;
      app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...fill(appSet.spec.template, params) };
      app.metadata.namespace = 'argocd';
      await prepareCharts();
      const src = app.spec.source;
      const valueFile = posix.normalize(posix.join(src.path, src.helm.valueFiles[0]));
      objs = await render(HELM3, 'logclaw-tenant', { release: src.helm.releaseName, namespace: app.spec.destination.namespace, values: [join(repoRoot, valueFile)] });
    });

    it('is named for the tenant, installs the umbrella with the tenant file into logclaw-<tenantId>', () => {
      const id = readValues(join(repoRoot, 'gitops', 'tenants', file)).global.tenantId;
      expect(file).toBe(`tenant-${id}.yaml`);
      expect(app.metadata.name).toBe(`logclaw-tenant-${id}`);
      expect(app.spec.project).toBe('logclaw');
      expect(app.spec.destination).toEqual({ name: 'in-cluster', namespace: `logclaw-${id}` });
      expect(app.metadata.labels['logclaw.io/wave']).toBe('main');
      expect(app.spec.source.path).toBe('charts/logclaw-tenant');
      expect(app.spec.source.helm.releaseName).toBe(`logclaw-${id}`);
      const valueFile = posix.normalize(posix.join(app.spec.source.path, app.spec.source.helm.valueFiles[0]));
      expect(valueFile).toBe(`gitops/tenants/${file}`);
      expect(existsSync(join(repoRoot, valueFile))).toBe(true);
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['CreateNamespace=true', 'ServerSideApply=true']));
      expect(validateCustomResources(argoCrds, [app])).toEqual([]);
    });

    it('stays inside what the AppProject allows', () => {
      const p = project('logclaw');
      expect(p.spec.destinations.some((d: any) => d.name === app.spec.destination.name && glob(d.namespace, app.spec.destination.namespace))).toBe(true);
      expect(p.spec.sourceRepos).toContain(app.spec.source.repoURL);
      const clusterScoped = objs.filter((o) => !o.metadata.namespace && ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass'].includes(o.kind));
      for (const o of clusterScoped) {
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        expect(p.spec.clusterResourceWhitelist, `${o.kind}/${o.metadata.name}`).toContainEqual({ group, kind: o.kind });
      }
      for (const o of objs.filter((x) => x.metadata.namespace)) expect(glob('logclaw-*', o.metadata.namespace!)).toBe(true);
    });
  });

  it('the operators Application installs the pinned charts of helmfile.d/00-operators with its values', () => {
    const parent = byKind('Application').find((a) => a.metadata.name === 'logclaw-operators');
    expect(parent.spec).toMatchObject({ project: 'logclaw-operators', source: { path: 'gitops/argocd/operators' }, destination: { namespace: 'argocd' } });
    const helmfile = readFileSync(join(repoRoot, 'helmfile.d', '00-operators.yaml.gotmpl'), 'utf8');
    const releases = [...helmfile.matchAll(/- name: (\S+)\n\s+namespace: (\S+)\n\s+chart: ([^\s/]+)\/(\S+)\n\s+version: (\S+)/g)].map((m) => ({ name: m[1], namespace: m[2], repo: m[3], chart: m[4], version: m[5] }));
    expect(releases.map((r) => r.name).sort()).toEqual(['cert-manager', 'external-secrets', 'flink-kubernetes-operator', 'opensearch-operator', 'strimzi-kafka-operator']);
    const repoUrls = Object.fromEntries([...helmfile.matchAll(/- name: (\S+)\n\s+url: \{\{ \$mirror \| default "(\S+)" \}\}/g)].map((m) => [m[1], m[2]]));
    const proj = project('logclaw-operators');
    const children = byKind('Application').filter((a) => a.metadata.name.startsWith('logclaw-operator-'));
    expect(children).toHaveLength(5);
    for (const r of releases) {
      const app = children.find((a) => a.spec.sources[0].helm.releaseName === r.name);
      expect(app, r.name).toBeDefined();
      expect(app.spec.sources[0]).toMatchObject({ repoURL: repoUrls[r.repo!], chart: r.chart, targetRevision: r.version, helm: { valueFiles: [`$values/helmfile.d/values/${r.name}.yaml`] } });
      expect(existsSync(join(repoRoot, 'helmfile.d', 'values', `${r.name}.yaml`))).toBe(true);
      expect(app.spec.destination.namespace).toBe(r.namespace);
      expect(proj.spec.destinations.map((d: any) => d.namespace)).toContain(r.namespace);
      for (const s of app.spec.sources) expect(proj.spec.sourceRepos).toContain(s.repoURL);
      expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    }
    // the Flink operator's webhook certificate comes from cert-manager: a later wave
    const wave = (n: string) => Number(children.find((a) => a.spec.sources[0].helm.releaseName === n).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('flink-kubernetes-operator')).toBeGreaterThan(wave('cert-manager'));
  });
});
