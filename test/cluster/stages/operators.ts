// What each operator writes into the status of its custom resources (and the Secrets some of them
// create), played by KWOK stages. Field shapes follow the pinned CRDs in ../shared/crds, the Argo CD
// health fixtures in ../shared/health-fixtures (the objects real operators produced) and the operators'
// own condition reasons and messages. One table, OPERATORS, says per kind what the operator does (the
// objects it waits for, an optional in-progress status, the final status, what it creates, how it fails);
// one builder, stagesOf (./common.ts), turns a row into stages for the base operators and for scenarios.
import type { KubeObject } from '../lib/kube.ts';
import { type Expr, type Match, type Transition, cond, field, notDeleted, q, scaled, stagesOf } from './common.ts';

export const OPERATOR_KINDS = ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'OpenSearchCluster', 'FlinkDeployment',
  'InferenceService', 'ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'Certificate', 'Issuer', 'ClusterIssuer'] as const;
export type OperatorKind = (typeof OPERATOR_KINDS)[number];

export interface OperatorRule {
  kind: OperatorKind;
  match?: Match;
  /** seconds (scenario clock) until the operator reports the final state */
  delay?: number;
  /** report this failure instead of success (true: the operator's typical message) */
  fail?: boolean | string | { reason?: string; message?: string };
}

/** PEM material the Certificate / KafkaUser Secrets carry. */
export interface TlsMaterial { tlsCrt: string; tlsKey: string; caCrt: string }

/** What one operator does for one kind. Status templates are written indented under a `status:`-less root. */
interface OperatorSpec {
  apiGroup: string;
  crdName: string;
  /** story-clock seconds the operator takes by default (scaled by the cluster's time scale) */
  delay: number;
  /** the failure reason/message as the operator writes it (see the health fixtures) */
  failure: { reason: string; message: string };
  /** selector of objects waiting for the operator */
  pending: Expr[];
  /** optional immediate "in progress" status (and the selector that then waits for the final one) */
  progress?: { status: string; waiting: Expr[] };
  ready: string;
  /** an object the operator creates with the final status (a Secret) */
  apply?: (tls: TlsMaterial) => string;
  failed: (reason: string, message: string) => string;
}

const NOW = '{{ $now := Now }}';
const staleGeneration: Expr = { key: '.status.observedGeneration == .metadata.generation', operator: 'In', values: ['false'] };
const noStatus = (path: string): Expr => ({ key: `.status.${path}`, operator: 'DoesNotExist' });

const strimziReady = `  conditions:
  - type: Ready
    status: "True"
    lastTransitionTime: {{ $now | Quote }}`;
const strimziNotReady = (reason: string, message: string) => `  conditions:
  - type: NotReady
    status: "True"
    reason: ${q(reason)}
    message: {{ ${goString(message)} | Quote }}
    lastTransitionTime: {{ $now | Quote }}`;
const strimziFailed = (reason: string, message: string) => `${NOW}
${strimziNotReady(reason, message)}
  observedGeneration: {{ .metadata.generation }}`;

/** A Strimzi kind: the cluster, topic or user operator reconciles a changed generation; NotReady on failure. */
const strimzi = (plural: string, delay: number, failure: OperatorSpec['failure'], t: Pick<OperatorSpec, 'ready' | 'apply'>): OperatorSpec => ({
  apiGroup: 'kafka.strimzi.io/v1beta2', crdName: `${plural}.kafka.strimzi.io`, delay, failure,
  pending: [notDeleted, staleGeneration],
  failed: strimziFailed,
  ...t,
});

/**
 * One Ready condition, as External Secrets (ExternalSecret, SecretStore, ClusterSecretStore) and cert-manager
 * (Issuer, ClusterIssuer: with observedGeneration) write it; reason and message are Go template expressions.
 */
const readyCondition = (status: 'True' | 'False', reason: string, message: string, observed = false) => `  conditions:
  - type: Ready
    status: ${q(status)}
    reason: {{ ${reason} | Quote }}
    message: {{ ${message} | Quote }}${observed ? `
    observedGeneration: {{ .metadata.generation }}` : ''}
    lastTransitionTime: {{ $now | Quote }}`;

