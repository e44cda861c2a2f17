{{/*
Local helpers of logclaw-zammad, prefixed logclaw-zammad. (the official chart's own named templates use
"zammad"); names, labels, sizing, security and images come from logclaw-common.
*/}}

{{/*
Usage: {{ include "logclaw-zammad.podLabels" . | fromYaml }}
Labels LogClaw puts on every object and pod of the official chart and its bundled stores; the NetworkPolicy
selects logclaw.io/component=zammad.
*/}}
{{- define "logclaw-zammad.podLabels" -}}
logclaw.io/component: {{ include "logclaw.names.part" . }}
logclaw.io/tenant: {{ include "logclaw.names.tenantId" . | quote }}
app.kubernetes.io/part-of: logclaw
{{- end -}}

{{/*
Usage: {{ include "logclaw-zammad.secretName" . }}
Secret LogClaw provides outside dev (ExternalSecret): logclaw-zammad-credentials, keys postgresql-pass,
postgresql-admin-password, redis-password.
*/}}
{{- define "logclaw-zammad.secretName" -}}
{{- include "logclaw.names.component" (dict "context" . "component" "credentials") -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-zammad.sizes" . | fromYaml }}
replicas of the web tier and resources of every component by tier, with .Values.resources merged.
*/}}
{{- define "logclaw-zammad.sizes" -}}
{{- $ctx := . -}}
{{- $small := dict "requests" (dict "cpu" "50m" "memory" "64Mi") "limits" (dict "cpu" "250m" "memory" "128Mi") -}}
{{- /* The init Job's containers run Rails tasks (migrations, search index) once per install and upgrade. */ -}}
{{- $init := dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1536Mi") -}}
{{- $p := dict
  "nginx" (dict "standard" $small "ha" $small "ultra-ha" (dict "requests" (dict "cpu" "100m" "memory" "64Mi") "limits" (dict "cpu" "500m" "memory" "256Mi")))
  "railsserver" (dict "standard" (dict "requests" (dict "cpu" "250m" "memory" "768Mi") "limits" (dict "cpu" "1" "memory" "1536Mi")) "ha" (dict "requests" (dict "cpu" "500m" "memory" "1Gi") "limits" (dict "cpu" "2" "memory" "2Gi")) "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "1536Mi") "limits" (dict "cpu" "2" "memory" "3Gi")))
  "scheduler" (dict "standard" (dict "requests" (dict "cpu" "100m" "memory" "384Mi") "limits" (dict "cpu" "500m" "memory" "768Mi")) "ha" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi")) "ultra-ha" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi")))
  "websocket" (dict "standard" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "500m" "memory" "512Mi")) "ha" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "500m" "memory" "512Mi")) "ultra-ha" (dict "requests" (dict "cpu" "250m" "memory" "512Mi") "limits" (dict "cpu" "1" "memory" "1Gi")))
  "elasticsearch" (dict "standard" (dict "requests" (dict "cpu" "250m" "memory" "1Gi") "limits" (dict "cpu" "1" "memory" "1536Mi")) "ha" (dict "requests" (dict "cpu" "500m" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "3Gi")) "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "3Gi") "limits" (dict "cpu" "2" "memory" "4Gi")))
  "postgresql" (dict "standard" (dict "requests" (dict "cpu" "250m" "memory" "256Mi") "limits" (dict "cpu" "1" "memory" "1Gi")) "ha" (dict "requests" (dict "cpu" "500m" "memory" "1Gi") "limits" (dict "cpu" "2" "memory" "2Gi")) "ultra-ha" (dict "requests" (dict "cpu" "1" "memory" "2Gi") "limits" (dict "cpu" "2" "memory" "4Gi")))
  "redis" (dict "standard" (dict "requests" (dict "cpu" "50m" "memory" "64Mi") "limits" (dict "cpu" "250m" "memory" "256Mi")) "ha" (dict "requests" (dict "cpu" "100m" "memory" "128Mi") "limits" (dict "cpu" "500m" "memory" "512Mi")) "ultra-ha" (dict "requests" (dict "cpu" "100m" "memory" "128Mi") "limits" (dict "cpu" "500m" "memory" "512Mi")))
  "memcached" (dict "standard" $small "ha" (dict "requests" (dict "cpu" "50m" "memory" "128Mi") "limits" (dict "cpu" "250m" "memory" "256Mi")) "ultra-ha" (dict "requests" (dict "cpu" "100m" "memory" "256Mi") "limits" (dict "cpu" "500m" "memory" "512Mi")))
  "init" (dict "standard" $init "ha" $init "ultra-ha" $init) -}}
