{{/*
Usage: {{ include "logclaw.tier.name" . }}
global.tier (standard|ha|ultra-ha), default standard; fails on anything else.
*/}}
{{- define "logclaw.tier.name" -}}
{{- $tier := dig "tier" "standard" (.Values.global | default dict) -}}
{{- if not (has $tier (list "standard" "ha" "ultra-ha")) -}}
{{- fail (printf "global.tier must be standard, ha or ultra-ha (got %q)" $tier) -}}
{{- end -}}
{{- $tier -}}
{{- end -}}

{{/*
Usage: replicas: {{ include "logclaw.tier.replicas" (dict "context" $ "override" .Values.receiver.replicas) }}
       replicas: {{ include "logclaw.tier.replicas" (dict "context" $ "byTier" (dict "standard" 1 "ha" 2 "ultra-ha" 3)) }}
Replica count of the tier: standard 1, ha 3, ultra-ha 5. "byTier" (optional) replaces that table for
one workload; "override" (optional) wins when it is a number > 0 (0 or null means "by tier").
*/}}
{{- define "logclaw.tier.replicas" -}}
{{- $tier := include "logclaw.tier.name" .context -}}
{{- $table := mergeOverwrite (dict "standard" 1 "ha" 3 "ultra-ha" 5) (.byTier | default dict) -}}
{{- if and (not (kindIs "invalid" .override)) (gt (int .override) 0) -}}
{{- int .override -}}
{{- else -}}
{{- int (index $table $tier) -}}
{{- end -}}
{{- end -}}

{{/*
Usage: resources: {{- include "logclaw.tier.resources" (dict "context" $ "profiles" (include "mychart.sizes" $ | fromYaml) "override" .Values.receiver.resources) | nindent 12 }}
requests+limits of the tier. "profiles" maps standard/ha/ultra-ha to {requests: {cpu, memory}, limits: {cpu, memory}}
(missing tiers fall back to the built-in default profile below); "override" (optional, a partial
resources object from values) is deep-merged over the profile, so setting only limits.memory keeps
the rest. "ephemeral" (optional, e.g. (list "256Mi" "1Gi")) adds ephemeral-storage requests and limits
(eviction order under disk pressure, bounded scratch space) unless the override sets them. Always renders
both requests and limits.
*/}}
{{- define "logclaw.tier.resources" -}}
{{- $tier := include "logclaw.tier.name" .context -}}
{{- $defaults := dict
  "standard" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "1" "memory" "512Mi"))
  "ha" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "2" "memory" "1Gi"))
  "ultra-ha" (dict "requests" (dict "cpu" "500m" "memory" "1Gi") "limits" (dict "cpu" "4" "memory" "2Gi")) -}}
{{- $profiles := .profiles | default dict -}}
{{- $base := deepCopy (index $profiles $tier | default (index $defaults $tier)) -}}
{{- with .ephemeral -}}
{{- $_ := set $base.requests "ephemeral-storage" (index . 0) -}}
{{- $_ := set $base.limits "ephemeral-storage" (index . 1) -}}
{{- end -}}
{{- $res := mergeOverwrite $base (deepCopy (.override | default dict)) -}}
{{- if not (and (hasKey $res "requests") (hasKey $res "limits")) -}}
{{- fail "logclaw.tier.resources: a profile must define requests and limits" -}}
{{- end -}}
{{- toYaml $res -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.tier.pdb" (dict "context" $ "component" "receiver" "replicas" $replicas) }}
A complete PodDisruptionBudget document (policy/v1, maxUnavailable 1) named <fullname>-<component>,
selecting logclaw.labels.selector of the component -- rendered ONLY when replicas > 1 (standard tier:
none). Optional "matchLabels" replaces the selector (pods not labelled by this library, e.g. operator-made).
Place it after a "---" line (it starts with apiVersion).
*/}}
{{- define "logclaw.tier.pdb" -}}
{{- if gt (int .replicas) 1 -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "logclaw.names.component" (dict "context" .context "component" .component) }}
  namespace: {{ include "logclaw.names.namespace" .context }}
  labels:
    {{- include "logclaw.labels.standard" (dict "context" .context "component" .component) | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- .matchLabels | default (include "logclaw.labels.selector" (dict "context" .context "component" .component) | fromYaml) | toYaml | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
Usage: {{- with include "logclaw.tier.topologySpread" (dict "context" $ "component" "receiver" "replicas" $replicas) }}
       topologySpreadConstraints:
         {{- . | nindent 8 }}
       {{- end }}
List items of topologySpreadConstraints -- empty when replicas <= 1: pods spread across
topology.kubernetes.io/zone (maxSkew 1, DoNotSchedule) and, best effort, across nodes
(kubernetes.io/hostname, ScheduleAnyway). Optional "matchLabels" replaces the label selector.
*/}}
{{- define "logclaw.tier.topologySpread" -}}
{{- if gt (int .replicas) 1 -}}
{{- $match := .matchLabels | default (include "logclaw.labels.selector" (dict "context" .context "component" .component) | fromYaml) -}}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: DoNotSchedule
  labelSelector:
    matchLabels:
      {{- toYaml $match | nindent 6 }}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- toYaml $match | nindent 6 }}
{{- end -}}
{{- end -}}
