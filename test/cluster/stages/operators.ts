// What each operator writes into the status of its custom resources (and the Secrets some of them
// create), played by KWOK stages. Field shapes follow the pinned CRDs in ../shared/crds and the
// Argo CD health fixtures in ../shared/health-fixtures (the objects real operators produced).
import type { KubeObject } from '../lib/kube.ts';
import { type Expr, type Match, q, scaled, stage } from './common.ts';

export const OPERATOR_KINDS = ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'OpenSearchCluster', 'FlinkDeployment',
  'InferenceService', 'ExternalSecret', 'Certificate'] as const;
export type OperatorKind = (typeof OPERATOR_KINDS)[number];

export interface OperatorRule {
  kind: OperatorKind;
  match?: Match;
  /** seconds (scenario clock) until the operator reports the final state */
  delay?: number;
  /** report this failure instead of success (true: the operator's typical message) */
  fail?: boolean | string | { reason?: string; message?: string };
}

export const API: Record<OperatorKind, { apiGroup: string; crdName: string }> = {
  Kafka: { apiGroup: 'kafka.strimzi.io/v1beta2', crdName: 'kafkas.kafka.strimzi.io' },
  KafkaNodePool: { apiGroup: 'kafka.strimzi.io/v1beta2', crdName: 'kafkanodepools.kafka.strimzi.io' },
  KafkaTopic: { apiGroup: 'kafka.strimzi.io/v1beta2', crdName: 'kafkatopics.kafka.strimzi.io' },
  KafkaUser: { apiGroup: 'kafka.strimzi.io/v1beta2', crdName: 'kafkausers.kafka.strimzi.io' },
  OpenSearchCluster: { apiGroup: 'opensearch.opster.io/v1', crdName: 'opensearchclusters.opensearch.opster.io' },
  FlinkDeployment: { apiGroup: 'flink.apache.org/v1beta1', crdName: 'flinkdeployments.flink.apache.org' },
  InferenceService: { apiGroup: 'serving.kserve.io/v1beta1', crdName: 'inferenceservices.serving.kserve.io' },
  ExternalSecret: { apiGroup: 'external-secrets.io/v1beta1', crdName: 'externalsecrets.external-secrets.io' },
  Certificate: { apiGroup: 'cert-manager.io/v1', crdName: 'certificates.cert-manager.io' },
};

/** Story-clock seconds each operator takes by default (scaled by the cluster's time scale). */
export const DEFAULT_DELAYS: Record<OperatorKind, number> = {
  Kafka: 120, KafkaNodePool: 90, KafkaTopic: 10, KafkaUser: 10, OpenSearchCluster: 150, FlinkDeployment: 60,
  InferenceService: 90, ExternalSecret: 5, Certificate: 20,
};

/** Failure reasons/messages as the operators write them (see the health fixtures). */
export const DEFAULT_FAILURES: Record<OperatorKind, { reason: string; message: string }> = {
  Kafka: { reason: 'TimeoutException', message: 'Exceeded timeout of 300000ms while waiting for Pods resource {{ .metadata.name }}-broker-0 in namespace {{ .metadata.namespace }} to be ready' },
  KafkaNodePool: { reason: 'InvalidResourceException', message: 'KafkaNodePool {{ .metadata.name }} has no role defined in .spec.roles' },
  KafkaTopic: { reason: 'InvalidConfigurationException', message: 'Invalid value abcd for configuration retention.ms: Not a number of type LONG' },
  KafkaUser: { reason: 'InvalidResourceException', message: 'Authorization needs to be enabled in the Kafka custom resource' },
  OpenSearchCluster: { reason: 'Failed', message: 'cluster health is red: not all primary shards are assigned' },
  FlinkDeployment: { reason: 'Error', message: "org.apache.flink.configuration.IllegalConfigurationException: TaskManager memory configuration failed: Cannot read memory size from config option 'taskmanager.memory.network.max'." },
  InferenceService: { reason: 'RevisionFailed', message: 'Revision "{{ .metadata.name }}-predictor-00001" failed with message: Container failed with: container exited with no error.' },
  ExternalSecret: { reason: 'SecretSyncedError', message: 'could not get secret data from provider' },
  Certificate: { reason: 'Failed', message: 'The certificate request has failed to complete and will be retried: issuer is not ready' },
};

