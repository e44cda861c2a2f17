/**
 * Every rule lint can report, with its id, default severity and what it checks. Tests prove that each
 * rule fires on a fixture made to break it (test/lint/rules.test.ts walks this list).
 */
import type { Severity } from './types.js';

export type RuleCategory = 'schema' | 'policy' | 'isolation' | 'reference' | 'domain' | 'chart' | 'helmfile' | 'helm' | 'tenant';

export interface RuleInfo {
  severity: Severity;
  category: RuleCategory;
  summary: string;
  /** Can an object waive it with `logclaw.io/policy-exception: <rule>: <reason>`? */
  waivable: boolean;
}

const r = (category: RuleCategory, summary: string, severity: Severity = 'error', waivable = category !== 'schema'): RuleInfo => ({
  severity,
  category,
  summary,
  waivable,
});

export const RULES = {
  // schema
  'k8s-schema': r('schema', 'a built-in object matches the Kubernetes OpenAPI schema (1.27 and the recent version); unknown fields are errors'),
  'k8s-api-not-served': r('schema', 'the apiVersion/kind of a built-in object is served by every supported Kubernetes version'),
  'crd-schema': r('schema', "a custom resource matches its CRD's openAPIV3Schema for the apiVersion it uses; unknown fields are errors unless preserved"),
  'crd-version-not-served': r('schema', "a custom resource's apiVersion is served by the CRD of the pinned operator version"),
  'crd-version-deprecated': r('schema', 'a custom resource uses an apiVersion its CRD marks deprecated', 'warning'),
  'unknown-kind': r('schema', 'a kind with no known schema (neither built-in nor in the CRD directory)', 'warning'),
  'object-invalid': r('schema', 'a rendered document is an object with apiVersion, kind and metadata.name'),
  // policy
  'pss-privileged': r('policy', 'no privileged containers (Pod Security Standards restricted)'),
  'pss-host-namespaces': r('policy', 'no hostNetwork, hostPID or hostIPC'),
  'pss-host-path': r('policy', 'no hostPath volumes'),
  'pss-namespace-level': r('policy', "a rendered namespace enforces Pod Security restricted; a weaker level is reported with the pods that need it (warning)", 'warning'),
  'pss-host-ports': r('policy', 'no hostPort on containers'),
  'pss-volume-types': r('policy', 'only the volume types the restricted profile allows'),
  'pss-privilege-escalation': r('policy', 'every container sets allowPrivilegeEscalation: false'),
  'pss-run-as-non-root': r('policy', 'runAsNonRoot: true for every container (pod or container level) and never runAsUser 0'),
  'pss-capabilities': r('policy', 'every container drops ALL capabilities and adds none but NET_BIND_SERVICE'),
  'pss-seccomp': r('policy', 'seccompProfile RuntimeDefault or Localhost for every container'),
  'resources-missing': r('policy', 'every container has cpu and memory requests and limits'),
  'image-unpinned': r('policy', 'every image has a tag other than latest (or a digest)'),
  'labels-missing': r('policy', 'objects carry app.kubernetes.io/name, instance (the release), managed-by and part-of; pod templates name and instance'),
  'namespace-mismatch': r('policy', "every namespaced object is in the tenant's namespace"),
  'cluster-scoped-object': r('policy', 'a tenant render holds no cluster-scoped object'),
  'resources-ephemeral-storage': r('policy', 'every container has ephemeral-storage requests and limits (eviction order, bounded disk use)'),
  'readonly-root-filesystem': r('policy', 'every container sets readOnlyRootFilesystem: true (waive with the reason where the image needs a writable root)'),
  'probes-identical': r('policy', 'readiness and liveness probes of a container differ'),
  'statefulset-service-not-headless': r('policy', "a StatefulSet's serviceName is a headless Service (clusterIP: None) of the render"),
  'policy-exception-invalid': r('policy', 'a policy-exception annotation names a known, waivable rule and gives a reason', 'error', false),
  'policy-exception-unused': r('policy', 'a policy-exception annotation waives something that is actually reported', 'warning', false),
  // isolation
  'netpol-ingress-open': r('isolation', 'no NetworkPolicy ingress rule admits every source (no from, ipBlock /0, namespaceSelector {}) to a pod that is not an entry point (logclaw.io/ingress: "true")'),
  'netpol-egress-no-peer': r('isolation', 'every NetworkPolicy egress rule names its destinations (ports without a peer reach every address)'),
  'netpol-egress-private-ranges': r('isolation', 'egress to 0.0.0.0/0 (or ::/0) excepts the private, link-local and CGNAT ranges (10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10; fc00::/7, fe80::/10)'),
  'netpol-all-ports': r('isolation', 'no NetworkPolicy admits every pod of the namespace to every port of every pod (each component admits only its clients)'),
  'netpol-reachable-from-outside': r('isolation', 'computed from the NetworkPolicies: no peer outside the tenant (another tenant, an attacker namespace of any free name and non-platform labels, the internet) reaches a pod that is not an entry point'),
  'netpol-airgap-egress': r('isolation', 'computed from the NetworkPolicies: no pod of an air-gapped tenant can connect to the internet'),
  'rbac-wildcard': r('isolation', 'no Role or ClusterRole rule grants "*" apiGroups, resources or verbs'),
  'cluster-wide-collection': r('isolation', "a tenant chart collects logs only from named namespaces (Vector kubernetes_logs with extra_namespace_label_selector; no ClusterRole reading pods/log)"),
  'literal-credentials': r('isolation', 'outside dev, no rendered Secret or ConfigMap holds a literal password, token or key'),
  'platform-label-reserved': r('isolation', 'no rendered object or pod template carries a label under platform.logclaw.io/ (only the platform labels its operator and monitoring namespaces)'),
  'admin-credentials': r('isolation', "outside dev, no pod of another component reads a data store's admin credentials (Secret logclaw-opensearch-admin): it has a user of its own"),
  // references
  'ref-secret-missing': r('reference', 'a Secret a pod uses is rendered, an ExternalSecret/Certificate/operator target, or a declared prerequisite'),
  'ref-configmap-missing': r('reference', 'a ConfigMap a pod uses is rendered or a declared prerequisite'),
  'ref-serviceaccount-missing': r('reference', 'a ServiceAccount a pod runs as is rendered (or is `default`)'),
  'ref-pvc-missing': r('reference', 'a PersistentVolumeClaim a pod mounts is rendered or a declared prerequisite'),
  'service-selector-unmatched': r('reference', "a Service's selector matches some pod template in the render"),
  'service-target-port': r('reference', "a Service's named targetPort is a port the selected pods declare"),
  'networkpolicy-selects-nothing': r('reference', "a NetworkPolicy's podSelector matches some pod in the render"),
  // domain
  'duplicate-object': r('domain', 'no two objects with the same kind, namespace and name in one render', 'error', false),
  'operator-not-installed': r('domain', "a custom resource's group is served by an operator that helmfile.d/00-operators installs"),
  'operator-crds-unavailable': r('domain', 'the CRD directory holds the CRDs of the operator version 00-operators pins', 'warning'),
  'kafka-superuser': r('domain', 'Kafka has no anonymous or wildcard super user'),
  'kafka-node-pools': r('domain', 'Kafka sizing (replicas, storage, resources) lives in KafkaNodePools, and a KRaft cluster has broker and controller pools'),
  'kafka-topic-replicas': r('domain', "a KafkaTopic's replicas do not exceed the brokers of its cluster"),
  'kafka-min-isr': r('domain', 'min.insync.replicas is lower than the replicas outside dev'),
  'kafka-topic-missing': r('domain', 'every topic a client config names exists as a KafkaTopic'),
  'kafka-bootstrap-listener': r('domain', 'client bootstrap addresses use a port and protocol a Kafka listener offers'),
  'flink-storage-scheme': r('domain', 'Flink checkpoint, savepoint and HA storage URIs use the scheme of the object-storage provider'),
  'flink-last-state': r('domain', 'upgradeMode last-state only with high availability and storage directories configured'),
  'flink-parallelism': r('domain', "a Flink job's parallelism fits the task slots"),
  'opensearch-cluster-managers': r('domain', 'outside dev an OpenSearch cluster has an odd number (at least 3) of cluster-manager nodes'),
  'opensearch-heap': r('domain', 'OpenSearch heap: -Xms equals -Xmx and is at most half the memory limit'),
  'opensearch-index-replicas': r('domain', 'index replicas are fewer than the data nodes'),
  'address-unresolved': r('domain', 'an in-cluster address a config names resolves to a Service of the render with that port'),
  'networkpolicy-egress-port': r('domain', 'a NetworkPolicy that restricts a client allows egress to the port the client uses'),
  'name-too-long': r('domain', 'names fit Kubernetes limits (63 for DNS labels and label values, 52 for StatefulSets/CronJobs, 15 for port names) for the longest tenantId'),
  'release-name-too-long': r('domain', 'the Helm release name fits 53 characters for the longest tenantId'),
  // charts, helmfile, helm, tenant
  'chart-yaml': r('chart', 'Chart.yaml parses and has apiVersion v2, name (matching its directory), type and description'),
  'chart-version': r('chart', 'Chart.yaml version (and dependency versions) are valid semver'),
  'chart-version-bump': r('chart', 'a chart whose files changed since the base ref (lint --base, default origin/main) has a higher version than there (as `charts check-versions`)'),
  'chart-kube-version': r('chart', 'Chart.yaml kubeVersion is a valid range that admits every supported Kubernetes version'),
  'chart-dependency': r('chart', 'every dependency resolves: file:// paths exist and hold the named chart at a matching version'),
  'chart-dependency-unavailable': r('chart', 'a dependency that needs the network is present locally (charts/<name>-<version>.tgz or the folder of upstream chart archives)'),
  'template-name-collision': r('chart', 'no named template (define) of a chart is defined by another chart rendered in the same release (subcharts and vendored archives included)'),
  'helm-lint': r('helm', '`helm lint --strict` passes for the chart with each of its ci/*-values.yaml'),
  'helm-template': r('helm', 'the chart renders (errors name chart, template and line)'),
  'helmfile-parse': r('helmfile', 'every helmfile.d file parses'),
  'helmfile-chart': r('helmfile', "every release's chart exists (local path) or names a declared repository"),
  'helmfile-values': r('helmfile', "every release's values files exist"),
  'helmfile-version': r('helmfile', 'every release of a repository chart pins an exact version'),
  'helmfile-needs': r('helmfile', 'every `needs` names a release that exists, and needs have no cycle'),
  'helmfile-duplicate': r('helmfile', 'no two releases share a namespace and name'),
  'tenant': r('tenant', 'the tenant file passes `logclaw tenant validate` (schema and tenant rules)'),
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export const ruleInfo = (id: string): RuleInfo | undefined => (RULES as Record<string, RuleInfo>)[id];
export const isWaivable = (id: string): boolean => ruleInfo(id)?.waivable ?? false;