/** A message that may hold `{{ .x }}` references → a Go template expression producing the string. */
function goString(message: string): string {
  const parts: string[] = [];
  const re = /\{\{\s*([^}]+?)\s*\}\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(message))) {
    if (m.index > last) parts.push(q(message.slice(last, m.index)));
    parts.push(`(${m[1]})`);
    last = m.index + m[0].length;
  }
  if (last < message.length) parts.push(q(message.slice(last)));
  if (parts.length === 0) return '""';
  if (parts.length === 1) return parts[0]!;
  return `(print ${parts.join(' ')})`;
}

const kserveConditions = (status: string, reason?: string, message?: string) => ['IngressReady', 'PredictorReady', 'Ready'].map((t) => `  - type: ${t}
    status: ${q(status)}
    lastTransitionTime: {{ $now | Quote }}${reason ? `
    reason: ${q(reason)}` : ''}${message ? `
    message: {{ ${goString(message)} | Quote }}` : ''}`).join('\n');

/** A SecretStore or ClusterSecretStore: the controller validates the provider (external-secrets ReasonStoreValid). */
const secretStore = (kind: 'SecretStore' | 'ClusterSecretStore'): OperatorSpec => ({
  apiGroup: 'external-secrets.io/v1beta1', crdName: `${kind.toLowerCase()}s.external-secrets.io`, delay: 3,
  failure: { reason: 'ValidationFailed', message: 'unable to validate store' },
  pending: [notDeleted, noStatus('conditions')],
  ready: `${NOW}
${readyCondition('True', '"Valid"', '"store validated"')}
  capabilities: ReadWrite`,
  failed: (r, m) => `${NOW}
${readyCondition('False', q(r), goString(m))}`,
});

/** An Issuer or ClusterIssuer: Ready with the reason and message of its issuer type's Setup (self-signed, CA, ACME, Vault). */
const issuer = (kind: 'Issuer' | 'ClusterIssuer'): OperatorSpec => ({
  apiGroup: 'cert-manager.io/v1', crdName: `${kind.toLowerCase()}s.cert-manager.io`, delay: 2,
  failure: { reason: 'ErrGetKeyPair', message: 'Error getting keypair for CA issuer: secrets "{{ .metadata.name }}" not found' },
  pending: [notDeleted, noStatus('conditions')],
  ready: `${NOW}
  {{ $reason := "IsReady" }}{{ $message := "" }}
  {{ if .spec.ca }}{{ $reason = "KeyPairVerified" }}{{ $message = "Signing CA verified" }}{{ end }}
  {{ if .spec.acme }}{{ $reason = "ACMEAccountRegistered" }}{{ $message = "The ACME account was registered with the ACME server" }}{{ end }}
  {{ if .spec.vault }}{{ $reason = "VaultVerified" }}{{ $message = "Vault verified" }}{{ end }}
${readyCondition('True', '$reason', '$message', true)}
  {{ if .spec.acme }}
  acme:
    uri: {{ printf "https://acme.sim/acct/%s" (.metadata.uid | trunc 8) | Quote }}
    lastRegisteredEmail: {{ or .spec.acme.email "" | Quote }}
  {{ end }}`,
  failed: (r, m) => `${NOW}
${readyCondition('False', q(r), goString(m), true)}`,
});

