// helm 3 and helm 4 against the simulated cluster (install --wait with a hook Job, upgrade, rollback,
// uninstall) and helmfile apply of two releases with `needs`.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helms } from '../helpers/tools.ts';
// @ts-ignore -- plain ESM module shared with build.mjs
import { binPath } from '../cluster/versions.mjs';
import { setupCluster } from '../helpers/cluster.js';
import { k, kjson, kubectl, namespace } from '../helpers/kubectl.js';
import { tempDir } from '../helpers/temp.js';

const cluster = setupCluster();

function writeChart(dir: string, name: string): string {
  const chart = join(dir, name);
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "1.0"\n`);
  writeFileSync(join(chart, 'values.yaml'), 'message: one\nreplicas: 2\n');
  writeFileSync(join(chart, 'templates', 'all.yaml'), `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  message: {{ .Values.message | quote }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
      annotations:
        checksum/message: {{ .Values.message | sha256sum | trunc 12 }}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 8080
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox:1.36
          args: ["migrate", {{ .Values.message | quote }}]
`);
  return chart;
}

describe.each(helms)('$name against the simulated cluster', ({ bin }) => {
  it('installs with --wait (hook Job completes), upgrades, rolls back and uninstalls', async () => {
    const c = cluster();
    const ns = await namespace(c, 'helm');
    const chart = writeChart(tempDir('logclaw-chart-'), 'demo');
    const helm = (...args: string[]) => execa(bin, [...args, '-n', ns, '--kubeconfig', c.kubeconfig, '--kube-context', c.context], { reject: false });

    const install = await helm('install', 'demo', chart, '--wait', '--timeout', '90s');
    expect(install.exitCode, install.stderr).toBe(0);
    const hook = await kjson(c, 'get', 'job', 'demo-migrate', '-n', ns);
    expect(hook.status.succeeded).toBe(1);
    expect((await kjson(c, 'get', 'deployment', 'demo', '-n', ns)).status.readyReplicas).toBe(2);

    const upgrade = await helm('upgrade', 'demo', chart, '--set', 'message=two', '--wait', '--timeout', '90s');
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect((await kjson(c, 'get', 'configmap', 'demo-config', '-n', ns)).data.message).toBe('two');
    expect((await kjson(c, 'get', 'job', 'demo-migrate', '-n', ns)).spec.template.spec.containers[0].args).toEqual(['migrate', 'two']);

    const rollback = await helm('rollback', 'demo', '1', '--wait', '--timeout', '90s');
    expect(rollback.exitCode, rollback.stderr).toBe(0);
    expect((await kjson(c, 'get', 'configmap', 'demo-config', '-n', ns)).data.message).toBe('one');
    const history = await helm('history', 'demo', '-o', 'json');
    expect(JSON.parse(history.stdout).map((h: any) => h.status)).toEqual(['superseded', 'superseded', 'deployed']);

    const uninstall = await helm('uninstall', 'demo', '--wait', '--timeout', '60s');
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect((await kubectl(c, ['get', 'deployment', 'demo', '-n', ns])).exitCode).not.toBe(0);
    expect((await kjson(c, 'get', 'secrets', '-n', ns, '-l', 'owner=helm')).items).toHaveLength(0);
  });
});

describe('helmfile', () => {
  it('applies two releases in the order `needs` gives', async () => {
    const c = cluster();
    const ns = await namespace(c, 'helmfile');
    const dir = tempDir('logclaw-helmfile-');
    writeChart(dir, 'base');
    writeChart(dir, 'app');
    writeFileSync(join(dir, 'helmfile.yaml'), `releases:
  - name: app
    namespace: ${ns}
    chart: ./app
    needs: [${ns}/base]
    wait: true
  - name: base
    namespace: ${ns}
    chart: ./base
    wait: true
`);
    const helm3 = helms.find((h) => h.name === 'helm3')!.bin;
    const r = await execa(binPath('helmfile'), ['--helm-binary', helm3, '--kube-context', c.context, 'apply', '--skip-diff-on-install', '--suppress-secrets'],
      { cwd: dir, env: { ...process.env, KUBECONFIG: c.kubeconfig }, reject: false });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const releases = await kjson(c, 'get', 'secrets', '-n', ns, '-l', 'owner=helm');
    const created = Object.fromEntries(releases.items.map((s: any) => [s.metadata.labels.name, new Date(s.metadata.creationTimestamp).getTime()]));
    expect(Object.keys(created).sort()).toEqual(['app', 'base']);
    // `app` needs `base`: base's release was recorded first and its workload was ready before app started.
    expect(created.base).toBeLessThanOrEqual(created.app);
    expect(`${r.stdout}${r.stderr}`.indexOf('base')).toBeLessThan(`${r.stdout}${r.stderr}`.lastIndexOf('app'));
    await k(c, 'rollout', 'status', 'deployment/app', '-n', ns, '--timeout=30s');
  });
});
