/**
 * Lint and render check the umbrella chart (charts/logclaw-tenant, one release logclaw-<tenantId>); install
 * applies the helmfile.d releases (one per component). For every example tenant both must produce the same
 * objects: the same kind/namespace/name set and the same content, once the labels that name the helm
 * release (and nothing else) are set aside. Both renders use the same helm, Kubernetes version and API
 * versions (the operators' CRDs in ../shared/crds), and the same reader (yaml-kube.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTenantPlan, renderReleases } from '../../src/lifecycle/tenant.js';
import { tenantInputs } from '../../src/plan/load.js';
import { parseRender } from '../../src/manifests/parse.js';
import { operatorApiVersions, renderTenant } from '../../src/render/tenant.js';
import { Helm } from '../../src/tools/helm.js';
import { Helmfile } from '../../src/tools/helmfile.js';
import type { KubeObject } from '../../src/kube-object.js';
import { helmfileForSuite } from '../helpers/helmfile.js';
import { crdDir, HELM3, repoRoot } from '../helpers/tools.js';

const execFileP = promisify(execFile);
const helmfileBin = await helmfileForSuite('the umbrella/helmfile parity test');
/** A case: a tenant id and the repository root whose gitops/tenants/tenant-<id>.yaml holds its values. */
interface Case {
  name: string;
  tenant: string;
  root: string;
}
const cases: Case[] = readdirSync(join(repoRoot, 'gitops', 'tenants'))
  .filter((f) => /^tenant-.+\.yaml$/.test(f))
  .map((f) => f.slice('tenant-'.length, -'.yaml'.length))
  .map((tenant) => ({ name: `gitops/tenants/tenant-${tenant}.yaml`, tenant, root: repoRoot }));
// The umbrella's ci files are tenants too: each becomes the tenant file of a root that links the charts and
// helmfile.d of this repository (so both renders read the same charts).
const ciDir = join(repoRoot, 'charts', 'logclaw-tenant', 'ci');
for (const f of readdirSync(ciDir).filter((x) => x.endsWith('-values.yaml')).sort()) {
  const text = readFileSync(join(ciDir, f), 'utf8');
  const tenant = (parse(text) as { global: { tenantId: string } }).global.tenantId;
  const root = mkdtempSync(join(tmpdir(), `logclaw-parity-${tenant}-`));
  for (const d of ['charts', 'helmfile.d', 'schemas']) symlinkSync(join(repoRoot, d), join(root, d));
  mkdirSync(join(root, 'gitops', 'tenants'), { recursive: true });
  writeFileSync(join(root, 'gitops', 'tenants', `tenant-${tenant}.yaml`), text);
  cases.push({ name: `charts/logclaw-tenant/ci/${f}`, tenant, root });
}

/** Labels whose value is the helm release name (logclaw-<tenantId> for the umbrella, the component for helmfile): the
 * common app.kubernetes.io/instance, and the upstream Airflow chart's `release`. */
const RELEASE_LABELS = ['app.kubernetes.io/instance', 'release'];

/** `<alias>-<version>` → `<chart>-<version>` for the umbrella's aliased dependencies (charts/logclaw-tenant/Chart.yaml). */
const ALIASES = new Map(
  ((parse(readFileSync(join(repoRoot, 'charts', 'logclaw-tenant', 'Chart.yaml'), 'utf8')) as { dependencies: Array<{ name: string; alias?: string; version: string }> }).dependencies)
    .filter((d) => d.alias)
    .map((d) => [`${d.alias}-${d.version}`, `${d.name}-${d.version}`]),
);

const UMBRELLA_GLOBAL_DEFAULTS = (parse(readFileSync(join(repoRoot, 'charts', 'logclaw-tenant', 'values.yaml'), 'utf8')) as { global: Record<string, unknown> }).global;

const key = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
/** The official Zammad chart dials its bundled stores at <release>-<store>:<port> (in env values and its init
 * ConfigMap): the same address under either release name. */
const STORE_ADDRESSES = /(?<![\w-])[a-z0-9-]+?-(elasticsearch|postgresql|redis-master|memcached)(?=:\d)/g;
function normalise(o: KubeObject): unknown {
  const text = JSON.stringify(o).replace(STORE_ADDRESSES, 'RELEASE-$1');
  const copy = JSON.parse(text) as KubeObject;
  const strip = (m: Record<string, string> | undefined) => {
    if (!m) return;
    for (const l of RELEASE_LABELS) delete m[l];
    // The umbrella's dependencies are aliased (platform, mlEngine, ...) and helm puts the alias in .Chart.Name:
    // umbrella objects say helm.sh/chart: mlEngine-0.1.1 where installed ones say logclaw-ml-engine-0.1.1.
    const chart = m['helm.sh/chart'];
    if (typeof chart === 'string' && ALIASES.has(chart)) m['helm.sh/chart'] = ALIASES.get(chart)!;
  };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const r = v as Record<string, unknown>;
      // labels, label selectors (matchLabels) and Service selectors
      for (const k of ['labels', 'matchLabels', 'selector']) if (r[k] && typeof r[k] === 'object' && !Array.isArray(r[k])) strip(r[k] as Record<string, string>);
      // checksum/* annotations hash a rendered ConfigMap/Secret, release label included; those objects
      // are compared themselves
      if (r.annotations && typeof r.annotations === 'object') for (const a of Object.keys(r.annotations)) if (a.startsWith('checksum/')) delete (r.annotations as Record<string, string>)[a];
      for (const x of Object.values(r)) walk(x);
    }
  };
  walk(copy);
  return copy;
}

