// Scenarios: per-workload pod behaviour and per-object operator outcomes on a scaled clock,
// compiled to KWOK Stage resources. The same shape is read from YAML by `npm run sim -- --scenario FILE`:
//
//   name: onboarding
//   timeScale: 0.01            # 1 scenario second = 10 ms
//   pods:
//     - match: { namespace: logclaw-acme, labels: { app.kubernetes.io/name: vector } }
//       mode: crashLoop        # ready | crashLoop | imagePullBackOff | oomKilled | initNeverFinishes | readyFlapping | jobSucceeds | jobFails
//       delay: 30              # scenario seconds before the first transition
//       period: 60             # restarts / Ready flips every 60 scenario seconds
//       logs: ["panic: cannot reach kafka"]
//   operators:
//     - kind: Kafka            # Kafka | KafkaNodePool | KafkaTopic | KafkaUser | OpenSearchCluster | FlinkDeployment | InferenceService
//                              # | ExternalSecret | SecretStore | ClusterSecretStore | Certificate | Issuer | ClusterIssuer
//       match: { namespace: logclaw-acme, name: logclaw-kafka }
//       delay: 600
//       fail: true             # or a message, or { reason, message }
//   stages: []                 # optional raw kwok Stage objects, applied as given
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { KubeObject } from '../lib/kube.ts';
import { dnsName, stagesOf } from './common.ts';
import { type OperatorRule, type OperatorStageOptions, operatorRuleStages } from './operators.ts';
import { type PodRule, POD_MODES, podRuleStages } from './pods.ts';

export interface Scenario {
  name: string;
  timeScale?: number;
  pods?: PodRule[];
  operators?: OperatorRule[];
  stages?: KubeObject[];
}

export interface CompiledScenario {
  name: string;
  stages: KubeObject[];
  /** pod rules that carry log lines (served through kwok Logs objects) */
  logs: { match: PodRule['match']; lines: string[] }[];
}

export function compileScenario(s: Scenario, defaults: OperatorStageOptions): CompiledScenario {
  if (!s.name) throw new Error('a scenario needs a name');
  const name = dnsName(s.name);
  const timeScale = s.timeScale ?? defaults.timeScale;
  const opts = { ...defaults, timeScale };
  const stages: KubeObject[] = [];
  (s.pods ?? []).forEach((rule, i) => {
    if (!POD_MODES.includes(rule.mode)) throw new Error(`scenario ${s.name}: pods[${i}].mode ${rule.mode} is not one of ${POD_MODES.join(', ')}`);
    stages.push(...podRuleStages(`sim-${name}-p${i}`, rule, timeScale, name));
  });
  (s.operators ?? []).forEach((rule, i) => stages.push(...operatorRuleStages(`sim-${name}-o${i}`, rule, opts, name)));
  for (const raw of s.stages ?? []) {
    stages.push({ ...raw, metadata: { ...raw.metadata, labels: { ...(raw.metadata.labels as object ?? {}), 'sim.logclaw.dev/scenario': name } } });
  }
  const logs = (s.pods ?? []).filter((r) => r.logs?.length).map((r) => ({ match: r.match, lines: r.logs! }));
  return { name, stages, logs };
}

export function readScenarioFile(file: string): Scenario {
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
  // A file of raw Stage documents is a scenario of those stages.
  if (docs.length && docs.every((d) => d.kind === 'Stage')) {
    return { name: file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''), stages: docs };
  }
  if (docs.length !== 1) throw new Error(`${file}: expected one scenario document`);
  return docs[0] as Scenario;
}

/** Does a pod (namespace/name/labels) match a scenario rule? */
export function podMatches(match: PodRule['match'], pod: { metadata: { name: string; namespace?: string; labels?: Record<string, string> } }): boolean {
  const m = pod.metadata;
  if (match.namespace !== undefined) {
    const ns = Array.isArray(match.namespace) ? match.namespace : [match.namespace];
    if (!ns.includes(m.namespace ?? '')) return false;
  }
  if (match.name !== undefined) {
    if (match.name.endsWith('*') ? !m.name.startsWith(match.name.slice(0, -1)) : m.name !== match.name) return false;
  }
  for (const [k, v] of Object.entries(match.labels ?? {})) if (m.labels?.[k] !== v) return false;
  return true;
}

export const BARRIER_LABEL = 'sim.logclaw.dev/barrier';

/**
 * kwok reads Stage objects through an informer, so a stage is in effect only once kwok has seen it; a pod created
 * before that gets the base lifecycle (Ready) instead of the scenario's mode. A barrier tells when kwok has seen a
 * set of stages: this stage, created after them, deletes the one pod carrying the barrier's label. kwok's informer
 * delivers Stage events in the order they were written, so once the pod is gone kwok holds every earlier stage.
 */
export function barrierObjects(id: string, nodeName: string): { stage: KubeObject; pod: KubeObject } {
  const stage = stagesOf(id, { apiGroup: 'v1', kind: 'Pod', weight: 1, match: { labels: { [BARRIER_LABEL]: id } } },
    [{ name: 'delete', exprs: [], delete: true }])[0]!;
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: id, namespace: 'default', labels: { [BARRIER_LABEL]: id } },
    spec: {
      nodeName,
      automountServiceAccountToken: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [{ name: 'barrier', image: 'registry.k8s.io/pause:3.10' }],
    },
  };
  return { stage, pod };
}
