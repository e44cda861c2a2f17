/**
 * A small tenant repository for `diff --changed`, made as a real git repository: an umbrella with a Kafka
 * subchart (a KafkaNodePool whose storage size defaults in the subchart's values) and an app subchart (a
 * ConfigMap, a Deployment reading it (with a checksum of it in its pod template), a single-replica StatefulSet with a volumeClaimTemplate), all sized by
 * tier; four tenants (one overrides the Kafka storage, one switches Kafka off). `main` is the base, the
 * work happens on branch `feature`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

const chart = (name: string, version: string, deps = '') => `apiVersion: v2\nname: ${name}\ntype: application\nversion: ${version}\n${deps}`;

const FILES: Record<string, string> = {
  '.gitignore': 'charts/*/charts/\ncharts/*/Chart.lock.hash\ncharts/*/Chart.lock\n',
  'README.md': '# tenants\n',
  'charts/logclaw-tenant/Chart.yaml': chart(
    'logclaw-tenant',
    '0.1.0',
    'dependencies:\n  - name: fx-kafka\n    alias: kafka\n    version: 0.1.0\n    repository: file://../fx-kafka\n    condition: kafka.enabled\n  - name: fx-app\n    alias: app\n    version: 0.1.0\n    repository: file://../fx-app\n    condition: app.enabled\n',
  ),
  'charts/logclaw-tenant/values.yaml': 'global:\n  tenantId: ""\n  tier: standard\nkafka:\n  enabled: true\napp:\n  enabled: true\n',
  'charts/logclaw-tenant/ci/default-values.yaml': 'global:\n  tier: ha\n',
  'charts/fx-kafka/Chart.yaml': chart('fx-kafka', '0.1.0'),
  'charts/fx-kafka/values.yaml': 'storage:\n  size: 10Gi\n',
  'charts/fx-kafka/templates/nodepool.yaml': `{{- /* the broker pool: replicas by tier */ -}}
{{- if .Capabilities.APIVersions.Has "kafka.strimzi.io/v1/KafkaNodePool" }}
apiVersion: kafka.strimzi.io/v1
kind: KafkaNodePool
metadata:
  name: broker
  labels:
    strimzi.io/cluster: kafka
spec:
  replicas: {{ if eq .Values.global.tier "standard" }}1{{ else }}3{{ end }}
  roles: [broker]
  storage:
    type: persistent-claim
    size: {{ .Values.storage.size }}
    deleteClaim: false
{{- end }}
`,
  'charts/fx-app/Chart.yaml': chart('fx-app', '0.1.0'),
  'charts/fx-app/values.yaml': 'storage: 1Gi\nlogLevel: info\n',
  'charts/fx-app/templates/app.yaml': `{{- define "app.config" -}}
tier: {{ .Values.global.tier | quote }}
tenant: {{ .Values.global.tenantId | quote }}
logLevel: {{ .Values.logLevel | quote }}
{{- end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  {{- include "app.config" . | nindent 2 }}
---
apiVersion: v1
kind: Secret
metadata:
  name: app-token
stringData:
  token: {{ printf "%s-%s" .Values.global.tenantId .Values.global.tier | sha256sum | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: {{ if eq .Values.global.tier "standard" }}1{{ else }}2{{ end }}
  selector:
    matchLabels: { app: app }
  template:
    metadata:
      labels: { app: app }
      annotations:
        checksum/config: {{ include "app.config" . | sha256sum }}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
          envFrom:
            - configMapRef: { name: app-config }
          resources:
            requests: { cpu: {{ if eq .Values.global.tier "standard" }}100m{{ else }}500m{{ end }}, memory: 128Mi }
            limits: { memory: 128Mi }
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: store
spec:
  replicas: 1
  serviceName: store
  selector:
    matchLabels: { app: store }
  template:
    metadata:
      labels: { app: store }
    spec:
      containers:
        - name: store
          image: registry.example.com/store:1.0.0
          env:
            - { name: TIER, value: {{ .Values.global.tier | quote }} }
          volumeMounts:
            - { name: data, mountPath: /data }
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: {{ .Values.storage }}
`,
  'gitops/tenants/tenant-alpha.yaml': 'global:\n  tenantId: alpha\n  tier: standard\n',
  'gitops/tenants/tenant-beta.yaml': 'global:\n  tenantId: beta\n  tier: standard\n',
  'gitops/tenants/tenant-gamma.yaml': 'global:\n  tenantId: gamma\n  tier: standard\nkafka:\n  storage:\n    size: 20Gi\n',
  'gitops/tenants/tenant-delta.yaml': 'global:\n  tenantId: delta\n  tier: standard\nkafka:\n  enabled: false\n',
};

/** The repository (committed on `main`, checked out on `feature`); returns its directory. */
export function makeChangedRepo(prefix = 'logclaw-diff-changed-'): string {
  const repo = join(mkdtempSync(join(tmpdir(), prefix)), 'repo');
  for (const [f, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    writeFileSync(join(repo, f), text);
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(repo, 'checkout', '-qb', 'feature');
  return repo;
}

/** Replace text in a file of the repository (the change under review). */
export function edit(repo: string, file: string, from: string | RegExp, to: string): void {
  const p = join(repo, file);
  const text = readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: nothing to replace for ${String(from)}`);
  writeFileSync(p, next);
}
