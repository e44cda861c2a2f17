/**
 * One Kubernetes client: REST calls and watches go through src/kube/api.ts (KubeApi); @kubernetes/client-node
 * is used only for what KubeApi does not do: the kubeconfig and its authentication (KubeConfig, RequestContext) and the exec and port-forward
 * websockets (Exec, PortForward). Before, verify read Secrets, Services, pods, ConfigMaps, namespaces and custom
 * resources through client-node's CoreV1Api, KubernetesObjectApi and ApisApi beside KubeApi.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tools.js';

// the kubeconfig and its authentication (KubeConfig, and the RequestContext KubeApi asks it to sign), the websockets
const ALLOWED = new Set(['KubeConfig', 'RequestContext', 'HttpMethod', 'Exec', 'PortForward']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** client-node members a file uses at run time: `new k8s.X(`, `k8s.X.`, `makeApiClient(k8s.X)`, `.k8s.X`. */
export function clientNodeUses(text: string): string[] {
  const code = text.replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
  const found = new Set<string>();
  for (const m of code.matchAll(/\bk8s\.([A-Z]\w+)/g)) found.add(m[1]!);
  for (const m of code.matchAll(/makeApiClient\(/g)) found.add(`makeApiClient@${m.index}`);
  return [...found];
}

describe('one Kubernetes client', () => {
  it('finds client-node API classes in code', () => {
    expect(clientNodeUses('const a = kc.makeApiClient(k8s.CoreV1Api);\nconst e = new this.kube.k8s.Exec(kc);')).toEqual(['CoreV1Api', 'Exec', expect.stringMatching(/^makeApiClient@/)]);
  });

  it('src/ uses client-node only for the kubeconfig and the exec and port-forward websockets', () => {
    const offenders: string[] = [];
    for (const file of sources(join(repoRoot, 'src'))) {
      for (const use of clientNodeUses(readFileSync(file, 'utf8'))) {
        if (!ALLOWED.has(use)) offenders.push(`${relative(repoRoot, file)}: ${use}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
