/**
 * What a render will run: the pod templates of workloads, the Services, and the pods and Services that the
 * operators create from custom resources (Strimzi, OpenSearch, Flink, KServe), with their labels and ports.
 * Reference, network and name checks look at this model instead of at raw objects.
 */
import { groupOf, type K8sObject, type RenderedObject } from './types.js';
import { asArray, asRecord, get, isRecord } from '../object.js';
import { containersOf } from '../pod-spec.js';

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export interface PodModel {
  /** The object that declares the pod (a workload, or a custom resource for operator pods). */
  owner: RenderedObject;
  /** Path of the pod template inside the owner (`spec.template`), '' for operator pods. */
  path: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The PodSpec (undefined for operator pods, whose spec the operator writes). */
  spec?: Record<string, unknown>;
  ports: ContainerPort[];
  /** Created by an operator from a custom resource: policy checks do not apply. */
  synthetic: boolean;
  /** Names of pods it creates (for name-length checks). */
  podNames: string[];
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
}

export interface ServiceModel {
  name: string;
  owner: RenderedObject;
  selector?: Record<string, string>;
  ports: ServicePort[];
  synthetic: boolean;
  /** For operator Services: the component it fronts (`kafka:<cluster>`), used by domain rules. */
  component?: string;
}

export interface RenderModel {
  objects: RenderedObject[];
  pods: PodModel[];
  services: ServiceModel[];
  byKind: Map<string, RenderedObject[]>;
}

const strRecord = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asRecord(v))) if (x !== undefined && x !== null) out[k] = String(x);
  return out;
};

/** Where a workload kind keeps its pod template. */
export function podTemplatePath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return ['spec', 'template'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    case 'PodTemplate':
      return ['template'];
    case 'Pod':
      return [];
    default:
      return undefined;
  }
}

function portsOf(spec: Record<string, unknown> | undefined): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const { c } of containersOf(spec)) {
    for (const p of asArray<Record<string, unknown>>(c.ports)) {
      if (isRecord(p) && typeof p.containerPort === 'number') ports.push({ name: typeof p.name === 'string' ? p.name : undefined, containerPort: p.containerPort });
    }
  }
  return ports;
}

function workloadPodNames(o: K8sObject): string[] {
  const name = o.metadata.name ?? '';
  const replicas = typeof get(o, 'spec', 'replicas') === 'number' ? (get(o, 'spec', 'replicas') as number) : 1;
  switch (o.kind) {
    case 'StatefulSet':
      return [`${name}-${Math.max(0, replicas - 1)}`];
    case 'Pod':
      return [name];
    default:
      return [];
  }
}

// ------------------------------------------------------------------------------------------
// operator pods and services