describe('umbrella render (lint, render) and helmfile.d releases (install) agree', () => {
  let helm: Helm;
  let helmfile: Helmfile;
  let apiVersions: string[];
  beforeAll(async () => {
    // the official airflow chart is not obtainable here: its stand-in (zammad's real chart comes from ../shared)
    await execFileP(process.execPath, [join(repoRoot, 'test', 'fixtures', 'upstream-charts', 'prepare.mjs')], { env: { ...process.env, LOGCLAW_HELM3: HELM3 } });
    helm = await Helm.detect(HELM3);
    helmfile = await Helmfile.detect(helmfileBin!);
    apiVersions = operatorApiVersions(repoRoot, crdDir);
  });

  it.each(cases)('$name', async ({ tenant, root }) => {
    const umbrella = parseRender((await renderTenant({ root, tenantId: tenant, helm, apiVersions, crdDir, validate: false })).text);
    expect(umbrella.findings).toEqual([]);
    const inputs = tenantInputs(root, tenant);
    const tenantGlobal = ((parse(readFileSync(inputs.stateValuesFiles[0]!, 'utf8')) as { global?: Record<string, unknown> }).global ?? {}) as Record<string, unknown>;
    const o = { cwd: root, helmfileDir: join(root, 'helmfile.d'), helm, helmfile, stateValues: inputs.stateValues, stateValuesFiles: inputs.stateValuesFiles, env: inputs.env } as never;
    const releases = await loadTenantPlan({ ...(o as object), tenant } as never);
    const perRelease = await renderReleases(o, releases, new AbortController().signal, 2, apiVersions);

    const a = new Map(umbrella.objects.map((r) => [key(r.obj as KubeObject), r]));
    const b = new Map<string, { obj: KubeObject; release: string }>();
    // The reason the sets can differ: the upstream charts (airflow, zammad) name their objects after the helm
    // release (`<release>-scheduler`). The umbrella's release is logclaw-<tenantId>, helmfile's is the
    // component (airflow, zammad), so those objects have two names for one object. They are matched by the
    // name after the release prefix, and must come from the upstream subcharts, nothing else.
    const umbrellaPrefix = `logclaw-${tenant}-`;
    const renamed: string[] = [];
    for (const r of releases) {
      for (const x of perRelease.get(r.id) ?? []) {
        let k = key(x);
        const name = x.metadata!.name!;
        if (!a.has(k) && name.startsWith(`${r.name}-`)) {
          const alias = `${x.kind} ${x.metadata?.namespace ?? ''}/${umbrellaPrefix}${name.slice(r.name.length + 1)}`;
          if (a.has(alias)) {
            renamed.push(`${k} = ${alias} (${a.get(alias)!.source.split('/templates/')[0]})`);
            k = alias;
          }
        }
        expect(b.has(k), `${k} rendered twice`).toBe(false);
        b.set(k, { obj: x, release: r.name });
      }
    }
    // (and the Services the zammad wrapper adds under the names the official chart dials: <release>-<store>)
    for (const line of renamed) expect(line).toMatch(/^Service .* \(logclaw-tenant\/charts\/zammad\)$|\(logclaw-tenant\/charts\/(airflow\/charts\/airflow|zammad\/charts\/zammad)\)$/);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const differ: Array<{ k: string; o: unknown; umbrella: unknown }> = [];
    for (const [k, u] of a) {
      const h = b.get(k)!;
      // inside a release-named object: its name, and the instance label the stand-ins echo in their values
      const canon = (v: KubeObject, name: string) => {
        const c = normalise(v) as KubeObject;
        c.metadata!.name = name;
        return JSON.parse(JSON.stringify(c).replace(/app\.kubernetes\.io\/instance: [^\\\s"]+/g, 'app.kubernetes.io/instance: RELEASE'));
      };
      const isRenamed = h.obj.metadata!.name !== u.obj.metadata.name;
      // The second named difference: the stand-ins echo the values their chart receives. Through the umbrella
      // that includes the umbrella's own `global` defaults (charts/logclaw-tenant/values.yaml) for keys the
      // tenant file leaves out; helmfile passes the tenant file's `global` as it is. Compared without those keys.
      if (isRenamed && h.obj.kind === 'ConfigMap' && /-values-echo$/.test(u.obj.metadata.name)) {
        for (const side of [h.obj, u.obj as KubeObject]) {
          const values = parse(String((side.data as Record<string, string>)['values.yaml'])) as { global?: Record<string, unknown> };
          for (const k of Object.keys(values.global ?? {})) {
            if (k in tenantGlobal) continue;
            expect(UMBRELLA_GLOBAL_DEFAULTS, `${key(side)}: global.${k} is neither in the tenant file nor an umbrella default`).toHaveProperty(k);
            delete values.global![k];
          }
          (side.data as Record<string, string>)['values.yaml'] = JSON.stringify(normalise(values as KubeObject));
        }
      }
      const [x, y] = isRenamed ? [canon(h.obj, u.obj.metadata.name), canon(u.obj as KubeObject, u.obj.metadata.name)] : [normalise(h.obj), normalise(u.obj as KubeObject)];
      if (!isDeepStrictEqual(x, y)) differ.push({ k, o: x, umbrella: y });
    }
    // the first differing object in full, then every differing object by name
    if (differ[0]) expect({ k: differ[0].k, o: differ[0].o }).toEqual({ k: differ[0].k, o: differ[0].umbrella });
    expect(differ.map((d) => d.k)).toEqual([]);
  });
});
