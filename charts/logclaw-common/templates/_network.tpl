{{/*
Usage: {{- include "logclaw.network.egressTo" (dict "context" $ "url" $url "what" "object storage") | nindent 4 }}
Egress rules (list items) a pod needs to reach a URL: nothing for a service of the namespace (no dots in the
host: the in-namespace rule covers it); the service's namespace and port for <svc>.<ns>.svc[.cluster.local];
for anything else TCP to the port on any public address (logclaw.network.internet), which an air-gapped tenant
refuses (render fails).
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
    {{- include "logclaw.network.internet" . | nindent 4 }}
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
    {{- include "logclaw.network.internet" . | nindent 4 }}
  ports:
    - port: 443
      protocol: TCP
{{- end -}}
{{- end -}}
{{- end -}}


{{/*
Usage: to: {{- include "logclaw.network.internet" . | nindent 4 }}
The internet as NetworkPolicy peers: every IPv4 and IPv6 address except the private, link-local and CGNAT
ranges, which hold the pods and nodes of the cluster (other tenants), cloud metadata endpoints and VPC
services (lint rule netpol-egress-private-ranges).
*/}}
{{- define "logclaw.network.internet" -}}
- ipBlock:
    cidr: 0.0.0.0/0
    except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, 100.64.0.0/10]
- ipBlock:
    cidr: ::/0
    except: ["fc00::/7", "fe80::/10"]
{{- end -}}

{{/*
Usage: from: {{- include "logclaw.network.platformNamespaces" (dict "role" "operators" "names" $names) | nindent 4 }}
A peer for namespaces the platform owns (operators, monitoring): matched by name AND by the label
platform.logclaw.io/role=<role>, which only the platform sets (an admission policy reserves the
platform.logclaw.io/ prefix), so creating a namespace with one of those names is not enough to get in.
*/}}
{{- define "logclaw.network.platformNamespaces" -}}
- namespaceSelector:
    matchLabels:
      platform.logclaw.io/role: {{ .role }}
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values:
          {{- toYaml .names | nindent 10 }}
{{- end -}}

{{/*
Usage: ingress: {{- include "logclaw.network.componentIngress" (dict "component" "kafka" "clients" (list "flink" "ingestion") "ports" (list 9093)) | nindent 4 }}
Ingress rules of one component (pods labelled logclaw.io/component=<component>): every port from its own
pods, and the given ports from the pods of the client components of the tenant. Nothing else of the
namespace gets in (there is no allow-same-namespace ingress).
*/}}
{{- define "logclaw.network.componentIngress" -}}
- from:
    - podSelector:
        matchLabels:
          logclaw.io/component: {{ .component | quote }}
{{- if and .clients .ports }}
- from:
    - podSelector:
        matchExpressions:
          - key: logclaw.io/component
            operator: In
            values:
              {{- toYaml .clients | nindent 14 }}
  ports:
    {{- range .ports }}
    - {protocol: TCP, port: {{ int . }}}
    {{- end }}
{{- end }}
{{- end -}}
