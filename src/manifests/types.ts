/** Shapes shared by manifest validation, chart/helmfile checks and lint. */

export type { Finding, ObjectRef, Severity } from '../findings.js';
import type { Finding, ObjectRef, Severity } from '../findings.js';
import type { NamedKubeObject } from '../kube-object.js';

export interface K8sMetadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A rendered object (parseRender checked apiVersion, kind and metadata.name): the one KubeObject type. */
export type K8sObject = NamedKubeObject;

/** One object of a render, with where it came from. */
export interface RenderedObject {
  obj: K8sObject;
  /** Template path as helm prints it in `# Source:` (e.g. `logclaw-tenant/charts/kafka/templates/kafka.yaml`). */
  source: string;
  /** Name of the chart whose template produced it (a subchart's name, not its alias). */
  chart: string;
  /** The template file, relative to the repository root when it could be resolved. */
  file: string;
  /** Position in the render (0-based). */
  index: number;
  /** The document as helm printed it (only when parseRender was asked to keep it). */
  text?: string;
}



/** A finding that an object's `logclaw.io/policy-exception` annotation waived. */
export interface WaivedFinding extends Finding {
  reason: string;
}

export const EXCEPTION_ANNOTATION = 'logclaw.io/policy-exception';
/** Secrets, ConfigMaps, ServiceAccounts, PVCs or Services an object uses that exist outside the render. */
export const PREREQUISITES_ANNOTATION = 'logclaw.io/prerequisites';

export const refOf = (o: K8sObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata?.namespace,
  name: o.metadata?.name ?? '',
});

export const describeRef = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
export const versionOf = (apiVersion: string): string => apiVersion.split('/').pop()!;

/** A problem with one rendered object, before it becomes a Finding (index.ts adds file, chart, target). */
export interface ObjectIssue {
  owner: RenderedObject;
  path?: string;
  rule: string;
  message: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
}

export type Emit = (issue: ObjectIssue) => void;
