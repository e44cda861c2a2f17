/**
 * The one KubeObject: a Kubernetes object as plain data (parsed YAML of a render, JSON from the API server).
 * Everything is optional because objects come from outside; NamedKubeObject is one whose identity is known
 * (rendered and checked, or read from the API server), as change safety and diff compare them.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    deletionTimestamp?: string | null;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }>;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  // spec and status are free-form; handlers read them through the small accessors in conditions.ts
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}

/** An object with apiVersion, kind and metadata.name. */
export type NamedKubeObject = KubeObject & { apiVersion: string; kind: string; metadata: NonNullable<KubeObject['metadata']> & { name: string } };
