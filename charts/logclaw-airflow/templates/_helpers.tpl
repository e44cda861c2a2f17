{{/*
Local helpers of logclaw-airflow, prefixed logclaw-airflow. (the official chart's own named templates use
"airflow"); names, labels, sizing, security and images come from logclaw-common.
*/}}

{{/*
Usage: {{ include "logclaw-airflow.remoteLogFolder" . }}
remote_base_log_folder of the tenant's object storage: s3://<bucket>/<prefix>, gs://<bucket>/<prefix>, or for
azure wasb-<prefix> (container = bucket, set in [azure_remote_logging]). Empty without a bucket.
*/}}
{{- define "logclaw-airflow.remoteLogFolder" -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- if $os.bucket -}}
{{- if eq $os.provider "gcs" -}}
{{- printf "gs://%s/%s" $os.bucket .Values.remoteLogs.pathPrefix -}}
{{- else if eq $os.provider "azure" -}}
{{- printf "wasb-%s" (.Values.remoteLogs.pathPrefix | replace "/" "-") -}}
{{- else -}}
{{- printf "s3://%s/%s" $os.bucket .Values.remoteLogs.pathPrefix -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.objectStorageConnection" . }}
Airflow connection (JSON, env AIRFLOW_CONN_LOGCLAW_OBJECT_STORAGE) for the remote logs: aws (endpoint_url for an
S3-compatible store; keys from env), google_cloud_platform (workload identity), wasb (managed identity).
*/}}
{{- define "logclaw-airflow.objectStorageConnection" -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- $ss := dig "secretStore" dict (.Values.global | default dict) -}}
{{- if eq $os.provider "gcs" -}}
{{- dict "conn_type" "google_cloud_platform" "extra" (dict "project" (dig "gcp" "projectId" "" $ss)) | toJson -}}
{{- else if eq $os.provider "azure" -}}
{{- dict "conn_type" "wasb" "login" $os.region "host" (printf "https://%s.blob.core.windows.net" $os.region) "extra" (dict "managed_identity_client_id" (dig "azure" "identityClientId" "" $ss)) | toJson -}}
{{- else -}}
{{- $extra := dict -}}
{{- with $os.region }}{{- $_ := set $extra "region_name" . -}}{{- end -}}
{{- with $os.endpoint }}{{- $_ := set $extra "endpoint_url" . -}}{{- end -}}
{{- dict "conn_type" "aws" "extra" $extra | toJson -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.image" (dict "context" $ "image" .Values.image) | fromYaml }}
{repository, tag, pullPolicy} for the official chart, from logclaw.images.image (pinned tag, global.imageRegistry).
*/}}
{{- define "logclaw-airflow.image" -}}
{{- $ref := include "logclaw.images.image" (dict "context" .context "image" .image) -}}
{{- $i := regexFind ":[^:/]+$" $ref -}}
repository: {{ trimSuffix $i $ref }}
tag: {{ trimPrefix ":" $i | quote }}
pullPolicy: {{ include "logclaw.images.pullPolicy" (dict "context" .context "image" .image) }}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.memMi" "1536Mi" }}
A memory quantity (Ki, Mi, Gi, Ti, k, M, G, T or bytes) in MiB, rounded down.
*/}}
{{- define "logclaw-airflow.memMi" -}}
{{- $q := toString . -}}
{{- $n := regexFind "^[0-9.]+" $q | float64 -}}
{{- $u := regexFind "[A-Za-z]+$" $q -}}
{{- $f := dict "Ki" (divf 1 1024) "Mi" 1.0 "Gi" 1024.0 "Ti" 1048576.0 "k" (divf 1000 1048576) "M" (divf 1000000 1048576) "G" (divf 1000000000 1048576) "T" (divf 1000000000000 1048576) "" (divf 1 1048576) -}}
{{- mulf $n (index $f $u) | floor | int -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.sizes" . | fromYaml }}
Replicas and resources of every Airflow component, by tier, with the chart's overrides merged.
The webserver keeps at least 1Gi of memory (requests) and a 2Gi limit by default; less fails the render.
*/}}
{{- define "logclaw-airflow.sizes" -}}
{{- $ctx := . -}}
{{- $p := dict
  "webserver" (dict
    "standard" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "2Gi"))
    "ha" (dict "requests" (dict "cpu" "500m" "memory" "1Gi") "limits" (dict "cpu" "2" "memory" "2Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "1536Mi") "limits" (dict "cpu" "2" "memory" "2Gi")))
  "scheduler" (dict
    "standard" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi"))
    "ha" (dict "requests" (dict "cpu" "500m" "memory" "1Gi") "limits" (dict "cpu" "2" "memory" "2Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "4Gi")))
  "triggerer" (dict
    "standard" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "500m" "memory" "512Mi"))
    "ha" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi")))
  "workers" (dict
    "standard" (dict "requests" (dict "cpu" "500m" "memory" "1Gi") "limits" (dict "cpu" "2" "memory" "4Gi"))
    "ha" (dict "requests" (dict "cpu" "1" "memory" "2Gi") "limits" (dict "cpu" "4" "memory" "8Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "2Gi") "limits" (dict "cpu" "4" "memory" "8Gi")))
  "migrations" (dict
    "standard" (dict "requests" (dict "cpu" "100m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi"))) -}}
{{- $_ := set $p.migrations "ha" $p.migrations.standard -}}
{{- $_ := set $p.migrations "ultra-ha" $p.migrations.standard -}}
{{- $replicas := dict
  "webserver" (dict "standard" 1 "ha" 2 "ultra-ha" 3)
  "scheduler" (dict "standard" 1 "ha" 2 "ultra-ha" 3)
  "triggerer" (dict "standard" 1 "ha" 2 "ultra-ha" 2)
  "workers" (dict "standard" 1 "ha" 3 "ultra-ha" 5) -}}
{{- range $c := list "webserver" "scheduler" "triggerer" "workers" "migrations" }}
{{- $v := index $ctx.Values $c }}
{{ $c }}:
  {{- if hasKey $replicas $c }}
  replicas: {{ include "logclaw.tier.replicas" (dict "context" $ctx "override" $v.replicas "byTier" (index $replicas $c)) }}
  {{- end }}
  resources:
    {{- include "logclaw.tier.resources" (dict "context" $ctx "profiles" (index $p $c) "override" $v.resources "ephemeral" (list "512Mi" "2Gi")) | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.validate" . }}
Fails the render when the webserver would get less than 1Gi of memory.
*/}}
{{- define "logclaw-airflow.validate" -}}
{{- $s := include "logclaw-airflow.sizes" . | fromYaml -}}
{{- if lt (include "logclaw-airflow.memMi" $s.webserver.resources.requests.memory | int) 1024 -}}
{{- fail (printf "airflow.webserver.resources.requests.memory must be at least 1Gi (got %s): the Airflow 2.9 webserver runs out of memory below that" $s.webserver.resources.requests.memory) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.remoteKey" (dict "context" $ "name" "airflow-db") }}
Remote secret name: <externalSecrets.remoteKeyPrefix | logclaw-<tenantId>>-<name>.
*/}}
{{- define "logclaw-airflow.remoteKey" -}}
{{- printf "%s-%s" (.context.Values.externalSecrets.remoteKeyPrefix | default (printf "logclaw-%s" (include "logclaw.names.tenantId" .context))) .name -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.secretName" (dict "context" $ "name" "metadata") }}
Name of a Secret LogClaw provides to the official chart: logclaw-airflow-<name>.
*/}}
{{- define "logclaw-airflow.secretName" -}}
{{- include "logclaw.names.component" (dict "context" .context "component" .name) -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-airflow.s3Keys" . }}
"true" when an S3-compatible endpoint is set (static keys from the secret store); cloud stores use workload identity.
*/}}
{{- define "logclaw-airflow.s3Keys" -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- if and (eq $os.provider "s3") $os.endpoint $os.bucket .Values.remoteLogs.enabled -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-airflow.podLabels" . | fromYaml }}
Labels LogClaw puts on every object and pod of the official chart (its `labels` value, which the chart adds
next to its own tier/component/release labels): the app.kubernetes.io set the official chart lacks, the
tenant, and logclaw.io/component=airflow, which LogClaw's NetworkPolicy selects on.
*/}}
{{- define "logclaw-airflow.podLabels" -}}
app.kubernetes.io/name: airflow
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: logclaw
logclaw.io/component: {{ include "logclaw.names.part" . }}
logclaw.io/tenant: {{ include "logclaw.names.tenantId" . | quote }}
{{- end -}}
