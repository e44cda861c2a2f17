// Starts a real Kubernetes control plane from the binaries build.mjs made: etcd, kube-apiserver
// (TLS, generated CA, service-account key, RBAC), kube-controller-manager, kube-scheduler and kwok
// (the kubelet stand-in for nodes annotated kwok.x-k8s.io/node=fake), on free loopback ports in one
// directory. Then: kwok CRDs, the base stages (kubelet + operators), N fake nodes over zones, the
// default StorageClass `standard` and its provisioner.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import YAML from 'yaml';
// @ts-ignore -- plain ESM module shared with build.mjs
import { binPath, componentDir, components, KUBERNETES_VERSION } from './versions.mjs';
import { createPki, type Pki } from './lib/pki.ts';
import { Kube, type KubeObject, parseYamlDocs } from './lib/kube.ts';
import { freePorts, type Proc, startProc, tail, waitFor } from './lib/proc.ts';
import { basePodStages } from './stages/pods.ts';
import { nodeObjects, nodeStages, type NodeResources, workerNames } from './stages/nodes.ts';
import { API, baseOperatorStages, OPERATOR_KINDS, type OperatorStageOptions } from './stages/operators.ts';
import { startProvisioner, storageClass } from './provisioner.ts';
import { egressSelectorConfig, serveWebhooks, startEgressProxy } from './webhooks.ts';

export interface ControlPlaneOptions {
  nodes?: number;
  zones?: string[];
  /** node name prefix (kind: the cluster name) */
  name?: string;
  /** explicit node names (overrides nodes/name) */
  nodeNames?: string[];
  dir?: string;
  /** real seconds per scenario second */
  timeScale?: number;
  /** story seconds before a healthy pod turns Ready */
  podReadyDelay?: number;
  nodeResources?: NodeResources;
  /** extra directories/files of CRDs to install at start */
  crds?: string[];
  log?: (m: string) => void;
  /** extra environment for kwok (exec handlers find their programs through PATH) */
  kwokEnv?: NodeJS.ProcessEnv;
}

export interface ControlPlane {
  dir: string;
  server: string;
  pki: Pki;
  /** kubeconfig with file references, used by the components */
  adminKubeconfig: string;
  kube: Kube;
  ports: Record<string, number>;
  procs: Proc[];
  operatorOptions: OperatorStageOptions;
  /** JSON lines: every connection the API server asked its egress proxy for (webhooks, kubelet), routed or refused */
  egressLog: string;
  timeScale: number;
  startedAt: number;
  readyAt: number;
  stop(keepDir?: boolean): Promise<void>;
}

const COMPONENTS = () => Object.fromEntries(components.map((c: { name: string; version: string }) => [c.name, c.version]));

export function kubeconfigYaml(opts: { server: string; context: string; ca: string; cert: string; key: string; inline: boolean }): string {
  const b64 = (s: string) => Buffer.from(readFileSync(s, 'utf8')).toString('base64');
  const name = opts.context;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    clusters: [{ name, cluster: { server: opts.server, ...(opts.inline ? { 'certificate-authority-data': b64(opts.ca) } : { 'certificate-authority': opts.ca }) } }],
    users: [{ name, user: opts.inline ? { 'client-certificate-data': b64(opts.cert), 'client-key-data': b64(opts.key) } : { 'client-certificate': opts.cert, 'client-key': opts.key } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    preferences: {},
  });
}