export const OPERATORS: Record<OperatorKind, OperatorSpec> = {
  Kafka: strimzi('kafkas', 120, { reason: 'TimeoutException', message: 'Exceeded timeout of 300000ms while waiting for Pods resource {{ .metadata.name }}-broker-0 in namespace {{ .metadata.namespace }} to be ready' }, {
    ready: `${NOW}
${strimziReady}
  observedGeneration: {{ .metadata.generation }}
  clusterId: {{ printf "sim-%s" (.metadata.uid | trunc 8) | Quote }}
  kafkaVersion: {{ or .spec.kafka.version "4.1.1" | Quote }}
  kafkaMetadataVersion: {{ or .spec.kafka.metadataVersion "4.1-IV1" | Quote }}
  operatorLastSuccessfulVersion: "0.50.1"
  {{ $root := . }}
  listeners:
  {{ range .spec.kafka.listeners }}
  - name: {{ .name | Quote }}
    addresses:
    - host: {{ printf "%s-kafka-bootstrap.%s.svc" $root.metadata.name $root.metadata.namespace | Quote }}
      port: {{ .port }}
    bootstrapServers: {{ printf "%s-kafka-bootstrap.%s.svc:%v" $root.metadata.name $root.metadata.namespace .port | Quote }}
  {{ end }}`,
  }),
  KafkaNodePool: strimzi('kafkanodepools', 90, { reason: 'InvalidResourceException', message: 'KafkaNodePool {{ .metadata.name }} has no role defined in .spec.roles' }, {
    ready: `${NOW}
  observedGeneration: {{ .metadata.generation }}
  {{ $cluster := "" }}{{ with .metadata.labels }}{{ $cluster = index . "strimzi.io/cluster" | default "" }}{{ end }}
  clusterId: {{ printf "sim-%s" ($cluster | default "cluster" | sha256sum | trunc 8) | Quote }}
  replicas: {{ .spec.replicas }}
  nodeIds:
  {{ range $i := until (int .spec.replicas) }}
  - {{ $i }}
  {{ end }}
  roles:
  {{ range .spec.roles }}
  - {{ . | Quote }}
  {{ end }}
  labelSelector: {{ printf "strimzi.io/cluster=%s,strimzi.io/name=%s-kafka,strimzi.io/kind=Kafka,strimzi.io/pool-name=%s" $cluster $cluster .metadata.name | Quote }}
  conditions: []`,
  }),
  KafkaTopic: strimzi('kafkatopics', 10, { reason: 'InvalidConfigurationException', message: 'Invalid value abcd for configuration retention.ms: Not a number of type LONG' }, {
    ready: `${NOW}
${strimziReady}
  observedGeneration: {{ .metadata.generation }}
  topicName: {{ or .spec.topicName .metadata.name | Quote }}
  topicId: {{ .metadata.uid | replace "-" "" | trunc 22 | Quote }}`,
  }),
  KafkaUser: strimzi('kafkausers', 10, { reason: 'InvalidResourceException', message: 'Authorization needs to be enabled in the Kafka custom resource' }, {
    ready: `${NOW}
${strimziReady}
  observedGeneration: {{ .metadata.generation }}
  {{ $tls := and .spec.authentication (eq (or .spec.authentication.type "") "tls") }}
  username: {{ if $tls }}{{ printf "CN=%s" .metadata.name | Quote }}{{ else }}{{ .metadata.name | Quote }}{{ end }}
  secret: {{ .metadata.name | Quote }}`,
    apply: (tls) => `{{ $tls := and .spec.authentication (eq (or .spec.authentication.type "") "tls") }}
{{ $cluster := "" }}{{ with .metadata.labels }}{{ $cluster = index . "strimzi.io/cluster" | default "" }}{{ end }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .metadata.name | Quote }}
  namespace: {{ .metadata.namespace | Quote }}
  labels:
    app.kubernetes.io/instance: {{ .metadata.name | Quote }}
    app.kubernetes.io/managed-by: strimzi-user-operator
    app.kubernetes.io/name: strimzi-user-operator
    app.kubernetes.io/part-of: {{ printf "strimzi-%s" $cluster | Quote }}
    strimzi.io/cluster: {{ $cluster | Quote }}
    strimzi.io/kind: KafkaUser
  ownerReferences:
  - apiVersion: kafka.strimzi.io/v1beta2
    kind: KafkaUser
    name: {{ .metadata.name | Quote }}
    uid: {{ .metadata.uid | Quote }}
    controller: false
    blockOwnerDeletion: false
type: Opaque
data:
{{ if $tls }}
  ca.crt: ${q(b64(tls.caCrt))}
  user.crt: ${q(b64(tls.tlsCrt))}
  user.key: ${q(b64(tls.tlsKey))}
  user.p12: {{ "sim-p12" | b64enc | Quote }}
  user.password: {{ .metadata.uid | trunc 12 | b64enc | Quote }}
{{ else }}
  password: {{ .metadata.uid | trunc 12 | b64enc | Quote }}
  sasl.jaas.config: {{ printf "org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"%s\\" password=\\"%s\\";" .metadata.name (.metadata.uid | trunc 12) | b64enc | Quote }}
{{ end }}`,
  }),
  OpenSearchCluster: {
    apiGroup: 'opensearch.opster.io/v1', crdName: 'opensearchclusters.opensearch.opster.io', delay: 150,
    failure: { reason: 'Failed', message: 'cluster health is red: not all primary shards are assigned' },
    pending: [notDeleted, noStatus('phase')],
    progress: {
      status: `${NOW}
  phase: PENDING
  initialized: false
  componentsStatus: []`,
      waiting: [notDeleted, field('.status.phase', 'PENDING'), noStatus('health')],
    },
    ready: `${NOW}
  {{ $n := 0 }}{{ range .spec.nodePools }}{{ $n = add $n (int .replicas) }}{{ end }}
  phase: RUNNING
  health: green
  initialized: true
  availableNodes: {{ $n }}
  version: {{ or .spec.general.version "2.19.0" | Quote }}
  componentsStatus: []`,
    failed: (r, m) => `${NOW}
  phase: PENDING
  health: red
  initialized: false
  availableNodes: 0
  componentsStatus:
  - component: Cluster
    status: ${q(r)}
    description: {{ ${goString(m)} | Quote }}`,
  },
  FlinkDeployment: {
    apiGroup: 'flink.apache.org/v1beta1', crdName: 'flinkdeployments.flink.apache.org', delay: 60,
    failure: { reason: 'Error', message: "org.apache.flink.configuration.IllegalConfigurationException: TaskManager memory configuration failed: Cannot read memory size from config option 'taskmanager.memory.network.max'." },
    pending: [notDeleted, noStatus('lifecycleState')],
    progress: {
      status: `${NOW}
  lifecycleState: DEPLOYED
  jobManagerDeploymentStatus: DEPLOYING
  observedGeneration: {{ .metadata.generation }}
  reconciliationStatus:
    state: DEPLOYED
    reconciliationTimestamp: {{ now | unixEpoch | mul 1000 }}
  jobStatus:
    state: RECONCILING
    jobName: {{ .metadata.name | Quote }}`,
      waiting: [notDeleted, field('.status.jobManagerDeploymentStatus', 'DEPLOYING')],
    },
    ready: `${NOW}
  lifecycleState: STABLE
  jobManagerDeploymentStatus: READY
  observedGeneration: {{ .metadata.generation }}
  reconciliationStatus:
    state: DEPLOYED
    reconciliationTimestamp: {{ now | unixEpoch | mul 1000 }}
  jobStatus:
    state: RUNNING
    jobName: {{ .metadata.name | Quote }}
    jobId: {{ .metadata.uid | replace "-" "" | Quote }}
    startTime: {{ now | unixEpoch | mul 1000 | toString | Quote }}
    updateTime: {{ now | unixEpoch | mul 1000 | toString | Quote }}
  {{ with .spec.taskManager }}
  taskManager:
    replicas: {{ or .replicas 1 }}
    labelSelector: {{ printf "component=taskmanager,app=%s" $.metadata.name | Quote }}
  {{ end }}`,
    failed: (_r, m) => `${NOW}
  lifecycleState: FAILED
  jobManagerDeploymentStatus: ERROR
  observedGeneration: {{ .metadata.generation }}
  error: {{ ${goString(m)} | Quote }}
  reconciliationStatus:
    state: DEPLOYED`,
  },
  InferenceService: {
    apiGroup: 'serving.kserve.io/v1beta1', crdName: 'inferenceservices.serving.kserve.io', delay: 90,
    failure: { reason: 'RevisionFailed', message: 'Revision "{{ .metadata.name }}-predictor-00001" failed with message: Container failed with: container exited with no error.' },
    pending: [notDeleted, noStatus('conditions')],
    progress: {
      status: `${NOW}
  observedGeneration: {{ .metadata.generation }}
  conditions:
  - type: PredictorReady
    status: Unknown
    reason: RevisionMissing
    message: {{ printf "Configuration %q is waiting for a Revision to become ready." (printf "%s-predictor" .metadata.name) | Quote }}
    lastTransitionTime: {{ $now | Quote }}
  - type: Ready
    status: Unknown
    reason: RevisionMissing
    message: {{ printf "Configuration %q is waiting for a Revision to become ready." (printf "%s-predictor" .metadata.name) | Quote }}
    lastTransitionTime: {{ $now | Quote }}`,
      waiting: [notDeleted, cond('Ready', 'Unknown')],
    },
    ready: `${NOW}
  observedGeneration: {{ .metadata.generation }}
  url: {{ printf "http://%s.%s.svc.cluster.local" .metadata.name .metadata.namespace | Quote }}
  address:
    url: {{ printf "http://%s-predictor.%s.svc.cluster.local" .metadata.name .metadata.namespace | Quote }}
  conditions:
${kserveConditions('True')}
  - type: Stopped
    status: "False"
    severity: Info
    lastTransitionTime: {{ $now | Quote }}
  modelStatus:
    transitionStatus: UpToDate
    states:
      activeModelState: Loaded
      targetModelState: Loaded`,
    failed: (r, m) => `${NOW}
  observedGeneration: {{ .metadata.generation }}
  conditions:
${kserveConditions('False', r, m)}
  modelStatus:
    transitionStatus: BlockedByFailedLoad`,
  },
  ExternalSecret: {
    apiGroup: 'external-secrets.io/v1beta1', crdName: 'externalsecrets.external-secrets.io', delay: 5,
    failure: { reason: 'SecretSyncedError', message: 'could not get secret data from provider' },
    pending: [notDeleted, noStatus('conditions')],
    ready: `${NOW}
${readyCondition('True', '"SecretSynced"', '"Secret was synced"')}
  refreshTime: {{ $now | Quote }}
  syncedResourceVersion: {{ printf "%v-%s" .metadata.generation (.metadata.uid | sha256sum | trunc 32) | Quote }}
  binding:
    name: {{ or (and .spec.target .spec.target.name) .metadata.name | Quote }}`,
    apply: () => `{{ $root := . }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ or (and .spec.target .spec.target.name) .metadata.name | Quote }}
  namespace: {{ .metadata.namespace | Quote }}
  labels:
    reconcile.external-secrets.io/created-by: {{ .metadata.uid | sha256sum | trunc 63 | Quote }}
  annotations:
    reconcile.external-secrets.io/data-hash: {{ .metadata.uid | sha256sum | trunc 32 | Quote }}
  ownerReferences:
  - apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    name: {{ .metadata.name | Quote }}
    uid: {{ .metadata.uid | Quote }}
    controller: true
    blockOwnerDeletion: true
type: {{ or (and .spec.target .spec.target.template .spec.target.template.type) "Opaque" | Quote }}
data:
  {{ range .spec.data }}
  {{ .secretKey | Quote }}: {{ printf "sim:%s" .remoteRef.key | b64enc | Quote }}
  {{ end }}
  {{ if and .spec.target .spec.target.template .spec.target.template.data }}
  {{ range $k, $v := .spec.target.template.data }}
  {{ $k | Quote }}: {{ printf "sim:%s" $k | b64enc | Quote }}
  {{ end }}
  {{ end }}
  {{ range $i, $d := .spec.dataFrom }}
  {{ printf "sim-datafrom-%d" $i | Quote }}: {{ "sim" | b64enc | Quote }}
  {{ end }}`,
    failed: (r, m) => `${NOW}
${readyCondition('False', q(r), goString(m))}`,
  },
  Certificate: {
    apiGroup: 'cert-manager.io/v1', crdName: 'certificates.cert-manager.io', delay: 20,
    failure: { reason: 'Failed', message: 'The certificate request has failed to complete and will be retried: issuer is not ready' },
    pending: [notDeleted, noStatus('conditions')],
    progress: {
      status: `${NOW}
  conditions:
  - type: Issuing
    status: "True"
    reason: DoesNotExist
    message: Issuing certificate as Secret does not exist
    lastTransitionTime: {{ $now | Quote }}
  - type: Ready
    status: "False"
    reason: DoesNotExist
    message: Issuing certificate as Secret does not exist
    lastTransitionTime: {{ $now | Quote }}`,
      waiting: [notDeleted, cond('Issuing', 'True')],
    },
    ready: `${NOW}
  conditions:
  - type: Issuing
    status: "False"
    reason: ""
    message: ""
    lastTransitionTime: {{ $now | Quote }}
  - type: Ready
    status: "True"
    reason: Ready
    message: Certificate is up to date and has not expired
    observedGeneration: {{ .metadata.generation }}
    lastTransitionTime: {{ $now | Quote }}
  notBefore: {{ now | date "2006-01-02T15:04:05Z07:00" | Quote }}
  notAfter: {{ now | dateModify "+2160h" | date "2006-01-02T15:04:05Z07:00" | Quote }}
  renewalTime: {{ now | dateModify "+1440h" | date "2006-01-02T15:04:05Z07:00" | Quote }}
  revision: 1`,
    apply: (tls) => `apiVersion: v1
kind: Secret
metadata:
  name: {{ .spec.secretName | Quote }}
  namespace: {{ .metadata.namespace | Quote }}
  labels:
    controller.cert-manager.io/fao: "true"
  annotations:
    cert-manager.io/certificate-name: {{ .metadata.name | Quote }}
    cert-manager.io/common-name: {{ or .spec.commonName "" | Quote }}
    cert-manager.io/alt-names: {{ join "," (or .spec.dnsNames list) | Quote }}
    cert-manager.io/issuer-name: {{ .spec.issuerRef.name | Quote }}
    cert-manager.io/issuer-kind: {{ or .spec.issuerRef.kind "Issuer" | Quote }}
    cert-manager.io/issuer-group: {{ or .spec.issuerRef.group "cert-manager.io" | Quote }}
type: kubernetes.io/tls
data:
  ca.crt: ${q(b64(tls.caCrt))}
  tls.crt: ${q(b64(tls.tlsCrt))}
  tls.key: ${q(b64(tls.tlsKey))}`,
    failed: (r, m) => `${NOW}
  conditions:
  - type: Issuing
    status: "False"
    reason: ${q(r)}
    message: {{ ${goString(m)} | Quote }}
    lastTransitionTime: {{ $now | Quote }}
  - type: Ready
    status: "False"
    reason: DoesNotExist
    message: Issuing certificate as Secret does not exist
    lastTransitionTime: {{ $now | Quote }}
  failedIssuanceAttempts: 1
  lastFailureTime: {{ $now | Quote }}`,
  },

  SecretStore: secretStore('SecretStore'),
  ClusterSecretStore: secretStore('ClusterSecretStore'),
  Issuer: issuer('Issuer'),
  ClusterIssuer: issuer('ClusterIssuer'),
};

