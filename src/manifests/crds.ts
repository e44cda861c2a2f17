/**
 * The CRDs custom resources are validated against: every CustomResourceDefinition under a directory
 * (`--crds DIR`, env LOGCLAW_CRD_DIR), grouped by the first-level folder they are in (one folder per operator
 * release, e.g. `strimzi-0.50.1/`). Parsing a 600 KB CRD with the yaml package takes about a second, so each
 * file's prepared schemas are cached by content hash in the user cache (cache.ts); an unchanged file is read
 * from JSON (milliseconds).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ExitCode, LogclawError } from '../errors.js';
import { cacheDir, writeAtomic } from './cache.js';
import { prepareCrdSchema, type Schema } from './schema-check.js';
import { asArray, get, isRecord } from '../object.js';

export interface CrdVersionInfo {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  schema?: Schema;
}

export interface CrdInfo {
  group: string;
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersionInfo[];
  /** File, relative to the CRD directory. */
  file: string;
  /** First-level folder (an operator release such as `strimzi-0.50.1`), or '' for files at the top. */
  bundle: string;
}

const CACHE_FORMAT = 'crd-v1';

function readCrdFile(path: string): Array<Omit<CrdInfo, 'file' | 'bundle'>> {
  const bytes = readFileSync(path);
  const hash = createHash('sha256').update(CACHE_FORMAT).update(bytes).digest('hex');
  const cached = cacheDir('crds', `${hash}.json`);
  if (existsSync(cached)) {
    try {
      return JSON.parse(readFileSync(cached, 'utf8')) as Array<Omit<CrdInfo, 'file' | 'bundle'>>;
    } catch {
      /* rebuild below */
    }
  }
  const out: Array<Omit<CrdInfo, 'file' | 'bundle'>> = [];
  for (const doc of parseAllDocuments(bytes.toString('utf8'))) {
    const o = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (!isRecord(o) || o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec;
    if (!isRecord(spec)) continue;
    const group = String(spec.group ?? '');
    const kind = String(get(spec, 'names', 'kind') ?? '');
    const topSchema = get(spec, 'validation', 'openAPIV3Schema');
    out.push({
      group,
      kind,
      plural: String(get(spec, 'names', 'plural') ?? ''),
      scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
      versions: asArray<Record<string, unknown>>(spec.versions).map((v) => {
        const schema = get(v, 'schema', 'openAPIV3Schema') ?? topSchema;
        return {
          name: String(v.name),
          served: v.served !== false,
          storage: v.storage === true,
          deprecated: v.deprecated === true,
          deprecationWarning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : undefined,
          schema: isRecord(schema) ? prepareCrdSchema(schema) : undefined,
        };
      }),
    });
  }
  try {
    writeAtomic(cached, JSON.stringify(out));
  } catch {
    /* a read-only cache only costs time */
  }
  return out;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

export class CrdCatalog {
  private readonly byGroupKind = new Map<string, CrdInfo[]>();
  readonly all: CrdInfo[];

  constructor(
    readonly dir: string,
    infos: CrdInfo[],
  ) {
    this.all = infos;
    for (const i of infos) {
      const k = `${i.group}/${i.kind}`;
      const list = this.byGroupKind.get(k) ?? [];
      list.push(i);
      this.byGroupKind.set(k, list);
    }
  }

  /** Load every CRD under dir (cached by content). A missing directory is a usage error (exit 2). */
  static load(dir: string): CrdCatalog {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new LogclawError(`CRD directory ${dir} does not exist`, {
        exitCode: ExitCode.usage,
        hint: 'Pass --crds DIR (or set LOGCLAW_CRD_DIR) to a folder of CustomResourceDefinition YAML files, one subfolder per operator release.',
      });
    }
    const infos: CrdInfo[] = [];
    for (const file of listFiles(dir)) {
      const rel = relative(dir, file);
      const bundle = rel.includes(sep) ? rel.split(sep)[0]! : '';
      for (const i of readCrdFile(file)) infos.push({ ...i, file: rel, bundle });
    }
    return new CrdCatalog(dir, infos);
  }

  find(group: string, kind: string): CrdInfo[] {
    return this.byGroupKind.get(`${group}/${kind}`) ?? [];
  }

  groups(): Set<string> {
    return new Set(this.all.map((i) => i.group));
  }

  /** Bundle (operator release folder) → its CRDs. */
  bundles(): Map<string, CrdInfo[]> {
    const m = new Map<string, CrdInfo[]>();
    for (const i of this.all) m.set(i.bundle, [...(m.get(i.bundle) ?? []), i]);
    return m;
  }
}

/** `strimzi-0.50.1` → { name: 'strimzi', version: '0.50.1' }; `cert-manager-v1.16.1` → version '1.16.1'. */
export function parseBundleName(bundle: string): { name: string; version: string } | undefined {
  const m = /^(.*?)-v?(\d+\.\d+\.\d+(?:[-+][\w.-]+)?)$/.exec(bundle);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

/** Where the CRDs come from when a command was not given `--crds DIR`. */
export interface CrdSource {
  /** Absolute directory, or undefined when no CRDs are available. */
  dir?: string;
  /** `--crds`, `LOGCLAW_CRD_DIR`, `../shared/crds` beside the logclaw checkout, or none. */
  from: 'flag' | 'env' | 'shared' | 'none';
}

/** The logclaw package (checkout) this module belongs to: dist/manifests/crds.js → ../../. */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The CRD directory: `--crds DIR`, else LOGCLAW_CRD_DIR (set to the empty string: none, on purpose), else the
 * pinned CRDs in `../shared/crds` beside the logclaw checkout when that folder exists. CRDs are never copied
 * into the repository.
 */
export function resolveCrdDir(cwd: string, flag?: string, env: NodeJS.ProcessEnv = process.env): CrdSource {
  if (flag) return { dir: resolve(cwd, flag), from: 'flag' };
  if (env.LOGCLAW_CRD_DIR !== undefined) return env.LOGCLAW_CRD_DIR ? { dir: resolve(cwd, env.LOGCLAW_CRD_DIR), from: 'env' } : { from: 'none' };
  const shared = resolve(packageRoot, '..', 'shared', 'crds');
  if (existsSync(shared) && statSync(shared).isDirectory()) return { dir: shared, from: 'shared' };
  return { from: 'none' };
}

/** How to get CRDs, for the warning printed when there are none. */
export const NO_CRDS_FIX = 'pass --crds DIR or set LOGCLAW_CRD_DIR to the pinned operator CRDs (one folder per operator release, e.g. strimzi-0.50.1/), or put them in ../shared/crds beside the logclaw checkout';

/**
 * The custom resource kinds the charts render only when their API is served (`logclaw.capabilities.has` or
 * `.Capabilities.APIVersions.Has` with a literal "group/version/Kind"): what a render without CRDs leaves out. Sorted `group/version/Kind` strings.
 */
export function capabilityGatedKinds(chartsDir: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'charts') walk(p);
      } else if (/\.(ya?ml|tpl)$/.test(e.name) && p.includes(`${sep}templates${sep}`)) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/"logclaw\.capabilities\.has"\s*\(dict[^)]*"api"\s*"([^"]+\/[^"]+\/[A-Z][A-Za-z0-9]*)"/g)) found.add(m[1]!);
        for (const m of text.matchAll(/\.Capabilities\.APIVersions\.Has\s+"([^"]+\/[^"]+\/[A-Z][A-Za-z0-9]*)"/g)) found.add(m[1]!);
      }
    }
  };
  walk(chartsDir);
  return [...found].sort();
}

/** `kafka.strimzi.io/v1/Kafka` → `Kafka`, de-duplicated, in order. */
export const kindNames = (gated: string[]): string[] => [...new Set(gated.map((g) => g.split('/').pop()!))];

/** The loud warning of a render or lint without CRDs: which kinds are left out and how to fix it. */
export function noCrdsWarning(chartsDir: string): string {
  const kinds = kindNames(capabilityGatedKinds(chartsDir));
  return `no CRDs available: custom resources are not rendered and not validated${kinds.length ? ` (left out: ${kinds.join(', ')})` : ''}; ${NO_CRDS_FIX}`;
}
