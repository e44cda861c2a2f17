/**
 * One contract for values: every leaf of the umbrella schema (charts/logclaw-tenant/values.schema.json,
 * generated from schemas/tenant.base.schema.json and the subcharts' schemas) is read by a template.
 * For each leaf the test takes a case where it matters, changes only that value to another valid one
 * and proves the rendered objects change. Leaves marked "x-logclaw-doc-only": true only document.
 * global.* is rendered through the umbrella; a component's keys through its own chart (what helmfile
 * installs), which is what the umbrella passes to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { ciCases, ciFile, operatorApis, optionalApis, CORE, prepareCharts, readValues, renderValues, type K8sObject } from './lib.js';

type Schema = Record<string, any>;
const UMBRELLA = 'logclaw-tenant';
const schema = JSON.parse(readFileSync(join(repoRoot, 'charts', UMBRELLA, 'values.schema.json'), 'utf8')) as Schema;
const chartOf: Record<string, string> = Object.fromEntries(
  (readValues(join(repoRoot, 'charts', UMBRELLA, 'Chart.yaml')).dependencies as { name: string; alias?: string }[]).filter((d) => d.alias).map((d) => [d.alias!, d.name]),
);
const ALL = [...operatorApis, ...optionalApis];

const resolve = (n: Schema): Schema => (n.$ref ? { ...schema.definitions[n.$ref.replace('#/definitions/', '')], ...n, $ref: undefined } : n);

interface Leaf {
  path: string[];
  node: Schema;
}
function leaves(n: Schema, path: string[] = [], out: Leaf[] = []): Leaf[] {
  n = resolve(n);
  if (n['x-logclaw-doc-only']) return out;
  const isMap = n.additionalProperties && typeof n.additionalProperties === 'object';
  if (n.properties && !isMap) for (const [k, v] of Object.entries(n.properties)) leaves(v as Schema, [...path, k], out);
  else out.push({ path, node: n });
  return out;
}
const allLeaves = leaves(schema);

// ---- cases and mutations ------------------------------------------------------------------------

/** Base cases: the umbrella's ci cases (dev, the clouds, air-gapped, the intelligence feature cases). */
const cases = ciCases(UMBRELLA).map((f) => ({ name: f, values: readValues(ciFile(UMBRELLA, f)) }));
const get = (o: any, path: string[]): any => path.reduce((a, k) => (a == null ? undefined : a[k]), o);
const set = (o: any, path: string[], v: unknown): any => {
  const copy = structuredClone(o);
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] = cur[k] && typeof cur[k] === 'object' ? cur[k] : {};
  cur[path.at(-1)!] = v;
  return copy;
};
/** Values a leaf needs beside itself to be able to change (documented couplings between keys). */
const companions: Record<string, Record<string, unknown>> = {
  'kafka.enabled': { 'ingestion.enabled': false },
};
/** Adjust the mutated values where a rule ties keys together (a platform turned off leaves the routing). */
function couple(path: string[], values: Record<string, any>, mutated: unknown): Record<string, any> {
  const m = path.join('.').match(/^ticketingAgent\.config\.platforms\.([a-z]+)\.enabled$/);
  if (m && mutated === false) {
    const routing = get(values, ['ticketingAgent', 'config', 'routing']) ?? {};
    const pruned = Object.fromEntries(Object.entries(routing).map(([sev, list]) => [sev, (list as string[]).filter((p) => p !== m[1])]));
    return set(values, ['ticketingAgent', 'config', 'routing'], pruned);
  }
  return values;
}

