// The test cluster never dials an address off this machine. A test cluster of its own is started and the official
// operator charts are installed on it with `logclaw operators install` (from the chart repository it serves), then
// objects that the charts' admission webhooks (failurePolicy Fail) must admit are created; all the while every TCP
// socket of this process's tree (the simulator, etcd, kube-apiserver, controller-manager, scheduler, KWOK, and
// logclaw, helmfile, helm, kubectl started from here) is read from /proc every 25 ms, and none may have a peer
// that is not a loopback address. The API server's egress log shows the webhook calls it routed, and nothing refused.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { hostOf, isForeign, parseProcNetTcp, procAddress, watchConnections, type ConnectionWatch } from '../cluster/connections.ts';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';
import { toolbox } from '../helpers/toolbox.js';
import { kubectl, yamlDocs } from '../helpers/kubectl.js';
import { tempDir } from '../helpers/temp.js';

describe('reading TCP peers from /proc/net/tcp{,6}', () => {
  const v4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A2C4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 20 4 30 10 -1
   2: 0F00020A:B4B2 0A00600A:01BB 02 00000001:00000000 01:00000190 00000002     0        0 1003 1 0000000000000000 800 0 0 1 7
   3: 0100007F:B4B4 0200A8C0:0050 06 00000000:00000000 03:00001658 00000000     0        0 0 3 0000000000000000`;
  const v6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 20 4 30 10 -1
   2: 00000000000000000000000001000000:C352 B80D0120000000000000000001000000:01BB 02 00000000:00000000 00:00000000 00000000     0        0 2003 1 0000000000000000 20 4 30 10 -1`;

  it('decodes addresses, states and inodes, and tells loopback peers from foreign ones', () => {
    const s4 = parseProcNetTcp(v4);
    expect(s4.map((s) => [s.local, s.remote, s.state, s.inode])).toEqual([
      ['127.0.0.1:8080', '0.0.0.0:0', 'LISTEN', 1001],
      ['127.0.0.1:41668', '127.0.0.1:8080', 'ESTABLISHED', 1002],
      ['10.2.0.15:46258', '10.96.0.10:443', 'SYN_SENT', 1003],
      ['127.0.0.1:46260', '192.168.0.2:80', 'TIME_WAIT', 0],
    ]);
    expect(s4.map(isForeign)).toEqual([false, false, true, true]);
    const s6 = parseProcNetTcp(v6);
    expect(s6.map((s) => [s.local, s.remote, s.state])).toEqual([
      ['[::1]:8080', '[::]:0', 'LISTEN'],
      ['::ffff:127.0.0.1:50000', '::ffff:127.0.0.1:8080', 'ESTABLISHED'],
      ['[::1]:50002', '[2001:db8::1]:443', 'SYN_SENT'],
    ]);
    expect(s6.map(isForeign)).toEqual([false, false, true]);
    expect(hostOf(procAddress('0100007F:0050'))).toBe('127.0.0.1');
  });
});

