{{/*
Usage: {{ include "logclaw-ingestion.profiles" (dict "context" $ "role" "receiver") | fromYaml }}
Resource profiles of the receiver and the agent per tier (dev: small).
*/}}
{{- define "logclaw-ingestion.profiles" -}}
{{- $p := dict
  "receiver" (dict
    "standard" (dict "requests" (dict "cpu" "200m" "memory" "256Mi") "limits" (dict "cpu" "1" "memory" "512Mi"))
    "ha" (dict "requests" (dict "cpu" "500m" "memory" "512Mi") "limits" (dict "cpu" "2" "memory" "1Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "1Gi") "limits" (dict "cpu" "4" "memory" "2Gi")))
  "agent" (dict
    "standard" (dict "requests" (dict "cpu" "100m" "memory" "128Mi") "limits" (dict "cpu" "500m" "memory" "256Mi"))
    "ha" (dict "requests" (dict "cpu" "200m" "memory" "256Mi") "limits" (dict "cpu" "1" "memory" "512Mi"))
    "ultra-ha" (dict "requests" (dict "cpu" "200m" "memory" "256Mi") "limits" (dict "cpu" "1" "memory" "512Mi"))) -}}
{{- if include "logclaw.global.isDev" .context -}}
{{- $dev := dict "requests" (dict "cpu" "50m" "memory" "64Mi") "limits" (dict "cpu" "500m" "memory" "256Mi") -}}
{{- toYaml (dict "standard" $dev "ha" $dev "ultra-ha" $dev) -}}
{{- else -}}
{{- toYaml (index $p .role) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ingestion.secure" . }}
"true" outside dev: Kafka over TLS with SCRAM-SHA-512 as KafkaUser ingestion.
*/}}
{{- define "logclaw-ingestion.secure" -}}
{{- if not (include "logclaw.global.isDev" .) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw-ingestion.pipeline" (dict "context" $ "inputs" (list "http" "syslog")) | nindent 0 }}
Transforms and sinks shared by the receiver and the agent: schema validation (invalid events and
events over receiver.maxEventBytes go to dead-letter), enrichment with tenant and environment and
ingest_timestamp, Kafka sinks raw-logs and dead-letter with the listener and credentials of the
environment, Prometheus metrics on 9598.
*/}}
{{- define "logclaw-ingestion.pipeline" -}}
{{- $ctx := .context -}}
{{- $secure := include "logclaw-ingestion.secure" $ctx -}}
{{- $kafka := dict
  "type" "kafka"
  "bootstrap_servers" (include "logclaw.endpoints.kafkaBootstrap" $ctx)
  "compression" $ctx.Values.kafka.compression
  "encoding" (dict "codec" "json" "timestamp_format" "rfc3339")
  "buffer" (dict "type" "memory" "max_events" (int $ctx.Values.kafka.bufferMaxEvents) "when_full" "block")
  "acknowledgements" (dict "enabled" true) -}}
{{- if $secure -}}
{{- $_ := set $kafka "sasl" (dict "enabled" true "mechanism" "SCRAM-SHA-512" "username" (include "logclaw.endpoints.kafkaUserSecret" (dict "user" "ingestion")) "password" "${KAFKA_PASSWORD}") -}}
{{- $_ := set $kafka "tls" (dict "enabled" true "ca_file" "/etc/logclaw/kafka-ca/ca.crt") -}}
{{- end -}}
{{- $validate := printf `msg, err = to_string(.message)
if err != null || strlen(msg) == 0 {
  abort
}
if strlen(encode_json(.)) > %d {
  abort
}
if exists(.timestamp) {
  ts, err = parse_timestamp(to_string(.timestamp) ?? "", "%%+")
  if err != null {
    abort
  }
  .timestamp = ts
} else {
  .timestamp = now()
}
if exists(.level) {
  .level = downcase(to_string(.level) ?? "unknown")
}
` (int $ctx.Values.receiver.maxEventBytes) -}}
{{- $enrich := printf `.tenant_id = %s
.environment = %s
.ingest_timestamp = now()
` (include "logclaw.names.tenantId" $ctx | toJson) (include "logclaw.global.environment" $ctx | toJson) -}}
{{- $dead := printf `.tenant_id = %s
.environment = %s
.ingest_timestamp = now()
.dead_letter_reason = "schema"
` (include "logclaw.names.tenantId" $ctx | toJson) (include "logclaw.global.environment" $ctx | toJson) -}}
{{- $transforms := dict
  "validate" (dict "type" "remap" "inputs" .inputs "source" $validate "drop_on_abort" true "drop_on_error" true "reroute_dropped" true)
  "enrich" (dict "type" "remap" "inputs" (list "validate") "source" $enrich)
  "dead_letter" (dict "type" "remap" "inputs" (list "validate.dropped") "source" $dead) -}}
{{- $sinks := dict
  "raw_logs" (mergeOverwrite (deepCopy $kafka) (dict "inputs" (list "enrich") "topic" (include "logclaw.endpoints.kafkaTopic" (dict "topic" "raw-logs"))))
  "dead_letter" (mergeOverwrite (deepCopy $kafka) (dict "inputs" (list "dead_letter") "topic" (include "logclaw.endpoints.kafkaTopic" (dict "topic" "dead-letter"))))
  "metrics" (dict "type" "prometheus_exporter" "inputs" (list "internal_metrics") "address" "0.0.0.0:9598") -}}
{{- toYaml (dict "transforms" $transforms "sinks" $sinks) -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw-ingestion.kafkaEnv" . | nindent 12 }}
Environment of a Vector container: the KafkaUser password outside dev.
*/}}
{{- define "logclaw-ingestion.kafkaEnv" -}}
{{- if include "logclaw-ingestion.secure" . }}
- name: KAFKA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "logclaw.endpoints.kafkaUserSecret" (dict "user" "ingestion") }}
      key: password
{{- end }}
- name: VECTOR_LOG
  value: info
{{- end -}}
