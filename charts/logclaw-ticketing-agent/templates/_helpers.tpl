{{/*
Local helpers of logclaw-ticketing-agent (names, labels, sizing, security and images come from logclaw-common).
*/}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.saasPlatforms" . }}
The platforms that live outside the cluster (HTTPS egress): pagerduty jira servicenow opsgenie slack.
*/}}
{{- define "logclaw-ticketing-agent.saasPlatforms" -}}pagerduty jira servicenow opsgenie slack{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.allPlatforms" . }}
Every platform the agent knows, in a stable order.
*/}}
{{- define "logclaw-ticketing-agent.allPlatforms" -}}pagerduty jira servicenow opsgenie slack zammad{{- end -}}

{{/*
Usage: {{ range (include "logclaw-ticketing-agent.enabledPlatforms" . | splitList " " | compact) }}
Space-separated names of the enabled platforms.
*/}}
{{- define "logclaw-ticketing-agent.enabledPlatforms" -}}
{{- $out := list -}}
{{- range (include "logclaw-ticketing-agent.allPlatforms" . | splitList " ") -}}
{{- if (index $.Values.config.platforms .).enabled -}}{{- $out = append $out . -}}{{- end -}}
{{- end -}}
{{- join " " $out -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.llmProvider" . }}
The provider of logclaw.llm.settings (global.llm.provider, default disabled).
*/}}
{{- define "logclaw-ticketing-agent.llmProvider" -}}
{{- (include "logclaw.llm.settings" . | fromYaml).provider -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-ticketing-agent.needsExternalHttps" . }}...{{ end }}
"true" when the agent must reach HTTPS endpoints outside the cluster: any SaaS platform (PagerDuty, Jira,
ServiceNow, Opsgenie, Slack) is enabled, or the LLM provider is an external API (claude, openai).
Empty otherwise (Zammad and in-namespace LLMs only): then the agent has no egress outside the cluster.
*/}}
{{- define "logclaw-ticketing-agent.needsExternalHttps" -}}
{{- $need := false -}}
{{- range (include "logclaw-ticketing-agent.saasPlatforms" . | splitList " ") -}}
{{- if (index $.Values.config.platforms .).enabled -}}{{- $need = true -}}{{- end -}}
{{- end -}}
{{- if has (include "logclaw-ticketing-agent.llmProvider" .) (list "claude" "openai") -}}{{- $need = true -}}{{- end -}}
{{- if $need -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.platformSecret" (dict "context" $ "platform" "jira") }}
Name of the Secret holding one platform's credentials (made by an ExternalSecret; by `logclaw dev up` in dev).
*/}}
{{- define "logclaw-ticketing-agent.platformSecret" -}}
{{- include "logclaw.names.component" (dict "context" .context "component" .platform) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.platformSecretKeys" (dict "platform" "jira") }}
Space-separated keys of a platform's credentials Secret (remote JSON properties are the camelCase forms).
*/}}
{{- define "logclaw-ticketing-agent.platformSecretKeys" -}}
{{- $keys := dict "pagerduty" "routing-key" "jira" "email api-token" "servicenow" "username password" "opsgenie" "api-key" "slack" "bot-token" "zammad" "api-token" -}}
{{- index $keys .platform -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.validate" . }}
Fails the render on an inconsistent configuration: routing to a disabled platform, a SaaS platform or an
external LLM in an air-gapped tenant, a missing platform URL.
*/}}
{{- define "logclaw-ticketing-agent.validate" -}}
{{- $enabled := include "logclaw-ticketing-agent.enabledPlatforms" . | splitList " " | compact -}}
{{- range $severity := list "critical" "high" "medium" "low" -}}
{{- range (index $.Values.config.routing $severity | default list) -}}
{{- if not (has . $enabled) -}}
{{- fail (printf "ticketingAgent.config.routing.%s lists %q, which is not enabled (ticketingAgent.config.platforms.%s.enabled)" $severity . .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if include "logclaw.global.airGapped" . -}}
{{- range (include "logclaw-ticketing-agent.saasPlatforms" . | splitList " ") -}}
{{- if has . $enabled -}}
{{- fail (printf "global.airGapped: platform %q needs the internet; only zammad is allowed" .) -}}
{{- end -}}
{{- end -}}
{{- if has (include "logclaw-ticketing-agent.llmProvider" .) (list "claude" "openai") -}}
{{- fail (printf "global.airGapped: llm.provider %q is an external API; use ollama, vllm or disabled" (include "logclaw-ticketing-agent.llmProvider" .)) -}}
{{- end -}}
{{- end -}}
{{- if and (has "jira" $enabled) (not .Values.config.platforms.jira.url) -}}
{{- fail "ticketingAgent.config.platforms.jira.url is required when Jira is enabled" -}}
{{- end -}}
{{- if and (has "servicenow" $enabled) (not .Values.config.platforms.servicenow.instanceUrl) -}}
{{- fail "ticketingAgent.config.platforms.servicenow.instanceUrl is required when ServiceNow is enabled" -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.replicas" . }}
Replicas of the agent: .Values.replicas when > 0, else the tier's.
*/}}
{{- define "logclaw-ticketing-agent.replicas" -}}
{{- include "logclaw.tier.replicas" (dict "context" . "override" .Values.replicas) -}}
{{- end -}}

{{/*
Usage: resources: {{- include "logclaw-ticketing-agent.resources" . | nindent 12 }}
Tier profiles of the agent, with .Values.resources merged over them.
*/}}
{{- define "logclaw-ticketing-agent.resources" -}}
{{- $profiles := dict
  "standard" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "500m" "memory" "512Mi"))
  "ha" (dict "requests" (dict "cpu" "250m" "memory" "384Mi") "limits" (dict "cpu" "1" "memory" "768Mi"))
  "ultra-ha" (dict "requests" (dict "cpu" "500m" "memory" "512Mi") "limits" (dict "cpu" "2" "memory" "1Gi")) -}}
{{- include "logclaw.tier.resources" (dict "context" . "profiles" $profiles "override" .Values.resources "ephemeral" (list "128Mi" "512Mi")) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-ticketing-agent.llmApiKeySecret" . }}
Secret with key api-key for an external LLM (claude, openai): made by logclaw-ml-engine's ExternalSecret
(by `logclaw dev up` in dev). A constant shared by both charts.
*/}}
{{- define "logclaw-ticketing-agent.llmApiKeySecret" -}}logclaw-llm-api-key{{- end -}}
