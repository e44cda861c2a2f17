/**
 * Multi-cluster placement: a tenant names its destination cluster in `global.rollout.cluster` (the name the
 * cluster is registered with in Argo CD; default in-cluster), the ApplicationSet puts it there, and the
 * AppProject `logclaw` (gitops/argocd/appproject.yaml) lists the clusters tenants may use as destinations.
 * `gitopsClusterFindings` is the lint check: every cluster a tenant names is such a destination.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parseDocument, isMap, isScalar, type Document } from 'yaml';
import type { Finding } from '../findings.js';

export const DEFAULT_CLUSTER = 'in-cluster';
export const DEFAULT_WAVE = 'main';
export const TENANT_PROJECT = 'logclaw';

export interface ProjectClusters {
  file: string;
  /** destination names (exact; globs kept as written) */
  names: string[];
  /** destinations given by server URL */
  servers: string[];
}

/** The destinations of AppProject logclaw in gitops/argocd/ (undefined when there is none). */
export function projectClusters(root: string): ProjectClusters | undefined {
  const file = join(root, 'gitops', 'argocd', 'appproject.yaml');
  if (!existsSync(file)) return undefined;
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const o = doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { destinations?: Array<{ name?: string; server?: string }> } } | null;
    if (o?.kind !== 'AppProject' || o.metadata?.name !== TENANT_PROJECT) continue;
    // no destinations list: a broken project (lint's schema check reports it), nothing to check names against
    if (!Array.isArray(o.spec?.destinations)) return undefined;
    const d = o.spec.destinations;
    return { file: relative(root, file), names: d.map((x) => x.name).filter((x): x is string => Boolean(x)), servers: d.map((x) => x.server).filter((x): x is string => Boolean(x)) };
  }
  return undefined;
}

/** Argo CD glob for destination names (`*` any run, `?` one character). */
const globMatch = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

/** Where in a tenant file global.rollout.<key> is written (line/column, 1-based), when it is. */
function position(doc: Document, text: string, key: string): { line?: number; column?: number } {
  const node = doc.getIn(['global', 'rollout', key], true);
  const offset = isScalar(node) && node.range ? node.range[0] : undefined;
  if (offset === undefined) return {};
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export interface TenantPlacement { id: string; file: string; cluster: string; wave: string }

/** A tenant file's cluster and wave (defaults applied). */
export function placementOf(file: string, root: string): TenantPlacement | undefined {
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length || !isMap(doc.contents)) return undefined;
  const v = doc.toJS() as { global?: { tenantId?: string; rollout?: { cluster?: unknown; wave?: unknown } } };
  const id = v.global?.tenantId;
  if (typeof id !== 'string') return undefined;
  const cluster = typeof v.global?.rollout?.cluster === 'string' ? v.global.rollout.cluster : DEFAULT_CLUSTER;
  const wave = typeof v.global?.rollout?.wave === 'string' ? v.global.rollout.wave : DEFAULT_WAVE;
  return { id, file: relative(root, file), cluster, wave };
}

/** Lint: every cluster a tenant names is a destination of AppProject logclaw (rule gitops-cluster-unknown). */
export function gitopsClusterFindings(root: string, tenantFiles: string[]): Finding[] {
  const project = projectClusters(root);
  if (!project) return [];
  const findings: Finding[] = [];
  for (const abs of tenantFiles) {
    const p = placementOf(abs, root);
    if (!p) continue;
    if (project.names.some((n) => globMatch(n, p.cluster))) continue;
    // the cluster Argo CD runs on may also be listed by its in-cluster URL
    if (p.cluster === DEFAULT_CLUSTER && project.servers.includes('https://kubernetes.default.svc')) continue;
    const text = readFileSync(abs, 'utf8');
    findings.push({
      rule: 'gitops-cluster-unknown',
      severity: 'error',
      file: p.file,
      ...position(parseDocument(text), text, 'cluster'),
      path: 'global.rollout.cluster',
      tenant: p.id,
      target: `tenant ${p.id}`,
      message: `global.rollout.cluster ${p.cluster} is not a destination of AppProject ${TENANT_PROJECT} (${project.file} lists ${project.names.join(', ') || 'no cluster names'}); Argo CD would refuse the Application`,
    });
  }
  return findings;
}
