{{/*
Usage: image: {{ include "logclaw.images.image" (dict "context" $ "image" .Values.receiver.image) }}
Image reference <registry>/<repository>:<tag>[@<digest>] from an image object
{registry, repository, tag, digest}. The tag must be pinned: empty or "latest" fails the render.
With an empty registry the reference is <repository>:<tag>. Air-gapped mirrors: set each image's
registry (the tenant schema has no global registry override; one contract for values).
*/}}
{{- define "logclaw.images.image" -}}
{{- $img := .image | default dict -}}
{{- $repo := required "image.repository is required" $img.repository -}}
{{- $tag := toString ($img.tag | default "") -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "image %s: the tag must be pinned (got %q)" $repo $tag) -}}
{{- end -}}
{{- $registry := $img.registry | default "" -}}
{{- $ref := ternary (printf "%s/%s:%s" $registry $repo $tag) (printf "%s:%s" $repo $tag) (ne $registry "") -}}
{{- with $img.digest }}{{ $ref = printf "%s@%s" $ref . }}{{ end -}}
{{- $ref -}}
{{- end -}}

{{/*
Usage: imagePullPolicy: {{ include "logclaw.images.pullPolicy" (dict "context" $ "image" .Values.receiver.image) }}
image.pullPolicy, default IfNotPresent.
*/}}
{{- define "logclaw.images.pullPolicy" -}}
{{- (.image | default dict).pullPolicy | default "IfNotPresent" -}}
{{- end -}}
