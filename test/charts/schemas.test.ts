/**
 * One standard for every chart's values.schema.json: draft-07, a description and a default on every property,
 * every object closed (additionalProperties false) except the documented pass-through values of the official
 * charts, global and enabled allowed, values.yaml valid and equal to the schema defaults. The merged tenant
 * schema is generated from them and up to date.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../helpers/tools.js';
import { CORE, INTELLIGENCE } from './lib.js';

const execFileP = promisify(execFile);
type Schema = Record<string, any>;
const load = (chart: string, f: string): any => {
  const text = readFileSync(join(repoRoot, 'charts', chart, f), 'utf8');
  return f.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
};
/** Pass-through values of the official charts: free-form objects validated by those charts' own schemas. */
const PASS_THROUGH: Record<string, string> = { 'logclaw-airflow': 'airflow', 'logclaw-zammad': 'zammad' };
/** Free-form maps whose keys are the user's (annotations, labels, helm's copy of global). */
const FREE_FORM = /(^|\.)(global|annotations|podAnnotations|labels|nodeSelector|logclaw-common\.global)$/;
/** Component charts (the umbrella and the library aside). */
const COMPONENTS = [...Object.values(CORE), ...INTELLIGENCE];

/** Every property schema with its path, through properties and definitions. */
function properties(schema: Schema): Array<{ path: string; s: Schema }> {
  const out: Array<{ path: string; s: Schema }> = [];
  const walk = (node: Schema, path: string): void => {
    for (const [k, v] of Object.entries(node.properties ?? {})) {
      out.push({ path: `${path}${k}`, s: v as Schema });
      walk(v as Schema, `${path}${k}.`);
    }
  };
  walk(schema, '');
  for (const [k, d] of Object.entries(schema.definitions ?? {})) walk(d as Schema, `#${k}.`);
  return out;
}

const resolve = (schema: Schema, s: Schema): Schema => (s.$ref ? schema.definitions[s.$ref.replace('#/definitions/', '')] : s);

describe.each(COMPONENTS.map((c) => ({ chart: c })))('$chart', ({ chart }) => {
  const schema = load(chart, 'values.schema.json') as Schema;
  const values = load(chart, 'values.yaml') as Record<string, unknown>;

  it('is draft-07 with global (object), enabled (boolean), the library key helm adds and nothing unknown at the top', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.global.type).toBe('object');
    expect(schema.properties.enabled.type).toBe('boolean');
    expect(schema.properties['logclaw-common'].type).toBe('object');
  });

  it('describes every property and gives it a default', () => {
    const missing = properties(schema).filter(({ s }) => typeof s.description !== 'string' || !s.description || !('default' in s)).map((p) => p.path);
    expect(missing).toEqual([]);
  });

  it('closes every object (additionalProperties false, a typed map or an enum of keys), except free-form maps and the official chart pass-through', () => {
    const open = properties(schema)
      .filter(({ s }) => s.type === 'object' && (s.additionalProperties === undefined || s.additionalProperties === true) && !s.propertyNames?.enum && !s.$ref)
      .map((p) => p.path)
      .filter((p) => !FREE_FORM.test(p));
    const pass = PASS_THROUGH[chart];
    expect(open.filter((p) => !pass || (p !== pass && !p.startsWith(`${pass}.`)))).toEqual([]);
    if (pass) expect(open).toContain(pass);
  });

  it('accepts its values.yaml, whose values are the schema defaults', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    const diffs: string[] = [];
    const walk = (node: Schema, v: unknown, path: string): void => {
      const s = resolve(schema, node);
      if (v === undefined) return;
      if ('default' in node && JSON.stringify(node.default) !== JSON.stringify(v)) {
        // An object's default may be `{}` when values.yaml spells out its members (each compared on its own).
        if (!(s.type === 'object' && node.default && Object.keys(node.default).length === 0 && v && typeof v === 'object')) {
          diffs.push(`${path}: default ${JSON.stringify(node.default)} but values.yaml ${JSON.stringify(v)}`);
        }
      }
      // A $ref'd definition's own leaf defaults are generic: the use site's default object is the one compared.
      if (!node.$ref && s.type === 'object' && s.properties && v && typeof v === 'object') {
        for (const [k, sub] of Object.entries(s.properties)) walk(sub as Schema, (v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      }
    };
    for (const [k, sub] of Object.entries(schema.properties as Record<string, Schema>)) if (k !== 'global' && k !== 'logclaw-common') walk(sub, values[k], k);
    expect(diffs).toEqual([]);
  });
});

describe('the tenant schema', () => {
  it('is generated from the chart schemas (npm run gen:schemas is up to date)', async () => {
    const r = await execFileP(process.execPath, [join(repoRoot, 'scripts', 'gen-schemas.mjs'), '--check']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('accepts the umbrella values.yaml once a tenant names itself', () => {
    const schema = load('logclaw-tenant', 'values.schema.json') as Schema;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const values = load('logclaw-tenant', 'values.yaml');
    expect(schema.properties.global.required.filter((k: string) => !(k in values.global))).toEqual(['tenantId', 'tenantName', 'cloudProvider']);
    const named = { ...values, global: { ...values.global, tenantId: 'acme', tenantName: 'Acme', cloudProvider: 'aws' } };
    expect(validate(named), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries each component chart\'s keys under its component', () => {
    const t = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'tenant.schema.json'), 'utf8')) as Schema;
    const p = t.properties;
    expect(Object.keys(p.kafka.properties)).toEqual(expect.arrayContaining(['broker', 'controller', 'topics']));
    expect(Object.keys(p.ingestion.properties)).toEqual(expect.arrayContaining(['receiver', 'agent']));
    expect(Object.keys(p.flink.properties)).toEqual(expect.arrayContaining(['enabled', 'jobs', 'checkpoints', 'upgradeMode']));
    expect(Object.keys(p.mlEngine.properties)).toEqual(expect.arrayContaining(['feast', 'anomalyModel', 'ollama', 'vllm']));
    expect(Object.keys(p.airflow.properties)).toEqual(expect.arrayContaining(['executor', 'dags', 'remoteLogs', 'database', 'airflow']));
    expect(Object.keys(p.zammad.properties)).toEqual(expect.arrayContaining(['replicas', 'resources', 'zammad']));
    const platforms = p.ticketingAgent.properties.config.properties.platforms.properties;
    expect(Object.keys(platforms.jira.properties)).toEqual(['enabled', 'url', 'projectKey', 'issueType']);
    expect(platforms.jira.then.required).toEqual(['url']);
    expect(p.ticketingAgent.properties.config.properties.routing.properties.critical.$ref).toBe('#/definitions/route');
  });
});
