{{/*
Usage: {{ include "logclaw-platform.podSecurityLevel" . }}
Pod Security level of the namespace.
*/}}
{{- define "logclaw-platform.podSecurityLevel" -}}
{{- .Values.podSecurity.enforce | default "restricted" -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-platform.secretStoreProvider" . }}
global.secretStore.provider, or empty.
*/}}
{{- define "logclaw-platform.secretStoreProvider" -}}
{{- dig "secretStore" "provider" "" (.Values.global | default dict) -}}
{{- end -}}
