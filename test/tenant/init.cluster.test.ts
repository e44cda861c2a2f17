/**
 * `tenant init --kube-api-from`: the API server addresses read from a real API server. The test cluster's API
 * server runs without its endpoint reconciler, so the test publishes Service kubernetes's Endpoints (then an
 * EndpointSlice) as a control plane does.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { setupCluster } from '../helpers/cluster.js';
import { kubectl, yamlDocs } from '../helpers/kubectl.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const cluster = setupCluster();

it('--kube-api-from writes the endpoints of Service kubernetes as /32 CIDRs (Endpoints, else EndpointSlices); none found is an error', async () => {
  const c = cluster();
  const cwd = tempDir('logclaw-init-cluster-');
  mkdirSync(join(cwd, 'schemas'), { recursive: true });
  writeFileSync(join(cwd, 'schemas', 'tenant.schema.json'), readFileSync(join(repoRoot, 'schemas', 'tenant.schema.json')));
  const init = (id: string, context = c.context) =>
    runCli(['tenant', 'init', id, '--yes', '--name', id, '--cloud', 'onprem', '--secret-store', 'none', '--ticketing', 'none', '--kube-api-from', context], { cwd, env: { LOGCLAW_ROOT: cwd, KUBECONFIG: c.kubeconfig } });
  const cidrs = (id: string) => (parse(readFileSync(join(cwd, 'gitops', 'tenants', `tenant-${id}.yaml`), 'utf8')) as { platform: { networkPolicy: { kubeApiServer: { cidrs: string[] } } } }).platform.networkPolicy.kubeApiServer.cidrs;
  const apply = async (...docs: object[]) => {
    const r = await kubectl(c, ['apply', '-f', '-'], { input: yamlDocs(...docs) });
    expect(r.exitCode, r.stderr).toBe(0);
  };
  try {
    await apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.20.0.12' }, { ip: '10.20.0.11' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
    const r = await init('alpha');
    expect(r.code, r.stderr).toBe(0);
    expect(cidrs('alpha')).toEqual(['10.20.0.11/32', '10.20.0.12/32']);

    await kubectl(c, ['delete', 'endpoints', 'kubernetes', '-n', 'default', '--ignore-not-found']);
    await apply({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.20.0.13'] }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] });
    const s = await init('beta');
    expect(s.code, s.stderr).toBe(0);
    expect(cidrs('beta')).toEqual(['10.20.0.13/32']);

    await kubectl(c, ['delete', 'endpointslice', 'kubernetes', '-n', 'default', '--ignore-not-found']);
    const none = await init('gamma');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`context ${c.context} shows no endpoint of Service kubernetes in namespace default`);
    expect(none.stderr).toContain('--kube-api-cidr');
    // a context the kubeconfig does not have: an error naming it, nothing written
    const bad = await init('delta', 'no-such-context');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no-such-context');
  } finally {
    await kubectl(c, ['delete', 'endpoints', 'kubernetes', '-n', 'default', '--ignore-not-found']);
    await kubectl(c, ['delete', 'endpointslice', 'kubernetes', '-n', 'default', '--ignore-not-found']);
  }
}, 120_000);