const NOW = '{{ $now := Now }}';
const notDeleted: Expr = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const staleGeneration: Expr = { key: '.status.observedGeneration == .metadata.generation', operator: 'In', values: ['false'] };
const noStatus = (field: string): Expr => ({ key: `.status.${field}`, operator: 'DoesNotExist' });
const field = (path: string, ...values: string[]): Expr => ({ key: path, operator: 'In', values });

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

interface Templates {
  /** selector of objects waiting for the operator */
  pending: Expr[];
  /** optional immediate "in progress" status (and the selector that then waits for the final one) */
  progress?: { status: string; waiting: Expr[] };
  ready: string;
  apply?: string;
  failed: (reason: string, message: string) => string;
}

function templates(kind: OperatorKind, extra: { tlsCrt: string; tlsKey: string; caCrt: string }): Templates {
  switch (kind) {
    case 'Kafka':
      return {
        pending: [notDeleted, staleGeneration],
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
        failed: (r, m) => `${NOW}
${strimziNotReady(r, m)}
  observedGeneration: {{ .metadata.generation }}`,
      };
    case 'KafkaNodePool':
      return {
        pending: [notDeleted, staleGeneration],
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
        failed: (r, m) => `${NOW}
${strimziNotReady(r, m)}
  observedGeneration: {{ .metadata.generation }}`,
      };
    case 'KafkaTopic':
      return {
        pending: [notDeleted, staleGeneration],
        ready: `${NOW}
${strimziReady}
  observedGeneration: {{ .metadata.generation }}
  topicName: {{ or .spec.topicName .metadata.name | Quote }}
  topicId: {{ .metadata.uid | replace "-" "" | trunc 22 | Quote }}`,
        failed: (r, m) => `${NOW}
${strimziNotReady(r, m)}
  observedGeneration: {{ .metadata.generation }}`,
      };
    case 'KafkaUser':
      return {
        pending: [notDeleted, staleGeneration],
        ready: `${NOW}
${strimziReady}
  observedGeneration: {{ .metadata.generation }}
  {{ $tls := and .spec.authentication (eq (or .spec.authentication.type "") "tls") }}
  username: {{ if $tls }}{{ printf "CN=%s" .metadata.name | Quote }}{{ else }}{{ .metadata.name | Quote }}{{ end }}
  secret: {{ .metadata.name | Quote }}`,
        apply: `{{ $tls := and .spec.authentication (eq (or .spec.authentication.type "") "tls") }}
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
  ca.crt: ${q(b64(extra.caCrt))}
  user.crt: ${q(b64(extra.tlsCrt))}
  user.key: ${q(b64(extra.tlsKey))}
  user.p12: {{ "sim-p12" | b64enc | Quote }}
  user.password: {{ .metadata.uid | trunc 12 | b64enc | Quote }}
{{ else }}
  password: {{ .metadata.uid | trunc 12 | b64enc | Quote }}
  sasl.jaas.config: {{ printf "org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"%s\\" password=\\"%s\\";" .metadata.name (.metadata.uid | trunc 12) | b64enc | Quote }}
{{ end }}`,
        failed: (r, m) => `${NOW}
${strimziNotReady(r, m)}
  observedGeneration: {{ .metadata.generation }}`,
      };
    case 'OpenSearchCluster':
      return {
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
      };
    case 'FlinkDeployment':
      return {
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
      };
    case 'InferenceService': {
      const conds = (status: string, reason?: string, message?: string) => ['IngressReady', 'PredictorReady', 'Ready'].map((t) => `  - type: ${t}
    status: ${q(status)}
    lastTransitionTime: {{ $now | Quote }}${reason ? `
    reason: ${q(reason)}` : ''}${message ? `
    message: {{ ${goString(message)} | Quote }}` : ''}`).join('\n');
      return {
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
          waiting: [notDeleted, field('.status.conditions.[] | select( .type == "Ready" ) | .status', 'Unknown')],
        },
        ready: `${NOW}
  observedGeneration: {{ .metadata.generation }}
  url: {{ printf "http://%s.%s.svc.cluster.local" .metadata.name .metadata.namespace | Quote }}
  address:
    url: {{ printf "http://%s-predictor.%s.svc.cluster.local" .metadata.name .metadata.namespace | Quote }}
  conditions:
${conds('True')}
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
${conds('False', r, m)}
  modelStatus:
    transitionStatus: BlockedByFailedLoad`,
      };
    }
    case 'ExternalSecret':
      return {
        pending: [notDeleted, noStatus('conditions')],
        ready: `${NOW}
  conditions:
  - type: Ready
    status: "True"
    reason: SecretSynced
    message: Secret was synced
    lastTransitionTime: {{ $now | Quote }}
  refreshTime: {{ $now | Quote }}
  syncedResourceVersion: {{ printf "%v-%s" .metadata.generation (.metadata.uid | sha256sum | trunc 32) | Quote }}
  binding:
    name: {{ or (and .spec.target .spec.target.name) .metadata.name | Quote }}`,
        apply: `{{ $root := . }}
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
  conditions:
  - type: Ready
    status: "False"
    reason: ${q(r)}
    message: {{ ${goString(m)} | Quote }}
    lastTransitionTime: {{ $now | Quote }}`,
      };
    case 'Certificate':
      return {
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
          waiting: [notDeleted, field('.status.conditions.[] | select( .type == "Issuing" ) | .status', 'True')],
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
        apply: `apiVersion: v1
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
  ca.crt: ${q(b64(extra.caCrt))}
  tls.crt: ${q(b64(extra.tlsCrt))}
  tls.key: ${q(b64(extra.tlsKey))}`,
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
      };
    default:
      throw new Error(`unknown operator kind ${String(kind)}`);
  }
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