const STRING_CANDIDATES = ['other-name', '4.0.0', '2.13.0', '4.0-IV3', 'other:9093', 'other:9093,other2:9094', 'abc', 'a1b2', 'eu-west-3', '7Gi', '3', '777m', '5g', '2h', '45m', 'https://other.example.com', 'http://minio.other.svc:9001', '10.1.0.0/16', 'other-project-1', 'kv/other', 'Other Name'];
const SAMPLES: Record<string, unknown[]> = {
  'global.tenantId': ['other-tenant'],
  'global.secretStore.aws.roleArn': ['arn:aws:iam::210987654321:role/other'],
  'global.secretStore.gcp.serviceAccountEmail': ['other@other-project-1.iam.gserviceaccount.com'],
  'global.secretStore.azure.vaultUrl': ['https://other.vault.azure.net'],
  'global.secretStore.azure.tenantId': ['99999999-8888-7777-6666-555555555555'],
  'global.secretStore.azure.identityClientId': ['99999999-8888-7777-6666-555555555555'],
  'global.secretStore.vault.server': ['https://vault.other.svc:8200'],
  'global.objectStorage.endpoint': ['http://minio.other.svc:9001', 'https://storage.other.example.com'],
  'platform.quota.hard': [{ pods: '77' }],
};
/** Samples for a key of every component (by its last path segment). */
const SAMPLES_BY_KEY: Record<string, unknown[]> = {
  podSecurityContext: [{ fsGroup: 4242 }, { runAsUser: null, runAsGroup: null, fsGroup: null }],
  containerSecurityContext: [{ runAsUser: 4242 }, { seLinuxOptions: { level: 's0:c123,c456' } }],
};

function matches(node: Schema, v: unknown): boolean {
  if (node.enum && !node.enum.includes(v)) return false;
  if (node.not?.const !== undefined && node.not.const === v) return false;
  if (typeof v === 'string') {
    if (node.pattern && !new RegExp(node.pattern, 'u').test(v)) return false;
    if (node.minLength && v.length < node.minLength) return false;
    if (node.maxLength && v.length > node.maxLength) return false;
  }
  return true;
}

/** Other valid values for a leaf, given its current value. */
function mutations(leaf: Leaf, current: unknown): unknown[] {
  const n = leaf.node;
  const key = leaf.path.join('.');
  const differs = (v: unknown) => JSON.stringify(v) !== JSON.stringify(current);
  const samples = SAMPLES[key] ?? SAMPLES_BY_KEY[leaf.path.at(-1)!];
  if (samples) return samples.filter(differs);
  const type = Array.isArray(n.type) ? n.type[0] : n.type;
  if (type === 'boolean') return [!current];
  if (n.enum) return n.enum.filter(differs);
  if (type === 'integer' || type === 'number') {
    const v = typeof current === 'number' ? current : 0;
    return [v + 1, v - 1, v + 2].filter((x) => (n.minimum === undefined || x >= n.minimum) && (n.maximum === undefined || x <= n.maximum)).filter(differs);
  }
  if (type === 'string') {
    const v = typeof current === 'string' ? current : '';
    const derived = v ? [`${v}1`, `${v}x`, `${v}-x`, v.replace(/(\.[a-z]+)$/, '-x$1'), v.replace(/([a-z0-9])([^a-z0-9]*)$/, '$1x$2'), v.replace(/(\d+)(?!.*\d)/, (d) => String(Number(d) + 1)), v.slice(0, -1)] : [];
    return [...new Set([...derived, ...STRING_CANDIDATES])].filter((c) => matches(n, c) && differs(c));
  }
  if (type === 'array') {
    const arr = Array.isArray(current) ? current : [];
    const items = resolve(n.items ?? {});
    const out: unknown[] = [];
    if (items.enum) for (const e of items.enum) if (!arr.includes(e)) out.push([...arr, e]);
    if (arr.length) out.push(arr.slice(0, -1));
    const item = items.type === 'integer' ? [1234] : STRING_CANDIDATES.filter((c) => matches(items, c) && !arr.includes(c));
    if (item.length) out.push([...arr, item[0]]);
    return out.filter(differs);
  }
  if (type === 'object') {
    // a free-form map (passed on to another chart): drop one of its keys, or add one
    const obj = (current ?? {}) as Record<string, unknown>;
    const [first] = Object.keys(obj);
    return [...(first ? [Object.fromEntries(Object.entries(obj).filter(([k]) => k !== first))] : []), { ...obj, 'x-logclaw-contract': '1' }];
  }
  return [];
}

