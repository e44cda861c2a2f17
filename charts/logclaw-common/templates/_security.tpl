{{/*
Usage: securityContext: {{- include "logclaw.security.podSecurityContext" (dict "context" $) | nindent 8 }}
       securityContext: {{- include "logclaw.security.podSecurityContext" (dict "context" $ "runAsUser" 1000 "fsGroup" 1000) | nindent 8 }}
Restricted pod securityContext (Pod Security "restricted"): runAsNonRoot, runAsUser/runAsGroup
(default 65532; 0 for runAsGroup/fsGroup is kept), fsGroup (default = runAsGroup), fsGroupChangePolicy OnRootMismatch, seccomp RuntimeDefault.
The chart's value podSecurityContext is merged over it (logclaw.security.override): a key given replaces the
default, a key set to null is left out (OpenShift's restricted SCC assigns runAsUser, runAsGroup and fsGroup itself).
*/}}
{{- define "logclaw.security.podSecurityContext" -}}
{{- $uid := ternary .runAsUser 65532 (hasKey . "runAsUser") | int -}}
{{- $gid := ternary .runAsGroup $uid (hasKey . "runAsGroup") | int -}}
{{- $fsGroup := ternary .fsGroup $gid (hasKey . "fsGroup") | int -}}
{{- $restricted := dict "runAsNonRoot" true "runAsUser" $uid "runAsGroup" $gid "fsGroup" $fsGroup "fsGroupChangePolicy" "OnRootMismatch" "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- include "logclaw.security.override" (dict "context" .context "defaults" $restricted "value" "podSecurityContext") -}}
{{- end -}}

{{/*
Usage: securityContext: {{- include "logclaw.security.containerSecurityContext" (dict "context" $) | nindent 12 }}
       securityContext: {{- include "logclaw.security.containerSecurityContext" (dict "context" $ "readOnlyRootFilesystem" false) | nindent 12 }}
Restricted container securityContext: allowPrivilegeEscalation false, capabilities drop ALL,
runAsNonRoot, seccomp RuntimeDefault, readOnlyRootFilesystem (default true; pass false only for
images that must write outside their volumes). Optional "runAsUser" pins the uid.
The chart's value containerSecurityContext is merged over it (logclaw.security.override); its schema admits
only keys that cannot loosen the restricted profile (runAsUser, runAsGroup, seLinuxOptions, seccompProfile, appArmorProfile).
*/}}
{{- define "logclaw.security.containerSecurityContext" -}}
{{- $restricted := dict "allowPrivilegeEscalation" false "privileged" false "readOnlyRootFilesystem" (ternary true .readOnlyRootFilesystem (kindIs "invalid" .readOnlyRootFilesystem)) "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- if hasKey . "runAsUser" }}{{ $_ := set $restricted "runAsUser" (int .runAsUser) }}{{ end -}}
{{- include "logclaw.security.override" (dict "context" .context "defaults" $restricted "value" "containerSecurityContext") -}}
{{- end -}}

{{/*
Usage: {{ include "logclaw.security.override" (dict "context" $ "defaults" $restricted "value" "podSecurityContext") }}
The securityContext `defaults` with the including chart's value named `value` (a map, default {}) merged over
it, as YAML: a key of the value replaces the default, a key set to null removes it.
*/}}
{{- define "logclaw.security.override" -}}
{{- $sc := deepCopy .defaults -}}
{{- $values := dict -}}
{{- if .context -}}{{- $values = index .context.Values .value | default dict -}}{{- end -}}
{{- range $k, $v := $values -}}
{{- if kindIs "invalid" $v -}}{{- $_ := unset $sc $k -}}{{- else -}}{{- $_ := set $sc $k $v -}}{{- end -}}
{{- end -}}
{{- toYaml $sc -}}
{{- end -}}