function strimziPodsAndServices(ro: RenderedObject, all: RenderedObject[], pods: PodModel[], services: ServiceModel[]): void {
  const o = ro.obj;
  const name = o.metadata.name ?? '';
  if (o.kind === 'Kafka') {
    const listeners = asArray<Record<string, unknown>>(get(o, 'spec', 'kafka', 'listeners'));
    const ports: ServicePort[] = [{ name: 'tcp-replication', port: 9091, targetPort: 9091 }];
    for (const l of listeners) if (typeof l.port === 'number' && (l.type === 'internal' || l.type === undefined)) ports.push({ name: `tcp-${String(l.name)}`, port: l.port, targetPort: l.port });
    const kafkaSelector = { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${name}-kafka` };
    services.push({ name: `${name}-kafka-bootstrap`, owner: ro, selector: kafkaSelector, ports, synthetic: true, component: `kafka:${name}` });
    services.push({ name: `${name}-kafka-brokers`, owner: ro, selector: kafkaSelector, ports: [...ports, { name: 'tcp-ctrlplane', port: 9090, targetPort: 9090 }], synthetic: true, component: `kafka:${name}` });
    for (const l of listeners) {
      if (typeof l.port === 'number' && l.type && l.type !== 'internal') {
        services.push({ name: `${name}-kafka-${String(l.name)}-bootstrap`, owner: ro, selector: kafkaSelector, ports: [{ name: `tcp-${String(l.name)}`, port: l.port, targetPort: l.port }], synthetic: true, component: `kafka:${name}` });
      }
    }
    const hasNodePools = all.some((x) => x.obj.kind === 'KafkaNodePool' && x.obj.metadata.labels?.['strimzi.io/cluster'] === name);
    if (!hasNodePools) {
      const replicas = Number(get(o, 'spec', 'kafka', 'replicas') ?? 1);
      pods.push(operatorPod(ro, { ...kafkaSelector, ...strRecord(get(o, 'spec', 'kafka', 'template', 'pod', 'metadata', 'labels')) }, listenerPorts(listeners), [`${name}-kafka-${Math.max(0, replicas - 1)}`]));
    }
    if (get(o, 'spec', 'entityOperator') !== undefined) {
      pods.push(operatorPod(ro, { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${name}-entity-operator`, ...strRecord(get(o, 'spec', 'entityOperator', 'template', 'pod', 'metadata', 'labels')) }, [], [`${name}-entity-operator`]));
    }
  } else if (o.kind === 'KafkaConnect' || o.kind === 'KafkaMirrorMaker2' || o.kind === 'KafkaBridge') {
    // Deployment/StrimziPodSet pods the operator labels with the CR's cluster and kind.
    const suffix = o.kind === 'KafkaConnect' ? 'connect' : o.kind === 'KafkaMirrorMaker2' ? 'mirrormaker2' : 'bridge';
    const labels = { 'strimzi.io/cluster': name, 'strimzi.io/kind': o.kind, 'strimzi.io/name': `${name}-${suffix}`, ...strRecord(get(o, 'spec', 'template', 'pod', 'metadata', 'labels')) };
    const apiPort = o.kind === 'KafkaBridge' ? Number(get(o, 'spec', 'http', 'port') ?? 8080) : 8083;
    pods.push(operatorPod(ro, labels, [{ name: o.kind === 'KafkaBridge' ? 'rest-api' : 'rest-api', containerPort: apiPort }], []));
    services.push({ name: o.kind === 'KafkaBridge' ? `${name}-bridge-service` : `${name}-${suffix}-api`, owner: ro, selector: { 'strimzi.io/cluster': name, 'strimzi.io/kind': o.kind }, ports: [{ name: 'rest-api', port: apiPort, targetPort: apiPort }], synthetic: true, component: `${suffix}:${name}` });
  } else if (o.kind === 'KafkaNodePool') {
    const cluster = o.metadata.labels?.['strimzi.io/cluster'] ?? '';
    const kafka = all.find((x) => x.obj.kind === 'Kafka' && x.obj.metadata.name === cluster);
    const listeners = asArray<Record<string, unknown>>(get(kafka?.obj, 'spec', 'kafka', 'listeners'));
    const roles = asArray<string>(get(o, 'spec', 'roles'));
    const replicas = Number(get(o, 'spec', 'replicas') ?? 0);
    pods.push(
      operatorPod(
        ro,
        {
          'strimzi.io/cluster': cluster,
          'strimzi.io/kind': 'Kafka',
          'strimzi.io/name': `${cluster}-kafka`,
          'strimzi.io/pool-name': name,
          'strimzi.io/broker-role': String(roles.includes('broker')),
          'strimzi.io/controller-role': String(roles.includes('controller')),
          ...strRecord(get(kafka?.obj, 'spec', 'kafka', 'template', 'pod', 'metadata', 'labels')),
          ...strRecord(get(o, 'spec', 'template', 'pod', 'metadata', 'labels')),
        },
        listenerPorts(listeners),
        replicas > 0 ? [`${cluster}-${name}-${replicas - 1}`] : [],
      ),
    );
  }
}

const listenerPorts = (listeners: Array<Record<string, unknown>>): ContainerPort[] => [
  { name: 'tcp-ctrlplane', containerPort: 9090 },
  { name: 'tcp-replication', containerPort: 9091 },
  ...listeners.filter((l) => typeof l.port === 'number').map((l) => ({ name: `tcp-${String(l.name)}`, containerPort: l.port as number })),
];

