{{/*
Usage: {{- include "logclaw.labels.standard" (dict "context" $ "component" "receiver") | nindent 4 }}
Labels of every object: app.kubernetes.io/{name,instance,version,component,part-of,managed-by},
helm.sh/chart, logclaw.io/tenant and logclaw.io/component. "component" is optional (defaults to the
chart's part, see logclaw.names.part).
*/}}
{{- define "logclaw.labels.standard" -}}
{{- $ctx := .context -}}
{{- $component := default (include "logclaw.names.part" $ctx) .component -}}
{{ include "logclaw.labels.selector" . }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | default $ctx.Chart.Version | replace "+" "_" | trunc 63 | quote }}
app.kubernetes.io/part-of: logclaw
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
helm.sh/chart: {{ include "logclaw.names.chart" $ctx }}
logclaw.io/tenant: {{ include "logclaw.names.tenantId" $ctx | quote }}
{{- end -}}

{{/*
Usage: {{- include "logclaw.labels.selector" (dict "context" $ "component" "receiver") | nindent 6 }}
Immutable selector labels: app.kubernetes.io/{name,instance,component} and logclaw.io/component.
NetworkPolicies across charts select pods by logclaw.io/component (the chart's part) and
app.kubernetes.io/component.
*/}}
{{- define "logclaw.labels.selector" -}}
{{- $ctx := .context -}}
{{- $component := default (include "logclaw.names.part" $ctx) .component -}}
app.kubernetes.io/name: {{ include "logclaw.names.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/component: {{ $component | quote }}
logclaw.io/component: {{ include "logclaw.names.part" $ctx | quote }}
{{- end -}}

{{/*
Usage: {{- include "logclaw.labels.tenant" (dict "context" $) | nindent 12 }}
Only the LogClaw labels logclaw.io/tenant and logclaw.io/component: for pods an operator makes
(Strimzi, OpenSearch, Flink), which set app.kubernetes.io/* themselves.
*/}}
{{- define "logclaw.labels.tenant" -}}
logclaw.io/tenant: {{ include "logclaw.names.tenantId" .context | quote }}
logclaw.io/component: {{ include "logclaw.names.part" .context | quote }}
{{- end -}}