// Status templates above are written indented under a `status:`-less root; strip that indentation.
const dedent = (t: string) => t.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');

export interface OperatorStageOptions {
  timeScale: number;
  /** PEM material the Certificate / KafkaUser Secrets carry */
  tls: { tlsCrt: string; tlsKey: string; caCrt: string };
}

function stagesFor(prefix: string, kind: OperatorKind, weight: number, match: Match | undefined, delaySec: number,
  fail: OperatorRule['fail'], opts: OperatorStageOptions, scenario?: string): KubeObject[] {
  const t = templates(kind, opts.tls);
  const { apiGroup } = API[kind];
  const base = { apiGroup, kind, weight, match, scenario };
  const delayMs = scaled(delaySec, opts.timeScale);
  const out: KubeObject[] = [];
  let finalExprs = t.pending;
  let finalDelay = delayMs;
  if (t.progress) {
    out.push(stage({ ...base, name: `${prefix}-progress`, exprs: t.pending, steps: [{ status: dedent(t.progress.status) }] }));
    finalExprs = t.progress.waiting;
  }
  if (fail) {
    const d = DEFAULT_FAILURES[kind];
    const f = typeof fail === 'string' ? { message: fail } : fail === true ? {} : fail;
    const reason = f.reason ?? d.reason;
    const message = f.message ?? d.message;
    out.push(stage({ ...base, name: `${prefix}-failed`, exprs: finalExprs, delayMs: finalDelay,
      steps: [{ event: { type: 'Warning', reason, message: message.replace(/\{\{[^}]*\}\}/g, '…') }, status: dedent(t.failed(reason, message)) }] }));
  } else {
    out.push(stage({ ...base, name: `${prefix}-ready`, exprs: finalExprs, delayMs: finalDelay,
      steps: [{ status: dedent(t.ready), ...(t.apply ? { apply: t.apply } : {}) }] }));
  }
  return out;
}

/** Operators doing their job for every object of their kinds (weight 0). */
export function baseOperatorStages(opts: OperatorStageOptions, kinds: readonly OperatorKind[] = OPERATOR_KINDS): KubeObject[] {
  return kinds.flatMap((kind) => stagesFor(`op-${kind.toLowerCase()}`, kind, 0, undefined, DEFAULT_DELAYS[kind], false, opts));
}

/** A scenario's override for some objects of one kind (weight 1). */
export function operatorRuleStages(prefix: string, rule: OperatorRule, opts: OperatorStageOptions, scenario: string): KubeObject[] {
  if (!OPERATOR_KINDS.includes(rule.kind)) throw new Error(`unknown operator kind ${rule.kind} (one of ${OPERATOR_KINDS.join(', ')})`);
  return stagesFor(prefix, rule.kind, 1, rule.match, rule.delay ?? DEFAULT_DELAYS[rule.kind], rule.fail, opts, scenario);
}