describe('the test cluster and the official operator charts', () => {
  let cluster: Cluster | undefined;
  let watch: ConnectionWatch;
  let dir: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    // watching from before the cluster starts: the simulator and its components are children of this process
    watch = watchConnections(() => [process.pid]);
    const { startCluster } = (await import('../cluster/index.ts')) as typeof import('../cluster/index.ts');
    cluster = await startCluster({ nodes: 1, timeScale: 0.01 });
    dir = tempDir('logclaw-loopback-');
    cpSync(join(repoRoot, 'helmfile.d', '00-operators.yaml.gotmpl'), join(dir, 'helmfile.d', '00-operators.yaml.gotmpl'));
    cpSync(join(repoRoot, 'helmfile.d', 'values'), join(dir, 'helmfile.d', 'values'), { recursive: true });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig));
    const tools = await toolbox({ kind: false, docker: false });
    // the directory holds only helmfile.d: name it the repository root
    env = { ...tools.env, KUBECONFIG: kubeconfig, HOME: dir, LOGCLAW_ROOT: dir, ...cluster.chartEnv() };
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('installs them, admits objects through their webhooks, and connects to nothing but loopback addresses', async () => {
    const c = cluster!;
    expect(c.chartMirror).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await runCli(['operators', 'install', '--kube-context', c.context, '--json'], { cwd: dir, env, timeoutMs: 600_000 });
    expect(r.code, r.stderr.slice(-4000)).toBe(0);
    const releases = (JSON.parse(r.stdout) as { releases: Array<{ release: string; status: string }> }).releases;
    expect(releases.map((x) => x.release).sort()).toEqual(['cert-manager/cert-manager', 'external-secrets/external-secrets',
      'flink-operator/flink-kubernetes-operator', 'opensearch-operator/opensearch-operator', 'strimzi/strimzi-kafka-operator']);

    // each of these goes through a webhook with failurePolicy Fail: cert-manager, External Secrets, Flink
    const ns = 'loopback';
    const k = (args: string[], input?: string) => kubectl(c, args, input === undefined ? {} : { input });
    expect((await k(['create', 'namespace', ns])).exitCode).toBe(0);
    const created = await k(['apply', '-f', '-'], yamlDocs(
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned', namespace: ns }, spec: { selfSigned: {} } },
      { apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'store', namespace: ns }, spec: { provider: { fake: { data: [{ key: 'k', value: 'v' }] } } } },
      { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'creds', namespace: ns },
        spec: { secretStoreRef: { name: 'store', kind: 'SecretStore' }, target: { name: 'creds' }, data: [{ secretKey: 'password', remoteRef: { key: 'k' } }] } },
      { apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: { name: 'enrich', namespace: ns },
        spec: { image: 'flink:1.19', flinkVersion: 'v1_19', serviceAccount: 'flink', jobManager: { resource: { cpu: 1, memory: '1024m' } }, taskManager: { resource: { cpu: 1, memory: '1024m' } } } },
    ));
    expect(created.exitCode, created.stderr).toBe(0);
    expect((await k(['delete', 'secretstore', 'store', '-n', ns])).exitCode).toBe(0);

    const foreign = watch.stop();
    // the watch saw the control plane and the tools it must judge
    const commands = new Set(watch.seen.values());
    for (const cmd of ['etcd', 'kube-apiserver', 'kube-controller', 'kube-scheduler', 'kwok', 'helmfile', 'helm']) expect([...commands], cmd).toContain(cmd);
    expect(watch.samples).toBeGreaterThan(100);
    expect(foreign).toEqual([]);

    const egress = c.egress();
    expect(egress.filter((e) => e.refused)).toEqual([]);
    const services = JSON.parse((await k(['get', 'services', '-A', '-o', 'json'])).stdout) as { items: Array<{ metadata: { name: string; namespace: string }; spec: { clusterIP: string } }> };
    const ipOf = (ns_: string, name: string) => services.items.find((s) => s.metadata.namespace === ns_ && s.metadata.name === name)!.spec.clusterIP;
    const routed = new Set(egress.filter((e) => e.routedTo).map((e) => e.destination));
    for (const [sns, name] of [['cert-manager', 'cert-manager-webhook'], ['external-secrets', 'external-secrets-webhook'], ['flink-operator', 'flink-operator-webhook-service']]) {
      expect([...routed], `${sns}/${name}`).toContain(`${ipOf(sns, name)}:443`);
    }
    for (const e of egress.filter((x) => x.routedTo)) expect(hostOf(e.routedTo!)).toMatch(/^127\./);
    const reviews = new Set(egress.filter((e) => e.webhook).map((e) => `${e.review} ${e.webhook}`));
    for (const w of ['AdmissionReview cert-manager-webhook.cert-manager.svc/validate', 'AdmissionReview external-secrets-webhook.external-secrets.svc/validate-external-secrets-io-v1beta1-secretstore',
      'AdmissionReview external-secrets-webhook.external-secrets.svc/validate-external-secrets-io-v1beta1-externalsecret', 'AdmissionReview flink-operator-webhook-service.flink-operator.svc/validate']) {
      expect([...reviews], w).toContain(w);
    }
  }, 900_000);
});
