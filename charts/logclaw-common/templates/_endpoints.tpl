{{/*
Well-known names shared across charts. One tenant owns one namespace, so these are constants (no
release name in them) and every chart can refer to them however the others were installed.
*/}}

{{/*
Usage: {{ include "logclaw.endpoints.kafkaCluster" . }}
Name of the Strimzi Kafka cluster (Kafka CR): logclaw.
*/}}
{{- define "logclaw.endpoints.kafkaCluster" -}}logclaw{{- end -}}

{{/*
Usage: bootstrap.servers={{ include "logclaw.endpoints.kafkaBootstrap" . }}
Kafka bootstrap address of the environment: dev -> logclaw-kafka-bootstrap:9092 (plain, no auth);
staging/production -> logclaw-kafka-bootstrap:9093 (TLS + SCRAM-SHA-512).
*/}}
{{- define "logclaw.endpoints.kafkaBootstrap" -}}
{{- printf "%s-kafka-bootstrap:%s" (include "logclaw.endpoints.kafkaCluster" .) (ternary "9092" "9093" (eq (include "logclaw.global.isDev" .) "true")) -}}
{{- end -}}

{{/*
Usage: security.protocol={{ include "logclaw.endpoints.kafkaSecurityProtocol" . }}
PLAINTEXT in dev, SASL_SSL (mechanism SCRAM-SHA-512, CA from logclaw.endpoints.kafkaCaSecret) otherwise.
*/}}
{{- define "logclaw.endpoints.kafkaSecurityProtocol" -}}
{{- ternary "PLAINTEXT" "SASL_SSL" (eq (include "logclaw.global.isDev" .) "true") -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.kafkaCaSecret" . }}
Secret holding the Kafka cluster CA certificate (key ca.crt, PKCS12 in ca.p12 + ca.password), made by Strimzi.
*/}}
{{- define "logclaw.endpoints.kafkaCaSecret" -}}
{{- printf "%s-cluster-ca-cert" (include "logclaw.endpoints.kafkaCluster" .) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.kafkaUserSecret" (dict "user" "flink") }}
Secret of a KafkaUser made by the Strimzi user operator (keys: password, sasl.jaas.config); the
users are ingestion, flink and ticketing-agent (SCRAM-SHA-512; not created in dev).
*/}}
{{- define "logclaw.endpoints.kafkaUserSecret" -}}
{{- .user -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.kafkaTopic" (dict "topic" "raw-logs") }}
Kafka topic name (raw-logs, enriched-logs, anomaly-events, dead-letter); fails on an unknown topic.
*/}}
{{- define "logclaw.endpoints.kafkaTopic" -}}
{{- if not (has .topic (list "raw-logs" "enriched-logs" "anomaly-events" "dead-letter")) -}}
{{- fail (printf "unknown Kafka topic %q" .topic) -}}
{{- end -}}
{{- .topic -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.opensearchUrl" . }}
OpenSearch REST URL: http://logclaw-opensearch:9200 in dev (single node, security plugin off),
https://logclaw-opensearch:9200 otherwise (operator-managed, admin credentials in
logclaw.endpoints.opensearchCredentialsSecret).
*/}}
{{- define "logclaw.endpoints.opensearchUrl" -}}
{{- printf "%s://logclaw-opensearch:9200" (ternary "http" "https" (eq (include "logclaw.global.isDev" .) "true")) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.opensearchCredentialsSecret" . }}
Secret with keys username and password of the OpenSearch admin user: logclaw-opensearch-admin.
*/}}
{{- define "logclaw.endpoints.opensearchCredentialsSecret" -}}logclaw-opensearch-admin{{- end -}}

{{/*
Usage: secretStoreRef: {name: {{ include "logclaw.endpoints.secretStore" . }}, kind: SecretStore}
Name of the tenant's External Secrets SecretStore (made by logclaw-platform outside dev): logclaw.
*/}}
{{- define "logclaw.endpoints.secretStore" -}}logclaw{{- end -}}

{{/*
Usage: issuerRef: {name: {{ include "logclaw.endpoints.issuer" . }}, kind: Issuer}
Name of the cert-manager CA Issuer for internal TLS (made by logclaw-platform): logclaw-internal-ca.
*/}}
{{- define "logclaw.endpoints.issuer" -}}logclaw-internal-ca{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.kafkaGroupPrefix" (dict "user" "ticketing-agent") }}
Prefix of the consumer groups (and transactional ids) a KafkaUser may use: logclaw-<user>
(e.g. logclaw-ticketing-agent-<tenantId>, logclaw-flink-etl).
*/}}
{{- define "logclaw.endpoints.kafkaGroupPrefix" -}}
{{- printf "logclaw-%s" .user -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.ingestion" (dict "port" "http") }}
Address of the ingestion receiver's Service logclaw-ingestion by port name: http (NDJSON ingest,
http://logclaw-ingestion:8080), api (Vector API and /health, :8686), metrics (Prometheus, :9598).
*/}}
{{- define "logclaw.endpoints.ingestion" -}}
{{- $ports := dict "http" "8080" "api" "8686" "metrics" "9598" -}}
{{- if not (hasKey $ports .port) -}}{{- fail (printf "unknown ingestion port %q" .port) -}}{{- end -}}
{{- printf "http://logclaw-ingestion:%s" (index $ports .port) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.feastUrl" . }}
Feast feature server of logclaw-ml-engine: http://logclaw-ml-engine-feast:6567 (push API under /push).
*/}}
{{- define "logclaw.endpoints.feastUrl" -}}http://logclaw-ml-engine-feast:6567{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.ollamaUrl" . }}
Ollama server of logclaw-ml-engine (global.llm.provider ollama): http://logclaw-ml-engine-ollama:11434.
*/}}
{{- define "logclaw.endpoints.ollamaUrl" -}}http://logclaw-ml-engine-ollama:11434{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.vllmUrl" . }}
vLLM's OpenAI-compatible API of logclaw-ml-engine (global.llm.provider vllm): http://logclaw-ml-engine-vllm:8000/v1.
*/}}
{{- define "logclaw.endpoints.vllmUrl" -}}http://logclaw-ml-engine-vllm:8000/v1{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.ticketingAgentUrl" . }}
The ticketing agent's HTTP port (/healthz, /metrics): http://logclaw-ticketing-agent:8080.
*/}}
{{- define "logclaw.endpoints.ticketingAgentUrl" -}}http://logclaw-ticketing-agent:8080{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.zammadUrl" . }}
Zammad's web front (the official chart's nginx, named by logclaw-zammad): http://logclaw-zammad-nginx:8080.
*/}}
{{- define "logclaw.endpoints.zammadUrl" -}}http://logclaw-zammad-nginx:8080{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.airflowUrl" . }}
The Airflow webserver of the official chart, named after the release that installs it: http://<release>-webserver:8080.
*/}}
{{- define "logclaw.endpoints.airflowUrl" -}}
{{- printf "http://%s-webserver:8080" .Release.Name -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.endpoints.inNamespace" (dict "address" (include "logclaw.endpoints.opensearchUrl" .) "namespace" .Release.Namespace) }}
An address of the helpers above with its host qualified by the namespace (<host>.<namespace>.svc), for
readers outside the namespace (NOTES.txt): http://logclaw-opensearch.<namespace>.svc:9200.
*/}}
{{- define "logclaw.endpoints.inNamespace" -}}
{{- regexReplaceAll "^([a-z]+://)?([^:/]+)" .address (printf "${1}${2}.%s.svc" .namespace) -}}
{{- end -}}
