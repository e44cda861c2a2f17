{{/*
Usage: {{ include "logclaw.global.environment" . }}
global.environment (dev|staging|production), default production.
*/}}
{{- define "logclaw.global.environment" -}}
{{- dig "environment" "production" (.Values.global | default dict) -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw.global.isDev" . }}...{{ end }}
"true" when global.environment is dev, else empty.
*/}}
{{- define "logclaw.global.isDev" -}}
{{- if eq (include "logclaw.global.environment" .) "dev" -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw.global.airGapped" . }}...{{ end }}
"true" when global.airGapped is set, else empty.
*/}}
{{- define "logclaw.global.airGapped" -}}
{{- if dig "airGapped" false (.Values.global | default dict) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.global.cloudProvider" . }}
global.cloudProvider (aws|gcp|azure|onprem), default onprem.
*/}}
{{- define "logclaw.global.cloudProvider" -}}
{{- dig "cloudProvider" "onprem" (.Values.global | default dict) -}}
{{- end -}}
