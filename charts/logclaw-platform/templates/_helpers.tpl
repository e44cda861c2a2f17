{{/*
Usage: {{ include "platform.podSecurityLevel" . }}
Pod Security level of the namespace.
*/}}
{{- define "platform.podSecurityLevel" -}}
{{- .Values.podSecurity.enforce | default "restricted" -}}
{{- end -}}

{{/*
Usage: {{ include "platform.secretStoreProvider" . }}
global.secretStore.provider, or empty.
*/}}
{{- define "platform.secretStoreProvider" -}}
{{- dig "secretStore" "provider" "" (.Values.global | default dict) -}}
{{- end -}}
