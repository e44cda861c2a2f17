/**
 * The CRDs custom resources are validated against: every CustomResourceDefinition under a directory
 * (`--crds DIR`, env LOGCLAW_CRD_DIR), grouped by the first-level folder they are in (one folder per operator
 * release, e.g. `strimzi-0.50.1/`). Parsing a 600 KB CRD with the yaml package takes about a second, so each
 * file's prepared schemas are cached by content hash in the user cache (cache.ts); an unchanged file is read
 * from JSON (milliseconds).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ExitCode, LogclawError } from '../errors.js';
import { cacheDir, writeAtomic } from './cache.js';
import { prepareCrdSchema, type Schema } from './schema-check.js';
import { asArray, get, isRecord } from './types.js';

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
