{{/*
Usage: {{ include "logclaw-tenant.checks" . }}
Cross-component rules the per-chart schemas cannot express; fails the render with the fix.
*/}}
{{- define "logclaw-tenant.checks" -}}
{{- $g := .Values.global -}}
{{- if and (dig "agent" "enabled" false (.Values.ingestion | default dict)) .Values.ingestion.enabled (ne (dig "podSecurity" "enforce" "restricted" (.Values.platform | default dict)) "privileged") -}}
{{- fail "ingestion.agent.enabled needs platform.podSecurity.enforce: privileged (the Vector agent mounts the node's /var/log)" -}}
{{- end -}}
{{- if and .Values.ingestion.enabled (not .Values.kafka.enabled) -}}
{{- fail "ingestion.enabled needs kafka.enabled: Vector writes to the tenant's Kafka" -}}
{{- end -}}
{{- if and (ne (dig "environment" "production" $g) "dev") .Values.platform.enabled (not (dig "secretStore" "provider" "" $g)) -}}
{{- fail "global.secretStore.provider is required outside environment dev (aws, gcp, vault or azure)" -}}
{{- end -}}
{{- if and (dig "airGapped" false $g) (ne (dig "objectStorage" "endpoint" "" $g) "") -}}
{{- else if and (dig "airGapped" false $g) (dig "kafka" "connect" "enabled" false .Values) -}}
{{- fail "kafka.connect with global.airGapped needs global.objectStorage.endpoint (an in-cluster store such as MinIO)" -}}
{{- end -}}
{{- end -}}
