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

{{/*
Usage: {{ if include "logclaw-ingestion.receiverTls" . }}...{{ end }}
"true" when the receiver's HTTP and OTLP inputs use TLS: receiver.security.tls enabled, or auto outside dev.
*/}}
{{- define "logclaw-ingestion.receiverTls" -}}
{{- $tls := .Values.receiver.security.tls | default "auto" -}}
{{- if or (eq $tls "enabled") (and (eq $tls "auto") (not (include "logclaw.global.isDev" .))) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ingestion.clientAuth" . }}
How the receiver's HTTP and OTLP clients authenticate: token, mtls or none (auto: token when the inputs
use TLS, so outside dev by default; none without TLS). Fails when token or mtls is asked for without TLS.
*/}}
{{- define "logclaw-ingestion.clientAuth" -}}
{{- $auth := .Values.receiver.security.clientAuth | default "auto" -}}
{{- if eq $auth "auto" -}}
{{- $auth = ternary "token" "none" (eq (include "logclaw-ingestion.receiverTls" .) "true") -}}
{{- end -}}
{{- if and (ne $auth "none") (not (include "logclaw-ingestion.receiverTls" .)) -}}
{{- fail (printf "ingestion.receiver.security.clientAuth=%s needs TLS: set ingestion.receiver.security.tls to enabled (or auto outside dev), or clientAuth to none" $auth) -}}
{{- end -}}
{{- $auth -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ingestion.tokenSecret" . }}
Name of the Secret holding the receiver's shared token (key token).
*/}}
{{- define "logclaw-ingestion.tokenSecret" -}}
{{- .Values.receiver.security.token.secretName | default (include "logclaw.names.component" (dict "context" . "component" "receiver-token")) -}}
{{- end -}}

{{/*
Usage: {{ $src := include "logclaw-ingestion.secureSource" (dict "context" $ "source" $src "kind" "http") | fromYaml }}
A Vector source with the receiver's TLS and client authentication: kind http (an http_server source: TLS,
basic auth with the shared token or client certificates) or otlp (an opentelemetry source: TLS on grpc and
http, client certificates unless clientAuth is none, since Vector has no token option there). "dir" names
another certificate folder and turns TLS on whatever receiver.security.tls says (the private link's source).
*/}}
{{- define "logclaw-ingestion.secureSource" -}}
{{- $ctx := .context -}}
{{- $src := deepCopy .source -}}
{{- if or .dir (include "logclaw-ingestion.receiverTls" $ctx) -}}
{{- $auth := include "logclaw-ingestion.clientAuth" $ctx -}}
{{- $dir := .dir | default "/etc/logclaw/receiver-tls" -}}
{{- $tls := dict "enabled" true "crt_file" (printf "%s/tls.crt" $dir) "key_file" (printf "%s/tls.key" $dir) -}}
{{- if or (eq $auth "mtls") (and (eq $auth "token") (eq .kind "otlp")) -}}
{{- $_ := set $tls "ca_file" (printf "%s/ca.crt" $dir) -}}
{{- $_ := set $tls "verify_certificate" true -}}
{{- end -}}
{{- if eq .kind "otlp" -}}
{{- $_ := set $src.grpc "tls" (deepCopy $tls) -}}
{{- $_ := set $src.http "tls" (deepCopy $tls) -}}
{{- else -}}
{{- $_ := set $src "tls" $tls -}}
{{- if eq $auth "token" -}}
{{- $_ := set $src "auth" (dict "username" $ctx.Values.receiver.security.token.username "password" "${RECEIVER_TOKEN}") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $src -}}
{{- end -}}