function probe(url: string, tls?: { ca: string; cert: string; key: string } | 'insecure'): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const opts = tls === 'insecure' ? { rejectUnauthorized: false } : tls ?? {};
    const req = fn(u, { ...opts, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

export async function startControlPlane(o: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const startedAt = Date.now();
  const log = o.log ?? (() => {});
  const nodeNames = o.nodeNames?.length ? o.nodeNames : workerNames(o.name ?? 'sim', o.nodes ?? 3);
  const nodes = nodeNames.length;
  const zones = o.zones?.length ? o.zones : ['a', 'b', 'c'];
  const timeScale = o.timeScale ?? 1;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'logclaw-sim-'));
  mkdirSync(dir, { recursive: true });
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const procs: Proc[] = [];
  let closeEgressOnError: (() => Promise<void>) | undefined;
  const stopAll = async () => {
    for (const p of [...procs].reverse()) await p.stop();
  };
  try {
    const [etcdClient, etcdPeer, apiserver, kcm, scheduler, kwok] = await freePorts(6) as [number, number, number, number, number, number];
    const ports = { etcdClient, etcdPeer, apiserver, kcm, scheduler, kwok };
    const pki = createPki(join(dir, 'pki'));
    const server = `https://127.0.0.1:${apiserver}`;
    const adminKubeconfig = join(dir, 'admin.kubeconfig');
    writeFileSync(adminKubeconfig, kubeconfigYaml({ server, context: 'admin', ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, inline: false }));
    // the API server's cluster traffic (webhooks, aggregated APIs, kubelet) goes through a proxy that dials only
    // loopback addresses (webhooks.ts); the webhook server and the CA injection start once the API answers
    const egressLog = join(dir, 'egress.jsonl');
    writeFileSync(egressLog, '');
    const egress = await startEgressProxy(join(dir, 'egress.sock'), egressLog);
    const egressConfig = join(dir, 'egress-selector.yaml');
    writeFileSync(egressConfig, egressSelectorConfig(egress.socket));
    let stopWebhooks = () => {};
    const closeEgress = () => { stopWebhooks(); return egress.close(); };
    closeEgressOnError = closeEgress;
    const check = () => {
      for (const p of procs) {
        if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}):\n${tail(p.logFile)}`);
      }
    };

    procs.push(startProc('etcd', binPath('etcd'), [
      '--name=sim', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=sim=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync=true', '--auto-compaction-retention=1',
      '--quota-backend-bytes=4294967296', '--log-level=warn',
    ], logDir));

    procs.push(startProc('kube-apiserver', binPath('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiserver}`,
      `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
      `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--kubelet-client-certificate=${pki.adminCert}`, `--kubelet-client-key=${pki.adminKey}`, '--kubelet-preferred-address-types=InternalIP',
      '--service-cluster-ip-range=10.96.0.0/16', '--authorization-mode=Node,RBAC', '--allow-privileged=true',
      '--enable-priority-and-fairness=false', '--profiling=false', '--endpoint-reconciler-type=none',
      '--storage-media-type=application/vnd.kubernetes.protobuf', `--egress-selector-config-file=${egressConfig}`, '--v=0',
    ], logDir));

    const tlsClient = { ca: readFileSync(pki.caCert, 'utf8'), cert: readFileSync(pki.adminCert, 'utf8'), key: readFileSync(pki.adminKey, 'utf8') };
    await waitFor('kube-apiserver /readyz', () => probe(`${server}/readyz`, tlsClient), 90_000, 100, check);
    log(`kube-apiserver ready after ${Date.now() - startedAt} ms`);
    // Started once the API server is ready: kube-controller-manager gives up when /healthz stays
    // failing for a while (it does on a loaded machine). No --authentication/authorization-kubeconfig: their start-up lookup fails hard when the API
    // server is still coming up; /healthz stays reachable through the always-allowed paths.
    const common = [`--kubeconfig=${adminKubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', '--profiling=false',
      '--kube-api-qps=200', '--kube-api-burst=400'];
    procs.push(startProc('kube-controller-manager', binPath('kube-controller-manager'), [
      ...common, `--secure-port=${kcm}`,
      `--root-ca-file=${pki.caCert}`, `--service-account-private-key-file=${pki.saKey}`,
      `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`,
      '--use-service-account-credentials=false', '--concurrent-deployment-syncs=10', '--concurrent-replicaset-syncs=10',
      '--concurrent-statefulset-syncs=10', '--concurrent-job-syncs=10', '--concurrent-gc-syncs=20', '--v=0',
    ], logDir));
    procs.push(startProc('kube-scheduler', binPath('kube-scheduler'), [
      ...common, `--secure-port=${scheduler}`, '--v=0',
    ], logDir));

    const kube = new Kube({ server, ...tlsClient });

    // kwok's CRDs, then the stages the kubelet stand-in plays.
    const kwokCrdDir = join(componentDir(components.find((c: { name: string }) => c.name === 'kwok')), 'crds');
    const crdDocs = readdirSync(kwokCrdDir).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseYamlDocs(readFileSync(join(kwokCrdDir, f), 'utf8')));
    for (const extra of o.crds ?? []) crdDocs.push(...readCrds(extra));
    await kube.applyAll(crdDocs);
    // Established comes before discovery lists the kind: wait until every served version of every CRD is listed.
    const kindsByVersion = new Map<string, Set<string>>();
    for (const d of crdDocs.filter((d) => d.kind === 'CustomResourceDefinition')) {
      const spec = d.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
      for (const v of spec.versions.filter((v) => v.served)) {
        const apiVersion = `${spec.group}/${v.name}`;
        kindsByVersion.set(apiVersion, (kindsByVersion.get(apiVersion) ?? new Set()).add(spec.names.kind));
      }
    }
    await waitFor('the CRDs listed by discovery', async () => {
      for (const [apiVersion, kinds] of kindsByVersion) {
        const served = await kube.servedKinds(apiVersion);
        if ([...kinds].some((k) => !served.has(k))) return false;
      }
      return true;
    }, 30_000, 50, check);
    kube.resetDiscovery();

    const tls = { tlsCrt: readFileSync(pki.serverCert, 'utf8'), tlsKey: readFileSync(pki.serverKey, 'utf8'), caCrt: readFileSync(pki.caCert, 'utf8') };
    const operatorOptions: OperatorStageOptions = { timeScale, tls };
    const podReadyMs = Math.round((o.podReadyDelay ?? 0) * 1000 * timeScale);
    await kube.applyAll([
      ...nodeStages(), ...basePodStages(podReadyMs), ...baseOperatorStages(operatorOptions),
      storageClass,
      ...nodeObjects(nodeNames, zones, KUBERNETES_VERSION),
    ] as KubeObject[]);

    procs.push(startProc('kwok', binPath('kwok'), [
      `--kubeconfig=${adminKubeconfig}`, '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=127.0.0.1', `--node-port=${kwok}`, `--server-address=127.0.0.1:${kwok}`,
      `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, '--cidr=10.244.0.0/16',
      '--node-lease-duration-seconds=40',
      '--enable-crds=Stage,Exec,ClusterExec,Logs,ClusterLogs,PortForward,ClusterPortForward,Attach,ClusterAttach',
    ], logDir, { ...process.env, ...o.kwokEnv }));

    await Promise.all([
      waitFor('kube-controller-manager /healthz', () => probe(`https://127.0.0.1:${kcm}/healthz`, 'insecure'), 60_000, 100, check),
      waitFor('kube-scheduler /healthz', () => probe(`https://127.0.0.1:${scheduler}/healthz`, 'insecure'), 60_000, 100, check),
      waitFor(`${nodes} Ready nodes`, async () => {
        const list = await kube.request<{ items: any[] }>('GET', '/api/v1/nodes');
        return list.items.filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length >= nodes;
      }, 60_000, 100, check),
      waitFor('service account default/default', () => kube.get('v1', 'ServiceAccount', 'default', 'default'), 60_000, 100, check),
    ]);
    const stopProvisioner = startProvisioner(kube, log);
    stopWebhooks = (await serveWebhooks({ kube, pki, dir, egress, log })).stop;
    const readyAt = Date.now();
    log(`control plane ready after ${readyAt - startedAt} ms (${JSON.stringify(COMPONENTS())})`);
    return {
      dir, server, pki, adminKubeconfig, kube, ports, procs, operatorOptions, egressLog, timeScale, startedAt, readyAt,
      async stop(keepDir = false) {
        stopProvisioner();
        stopWebhooks();
        kube.close();
        await stopAll();
        await closeEgress();
        if (!keepDir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopAll();
    await closeEgressOnError?.();
    throw e;
  }
}

/** CRD documents from a file or every *.yaml / *.yml under a directory. */
export function readCrds(path: string): KubeObject[] {
  let files: string[];
  try {
    files = readdirSync(path, { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(path, f));
  } catch {
    files = [path];
  }
  return files.flatMap((f) => parseYamlDocs(readFileSync(f, 'utf8'))).filter((d) => d.kind === 'CustomResourceDefinition');
}

export { API as OPERATOR_API, OPERATOR_KINDS };
