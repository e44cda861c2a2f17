/** Render a chart with a real helm binary and parse the result into objects. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const execFileP = promisify(execFile);

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  values?: string[];
  set?: string[];
  kubeVersion?: string;
  apiVersions?: string[];
}

export async function helmTemplate(helmBin: string, chart: string, o: RenderOptions = {}): Promise<K8sObject[]> {
  const args = ['template', o.release ?? 'test', chart, '--namespace', o.namespace ?? 'logclaw-test', '--skip-tests'];
  for (const v of o.values ?? []) args.push('--values', v);
  for (const s of o.set ?? []) args.push('--set', s);
  if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
  for (const a of o.apiVersions ?? []) args.push('--api-versions', a);
  const { stdout } = await execFileP(helmBin, args, { maxBuffer: 256 * 1024 * 1024 });
  return parseManifests(stdout);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export const byKind = (objs: K8sObject[], kind: string): K8sObject[] => objs.filter((o) => o.kind === kind);
export const find = (objs: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
