/**
 * Which operator serves a custom resource: the CRD directory's bundles (one folder per operator release,
 * `strimzi-0.50.1/`) matched to the releases helmfile.d/00-operators installs (chart name and pinned version).
 * A custom resource is validated against the CRD of the pinned operator version; a group no installed
 * operator serves is an error.
 */
import { basename } from 'node:path';
import semver from 'semver';
import type { HelmfileRelease } from '../helmfile/index.js';
import { parseBundleName, type CrdCatalog, type CrdInfo } from './crds.js';

const GENERIC = new Set(['operator', 'operators', 'kubernetes', 'k8s', 'helm', 'chart', 'charts', 'crd', 'crds', 'controller']);
const tokens = (s: string): Set<string> => new Set(s.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t && !GENERIC.has(t)));
const normVersion = (v: string | undefined): string => (v ?? '').replace(/^v/, '');

export interface OperatorResolution {
  crd?: CrdInfo;
  operator?: HelmfileRelease;
  problem?: { rule: 'operator-not-installed' | 'operator-crds-unavailable'; message: string };
}

export class OperatorCatalog {
  constructor(
    readonly crds: CrdCatalog | undefined,
    /** Releases of helmfile.d/00-operators*.yaml; undefined when the repository has no such file. */
    readonly operators: HelmfileRelease[] | undefined,
  ) {}

  /** Releases whose chart or name shares a word with a bundle name (`strimzi` ~ `strimzi-kafka-operator`). */
  releasesFor(bundle: string): HelmfileRelease[] {
    const b = parseBundleName(bundle);
    if (!b || !this.operators) return [];
    const bt = tokens(b.name);
    return this.operators.filter((r) => {
      const rt = new Set([...tokens(basename(r.chart)), ...tokens(r.name)]);
      return [...bt].some((t) => rt.has(t));
    });
  }

  private pinned(info: CrdInfo): HelmfileRelease | undefined {
    const b = parseBundleName(info.bundle);
    return this.releasesFor(info.bundle).find((r) => b && normVersion(r.version) === b.version);
  }

  resolve(group: string, kind: string): OperatorResolution {
    const infos = this.crds?.find(group, kind) ?? [];
    if (!infos.length) return {};
    if (!this.operators) {
      // No 00-operators to pin against: the newest bundle wins.
      const sorted = [...infos].sort((a, b) => compareBundles(b.bundle, a.bundle));
      return { crd: sorted[0] };
    }
    for (const info of infos) {
      const op = this.pinned(info);
      if (op) return { crd: info, operator: op };
    }
    const byName = infos.map((i) => ({ i, rs: this.releasesFor(i.bundle) })).find((x) => x.rs.length);
    if (byName) {
      const r = byName.rs[0]!;
      return {
        crd: byName.i,
        operator: r,
        problem: {
          rule: 'operator-crds-unavailable',
          message: `helmfile.d pins ${r.chart} ${r.version ?? '(no version)'}, but the CRD directory has ${group} CRDs only for ${infos.map((i) => i.bundle || i.file).join(', ')}; validated against ${byName.i.bundle}`,
        },
      };
    }
    return {
      crd: infos[0],
      problem: {
        rule: 'operator-not-installed',
        message: `no operator release in helmfile.d/00-operators installs ${group} (its CRDs come from ${[...new Set(infos.map((i) => i.bundle || i.file))].join(', ')}); the API server would reject ${kind}`,
      },
    };
  }

  /** `group/version` and `group/version/Kind` of every CRD the installed operators serve (for helm --api-versions). */
  apiVersions(): string[] {
    if (!this.crds) return [];
    const out = new Set<string>();
    for (const info of this.crds.all) {
      if (this.operators && !this.pinned(info)) continue;
      for (const v of info.versions) {
        if (!v.served) continue;
        out.add(`${info.group}/${v.name}`);
        out.add(`${info.group}/${v.name}/${info.kind}`);
      }
    }
    return [...out].sort();
  }
}

function compareBundles(a: string, b: string): number {
  const x = parseBundleName(a)?.version;
  const y = parseBundleName(b)?.version;
  if (x && y && semver.valid(x) && semver.valid(y)) return semver.compare(x, y);
  return a.localeCompare(b);
}
