/**
 * Writing tenant YAML from the schema: every key gets its schema description as a comment above it.
 * `template` mode writes every field of the schema (gitops/tenants/_template.yaml): fields with a
 * default or an example get a value, optional fields without one are written commented out.
 * `tenant` mode writes only the values given (what `tenant init` produces). Keys selected by
 * `commentOut` (the charts' own settings, whose defaults live in each chart's values.yaml) are
 * written commented out, so copying the template never pins a chart default.
 */
import { stringify } from 'yaml';
import { deref, type JsonSchema } from './schema.js';
import { isRecord } from '../object.js';

export const MODELINE_PREFIX = '# yaml-language-server: $schema=';

export interface RenderOptions {
  mode: 'template' | 'tenant';
  /** Relative path from the file to schemas/tenant.schema.json for the editor modeline. */
  schemaRef: string;
  /** Lines put under the modeline (a file header). */
  header?: string[];
  /** Comment width. */
  width?: number;
  /** Template mode: keys (by path) written commented out with their subtree, e.g. chart settings that default in the chart. */
  commentOut?: (path: string[]) => boolean;
}

type Obj = Record<string, unknown>;

/** Wrap a description into `# ` lines at the given width. */
export function commentLines(text: string, indent: string, width: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let cur = '';
  const room = Math.max(30, width - indent.length - 2);
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > room) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => `${indent}# ${l}`);
}

/** One scalar or flow value as YAML (quoted when needed). */
export function scalar(v: unknown): string {
  // helm reads values with a YAML 1.1 parser: quote the strings it would take for booleans or numbers.
  if (typeof v === 'string' && /^(y|yes|n|no|on|off|true|false|null|~|[-+]?[0-9_.:]+(e[-+]?[0-9]+)?|0x[0-9a-f]+|0o?[0-7]+)$/i.test(v)) return JSON.stringify(v);
  return stringify(v, { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false }).trimEnd();
}

const isObjectSchema = (s: JsonSchema | undefined): boolean => !!s && (s.type === 'object' || (!!s.properties && s.type === undefined));

/** A short hint of the allowed values, appended to the comment. */
function allowed(s: JsonSchema): string | undefined {
  if (Array.isArray(s.enum)) return `One of: ${s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}.`;
  const items = s.items;
  if (s.type === 'array' && items && Array.isArray(items.enum)) return `Items: ${items.enum.join(', ')}.`;
  return undefined;
}

export function renderTenantYaml(root: JsonSchema, values: Obj, options: RenderOptions): string {
  const width = options.width ?? 100;
  const out: string[] = [`${MODELINE_PREFIX}${options.schemaRef}`];
  if (options.header) out.push(...options.header.map((h) => (h ? `# ${h}` : '#')), '');
  walk(root, values, [], 0, true, false);
  return out.join('\n') + '\n';

  function walk(schemaNode: JsonSchema | undefined, value: unknown, path: string[], depth: number, top: boolean, inComment: boolean): void {
    const s = deref(root, schemaNode);
    const props = s?.properties ?? {};
    const given = isRecord(value) ? value : {};
    const keys = options.mode === 'template' ? Object.keys(props) : [...Object.keys(props).filter((k) => k in given), ...Object.keys(given).filter((k) => !(k in props))];
    const indent = '  '.repeat(depth);
    let first = true;
    for (const key of keys) {
      const child = deref(root, props[key]);
      const has = key in given;
      const v = given[key];
      if (top && !first) out.push('');
      first = false;
      const desc = child?.description;
      const hint = child ? allowed(child) : undefined;
      if (desc || hint) out.push(...commentLines([desc, hint].filter(Boolean).join(' '), indent, width));
      const required = (s?.required ?? []).includes(key);
      const childPath = [...path, key];
      const off = inComment || (options.mode === 'template' && !!options.commentOut?.(childPath));
      const c = off ? '# ' : '';
      const nested = isObjectSchema(child) && Object.keys(child?.properties ?? {}).length > 0;
      if (nested && (options.mode === 'template' ? !has || isRecord(v) : isRecord(v) && Object.keys(v).length > 0)) {
        out.push(`${indent}${c}${key}:`);
        walk(child, has ? v : {}, childPath, depth + 1, false, off);
        continue;
      }
      if (has) {
        out.push(`${indent}${c}${key}: ${scalar(v)}`);
      } else if (child && child.default !== undefined) {
        out.push(`${indent}${c}${key}: ${scalar(child.default)}`);
      } else if (child && Array.isArray(child.examples) && child.examples.length) {
        out.push(required && !off ? `${indent}${key}: ${scalar(child.examples[0])}` : `${indent}# ${key}: ${scalar(child.examples[0])}`);
      } else {
        out.push(`${indent}# ${key}:`);
      }
    }
  }
}
