{{/*
Usage: {{ include "logclaw-airflow.upstreamValues" . | fromYaml }}
The official chart's values LogClaw computes from its own keys and global.* (merged by templates/upstream/...).
*/}}
{{- define "logclaw-airflow.upstreamValues" -}}
{{- $isDev := include "logclaw.global.isDev" . -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- $s := include "logclaw-airflow.sizes" . | fromYaml -}}
{{- $img := include "logclaw-airflow.image" (dict "context" . "image" .Values.image) | fromYaml -}}
{{- $git := .Values.dags.gitSync -}}
{{- $celery := hasPrefix "Celery" .Values.executor -}}
{{- $remoteLogs := and .Values.remoteLogs.enabled (ne $os.bucket "") -}}
{{- $podSC := include "logclaw.security.podSecurityContext" (dict "context" . "runAsUser" 50000) | fromYaml -}}
{{- $containerSC := include "logclaw.security.containerSecurityContext" (dict "context" . "readOnlyRootFilesystem" false) | fromYaml -}}
{{- $kubeApi := dict "logclaw.io/kube-api" "true" -}}
defaultAirflowRepository: {{ $img.repository }}
defaultAirflowTag: {{ $img.tag | quote }}
airflowVersion: {{ .Values.airflowVersion | quote }}
images:
  airflow:
    {{- toYaml $img | nindent 4 }}
  {{- if $git.repo }}
  gitSync:
    {{- include "logclaw-airflow.image" (dict "context" . "image" $git.image) | nindent 4 }}
  {{- end }}
labels:
  {{- include "logclaw-airflow.podLabels" . | nindent 2 }}
airflowPodAnnotations:
  logclaw.io/policy-exception: "readonly-root-filesystem: Airflow writes its pid files and generated webserver config under AIRFLOW_HOME next to the image's files"
executor: {{ .Values.executor }}
allowPodLaunching: {{ hasSuffix "KubernetesExecutor" .Values.executor }}
networkPolicies:
  enabled: false
securityContexts:
  pod:
    {{- toYaml $podSC | nindent 4 }}
  containers:
    {{- toYaml $containerSC | nindent 4 }}
data:
  metadataSecretName: {{ include "logclaw-airflow.secretName" (dict "context" . "name" "metadata") }}
{{- if not $isDev }}
fernetKeySecretName: {{ include "logclaw-airflow.secretName" (dict "context" . "name" "keys") }}
webserverSecretKeySecretName: {{ include "logclaw-airflow.secretName" (dict "context" . "name" "keys") }}
{{- end }}
config:
  core:
    load_examples: "False"
  webserver:
    expose_config: "False"
  logging:
    remote_logging: {{ ternary "True" "False" $remoteLogs | quote }}
    {{- if $remoteLogs }}
    remote_base_log_folder: {{ include "logclaw-airflow.remoteLogFolder" . | quote }}
    remote_log_conn_id: logclaw_object_storage
    delete_local_logs: "True"
    {{- end }}
  {{- if and $remoteLogs (eq $os.provider "azure") }}
  azure_remote_logging:
    remote_wasb_log_container: {{ $os.bucket | quote }}
  {{- end }}
env:
  - name: LOGCLAW_TENANT_ID
    value: {{ include "logclaw.names.tenantId" . | quote }}
  {{- if $remoteLogs }}
  - name: AIRFLOW_CONN_LOGCLAW_OBJECT_STORAGE
    value: {{ include "logclaw-airflow.objectStorageConnection" . | quote }}
  {{- end }}
secret:
  {{- if and (include "logclaw-airflow.s3Keys" .) (not $isDev) }}
  - envName: AWS_ACCESS_KEY_ID
    secretName: {{ include "logclaw-airflow.secretName" (dict "context" . "name" "object-storage") }}
    secretKey: access-key-id
  - envName: AWS_SECRET_ACCESS_KEY
    secretName: {{ include "logclaw-airflow.secretName" (dict "context" . "name" "object-storage") }}
    secretKey: secret-access-key
  {{- else }} []
  {{- end }}
dags:
  persistence:
    enabled: false
  gitSync:
    enabled: {{ ne $git.repo "" }}
    {{- if $git.repo }}
    repo: {{ $git.repo | quote }}
    branch: {{ $git.branch | quote }}
    rev: HEAD
    ref: {{ $git.branch | quote }}
    depth: 1
    subPath: {{ $git.subPath | quote }}
    period: {{ $git.period | quote }}
    {{- if and $git.credentials (not $isDev) }}
    credentialsSecret: {{ include "logclaw-airflow.secretName" (dict "context" . "name" "git") }}
    {{- end }}
    uid: 65533
    securityContexts:
      container:
        {{- include "logclaw.security.containerSecurityContext" (dict "context" . "runAsUser" 65533) | nindent 8 }}
    resources:
      requests: {cpu: 50m, memory: 64Mi}
      limits: {cpu: 200m, memory: 256Mi}
    {{- end }}
logs:
  persistence:
    enabled: false
webserver:
  replicas: {{ $s.webserver.replicas }}
  resources:
    {{- toYaml $s.webserver.resources | nindent 4 }}
  labels:
    {{- toYaml $kubeApi | nindent 4 }}
  podDisruptionBudget:
    enabled: false
  defaultUser:
    enabled: {{ eq $isDev "true" }}
scheduler:
  replicas: {{ $s.scheduler.replicas }}
  resources:
    {{- toYaml $s.scheduler.resources | nindent 4 }}
  labels:
    {{- toYaml $kubeApi | nindent 4 }}
  podDisruptionBudget:
    enabled: false
triggerer:
  enabled: true
  replicas: {{ $s.triggerer.replicas }}
  resources:
    {{- toYaml $s.triggerer.resources | nindent 4 }}
  persistence:
    enabled: false
workers:
  replicas: {{ $s.workers.replicas }}
  resources:
    {{- toYaml $s.workers.resources | nindent 4 }}
  persistence:
    enabled: false
redis:
  enabled: {{ $celery }}
  {{- if $celery }}
  securityContexts:
    pod:
      {{- include "logclaw.security.podSecurityContext" (dict "context" . "runAsUser" 999) | nindent 6 }}
    container:
      {{- include "logclaw.security.containerSecurityContext" (dict "context" . "runAsUser" 999) | nindent 6 }}
  {{- end }}
statsd:
  enabled: false
pgbouncer:
  enabled: false
flower:
  enabled: false
cleanup:
  enabled: false
migrateDatabaseJob:
  enabled: true
  # Argo CD (gitops/) runs it as a Sync hook; with plain helm it runs as a Job of the release.
  useHelmHooks: false
  applyCustomEnv: false
  jobAnnotations:
    argocd.argoproj.io/hook: Sync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
  resources:
    {{- toYaml $s.migrations.resources | nindent 4 }}
createUserJob:
  useHelmHooks: false
  applyCustomEnv: false
  jobAnnotations:
    argocd.argoproj.io/hook: Sync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
  resources:
    {{- toYaml $s.migrations.resources | nindent 4 }}
{{- end -}}
