{{/*
Local helpers of logclaw-flink (names, labels, sizing, security and images come from logclaw-common).
*/}}

{{/*
Usage: {{ include "logclaw-flink.storageUri" (dict "context" $ "path" "flink/checkpoints/etl") }}
URI of a path in the tenant's object storage as Flink's filesystems name it: s3://<bucket>/<path> (also for
an S3-compatible endpoint), gs://<bucket>/<path>, abfss://<container>@<account>.dfs.core.windows.net/<path>
(azure: bucket = container, region = storage account). Empty when no bucket is set.
*/}}
{{- define "logclaw-flink.storageUri" -}}
{{- $os := include "logclaw.storage.objectStorage" .context | fromYaml -}}
{{- if $os.bucket -}}
{{- if eq $os.provider "gcs" -}}
{{- printf "gs://%s/%s" $os.bucket .path -}}
{{- else if eq $os.provider "azure" -}}
{{- printf "abfss://%s@%s.dfs.core.windows.net/%s" $os.bucket (required "global.objectStorage.region (the Azure storage account) is required for azure" $os.region) .path -}}
{{- else -}}
{{- printf "s3://%s/%s" $os.bucket .path -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-flink.plugins" . }}
Built-in filesystem plugin of the object storage provider (ENABLE_BUILT_IN_PLUGINS of the Flink image).
*/}}
{{- define "logclaw-flink.plugins" -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- $jar := dict "s3" "flink-s3-fs-presto" "gcs" "flink-gs-fs-hadoop" "azure" "flink-azure-fs-hadoop" -}}
{{- printf "%s-%s.jar" (index $jar $os.provider) .Values.flinkRelease -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-flink.ha" . }}
"true" in tiers ha and ultra-ha: Kubernetes HA services (leader election in ConfigMaps, metadata in storage).
*/}}
{{- define "logclaw-flink.ha" -}}
{{- if ne (include "logclaw.tier.name" .) "standard" -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-flink.upgradeMode" . }}
last-state needs HA and storage dirs (the operator restores from the HA metadata); savepoint needs the
savepoint dir; stateless otherwise. An explicit .Values.upgradeMode that cannot work fails the render.
*/}}
{{- define "logclaw-flink.upgradeMode" -}}
{{- $dirs := ne (include "logclaw-flink.storageUri" (dict "context" . "path" "x")) "" -}}
{{- $ha := eq (include "logclaw-flink.ha" .) "true" -}}
{{- $mode := .Values.upgradeMode -}}
{{- if not $mode -}}
{{- $mode = ternary "last-state" (ternary "savepoint" "stateless" $dirs) (and $ha $dirs) -}}
{{- end -}}
{{- if and (eq $mode "last-state") (not (and $ha $dirs)) -}}
{{- fail "flink.upgradeMode last-state needs HA (tier ha or ultra-ha) and global.objectStorage.bucket" -}}
{{- end -}}
{{- if and (eq $mode "savepoint") (not $dirs) -}}
{{- fail "flink.upgradeMode savepoint needs global.objectStorage.bucket for the savepoint dir" -}}
{{- end -}}
{{- $mode -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-flink.parallelism" (dict "context" $ "override" .parallelism) }}
Job parallelism: the override when > 0, else standard 1, ha 2, ultra-ha 4.
*/}}
{{- define "logclaw-flink.parallelism" -}}
{{- include "logclaw.tier.replicas" (dict "context" .context "override" .override "byTier" (dict "standard" 1 "ha" 2 "ultra-ha" 4)) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-flink.jobs" . | fromYaml }}
The enabled jobs as {<key>: {name, entryClass, parallelism, ...}}; empty in environment dev (no jars there).
Anomaly scoring calls the anomaly model logclaw-ml-engine serves through KServe: it runs only where
serving.kserve.io/v1beta1 InferenceService is served.
*/}}
{{- define "logclaw-flink.jobs" -}}
{{- if not (include "logclaw.global.isDev" .) -}}
{{- $names := dict "etl" "etl" "enrichment" "enrichment" "anomalyScoring" "anomaly-scoring" -}}
{{- $kserve := include "logclaw.capabilities.has" (dict "context" . "api" "serving.kserve.io/v1beta1/InferenceService") -}}
{{- range $key := list "etl" "enrichment" "anomalyScoring" -}}
{{- $job := index $.Values.jobs $key -}}
{{- if and $job.enabled (or (ne $key "anomalyScoring") $kserve) }}
{{ $key }}:
  name: {{ index $names $key }}
  entryClass: {{ $job.entryClass }}
  parallelism: {{ include "logclaw-flink.parallelism" (dict "context" $ "override" $job.parallelism) }}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw-flink.commonProperties" . | nindent 4 }}
Properties every job reads: the tenant and the Kafka listener and credentials of the environment (plain 9092
in dev; TLS 9093 with SCRAM-SHA-512, the KafkaUser flink's JAAS config from env and the cluster CA otherwise).
*/}}
{{- define "logclaw-flink.commonProperties" -}}
tenant.id={{ include "logclaw.names.tenantId" . }}
kafka.bootstrap.servers={{ include "logclaw.endpoints.kafkaBootstrap" . }}
kafka.security.protocol={{ include "logclaw.endpoints.kafkaSecurityProtocol" . }}
{{- if not (include "logclaw.global.isDev" .) }}
kafka.sasl.mechanism=SCRAM-SHA-512
kafka.sasl.jaas.config.env=KAFKA_SASL_JAAS_CONFIG
kafka.ssl.truststore.type=PEM
kafka.ssl.truststore.location=/opt/logclaw/kafka-ca/ca.crt
{{- end }}
{{- end -}}

{{/*
Usage: {{ include "logclaw-flink.opensearchSecret" . }}
Secret with keys username and password of the ETL job's own OpenSearch user (logclaw-flink-etl, allowed to write
to the log indices only), made by logclaw-opensearch outside dev: logclaw-opensearch-flink-etl.
*/}}
{{- define "logclaw-flink.opensearchSecret" -}}logclaw-opensearch-flink-etl{{- end -}}
