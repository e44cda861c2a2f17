{{/*
Usage: {{ include "logclaw-opensearch.clusterName" . }}
Name of the OpenSearchCluster / dev StatefulSet and of its Service: logclaw-opensearch.
*/}}
{{- define "logclaw-opensearch.clusterName" -}}logclaw-opensearch{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.dataReplicas" . }}
Data nodes: data.replicas, else 1 / 3 / 5 by tier; always 1 in dev.
*/}}
{{- define "logclaw-opensearch.dataReplicas" -}}
{{- if include "logclaw.global.isDev" . -}}1{{- else -}}
{{- include "logclaw.tier.replicas" (dict "context" . "override" .Values.data.replicas) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.managerReplicas" . }}
Cluster-manager nodes: clusterManager.replicas, else 3 / 3 / 5 by tier.
*/}}
{{- define "logclaw-opensearch.managerReplicas" -}}
{{- include "logclaw.tier.replicas" (dict "context" . "override" .Values.clusterManager.replicas "byTier" (dict "standard" 3)) -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.profiles" (dict "context" $ "role" "data") | fromYaml }}
Resource profiles per tier of data, manager and dashboards nodes (dev: small single node).
*/}}
{{- define "logclaw-opensearch.profiles" -}}
{{- $p := dict
  "data" (dict
    "standard" (dict "requests" (dict "cpu" "500m" "memory" "4Gi") "limits" (dict "cpu" "2" "memory" "4Gi"))
    "ha" (dict "requests" (dict "cpu" "1" "memory" "8Gi") "limits" (dict "cpu" "4" "memory" "8Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "2" "memory" "16Gi") "limits" (dict "cpu" "8" "memory" "16Gi")))
  "manager" (dict
    "standard" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "1Gi"))
    "ha" (dict "requests" (dict "cpu" "500m" "memory" "2Gi") "limits" (dict "cpu" "1" "memory" "2Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "4Gi") "limits" (dict "cpu" "2" "memory" "4Gi")))
  "dashboards" (dict
    "standard" (dict "requests" (dict "cpu" "100m" "memory" "512Mi") "limits" (dict "cpu" "500m" "memory" "1Gi"))
    "ha" (dict "requests" (dict "cpu" "200m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi"))
    "ultra-ha" (dict "requests" (dict "cpu" "200m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "1Gi"))) -}}
{{- if include "logclaw.global.isDev" .context -}}
{{- $dev := dict "requests" (dict "cpu" "100m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "1536Mi") -}}
{{- toYaml (dict "standard" $dev "ha" $dev "ultra-ha" $dev) -}}
{{- else -}}
{{- toYaml (index $p .role) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.heap" (dict "context" $ "role" "data" "override" .Values.data.heap) }}
JVM heap (half the memory limit of the profile): data 2g/4g/8g, manager 512m/1g/2g; dev 512m.
*/}}
{{- define "logclaw-opensearch.heap" -}}
{{- $t := dict "data" (dict "standard" "2g" "ha" "4g" "ultra-ha" "8g") "manager" (dict "standard" "512m" "ha" "1g" "ultra-ha" "2g") -}}
{{- if .override -}}{{ .override }}
{{- else if include "logclaw.global.isDev" .context -}}512m
{{- else -}}{{ index $t .role (include "logclaw.tier.name" .context) }}{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.diskSize" (dict "context" $ "role" "data" "override" .Values.data.diskSize) }}
Volume size: data 100/500/2000Gi, manager 10Gi; dev 5Gi.
*/}}
{{- define "logclaw-opensearch.diskSize" -}}
{{- $t := dict "data" (dict "standard" "100Gi" "ha" "500Gi" "ultra-ha" "2000Gi") "manager" (dict "standard" "10Gi" "ha" "10Gi" "ultra-ha" "10Gi") -}}
{{- if .override -}}{{ .override }}
{{- else if include "logclaw.global.isDev" .context -}}5Gi
{{- else -}}{{ index $t .role (include "logclaw.tier.name" .context) }}{{- end -}}
{{- end -}}

{{/*
Usage: {{ if include "logclaw-opensearch.certManager" . }}
"true" when cert-manager issues the HTTP certificate (outside dev, Certificate API served).
*/}}
{{- define "logclaw-opensearch.certManager" -}}
{{- if and (not (include "logclaw.global.isDev" .)) (include "logclaw.capabilities.has" (dict "context" . "api" "cert-manager.io/v1/Certificate")) -}}true{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.caSecret" . }}
Secret with the CA (key ca.crt) the HTTP certificate chains to: the cert-manager certificate's
secret, else the operator-generated CA logclaw-opensearch-ca.
*/}}
{{- define "logclaw-opensearch.caSecret" -}}
{{- if include "logclaw-opensearch.certManager" . -}}logclaw-opensearch-http{{- else -}}logclaw-opensearch-ca{{- end -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-opensearch.flinkUser" . }}
The OpenSearch user of the Flink ETL job: logclaw-flink-etl. Its credentials are in Secret
logclaw-opensearch-flink-etl (keys username, password), the name the Flink chart reads.
*/}}
{{- define "logclaw-opensearch.flinkUser" -}}logclaw-flink-etl{{- end -}}
