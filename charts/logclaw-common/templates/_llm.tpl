{{/*
Usage: {{ include "logclaw.llm.settings" . | fromYaml }}
The LLM the tenant uses (global.llm) with each provider's defaults, written once for every chart that needs it
(logclaw-ml-engine exposes it, logclaw-ticketing-agent calls it): provider (default disabled), model and
endpoint (global.llm.model / endpoint, else the provider's: claude and openai their public APIs, ollama and
vllm the services of logclaw-ml-engine, logclaw.endpoints.ollamaUrl / vllmUrl). Empty model and endpoint when disabled.
*/}}
{{- define "logclaw.llm.settings" -}}
{{- $llm := dig "llm" dict (.Values.global | default dict) -}}
{{- $provider := $llm.provider | default "disabled" -}}
{{- $models := dict "claude" "claude-sonnet-4-5" "openai" "gpt-4o-mini" "ollama" "llama3.1:8b" "vllm" "meta-llama/Llama-3.1-8B-Instruct" "disabled" "" -}}
{{- $endpoints := dict "claude" "https://api.anthropic.com" "openai" "https://api.openai.com/v1" "ollama" (include "logclaw.endpoints.ollamaUrl" .) "vllm" (include "logclaw.endpoints.vllmUrl" .) "disabled" "" -}}
provider: {{ $provider }}
model: {{ ternary "" ($llm.model | default (index $models $provider)) (eq $provider "disabled") | quote }}
endpoint: {{ ternary "" ($llm.endpoint | default (index $endpoints $provider)) (eq $provider "disabled") | quote }}
{{- end -}}
