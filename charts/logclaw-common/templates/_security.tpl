{{/*
Usage: securityContext: {{- include "logclaw.security.podSecurityContext" (dict "context" $) | nindent 8 }}
       securityContext: {{- include "logclaw.security.podSecurityContext" (dict "context" $ "runAsUser" 1000 "fsGroup" 1000) | nindent 8 }}
Restricted pod securityContext (Pod Security "restricted"): runAsNonRoot, runAsUser/runAsGroup
(default 65532; 0 for runAsGroup/fsGroup is kept), fsGroup (default = runAsGroup), fsGroupChangePolicy OnRootMismatch, seccomp RuntimeDefault.
*/}}
{{- define "logclaw.security.podSecurityContext" -}}
{{- $uid := ternary .runAsUser 65532 (hasKey . "runAsUser") | int -}}
{{- $gid := ternary .runAsGroup $uid (hasKey . "runAsGroup") | int -}}
{{- $fsGroup := ternary .fsGroup $gid (hasKey . "fsGroup") | int -}}
runAsNonRoot: true
runAsUser: {{ $uid }}
runAsGroup: {{ $gid }}
fsGroup: {{ $fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Usage: securityContext: {{- include "logclaw.security.containerSecurityContext" (dict "context" $) | nindent 12 }}
       securityContext: {{- include "logclaw.security.containerSecurityContext" (dict "context" $ "readOnlyRootFilesystem" false) | nindent 12 }}
Restricted container securityContext: allowPrivilegeEscalation false, capabilities drop ALL,
runAsNonRoot, seccomp RuntimeDefault, readOnlyRootFilesystem (default true; pass false only for
images that must write outside their volumes). Optional "runAsUser" pins the uid.
*/}}
{{- define "logclaw.security.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: {{ ternary true .readOnlyRootFilesystem (kindIs "invalid" .readOnlyRootFilesystem) }}
runAsNonRoot: true
{{- if hasKey . "runAsUser" }}
runAsUser: {{ int .runAsUser }}
{{- end }}
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}