function operatorPod(owner: RenderedObject, labels: Record<string, string>, ports: ContainerPort[], podNames: string[]): PodModel {
  return { owner, path: '', labels, annotations: {}, ports, synthetic: true, podNames };
}

function openSearchPodsAndServices(ro: RenderedObject, pods: PodModel[], services: ServiceModel[]): void {
  const o = ro.obj;
  const name = o.metadata.name ?? '';
  const svc = String(get(o, 'spec', 'general', 'serviceName') ?? name);
  const httpPort = Number(get(o, 'spec', 'general', 'httpPort') ?? 9200);
  const sel = { 'opster.io/opensearch-cluster': name };
  services.push({ name: svc, owner: ro, selector: sel, ports: [{ name: 'http', port: httpPort, targetPort: httpPort }, { name: 'transport', port: 9300, targetPort: 9300 }, { name: 'metrics', port: 9600, targetPort: 9600 }, { name: 'rca', port: 9650, targetPort: 9650 }], synthetic: true, component: `opensearch:${name}` });
  services.push({ name: `${svc}-discovery`, owner: ro, selector: sel, ports: [{ name: 'transport', port: 9300, targetPort: 9300 }], synthetic: true, component: `opensearch:${name}` });
  for (const np of asArray<Record<string, unknown>>(get(o, 'spec', 'nodePools'))) {
    const comp = String(np.component ?? '');
    const replicas = Number(np.replicas ?? 0);
    services.push({ name: `${svc}-${comp}`, owner: ro, selector: { ...sel, 'opster.io/opensearch-nodepool': comp }, ports: [{ name: 'http', port: httpPort, targetPort: httpPort }, { name: 'transport', port: 9300, targetPort: 9300 }], synthetic: true, component: `opensearch:${name}` });
    pods.push(operatorPod(ro, { ...sel, 'opster.io/opensearch-nodepool': comp, ...strRecord(np.labels) }, [{ name: 'http', containerPort: httpPort }, { name: 'transport', containerPort: 9300 }, { name: 'metrics', containerPort: 9600 }], replicas > 0 ? [`${name}-${comp}-${replicas - 1}`] : []));
  }
  if (get(o, 'spec', 'dashboards', 'enable') === true) {
    const dsel = { 'opensearch.cluster.dashboards': name };
    services.push({ name: `${svc}-dashboards`, owner: ro, selector: dsel, ports: [{ name: 'http', port: 5601, targetPort: 5601 }], synthetic: true, component: `opensearch-dashboards:${name}` });
    pods.push(operatorPod(ro, { ...dsel, ...strRecord(get(o, 'spec', 'dashboards', 'labels')) }, [{ name: 'http', containerPort: 5601 }], [`${name}-dashboards`]));
  }
}

function flinkPodsAndServices(ro: RenderedObject, pods: PodModel[], services: ServiceModel[]): void {
  const o = ro.obj;
  const name = o.metadata.name ?? '';
  const conf = asRecord(get(o, 'spec', 'flinkConfiguration'));
  const restPort = Number(conf['rest.port'] ?? 8081);
  const base = { app: name, type: 'flink-native-kubernetes' };
  const podLabels = strRecord(get(o, 'spec', 'podTemplate', 'metadata', 'labels'));
  services.push({ name: `${name}-rest`, owner: ro, selector: { ...base, component: 'jobmanager' }, ports: [{ name: 'rest', port: restPort, targetPort: restPort }], synthetic: true, component: `flink:${name}` });
  services.push({ name, owner: ro, selector: { ...base, component: 'jobmanager' }, ports: [{ name: 'jobmanager-rpc', port: 6123, targetPort: 6123 }, { name: 'blobserver', port: 6124, targetPort: 6124 }], synthetic: true, component: `flink:${name}` });
  const jmLabels = strRecord(get(o, 'spec', 'jobManager', 'podTemplate', 'metadata', 'labels'));
  const tmLabels = strRecord(get(o, 'spec', 'taskManager', 'podTemplate', 'metadata', 'labels'));
  // The job manager runs as a Deployment (pod names are truncated by Kubernetes); task manager pods are
  // named <cluster-id>-taskmanager-<attempt>-<n> by Flink, which limits the cluster id to 45 (names.ts).
  pods.push(operatorPod(ro, { ...base, component: 'jobmanager', ...podLabels, ...jmLabels }, [{ name: 'rest', containerPort: restPort }, { name: 'jobmanager-rpc', containerPort: 6123 }, { name: 'blobserver', containerPort: 6124 }], []));
  pods.push(operatorPod(ro, { ...base, component: 'taskmanager', ...podLabels, ...tmLabels }, [{ name: 'rpc', containerPort: 6122 }], []));
}