/**
 * What to render for a leaf: `<component>.enabled` through the umbrella (its condition); a component's
 * other keys through its chart; global.* through each component chart in turn (the core charts first).
 */
function targets(leaf: Leaf, values: Record<string, any>): Array<(v: Record<string, any>) => Promise<K8sObject[]>> {
  const top = leaf.path[0]!;
  const tenantId = values.global.tenantId;
  const o = { release: `logclaw-${tenantId}`, namespace: `logclaw-${tenantId}`, apiVersions: ALL, kubeVersion: '1.34.0' };
  const chart = (k: string) => (v: Record<string, any>) => renderValues(HELM3, chartOf[k]!, { global: v.global, ...(v[k] ?? {}) }, o);
  if (leaf.path.length === 2 && leaf.path[1] === 'enabled') return [(v) => renderValues(HELM3, UMBRELLA, v, o)];
  if (top !== 'global') return [chart(top)];
  const order = [...Object.keys(CORE), ...Object.keys(chartOf).filter((k) => !(k in CORE))];
  return order.filter((k) => values[k]?.enabled !== false && (k !== 'zammad' || values[k]?.enabled)).map(chart);
}

/** How much of the leaf's path the case sets (cases that configure the area come first). */
const depth = (values: unknown, path: string[]): number => {
  let d = 0;
  for (let i = 1; i <= path.length; i++) if (get(values, path.slice(0, i)) !== undefined) d = i;
  return d;
};

async function proveRead(leaf: Leaf): Promise<string[]> {
  const key = leaf.path.join('.');
  const tried: string[] = [];
  const ordered = [...cases].sort((a, b) => depth(b.values, leaf.path) - depth(a.values, leaf.path));
  for (const c of ordered) {
    let base = c.values;
    for (const [p, v] of Object.entries(companions[key] ?? {})) base = set(base, p.split('.'), v);
    const current = get(base, leaf.path) ?? resolve(leaf.node).default;
    for (const m of mutations(leaf, current).slice(0, 2)) {
      const changed = couple(leaf.path, set(base, leaf.path, m), m);
      for (const target of targets(leaf, base)) {
        let before: string;
        try {
          before = JSON.stringify(await target(base));
        } catch {
          continue;
        }
        try {
          if (JSON.stringify(await target(changed)) !== before) return [];
          tried.push(`${c.name}: ${JSON.stringify(m)} renders the same`);
        } catch (e) {
          tried.push(`${c.name}: ${JSON.stringify(m)} fails: ${String((e as { stderr?: string }).stderr ?? e).split('\n').find((l) => l.startsWith('Error')) ?? ''}`);
        }
      }
    }
  }
  return tried.length ? [...new Set(tried)].slice(0, 8) : ['no valid other value found'];
}

beforeAll(async () => {
  await prepareCharts();
});

it('walks every leaf of the umbrella schema', () => {
  expect(allLeaves.length).toBeGreaterThan(150);
  for (const k of ['global', ...Object.keys(chartOf)]) expect(allLeaves.some((l) => l.path[0] === k), k).toBe(true);
  // every leaf is described, and has a default or is required by its parent
  for (const l of allLeaves) expect(resolve(l.node).description, l.path.join('.')).toBeTruthy();
});

/** global and every component with a chart, the core components first. */
const tops = ['global', ...Object.keys(CORE), ...Object.keys(chartOf).filter((k) => !(k in CORE))];
describe.concurrent.each(tops)('%s: every value changes the render', (top) => {
  it.each(allLeaves.filter((l) => l.path[0] === top).map((l) => [l.path.join('.'), l] as const))('%s', async (_key, leaf) => {
    expect(await proveRead(leaf)).toEqual([]);
  });
});