/** apiGroup (group/version) and CRD name per kind (the simulator re-announces stages when a CRD is established). */
export const API = Object.fromEntries(OPERATOR_KINDS.map((k) => [k, { apiGroup: OPERATORS[k].apiGroup, crdName: OPERATORS[k].crdName }])) as Record<OperatorKind, { apiGroup: string; crdName: string }>;

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

// Status templates above are written indented under a `status:`-less root; strip that indentation.
const dedent = (t: string) => t.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');

export interface OperatorStageOptions {
  timeScale: number;
  /** PEM material the Certificate / KafkaUser Secrets carry */
  tls: TlsMaterial;
}

/** An operator row as transitions: the in-progress status (when the kind has one), then ready or the failure. */
function transitions(kind: OperatorKind, delayMs: number, fail: OperatorRule['fail'], tls: TlsMaterial): Transition[] {
  const t = OPERATORS[kind];
  const out: Transition[] = [];
  if (t.progress) out.push({ name: 'progress', exprs: t.pending, status: dedent(t.progress.status) });
  const exprs = t.progress ? t.progress.waiting : t.pending;
  if (!fail) {
    out.push({ name: 'ready', exprs, delayMs, status: dedent(t.ready), ...(t.apply ? { apply: t.apply(tls) } : {}) });
    return out;
  }
  const f = typeof fail === 'string' ? { message: fail } : fail === true ? {} : fail;
  const reason = f.reason ?? t.failure.reason;
  const message = f.message ?? t.failure.message;
  out.push({ name: 'failed', exprs, delayMs, event: { type: 'Warning', reason, message: message.replace(/\{\{[^}]*\}\}/g, '…') }, status: dedent(t.failed(reason, message)) });
  return out;
}

