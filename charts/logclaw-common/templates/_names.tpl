{{/*
Usage: {{ include "logclaw.names.name" . }}
logclaw-<part> (e.g. logclaw-kafka, logclaw-ml-engine) or .Values.nameOverride, trimmed to 63
characters. The same whether the chart is rendered alone or as an aliased subchart of the umbrella
(where .Chart.Name is the alias, e.g. kafka or mlEngine).
*/}}
{{- define "logclaw.names.name" -}}
{{- default (printf "logclaw-%s" (include "logclaw.names.part" .)) .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.names.fullname" . }}
Base name of every object of a chart: .Values.fullnameOverride, else logclaw.names.name (e.g. logclaw-kafka).
The release name is deliberately NOT part of it: one tenant owns one namespace, so names are stable
whether the chart is installed through the umbrella, through helmfile or alone, and other charts can
refer to them. Trimmed to 63 characters.
*/}}
{{- define "logclaw.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "logclaw.names.name" . -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.names.component" (dict "context" $ "component" "receiver") }}
Name of one component of a chart: <fullname>-<component>, trimmed to 63 characters.
*/}}
{{- define "logclaw.names.component" -}}
{{- printf "%s-%s" (include "logclaw.names.fullname" .context) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.names.chart" . }}
<chart>-<version> for the helm.sh/chart label ("+" replaced), trimmed to 63 characters.
*/}}
{{- define "logclaw.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.names.part" . }}
The LogClaw component a chart belongs to (value of logclaw.io/component): the chart name in
kebab case without its "logclaw-" prefix, e.g. kafka, ingestion, ml-engine, ticketing-agent -- also
when the chart is the umbrella's subchart aliased kafka, mlEngine or ticketingAgent.
*/}}
{{- define "logclaw.names.part" -}}
{{- trimPrefix "logclaw-" (kebabcase .Chart.Name) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.names.tenantId" . }}
global.tenantId; fails the render when it is missing.
*/}}
{{- define "logclaw.names.tenantId" -}}
{{- required "global.tenantId is required (the tenant file sets it)" (dig "tenantId" "" (.Values.global | default dict)) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.names.namespace" . }}
Namespace the objects go to: the release namespace (logclaw-<tenantId> by convention).
*/}}
{{- define "logclaw.names.namespace" -}}
{{- .Release.Namespace | trunc 63 | trimSuffix "-" -}}
{{- end -}}