function kservePodsAndServices(ro: RenderedObject, pods: PodModel[], services: ServiceModel[]): void {
  const name = ro.obj.metadata.name ?? '';
  const sel = { 'serving.kserve.io/inferenceservice': name };
  services.push({ name: `${name}-predictor`, owner: ro, selector: sel, ports: [{ name: 'http', port: 80, targetPort: 8080 }], synthetic: true, component: `kserve:${name}` });
  pods.push(operatorPod(ro, { ...sel, ...strRecord(get(ro.obj, 'spec', 'predictor', 'labels')) }, [{ name: 'http', containerPort: 8080 }], []));
}

export function buildModel(objects: RenderedObject[]): RenderModel {
  const pods: PodModel[] = [];
  const services: ServiceModel[] = [];
  const byKind = new Map<string, RenderedObject[]>();
  for (const ro of objects) {
    const o = ro.obj;
    byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), ro]);
    const tp = podTemplatePath(o.kind);
    if (tp) {
      const tmpl = tp.length ? get(o, ...tp) : o;
      const spec = asRecord(get(tmpl, 'spec'));
      pods.push({
        owner: ro,
        path: tp.join('.'),
        labels: strRecord(get(tmpl, 'metadata', 'labels')),
        annotations: strRecord(get(tmpl, 'metadata', 'annotations')),
        spec,
        ports: portsOf(spec),
        synthetic: false,
        podNames: workloadPodNames(o),
      });
      continue;
    }
    if (o.kind === 'Service' && o.apiVersion === 'v1') {
      const sel = get(o, 'spec', 'selector');
      services.push({
        name: o.metadata.name ?? '',
        owner: ro,
        selector: isRecord(sel) && Object.keys(sel).length ? strRecord(sel) : undefined,
        ports: asArray<Record<string, unknown>>(get(o, 'spec', 'ports')).filter(isRecord).map((p) => ({
          name: typeof p.name === 'string' ? p.name : undefined,
          port: Number(p.port),
          targetPort: (p.targetPort as number | string | undefined) ?? Number(p.port),
        })),
        synthetic: false,
      });
      continue;
    }
    const group = groupOf(o.apiVersion);
    if (group === 'kafka.strimzi.io') strimziPodsAndServices(ro, objects, pods, services);
    else if (group === 'opensearch.opster.io' && o.kind === 'OpenSearchCluster') openSearchPodsAndServices(ro, pods, services);
    else if (group === 'flink.apache.org' && o.kind === 'FlinkDeployment') flinkPodsAndServices(ro, pods, services);
    else if (group === 'serving.kserve.io' && o.kind === 'InferenceService') kservePodsAndServices(ro, pods, services);
  }
  return { objects, pods, services, byKind };
}

/** matchLabels/matchExpressions of a LabelSelector against labels. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return true;
  for (const [k, v] of Object.entries(asRecord(selector.matchLabels))) if (labels[k] !== String(v)) return false;
  for (const e of asArray<Record<string, unknown>>(selector.matchExpressions)) {
    const key = String(e.key);
    const values = asArray<string>(e.values).map(String);
    const has = key in labels;
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A Service selector (plain map) against labels. */
export const mapSelects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
