{{/*
Usage: {{ if include "logclaw-kafka.separatePools" . }}
"true" when controllers and brokers run in separate node pools (tiers ha and ultra-ha).
*/}}
{{- define "logclaw-kafka.separatePools" -}}
{{- if ne (include "logclaw.tier.name" .) "standard" -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.secure" . }}
"true" outside dev: TLS listener on 9093, SCRAM-SHA-512 users, simple authorization.
*/}}
{{- define "logclaw-kafka.secure" -}}
{{- if not (include "logclaw.global.isDev" .) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.brokerReplicas" . }}
Number of brokers: broker.replicas, else standard 1, ha 3, ultra-ha 5.
*/}}
{{- define "logclaw-kafka.brokerReplicas" -}}
{{- include "logclaw.tier.replicas" (dict "context" . "override" .Values.broker.replicas) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.controllerReplicas" . }}
Number of dedicated KRaft controllers: controller.replicas, else ha 3, ultra-ha 5.
*/}}
{{- define "logclaw-kafka.controllerReplicas" -}}
{{- include "logclaw.tier.replicas" (dict "context" . "override" .Values.controller.replicas) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.replication" . }}
Replication factor of every topic: standard 1, ha 3, ultra-ha 5, never more than the brokers.
*/}}
{{- define "logclaw-kafka.replication" -}}
{{- $want := index (dict "standard" 1 "ha" 3 "ultra-ha" 5) (include "logclaw.tier.name" .) -}}
{{- min $want (int (include "logclaw-kafka.brokerReplicas" .)) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.minIsr" . }}
min.insync.replicas consistent with the replication factor: a majority (RF 1 -> 1, 3 -> 2, 5 -> 3).
*/}}
{{- define "logclaw-kafka.minIsr" -}}
{{- add (div (int (include "logclaw-kafka.replication" .)) 2) 1 -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.partitions" (dict "context" $ "topic" "rawLogs" "override" 0) }}
Partitions of a topic by tier (raw-logs/enriched-logs 3/12/24, anomaly-events 1/3/6, dead-letter 1/3/3).
*/}}
{{- define "logclaw-kafka.partitions" -}}
{{- $tier := include "logclaw.tier.name" .context -}}
{{- $table := dict
  "rawLogs" (dict "standard" 3 "ha" 12 "ultra-ha" 24)
  "enrichedLogs" (dict "standard" 3 "ha" 12 "ultra-ha" 24)
  "anomalyEvents" (dict "standard" 1 "ha" 3 "ultra-ha" 6)
  "deadLetter" (dict "standard" 1 "ha" 3 "ultra-ha" 3) -}}
{{- if gt (int .override) 0 -}}{{ int .override }}{{- else -}}{{ index $table .topic $tier }}{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.profiles" (dict "context" $ "role" "broker") | fromYaml }}
Resource profiles (requests/limits per tier) of a pool role: broker, controller, entity, mirror, connect.
In dev every tier gets the small dev profile.
*/}}
{{- define "logclaw-kafka.profiles" -}}
{{- $p := dict
  "broker" (dict
    "standard" (dict "requests" (dict "cpu" "500m" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "4Gi"))
    "ha" (dict "requests" (dict "cpu" "1" "memory" "8Gi") "limits" (dict "cpu" "4" "memory" "8Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "2" "memory" "16Gi") "limits" (dict "cpu" "8" "memory" "16Gi")))
  "controller" (dict
    "standard" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "2Gi"))
    "ha" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "2Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "500m" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "2Gi")))
  "entity" (dict
    "standard" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "500m" "memory" "512Mi"))
    "ha" (dict "requests" (dict "cpu" "200m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "512Mi"))
    "ultra-ha" (dict "requests" (dict "cpu" "250m" "memory" "768Mi") "limits" (dict "cpu" "1" "memory" "768Mi")))
  "mirror" (dict
    "standard" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "2Gi"))
    "ha" (dict "requests" (dict "cpu" "500m" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "2Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "4Gi") "limits" (dict "cpu" "4" "memory" "4Gi")))
  "connect" (dict
    "standard" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "2Gi"))
    "ha" (dict "requests" (dict "cpu" "500m" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "2Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "4Gi") "limits" (dict "cpu" "4" "memory" "4Gi"))) -}}
{{- if include "logclaw.global.isDev" .context -}}
{{- $dev := dict "requests" (dict "cpu" "100m" "memory" "768Mi") "limits" (dict "cpu" "1" "memory" "1536Mi") -}}
{{- toYaml (dict "standard" $dev "ha" $dev "ultra-ha" $dev) -}}
{{- else -}}
{{- toYaml (index $p .role) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.heap" (dict "context" $ "role" "broker" "override" .Values.broker.heap) }}
JVM heap (-Xms = -Xmx) of a pool role by tier; dev 512m.
*/}}
{{- define "logclaw-kafka.heap" -}}
{{- $tier := include "logclaw.tier.name" .context -}}
{{- $t := dict "broker" (dict "standard" "2g" "ha" "4g" "ultra-ha" "8g") "controller" (dict "standard" "512m" "ha" "512m" "ultra-ha" "1g") -}}
{{- if .override -}}{{ .override }}
{{- else if include "logclaw.global.isDev" .context -}}512m
{{- else -}}{{ index $t .role $tier }}{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-kafka.storageSize" (dict "context" $ "role" "broker" "override" .Values.broker.storageSize) }}
Volume size of a pool role by tier (brokers 50/200/500Gi, controllers 10/20/20Gi); dev 5Gi.
*/}}
{{- define "logclaw-kafka.storageSize" -}}
{{- $tier := include "logclaw.tier.name" .context -}}
{{- $t := dict "broker" (dict "standard" "50Gi" "ha" "200Gi" "ultra-ha" "500Gi") "controller" (dict "standard" "10Gi" "ha" "20Gi" "ultra-ha" "20Gi") -}}
{{- if .override -}}{{ .override }}
{{- else if include "logclaw.global.isDev" .context -}}5Gi
{{- else -}}{{ index $t .role $tier }}{{- end -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw-kafka.clientAuth" (dict "context" $ "user" "connect") | nindent 2 }}
tls + authentication blocks of a Strimzi client (Connect, MirrorMaker 2 source) of this cluster.
*/}}
{{- define "logclaw-kafka.clientAuth" -}}
{{- if include "logclaw-kafka.secure" .context -}}
tls:
  trustedCertificates:
    - secretName: {{ include "logclaw.endpoints.kafkaCaSecret" .context }}
      certificate: ca.crt
authentication:
  type: scram-sha-512
  username: {{ .user }}
  passwordSecret:
    secretName: {{ include "logclaw.endpoints.kafkaUserSecret" (dict "user" .user) }}
    password: password
{{- end -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw-kafka.containerSecurity" . | nindent 8 }}
Restricted securityContext for Strimzi containers.
*/}}
{{- define "logclaw-kafka.containerSecurity" -}}
securityContext:
  {{- include "logclaw.security.containerSecurityContext" (dict "context" .) | nindent 2 }}
{{- end -}}

{{/*
Usage: {{- include "logclaw-kafka.podSecurity" . | nindent 8 }}
Restricted pod securityContext for Strimzi pods (Strimzi images run as 1001, group 0).
*/}}
{{- define "logclaw-kafka.podSecurity" -}}
securityContext:
  {{- include "logclaw.security.podSecurityContext" (dict "context" . "runAsUser" 1001 "runAsGroup" 0 "fsGroup" 0) | nindent 2 }}
{{- end -}}

{{/*
Usage: {{- include "logclaw-kafka.singleReplicaException" . | nindent 4 }}
annotations entry waiving lint's kafka-min-isr where replication is 1 outside dev (standard tier:
one broker by definition, so min.insync.replicas cannot be lower than the replication).
*/}}
{{- define "logclaw-kafka.singleReplicaException" -}}
{{- if and (include "logclaw-kafka.secure" .) (eq (int (include "logclaw-kafka.replication" .)) 1) -}}
logclaw.io/policy-exception: "kafka-min-isr: the standard tier runs one broker, so replication and min.insync.replicas are both 1 (tier ha gives replicated topics)"
{{- end -}}
{{- end -}}


{{/*
Usage: networkPolicyPeers: {{- include "logclaw-kafka.clientPeers" $ | nindent 10 }}
The pods of the tenant that use Kafka (Strimzi turns these into the listener's NetworkPolicy): the
receiver, Flink, the ticketing agent and Kafka's own Connect and MirrorMaker 2 pods.
*/}}
{{- define "logclaw-kafka.clientPeers" -}}
- podSelector:
    matchExpressions:
      - key: logclaw.io/component
        operator: In
        values: [kafka, ingestion, flink, ticketing-agent]
{{- end -}}
