/**
 * The CRDs operator charts ship: their fingerprints, which the chart templates (helm's) or keeps in crds/, and
 * bringing the cluster's up to date — adopting templated ones nobody owns, re-applying older crds/ ones.
 */
import { kubectlEquivalent } from '../tools/kubectl.js';
import { selectorOf, type LoadedRelease } from '../plan/load.js';
import type { PhaseControl } from '../plan/phases.js';
import type { KubeObject } from '../readiness/types.js';
import { parseKubeObjects } from '../manifests/yaml-kube.js';
import type { PlanOptions } from './plan-context.js';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The parts of a CRD that change between operator releases (served versions and their schemas). */
export function crdFingerprint(crd: KubeObject): string {
  const versions = ((crd.spec?.versions ?? []) as Array<Record<string, unknown>>)
    .map((v) => ({ name: v.name, served: v.served, storage: v.storage, schema: (v.schema as { openAPIV3Schema?: unknown } | undefined)?.openAPIV3Schema, subresources: v.subresources }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return canonical({ group: crd.spec?.group, names: crd.spec?.names?.kind, versions });
}

/** A CRD an operator chart ships, and whether the chart templates it (a release resource helm upgrades) or keeps it in crds/. */
export interface ChartCrd {
  crd: KubeObject;
  /** From templates/ (cert-manager's crds.enabled): helm owns and upgrades it; logclaw never applies it. */
  templated: boolean;
}

/** Split `helmfile template` output into documents with the template each came from (`# Source: chart/templates/x.yaml`). */
export function crdsWithSource(text: string): ChartCrd[] {
  const out: ChartCrd[] = [];
  for (const doc of text.split(/^---\s*$/m)) {
    const source = /^# Source: (\S+)/m.exec(doc)?.[1] ?? '';
    for (const o of parseKubeObjects(doc)) {
      if (o.kind === 'CustomResourceDefinition') out.push({ crd: o, templated: /(^|\/)templates\//.test(source) });
    }
  }
  return out;
}

/** CRDs an operator release's chart ships (helmfile template --include-crds of that release). */
export async function chartCrds(o: PlanOptions, r: LoadedRelease, signal: AbortSignal): Promise<ChartCrd[]> {
  const rendered = await o.helmfile.template({ file: r.file, helmBinary: o.helm.bin, environment: o.environment }, { selectors: [selectorOf(r)], includeCrds: true }, { cwd: o.cwd, env: o.env, signal });
  return crdsWithSource(rendered);
}

/** `--api-versions` for helm: every served group/version (and /Kind) of these CRDs. */
export function apiVersionsOf(crds: KubeObject[]): string[] {
  const out = new Set<string>();
  for (const c of crds) {
    for (const v of (c.spec?.versions ?? []) as Array<{ name: string; served?: boolean }>) {
      if (v.served === false) continue;
      out.add(`${c.spec.group}/${v.name}`);
      out.add(`${c.spec.group}/${v.name}/${c.spec.names?.kind}`);
    }
  }
  return [...out].sort();
}

/**
 * Templated CRDs (release resources) that exist in the cluster without an owning helm release — created by hand,
 * or by an earlier tool run — are adopted by this release (helm's ownership label and annotations), so helm
 * updates them instead of failing with "invalid ownership metadata". A CRD another release owns is left alone.
 */
export async function adoptTemplatedCrds(o: PlanOptions, r: LoadedRelease, crds: ChartCrd[], ctl: PhaseControl, cluster: Map<string, KubeObject>): Promise<void> {
  const api = o.session.api;
  if (!api) return;
  for (const { crd } of crds.filter((c) => c.templated)) {
    const name = crd.metadata!.name!;
    const live = cluster.get(name);
    if (!live || live.metadata?.annotations?.['meta.helm.sh/release-name']) continue;
    const ref = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name };
    if (o.dryRun) {
      o.dryRun.record(kubectlEquivalent.annotateCrd(o.session.kubeContext, name, { 'meta.helm.sh/release-name': r.name, 'meta.helm.sh/release-namespace': r.namespace }));
      continue;
    }
    await api.patch(ref, { metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': r.name, 'meta.helm.sh/release-namespace': r.namespace } } }, { signal: ctl.signal });
    ctl.note(`${r.id}: CRD ${name} had no owning release: adopted by ${r.id} (helm upgrades it from now on)`);
  }
}

/**
 * Re-apply CRDs the chart keeps in crds/ (helm installs those once and never upgrades them) that are missing
 * (after a first install) or different in the cluster. Templated CRDs are helm's: never applied here.
 */
export async function refreshCrds(o: PlanOptions, r: LoadedRelease, all: ChartCrd[], ctl: PhaseControl, cluster: Map<string, KubeObject>, installed: boolean): Promise<string[]> {
  const api = o.session.api;
  const crds = all.filter((c) => !c.templated).map((c) => c.crd);
  if (!api || !crds.length) return [];
  const stale: KubeObject[] = [];
  for (const crd of crds) {
    const live = cluster.get(crd.metadata!.name!);
    if (!live) {
      if (installed) stale.push(crd);
    } else if (crdFingerprint(live) !== crdFingerprint(crd)) stale.push(crd);
  }
  if (!stale.length) return [];
  const names = stale.map((c) => c.metadata!.name!);
  if (o.dryRun) {
    o.dryRun.record(kubectlEquivalent.applyServerSide(o.session.kubeContext, `<CRDs of ${r.chart}: ${names.join(', ')}>`));
    return names;
  }
  ctl.update(`${r.id}: refreshing ${names.length} CRD(s) older than the operator: ${names.join(', ')}`);
  for (const crd of stale) {
    const { status: _s, ...body } = crd as KubeObject & { status?: unknown };
    await api.apply({ ...body, apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, { force: true, signal: ctl.signal });
  }
  ctl.note(`refreshed ${names.length} CRD(s) of ${r.id} that were older than the operator chart: ${names.join(', ')}`);
  return names;
}
