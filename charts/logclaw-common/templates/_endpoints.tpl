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