replicas: {{ include "logclaw.tier.replicas" (dict "context" $ctx "override" .Values.replicas "byTier" (dict "standard" 1 "ha" 2 "ultra-ha" 3)) }}
{{- range $c := list "nginx" "railsserver" "scheduler" "websocket" "elasticsearch" "postgresql" "redis" "memcached" "init" }}
{{ $c }}:
  {{- include "logclaw.tier.resources" (dict "context" $ctx "profiles" (index $p $c) "override" (index $ctx.Values.resources $c) "ephemeral" (list "256Mi" "1Gi")) | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Usage: {{ include "logclaw-zammad.storeName" (dict "context" $ "store" "postgresql") }}
Name of a bundled store (elasticsearch, postgresql, redis, memcached) and its objects: logclaw-zammad-<store>,
without the release name, so the StatefulSets stay within 52 characters for every tenantId. The official chart
reaches the stores at <release>-<store> (redis: <release>-redis-master); templates/store-services.yaml serves
those names.
*/}}
{{- define "logclaw-zammad.storeName" -}}
{{- printf "%s-%s" (include "logclaw.names.fullname" .context) .store -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw-zammad.upstreamValues" . | fromYaml }}
The official chart's values LogClaw computes (merged by templates/upstream/...).
*/}}
{{- define "logclaw-zammad.upstreamValues" -}}
{{- $isDev := include "logclaw.global.isDev" . -}}
{{- $s := include "logclaw-zammad.sizes" . | fromYaml -}}
{{- $ref := include "logclaw.images.image" (dict "context" . "image" .Values.image) -}}
{{- $tag := regexFind ":[^:/]+$" $ref -}}
{{- $labels := include "logclaw-zammad.podLabels" . | fromYaml -}}
{{- $sc := include "logclaw.security.containerSecurityContext" (dict "context" . "runAsUser" 1000) | fromYaml -}}
{{- $secret := include "logclaw-zammad.secretName" . -}}
{{- $storage := include "logclaw.storage.class" (dict "context" .) -}}
fullnameOverride: {{ include "logclaw.names.fullname" . }}
image:
  repository: {{ trimSuffix $tag $ref }}
  tag: {{ trimPrefix ":" $tag | quote }}
  pullPolicy: {{ include "logclaw.images.pullPolicy" (dict "context" . "image" .Values.image) }}
commonLabels:
  {{- toYaml $labels | nindent 2 }}
podLabels:
  {{- toYaml $labels | nindent 2 }}
securityContext:
  {{- include "logclaw.security.podSecurityContext" (dict "context" . "runAsUser" 1000) | nindent 2 }}
