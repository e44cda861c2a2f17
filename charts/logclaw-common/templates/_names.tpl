{{/*
Usage: {{ include "common.names.name" . }}
Chart name (or .Values.nameOverride), trimmed to 63 characters (DNS label).
*/}}
{{- define "common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Usage: {{ include "common.names.fullname" . }}
Base name of every object of a chart: .Values.fullnameOverride, else the chart name (e.g. logclaw-kafka).
The release name is deliberately NOT part of it: one tenant owns one namespace, so names are stable
whether the chart is installed through the umbrella, through helmfile or alone, and other charts can
refer to them. Trimmed to 63 characters.
*/}}
{{- define "common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "common.names.component" (dict "context" $ "component" "receiver") }}
Name of one component of a chart: <fullname>-<component>, trimmed to 63 characters.
*/}}
{{- define "common.names.component" -}}
{{- printf "%s-%s" (include "common.names.fullname" .context) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Usage: {{ include "common.names.chart" . }}
<chart>-<version> for the helm.sh/chart label ("+" replaced), trimmed to 63 characters.
*/}}
{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Usage: {{ include "common.names.part" . }}
The LogClaw component a chart belongs to (value of logclaw.io/component): the chart name without
its "logclaw-" prefix, e.g. kafka, ingestion, ml-engine, ticketing-agent.
*/}}
{{- define "common.names.part" -}}
{{- trimPrefix "logclaw-" .Chart.Name -}}
{{- end -}}

{{/*
Usage: {{ include "common.names.tenantId" . }}
global.tenantId; fails the render when it is missing.
*/}}
{{- define "common.names.tenantId" -}}
{{- required "global.tenantId is required (the tenant file sets it)" (dig "tenantId" "" (.Values.global | default dict)) -}}
{{- end -}}

{{/*
Usage: {{ include "common.names.namespace" . }}
Namespace the objects go to: the release namespace (logclaw-<tenantId> by convention).
*/}}
{{- define "common.names.namespace" -}}
{{- .Release.Namespace | trunc 63 | trimSuffix "-" -}}
{{- end -}}
