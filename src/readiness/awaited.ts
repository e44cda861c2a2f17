/**
 * Which objects of a rendered release readiness is awaited on after an install (workloads, PVCs, LoadBalancer
 * Services, CRDs and the operators' custom resources; everything else is ready once it exists), with their
 * namespaces defaulted to the release's. Used by the plan (after each install) and by a tenant's status.
 */
import type { KubeApi } from '../kube/api.js';
import type { KubeObject } from './types.js';
import { kindKey } from './verdict.js';
import type { AwaitRef } from './wait.js';

/** Kinds whose readiness is awaited after an install (everything else is ready once it exists). */
const AWAITED = new Set([
  'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', '/PersistentVolumeClaim', '/Service',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'kafka.strimzi.io/Kafka', 'kafka.strimzi.io/KafkaNodePool', 'kafka.strimzi.io/KafkaTopic', 'kafka.strimzi.io/KafkaUser',
  'kafka.strimzi.io/KafkaMirrorMaker2', 'kafka.strimzi.io/KafkaConnect', 'kafka.strimzi.io/KafkaBridge', 'kafka.strimzi.io/KafkaConnector',
  'opensearch.opster.io/OpenSearchCluster', 'flink.apache.org/FlinkDeployment', 'serving.kserve.io/InferenceService',
  'external-secrets.io/ExternalSecret', 'external-secrets.io/SecretStore', 'external-secrets.io/ClusterSecretStore',
  'cert-manager.io/Certificate', 'cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer',
]);

/** The objects of a rendered release worth awaiting, with namespaces defaulted to the release's. */
export async function awaitRefs(api: KubeApi | undefined, objects: KubeObject[], releaseNamespace: string): Promise<AwaitRef[]> {
  const refs: AwaitRef[] = [];
  for (const o of objects) {
    const key = kindKey(o);
    if (!AWAITED.has(key)) continue;
    if (key === '/Service' && o.spec?.type !== 'LoadBalancer') continue;
    let namespaced = key !== 'apiextensions.k8s.io/CustomResourceDefinition' && key !== 'external-secrets.io/ClusterSecretStore' && key !== 'cert-manager.io/ClusterIssuer';
    if (api) namespaced = (await api.resource(o.apiVersion!, o.kind!).catch(() => ({ namespaced }))).namespaced;
    refs.push({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, namespace: namespaced ? (o.metadata?.namespace ?? releaseNamespace) : undefined });
  }
  return refs;
}