zammadConfig:
  nginx:
    replicas: {{ $s.replicas }}
    resources:
      {{- toYaml $s.nginx | nindent 6 }}
    securityContext:
      {{- toYaml $sc | nindent 6 }}
  railsserver:
    replicas: {{ $s.replicas }}
    resources:
      {{- toYaml $s.railsserver | nindent 6 }}
    securityContext:
      {{- toYaml $sc | nindent 6 }}
  scheduler:
    resources:
      {{- toYaml $s.scheduler | nindent 6 }}
    securityContext:
      {{- toYaml $sc | nindent 6 }}
  websocket:
    resources:
      {{- toYaml $s.websocket | nindent 6 }}
    securityContext:
      {{- toYaml $sc | nindent 6 }}
  initContainers:
    # Runs as root and privileged in the official chart: not admitted by Pod Security "restricted";
    # fsGroup on the pod gives the volumes the right group instead.
    volumePermissions:
      enabled: false
    zammad:
      resources:
        {{- toYaml $s.init | nindent 8 }}
      securityContext:
        {{- toYaml $sc | nindent 8 }}
    elasticsearch:
      resources:
        {{- toYaml $s.init | nindent 8 }}
      securityContext:
        {{- toYaml $sc | nindent 8 }}
    postgresql:
      resources:
        {{- toYaml $s.init | nindent 8 }}
      securityContext:
        {{- toYaml $sc | nindent 8 }}
  # The official chart names its init Job <fullname>-init-<uuid>, new on every render, so that each upgrade runs
  # it once: the same tenant file would never render the same objects (diff, the render cache and Argo CD would
  # see a change forever). A fixed name, run as a hook instead: helm re-creates it after every install and
  # upgrade (post-install/post-upgrade, without waiting for the workloads that need it), Argo CD in every sync
  # (its own hook annotations replace helm's there); neither compares hooks with the live state.
  initJob:
    randomName: false
    annotations:
      helm.sh/hook: post-install,post-upgrade
      helm.sh/hook-delete-policy: before-hook-creation
      argocd.argoproj.io/hook: Sync
      argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
{{- if not $isDev }}
secrets:
  postgresql:
    useExisting: true
    secretName: {{ $secret }}
    secretKey: postgresql-pass
  redis:
    useExisting: true
    secretName: {{ $secret }}
    secretKey: redis-password
{{- end }}
elasticsearch:
  fullnameOverride: {{ include "logclaw-zammad.storeName" (dict "context" . "store" "elasticsearch") }}
  commonLabels:
    {{- toYaml $labels | nindent 4 }}
  # The privileged sysctl init container is not admitted under Pod Security "restricted": nodes must have
  # vm.max_map_count >= 262144 (most managed node images do).
  sysctlImage:
    enabled: false
  volumePermissions:
    enabled: false
  networkPolicy:
    enabled: false
  master:
    podAnnotations:
      logclaw.io/policy-exception: "readonly-root-filesystem: Bitnami's Elasticsearch image writes its generated configuration, keystore and plugins under /opt/bitnami at start, and the chart version zammad 12.4.1 pins mounts no emptyDir there"
    resources:
      {{- toYaml $s.elasticsearch | nindent 6 }}
    persistence:
      size: {{ .Values.persistence.elasticsearch }}
      {{- with $storage }}
      storageClass: {{ . }}
      {{- end }}
    networkPolicy:
      enabled: false
postgresql:
  fullnameOverride: {{ include "logclaw-zammad.storeName" (dict "context" . "store" "postgresql") }}
  commonLabels:
    {{- toYaml $labels | nindent 4 }}
  {{- if not $isDev }}
  auth:
    existingSecret: {{ $secret }}
    secretKeys:
      adminPasswordKey: postgresql-admin-password
      userPasswordKey: postgresql-pass
      replicationPasswordKey: postgresql-replication-password
  {{- end }}
  primary:
    podAnnotations:
      logclaw.io/policy-exception: "readonly-root-filesystem: Bitnami's PostgreSQL image writes its generated configuration, pid and socket files under /opt/bitnami at start, and the chart version zammad 12.4.1 pins mounts no emptyDir there"
    resources:
      {{- toYaml $s.postgresql | nindent 6 }}
    persistence:
      size: {{ .Values.persistence.postgresql }}
      {{- with $storage }}
      storageClass: {{ . }}
      {{- end }}
    networkPolicy:
      enabled: false
  networkPolicy:
    enabled: false
redis:
  fullnameOverride: {{ include "logclaw-zammad.storeName" (dict "context" . "store" "redis") }}
  commonLabels:
    {{- toYaml $labels | nindent 4 }}
  {{- if not $isDev }}
  auth:
    existingSecret: {{ $secret }}
    existingSecretPasswordKey: redis-password
  {{- end }}
  master:
    podAnnotations:
      logclaw.io/policy-exception: "readonly-root-filesystem: Bitnami's Redis image writes its generated configuration and pid file under /opt/bitnami at start, and the chart version zammad 12.4.1 pins mounts no emptyDir there"
    resources:
      {{- toYaml $s.redis | nindent 6 }}
    persistence:
      size: {{ .Values.persistence.redis }}
      {{- with $storage }}
      storageClass: {{ . }}
      {{- end }}
  networkPolicy:
    enabled: false
memcached:
  fullnameOverride: {{ include "logclaw-zammad.storeName" (dict "context" . "store" "memcached") }}
  commonLabels:
    {{- toYaml $labels | nindent 4 }}
  podAnnotations:
    logclaw.io/policy-exception: "readonly-root-filesystem: Bitnami's memcached image writes its generated SASL configuration under /opt/bitnami at start, and the chart version zammad 12.4.1 pins mounts no emptyDir there"
  resources:
    {{- toYaml $s.memcached | nindent 4 }}
  networkPolicy:
    enabled: false
{{- end -}}