function stagesFor(prefix: string, kind: OperatorKind, weight: number, match: Match | undefined, delaySec: number,
  fail: OperatorRule['fail'], opts: OperatorStageOptions, scenario?: string): KubeObject[] {
  return stagesOf(prefix, { apiGroup: OPERATORS[kind].apiGroup, kind, weight, match, scenario }, transitions(kind, scaled(delaySec, opts.timeScale), fail, opts.tls));
}

/** Operators doing their job for every object of their kinds (weight 0). */
export function baseOperatorStages(opts: OperatorStageOptions, kinds: readonly OperatorKind[] = OPERATOR_KINDS): KubeObject[] {
  return kinds.flatMap((kind) => stagesFor(`op-${kind.toLowerCase()}`, kind, 0, undefined, OPERATORS[kind].delay, false, opts));
}

/** A scenario's override for some objects of one kind (weight 1). */
export function operatorRuleStages(prefix: string, rule: OperatorRule, opts: OperatorStageOptions, scenario: string): KubeObject[] {
  if (!OPERATOR_KINDS.includes(rule.kind)) throw new Error(`unknown operator kind ${rule.kind} (one of ${OPERATOR_KINDS.join(', ')})`);
  return stagesFor(prefix, rule.kind, 1, rule.match, rule.delay ?? OPERATORS[rule.kind].delay, rule.fail, opts, scenario);
}
