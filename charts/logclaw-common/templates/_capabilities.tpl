{{/*
Usage: {{- if include "logclaw.capabilities.has" (dict "context" $ "api" "monitoring.coreos.com/v1/PrometheusRule") }}
"true" when the cluster (or `helm template --api-versions`) serves <group/version>/<Kind>, else empty.
Gate every object whose kind comes from a CRD on it.
*/}}
{{- define "logclaw.capabilities.has" -}}
{{- if .context.Capabilities.APIVersions.Has .api -}}true{{- end -}}
{{- end -}}
