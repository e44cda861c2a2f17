{{/*
Usage: {{ include "common.global.environment" . }}
global.environment (dev|staging|production), default production.
*/}}
{{- define "common.global.environment" -}}
{{- dig "environment" "production" (.Values.global | default dict) -}}
{{- end -}}

{{/*
Usage: {{ if include "common.global.isDev" . }}...{{ end }}
"true" when global.environment is dev, else empty.
*/}}
{{- define "common.global.isDev" -}}
{{- if eq (include "common.global.environment" .) "dev" -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ if include "common.global.airGapped" . }}...{{ end }}
"true" when global.airGapped is set, else empty.
*/}}
{{- define "common.global.airGapped" -}}
{{- if dig "airGapped" false (.Values.global | default dict) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "common.global.cloudProvider" . }}
global.cloudProvider (aws|gcp|azure|onprem), default onprem.
*/}}
{{- define "common.global.cloudProvider" -}}
{{- dig "cloudProvider" "onprem" (.Values.global | default dict) -}}
{{- end -}}
