{{/*
Usage: {{- with include "logclaw.storage.class" (dict "context" $ "highThroughput" true) }}
       storageClassName: {{ . }}
       {{- end }}
StorageClass name for a volume: with "highThroughput" true, global.storageClassHighThroughput when
set; else global.storageClass when set; else empty (omit storageClassName: the cluster default).
Optional "override" (a chart value) wins over both.
*/}}
{{- define "logclaw.storage.class" -}}
{{- $g := .context.Values.global | default dict -}}
{{- $class := "" -}}
{{- if .override -}}
{{- $class = .override -}}
{{- else if and .highThroughput (dig "storageClassHighThroughput" "" $g) -}}
{{- $class = dig "storageClassHighThroughput" "" $g -}}
{{- else -}}
{{- $class = dig "storageClass" "" $g -}}
{{- end -}}
{{- $class -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.storage.objectStorage" . | fromYaml }}
global.objectStorage with defaults: provider, bucket, region, endpoint.
*/}}
{{- define "logclaw.storage.objectStorage" -}}
{{- $os := dig "objectStorage" dict (.Values.global | default dict) -}}
provider: {{ $os.provider | default "s3" }}
bucket: {{ $os.bucket | default "" | quote }}
region: {{ $os.region | default "" | quote }}
endpoint: {{ $os.endpoint | default "" | quote }}
{{- end -}}
