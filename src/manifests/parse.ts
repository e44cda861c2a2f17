/**
 * Split `helm template` output into objects, each with the template it came from. Documents are split and
 * read by yaml-kube.ts, the way helm install hands them to the API server (sigs.k8s.io/yaml).
 */
import { parseKubeYaml, splitDocuments, type KubeDocument } from './yaml-kube.js';
import { chartOfTemplate } from '../tools/helm.js';
import { type Finding, type K8sObject, type RenderedObject } from './types.js';
import { isRecord } from '../object.js';

export interface SourceInfo {
  chart: string;
  file: string;
}

export type SourceResolver = (source: string) => SourceInfo;

const defaultResolver: SourceResolver = (source) => ({ chart: chartOfTemplate(source), file: source });

export interface ParsedRender {
  objects: RenderedObject[];
  findings: Finding[];
}

/** Parse a rendered manifest stream. Lists (kind: *List) are flattened. */
export function parseRender(text: string, resolve: SourceResolver = defaultResolver, options: { keepText?: boolean } = {}): ParsedRender {
  const objects: RenderedObject[] = [];
  const findings: Finding[] = [];
  let docs: KubeDocument[];
  try {
    docs = splitDocuments(text);
  } catch (e) {
    const where = resolve('(unknown)');
    findings.push({ rule: 'object-invalid', severity: 'error', file: where.file, chart: where.chart, message: `rendered YAML does not split into documents: ${(e as Error).message}` });
    return { objects, findings };
  }
  for (const { text: chunk } of docs) {
    if (!/\S/.test(chunk)) continue;
    const src = /^# Source: (.+)$/m.exec(chunk);
    const source = src ? src[1]!.trim() : '(unknown)';
    const where = resolve(source);
    let value: unknown;
    try {
      value = parseKubeYaml(chunk);
    } catch (e) {
      findings.push({ rule: 'object-invalid', severity: 'error', file: where.file, chart: where.chart, message: `rendered YAML does not parse: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    if (value === null || value === undefined) continue;
    const items = isRecord(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (!isRecord(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string' || !isRecord(item.metadata) || typeof item.metadata.name !== 'string' || !item.metadata.name) {
        findings.push({
          rule: 'object-invalid',
          severity: 'error',
          file: where.file,
          chart: where.chart,
          message: 'a rendered document is not a Kubernetes object (it needs apiVersion, kind and metadata.name)',
        });
        continue;
      }
      objects.push({ obj: item as K8sObject, source, chart: where.chart, file: where.file, index: objects.length, text: options.keepText && items.length === 1 ? chunk.replace(/^\n+/, '') : undefined });
    }
  }
  return { objects, findings };
}

/** A deep copy without null values (the API server drops nulls before validating). */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(withoutNulls);
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}
