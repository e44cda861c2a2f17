/**
 * `logclaw support-bundle` on the test cluster: a tenant whose OpenSearch is in CrashLoopBackOff and whose Kafka
 * the Strimzi operator marks failed, with a credential of every kind planted (Secret data, env values, a config
 * key, sasl.jaas.config, URL user info, a bearer token, a JWT, a password in a log line, one in the tenant file):
 * the archive holds what a support engineer needs, none of the planted values, and a manifest; a reader without RBAC on
 * Secrets still gets a bundle whose manifest names what was denied; the size bound cuts logs and says so;
 * --no-redact is refused without --yes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/index.ts';
import { getCluster, stopOwnCluster } from '../helpers/cluster.js';
import { cleanup, ensureOperators, workspace, type Workspace } from '../helpers/workspace.js';

let cluster: Cluster;
let ws: Workspace;
const ns = 'logclaw-sb-crash';
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYW50ZWQifQ.eyJzdWIiOiJwbGFudGVkLXNhIn0.cGxhbnRlZC1zaWduYXR1cmU';
const PLANTED = /planted|cGxhbnRlZ/; // every planted value contains "planted" (base64 of it: cGxhbnRlZ)

/** LOGCLAW_TEST_TRANSCRIPTS=DIR keeps what the commands printed (the README's examples come from there). */
const transcript = (name: string, text: string) => process.env.LOGCLAW_TEST_TRANSCRIPTS && writeFileSync(join(process.env.LOGCLAW_TEST_TRANSCRIPTS, name), text);
const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, ...args], { encoding: 'utf8', stdio: 'pipe' });
const kubectlApply = (yaml: string) => execFileSync('kubectl', ['--kubeconfig', ws.kubeconfig, '--context', cluster.context, 'apply', '-f', '-'], { input: yaml, encoding: 'utf8', stdio: 'pipe' });

function extract(archive: string): { dir: string; files: string[]; read: (p: string) => string } {
  const dir = `${archive}.d`;
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  const [root] = readdirSync(dir);
  const base = join(dir, root!);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(relative(base, p));
    }
  };
  walk(base);
  return { dir: base, files: files.sort(), read: (p) => readFileSync(join(base, p), 'utf8') };
}

beforeAll(async () => {
  cluster = await getCluster();
  ws = await workspace(cluster);
  await ensureOperators(cluster, ws);
  ws.tenant('sb-crash', { ticketing: { webhookUrl: 'https://hooks:planted-tenant-url@hooks.example.com/x', apiToken: 'planted-tenant-token' } });
  await cluster.applyScenario({
    name: 'sb-crash',
    pods: [{
      match: { namespace: ns, labels: { app: 'opensearch' } },
      mode: 'crashLoop', delay: 1, period: 5, exitCode: 1,
      logs: ['[ERROR][o.o.b.Bootstrap] node validation exception', 'connecting to s3 with password=planted-log-pass', 'header Authorization: Bearer planted-log-bearer-0123'],
    }],
    operators: [{ kind: 'Kafka', match: { namespace: ns }, delay: 1, fail: true }],
  });
  const r = await ws.run(['install', '--tenant', 'sb-crash', '--kube-context', cluster.context, '--only', 'kafka,opensearch'], { env: { LOGCLAW_FAIL_GRACE: '3s' } });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
  kubectlApply(`
apiVersion: v1
kind: Secret
metadata: {name: sb-credentials, namespace: ${ns}}
stringData: {password: planted-secret-data, token: ${JWT}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: sb-config, namespace: ${ns}}
data:
  client.properties: |
    bootstrap.servers=logclaw-kafka-bootstrap:9093
    sasl.mechanism=SCRAM-SHA-512
    sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="vector" password="planted-jaas-pass";
  app.yaml: |
    opensearch:
      url: https://admin:planted-url-pass@logclaw-opensearch:9200
      password: planted-yaml-pass
    serviceAccountToken: ${JWT}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: sb-env, namespace: ${ns}, annotations: {webhook: "Authorization: Bearer planted-annotation-bearer-77"}}
spec:
  replicas: 0
  selector: {matchLabels: {app: sb-env}}
  template:
    metadata: {labels: {app: sb-env}}
    spec:
      containers:
        - name: c
          image: registry.example/logclaw/sb-env:1.0.0
          env:
            - {name: DB_PASSWORD, value: planted-env-pass}
            - {name: LOG_LEVEL, value: debug}
`);
}, 600_000);

afterAll(async () => {
  await cluster?.removeScenario('sb-crash').catch(() => undefined);
  cleanup(ws);
  await stopOwnCluster();
});

