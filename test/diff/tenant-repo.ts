/**
 * The fixture tenant repository (test/fixtures/release/tenant-repo) on the test cluster: a copy with its own tenant
 * id, installed with real helm as install does. Shared by the diff/upgrade cluster tests and the golden files.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';
import type { Cluster } from '../cluster/index.ts';
import { runCli, type CliResult } from '../helpers/cli.js';
import { crdDir, repoRoot } from '../helpers/tools.js';
import { eventually } from '../helpers/eventually.js';
import { k, kjson } from '../helpers/kubectl.js';

export const fixture = join(repoRoot, 'test', 'fixtures', 'release', 'tenant-repo');

/** The Strimzi KafkaNodePool CRD at the pinned version (the fixture renders a node pool when it is served). */
export async function ensureNodePoolCrd(c: Cluster): Promise<void> {
  await k(c, 'apply', '--server-side', '--force-conflicts', '-f', join(crdDir, 'strimzi-0.50.1', '045-Crd-kafkanodepool.yaml'));
  await eventually(
    'the KafkaNodePool CRD to be established',
    async () => (await kjson(c, 'get', 'crd', 'kafkanodepools.kafka.strimzi.io')).status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True'),
    240_000,
    500,
  );
}

export interface Tenant {
  id: string;
  ns: string;
  dir: string;
  helm: string;
  edit: (fn: (v: Record<string, any>) => void) => void;
  cli: (args: string[]) => Promise<CliResult>;
}

/** A copy of the fixture repo with tenant `id`, installed with `helm` as install does (release and namespace logclaw-<id>). */
export async function installedTenant(c: Cluster, cleanups: Array<() => void>, helm: string, initial: (v: Record<string, any>) => void = () => {}): Promise<Tenant> {
  const id = `t${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'lc-diff-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(fixture, dir, { recursive: true });
  const file = join(dir, 'gitops', 'tenants', `tenant-${id}.yaml`);
  const values = parse(readFileSync(join(dir, 'gitops', 'tenants', 'tenant-acme.yaml'), 'utf8'));
  values.global.tenantId = id;
  initial(values);
  writeFileSync(file, stringify(values));
  const ns = `logclaw-${id}`;
  execFileSync(helm, ['dependency', 'build', join(dir, 'charts', 'logclaw-tenant')], { stdio: 'pipe' });
  execFileSync(helm, ['upgrade', '--install', ns, join(dir, 'charts', 'logclaw-tenant'), '--namespace', ns, '--create-namespace', '--values', file, '--kube-context', c.context, '--kubeconfig', c.kubeconfig], { stdio: 'pipe' });
  cleanups.push(() => {
    try {
      execFileSync('kubectl', ['--kubeconfig', c.kubeconfig, '--context', c.context, 'delete', 'namespace', ns, '--wait=false'], { stdio: 'pipe' });
    } catch {
      /* best effort */
    }
  });
  return {
    id,
    ns,
    dir,
    helm,
    edit: (fn) => {
      const v = parse(readFileSync(file, 'utf8'));
      fn(v);
      writeFileSync(file, stringify(v));
    },
    cli: (args) => runCli([...args, '--tenant', id, '--kube-context', c.context], { cwd: dir, env: { KUBECONFIG: c.kubeconfig, LOGCLAW_HELM: helm }, timeoutMs: 300_000 }),
  };
}

