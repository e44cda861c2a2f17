/** kubectl against a test cluster (execa, the cluster's kubeconfig and context), per-test namespaces, objects to apply. */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import type { Cluster } from '../cluster/index.ts';

export interface Run { exitCode: number; stdout: string; stderr: string }

export async function kubectl(c: Cluster, args: string[], opts: { input?: string } = {}): Promise<Run> {
  const r = await execa('kubectl', ['--kubeconfig', c.kubeconfig, '--context', c.context, ...args], { reject: false, timeout: 120_000, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** kubectl that must succeed; returns stdout. */
export async function k(c: Cluster, ...args: string[]): Promise<string> {
  const r = await kubectl(c, args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return String(r.stdout);
}

export async function kjson<T = any>(c: Cluster, ...args: string[]): Promise<T> {
  return JSON.parse(await k(c, ...args, '-o', 'json')) as T;
}

export async function namespace(c: Cluster, prefix: string): Promise<string> {
  const ns = `t-${prefix}-${randomBytes(3).toString('hex')}`;
  await k(c, 'create', 'namespace', ns);
  return ns;
}

export function yamlDocs(...docs: object[]): string {
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

export function deployment(name: string, ns: string, extra: { replicas?: number; labels?: Record<string, string>; spread?: boolean; initContainers?: boolean; image?: string } = {}) {
  const labels = { app: name, ...extra.labels };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, labels },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          ...(extra.spread ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: name } } }] } : {}),
          ...(extra.initContainers ? { initContainers: [{ name: 'init', image: 'busybox:1.36' }] } : {}),
          containers: [{ name: 'main', image: extra.image ?? 'nginx:1.27', ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  };
}