describe('logclaw support-bundle', () => {
  it('collects everything of a tenant in CrashLoopBackOff with a failed operator resource, redacted (no planted credential in any file)', async () => {
    const out = join(ws.dir, 'bundle.tar.gz');
    const r = await ws.run(['support-bundle', '--tenant', 'sb-crash', '--kube-context', cluster.context, '--include-logs', '--since', '1h', '--out', out]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/✔ wrote bundle\.tar\.gz \([\d.]+ KiB; \d+ files, [\d.]+ (KiB|MiB) uncompressed\) for tenant sb-crash on /);
    expect(r.stdout).toContain('redacted: Secret data, credential-looking keys and env values, sasl.jaas.config, URL user info, tokens');
    const b = extract(out);
    transcript('support-bundle.txt', `$ logclaw support-bundle --tenant sb-crash --include-logs --since 1h --out bundle.tar.gz\n${r.stdout}$ tar -tzf bundle.tar.gz\n${execFileSync('tar', ['-tzf', out], { encoding: 'utf8' })}`);
    // what a bundle holds: tenant file, versions, helm history and values, objects with status and events, custom
    // resources with conditions, operator Deployments and logs, pod logs (current and previous), status, diagnosis
    for (const f of ['manifest.json', 'tenant.yaml', 'versions.json', 'status.txt', 'status.json', 'diagnosis.txt', 'events.txt', 'custom-resources.txt',
      'helm/kafka/history.yaml', 'helm/kafka/values.yaml', 'helm/opensearch/history.yaml', 'helm/platform/values.yaml',
      'objects/Secret.yaml', 'objects/ConfigMap.yaml', 'objects/Pod.yaml', 'objects/StatefulSet.apps.yaml', 'objects/Deployment.apps.yaml', 'objects/Event.yaml',
      'objects/Kafka.kafka.strimzi.io.yaml', 'objects/KafkaNodePool.kafka.strimzi.io.yaml',
      'operators/strimzi/deployments.txt', 'operators/strimzi/deployments.yaml', 'logs/opensearch-0/opensearch.log', 'logs/opensearch-0/opensearch.previous.log']) {
      expect(b.files, f).toContain(f);
    }
    expect(b.files.some((f) => /^operators\/strimzi\/logs\/.+\.log$/.test(f))).toBe(true);
    // redaction: no planted value anywhere, in any file
    const leaks = b.files.filter((f) => PLANTED.test(b.read(f)) || b.read(f).includes(JWT));
    expect(leaks, leaks.map((f) => `${f}: ${b.read(f).split('\n').filter((l) => PLANTED.test(l) || l.includes(JWT)).join(' | ')}`).join('\n')).toEqual([]);
    const grep = (() => { try { return execFileSync('grep', ['-rlE', 'planted|cGxhbnRlZ', b.dir], { encoding: 'utf8' }); } catch (e) { return (e as { stdout?: string }).stdout ?? ''; } })();
    expect(grep).toBe('');
    // ...while what tells the story stays
    expect(b.read('objects/Secret.yaml')).toMatch(/password: "?\*\*\* \(19 bytes\)"?/);
    expect(b.read('objects/ConfigMap.yaml')).toContain('bootstrap.servers=logclaw-kafka-bootstrap:9093');
    expect(b.read('objects/ConfigMap.yaml')).toContain('https://admin:***@logclaw-opensearch:9200');
    expect(b.read('objects/Deployment.apps.yaml')).toMatch(/name: LOG_LEVEL\s+value: debug/);
    expect(b.read('logs/opensearch-0/opensearch.previous.log')).toContain('node validation exception');
    expect(b.read('logs/opensearch-0/opensearch.previous.log')).toContain('password=***');
    expect(b.read('tenant.yaml')).toContain('https://hooks:***@hooks.example.com/x');
    // status and the diagnosis walk of what is not ready
    expect(b.read('status.txt')).toMatch(/kafka\s+failed/);
    expect(b.read('diagnosis.txt')).toMatch(/StatefulSet logclaw-sb-crash\/opensearch: .*\n\s+└ Pod opensearch-0 → container opensearch: CrashLoopBackOff/);
    expect(b.read('diagnosis.txt')).toMatch(/Kafka logclaw-sb-crash\/kafka: failed/);
    expect(b.read('custom-resources.txt')).toMatch(/Kafka logclaw-sb-crash\/kafka \(kafka\.strimzi\.io\/v1\w*\): failed — .*\n\s+NotReady=True \(TimeoutException\)/);
    expect(b.read('events.txt')).toMatch(/Pod\/opensearch-0/);
    expect(b.read('operators/strimzi/deployments.txt')).toMatch(/Deployment strimzi\/\S+: ready/);
    const versions = JSON.parse(b.read('versions.json'));
    expect(versions.kubernetes).toMatch(/^v1\.\d+\.\d+/);
    expect(versions.helm).toMatch(/^3\.\d+\.\d+/);
    expect(versions.operators.map((o: { release: string }) => o.release)).toEqual(expect.arrayContaining(['strimzi-kafka-operator', 'cert-manager', 'external-secrets']));
    expect(versions.operators.find((o: { release: string }) => o.release === 'strimzi-kafka-operator')).toMatchObject({ chart: 'strimzi-kafka-operator', version: '0.50.1', status: 'deployed' });
    const history = b.read('helm/kafka/history.yaml');
    expect(history).toMatch(/revision: 1\s+status: deployed\s+chart: kafka-/);
    const manifest = JSON.parse(b.read('manifest.json'));
    expect(manifest).toMatchObject({ tenant: 'sb-crash', namespace: ns, redacted: true, options: { since: '3600s', includeLogs: true }, cut: [] });
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(b.files.filter((f) => f !== 'manifest.json'));
  });

  it('a reader without access to Secrets or other namespaces still gets a bundle; manifest.json names what RBAC denied', async () => {
    kubectlApply(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: sb-viewer, namespace: ${ns}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sb-viewer, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: sb-viewer, namespace: ${ns}}]
`);
    const token = kubectl('create', 'token', 'sb-viewer', '-n', ns).trim();
    const kc = join(ws.dir, 'viewer.kubeconfig');
    writeFileSync(kc, readFileSync(ws.kubeconfig));
    const k = (...a: string[]) => execFileSync('kubectl', ['--kubeconfig', kc, ...a], { encoding: 'utf8', stdio: 'pipe' });
    k('config', 'set-credentials', 'sb-viewer', `--token=${token}`);
    // straight to the API server (the test cluster's fault proxy talks to it as admin)
    k('config', 'set-cluster', 'sb-direct', `--server=${cluster.apiserver}`, '--insecure-skip-tls-verify=true');
    k('config', 'set-context', 'sb-viewer', '--cluster=sb-direct', '--user=sb-viewer');
    const out = join(ws.dir, 'viewer.tar.gz');
    const r = await ws.run(['support-bundle', '--tenant', 'sb-crash', '--kubeconfig', kc, '--kube-context', 'sb-viewer', '--out', out], { env: { KUBECONFIG: kc } });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    transcript('support-bundle-viewer.txt', r.stdout);
    expect(r.stdout).toMatch(/not collected \(\d+; listed in manifest\.json\):/);
    expect(r.stdout).toMatch(/forbidden\s+list secrets in logclaw-sb-crash: .*forbidden/);
    const b = extract(out);
    const manifest = JSON.parse(b.read('manifest.json'));
    const denied = manifest.failed.filter((f: { reason: string }) => f.reason === 'forbidden').map((f: { what: string }) => f.what);
    expect(denied).toEqual(expect.arrayContaining(['list secrets in logclaw-sb-crash', 'helm releases', 'list customresourcedefinitions']));
    expect(b.files).toContain('objects/ConfigMap.yaml');
    expect(b.files).not.toContain('objects/Secret.yaml');
    expect(b.read('objects/ConfigMap.yaml')).not.toMatch(PLANTED);
  });

  it('bounds the bundle: logs are cut first (their newest lines kept) and the command lists what it cut', async () => {
    const out = join(ws.dir, 'small.tar.gz');
    const r = await ws.run(['support-bundle', '--tenant', 'sb-crash', '--kube-context', cluster.context, '--include-logs', '--max-size', '30KiB', '--out', out]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    transcript('support-bundle-cut.txt', r.stdout);
    expect(r.stdout).toMatch(/cut by --max-size 30KiB \(\d+\):\n(\s+\S+ \([\d.]+ (B|KiB)(, newest [\d.]+ (B|KiB) kept|, left out)\)\n?)+/);
    const b = extract(out);
    const manifest = JSON.parse(b.read('manifest.json'));
    expect(manifest.cut.length).toBeGreaterThan(0);
    const total = manifest.files.reduce((n: number, f: { bytes: number }) => n + f.bytes, 0);
    expect(total).toBeLessThanOrEqual(30 * 1024);
    // what is most important survived the cut
    for (const f of ['status.txt', 'diagnosis.txt', 'versions.json', 'tenant.yaml']) expect(b.files).toContain(f);
    expect(existsSync(out)).toBe(true);
  });

  it('--no-redact is refused without --yes (exit 2, nothing written)', async () => {
    const out = join(ws.dir, 'raw.tar.gz');
    const r = await ws.run(['support-bundle', '--tenant', 'sb-crash', '--kube-context', cluster.context, '--no-redact', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--no-redact writes Secret data, passwords and tokens into the bundle as they are: refused without --yes');
    expect(existsSync(out)).toBe(false);
    const ok = await ws.run(['support-bundle', '--tenant', 'sb-crash', '--kube-context', cluster.context, '--no-redact', '--yes', '--out', out, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).manifest.redacted).toBe(false);
    expect(extract(out).read('objects/Secret.yaml')).toContain(Buffer.from('planted-secret-data').toString('base64'));
  });
});
