{{/*
Local helpers of logclaw-ml-engine (names, labels, sizing, security and images come from logclaw-common).
*/}}

{{/*
Usage: {{ include "logclaw-ml-engine.storageUri" (dict "context" $ "path" "models/anomaly/v1" "style" "kserve") }}
URI of a path in the tenant's object storage: s3://<bucket>/<path>, gs://<bucket>/<path>; for azure
https://<account>.blob.core.windows.net/<container>/<path> (style kserve) or az://<container>/<path>
(style feast). Empty when no bucket is set.
*/}}
{{- define "logclaw-ml-engine.storageUri" -}}
{{- $os := include "logclaw.storage.objectStorage" .context | fromYaml -}}
{{- if $os.bucket -}}
{{- if eq $os.provider "gcs" -}}
{{- printf "gs://%s/%s" $os.bucket .path -}}
{{- else if eq $os.provider "azure" -}}
{{- if eq .style "kserve" -}}
{{- printf "https://%s.blob.core.windows.net/%s/%s" (required "global.objectStorage.region (the Azure storage account) is required for azure" $os.region) $os.bucket .path -}}
{{- else -}}
{{- printf "az://%s/%s" $os.bucket .path -}}
{{- end -}}
{{- else -}}
{{- printf "s3://%s/%s" $os.bucket .path -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ml-engine.llmApiKeySecret" . }}
Secret with key api-key for claude/openai, read by the ticketing agent: logclaw-llm-api-key (a constant
shared with logclaw-ticketing-agent).
*/}}
{{- define "logclaw-ml-engine.llmApiKeySecret" -}}logclaw-llm-api-key{{- end -}}

{{/*
Usage: {{ include "logclaw-ml-engine.remoteKey" (dict "context" $ "name" "llm") }}
Remote secret name in the tenant's secret store: <externalSecrets.remoteKeyPrefix | logclaw-<tenantId>>-<name>.
*/}}
{{- define "logclaw-ml-engine.remoteKey" -}}
{{- printf "%s-%s" (.context.Values.externalSecrets.remoteKeyPrefix | default (printf "logclaw-%s" (include "logclaw.names.tenantId" .context))) .name -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-ml-engine.externalSecrets" . }}
"true" outside dev when External Secrets' ExternalSecret (external-secrets.io/v1beta1) is served.
*/}}
{{- define "logclaw-ml-engine.externalSecrets" -}}
{{- if and (not (include "logclaw.global.isDev" .)) (include "logclaw.capabilities.has" (dict "context" . "api" "external-secrets.io/v1beta1/ExternalSecret")) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-ml-engine.s3Keys" . }}
"true" when Feast and the model read static keys (an S3-compatible endpoint is set); cloud stores use
workload identity.
*/}}
{{- define "logclaw-ml-engine.s3Keys" -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- if and (eq $os.provider "s3") $os.endpoint $os.bucket -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-ml-engine.bundledRedis" . }}
"true" when Feast runs outside dev with the bundled Redis online store (feast.redis.host empty).
*/}}
{{- define "logclaw-ml-engine.bundledRedis" -}}
{{- if and .Values.feast.enabled (not (include "logclaw.global.isDev" .)) (not .Values.feast.redis.host) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ml-engine.validate" . }}
Fails the render when an air-gapped tenant asks for an external LLM API.
*/}}
{{- define "logclaw-ml-engine.validate" -}}
{{- $provider := (include "logclaw.llm.settings" . | fromYaml).provider -}}
{{- if and (include "logclaw.global.airGapped" .) (has $provider (list "claude" "openai")) -}}
{{- fail (printf "global.airGapped: llm.provider %q is an external API; use ollama, vllm or disabled" $provider) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ml-engine.modelSource" . }}
Where the LLM server gets its model: "mirror" (ollama.pull.registry / vllm.download.endpoint set), "public"
(the Ollama library or huggingface.co; never for an air-gapped tenant) or "volume" (download disabled, or
air-gapped without a mirror: the model must already be on the volume; the pod says so when it is not).
*/}}
{{- define "logclaw-ml-engine.modelSource" -}}
{{- $provider := (include "logclaw.llm.settings" . | fromYaml).provider -}}
{{- $enabled := ternary .Values.ollama.pull.enabled .Values.vllm.download.enabled (eq $provider "ollama") -}}
{{- $mirror := ternary .Values.ollama.pull.registry .Values.vllm.download.endpoint (eq $provider "ollama") -}}
{{- if not $enabled -}}volume
{{- else if $mirror -}}mirror
{{- else if include "logclaw.global.airGapped" . -}}volume
{{- else -}}public
{{- end -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw-ml-engine.modelDownloadEgress" . | nindent 4 }}
Egress rules (list items) of the LLM server for its model download: the mirror (logclaw.network.egressTo) or HTTPS
to the public library / huggingface.co. Empty when the model comes from the volume (logclaw-ml-engine.modelSource).
*/}}
{{- define "logclaw-ml-engine.modelDownloadEgress" -}}
{{- $provider := (include "logclaw.llm.settings" . | fromYaml).provider -}}
{{- $source := include "logclaw-ml-engine.modelSource" . -}}
{{- if and (has $provider (list "ollama" "vllm")) (ne $source "volume") -}}
{{- if eq $provider "ollama" -}}
{{- $url := ternary (printf "%s://%s" (ternary "http" "https" .Values.ollama.pull.insecure) .Values.ollama.pull.registry) "https://registry.ollama.ai" (eq $source "mirror") -}}
{{- include "logclaw.network.egressTo" (dict "context" . "url" $url "what" "the Ollama registry") -}}
{{- else -}}
{{- include "logclaw.network.egressTo" (dict "context" . "url" (.Values.vllm.download.endpoint | default "https://huggingface.co") "what" "the Hugging Face endpoint") -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ml-engine.feastReplicas" . }}
Feast replicas: feast.replicas when > 0, else the tier's.
*/}}
{{- define "logclaw-ml-engine.feastReplicas" -}}
{{- include "logclaw.tier.replicas" (dict "context" . "override" .Values.feast.replicas) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ml-engine.featureStoreYaml" . }}
Feast's feature_store.yaml: dev = local file registry and SQLite online store on the pod's volume;
otherwise the registry in object storage and the Redis online store (feast.redis.host or the bundled one).
*/}}
{{- define "logclaw-ml-engine.featureStoreYaml" -}}
{{- $isDev := include "logclaw.global.isDev" . -}}
{{- $redisHost := .Values.feast.redis.host | default (printf "%s:6379" (include "logclaw.names.component" (dict "context" . "component" "redis"))) -}}
project: {{ .Values.feast.project }}
provider: local
{{- if $isDev }}
# dev: local file registry and SQLite online store on the pod's volume.
registry:
  registry_type: file
  path: /data/registry.db
online_store:
  type: sqlite
  path: /data/online_store.db
{{- else }}
registry:
  registry_type: file
  path: {{ include "logclaw-ml-engine.storageUri" (dict "context" $ "path" "feast/registry.db" "style" "feast") }}
  cache_ttl_seconds: 60
online_store:
  type: redis
  redis_type: redis
  connection_string: "{{ $redisHost }},password=${REDIS_PASSWORD}"
{{- end }}
# Offline store: parquet files; the feature repository's sources live under offline_store_uri.
offline_store:
  type: file
entity_key_serialization_version: 2
{{- end -}}
