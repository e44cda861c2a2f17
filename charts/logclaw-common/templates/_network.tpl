{{/*
Usage: {{- include "logclaw.network.egressTo" (dict "context" $ "url" $url "what" "object storage") | nindent 4 }}
Egress rules (list items) a pod needs to reach a URL: nothing for a service of the namespace (no dots in the
host: the in-namespace rule covers it); the service's namespace and port for <svc>.<ns>.svc[.cluster.local];
for anything else TCP to the port on any address, which an air-gapped tenant refuses (render fails).
The port is the URL's, else the scheme's (http 80, ssh 22, git 9418, postgresql 5432, otherwise 443).
*/}}
{{- define "logclaw.network.egressTo" -}}
{{- $u := urlParse .url -}}
{{- $host := $u.hostname | default (regexReplaceAll ":[0-9]+$" $u.host "") -}}
{{- $port := regexFind "[0-9]+$" (regexFind ":[0-9]+$" $u.host) -}}
{{- if not $port -}}{{- $port = get (dict "http" "80" "ssh" "22" "git" "9418" "postgresql" "5432") $u.scheme | default "443" -}}{{- end -}}
{{- if contains "." $host -}}
{{- $m := regexFindAll "^[a-z0-9-]+\\.([a-z0-9-]+)\\.svc(\\.cluster\\.local)?\\.?$" $host 1 -}}
{{- if $m -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ index (splitList "." $host) 1 }}
  ports:
    - port: {{ $port }}
      protocol: TCP
{{- else if include "logclaw.global.airGapped" .context -}}
{{- fail (printf "global.airGapped: %s at %s is outside the cluster; use an in-cluster service (<svc>.<namespace>.svc)" .what $host) -}}
{{- else -}}
- to:
    - ipBlock:
        cidr: 0.0.0.0/0
    - ipBlock:
        cidr: ::/0
  ports:
    - port: {{ $port }}
      protocol: TCP
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Usage: {{- include "logclaw.network.objectStorageEgress" . | nindent 4 }}
Egress rules to the tenant's object storage: the endpoint (see logclaw.network.egressTo) when set, else HTTPS to the
cloud provider's public endpoint, which an air-gapped tenant refuses (it needs an in-cluster endpoint).
Nothing without a bucket.
*/}}
{{- define "logclaw.network.objectStorageEgress" -}}
{{- $os := include "logclaw.storage.objectStorage" . | fromYaml -}}
{{- if $os.bucket -}}
{{- if $os.endpoint -}}
{{- include "logclaw.network.egressTo" (dict "context" . "url" $os.endpoint "what" "object storage") -}}
{{- else if include "logclaw.global.airGapped" . -}}
{{- fail (printf "global.airGapped: object storage %q has no in-cluster endpoint; set global.objectStorage.endpoint (e.g. http://minio.minio.svc:9000)" $os.provider) -}}
{{- else -}}
- to:
    - ipBlock:
        cidr: 0.0.0.0/0
    - ipBlock:
        cidr: ::/0
  ports:
    - port: 443
      protocol: TCP
{{- end -}}
{{- end -}}
{{- end -}}
