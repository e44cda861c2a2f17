/** Strimzi Kafka rules the CRD schema cannot express. */
import { parseKubeYaml } from '../yaml-kube.js';
import type { RenderModel } from '../model.js';
import { type Emit, type RenderedObject } from '../types.js';
import type { DomainContext } from './context.js';
import { asArray, asRecord, get, isRecord } from '../../object.js';

const brokersOf = (model: RenderModel, cluster: string): number | undefined => {
  const pools = (model.byKind.get('KafkaNodePool') ?? []).filter((p) => p.obj.metadata.labels?.['strimzi.io/cluster'] === cluster);
  if (!pools.length) {
    const k = (model.byKind.get('Kafka') ?? []).find((x) => x.obj.metadata.name === cluster);
    const r = get(k?.obj, 'spec', 'kafka', 'replicas');
    return typeof r === 'number' ? r : undefined;
  }
  return pools.filter((p) => asArray<string>(get(p.obj, 'spec', 'roles')).includes('broker')).reduce((n, p) => n + Number(get(p.obj, 'spec', 'replicas') ?? 0), 0);
};

export function checkKafka(model: RenderModel, ctx: DomainContext, emit: Emit): void {
  const dev = ctx.environment === 'dev';
  for (const k of model.byKind.get('Kafka') ?? []) {
    const name = k.obj.metadata.name ?? '';
    asArray<unknown>(get(k.obj, 'spec', 'kafka', 'authorization', 'superUsers')).forEach((u, i) => {
      const s = String(u);
      if (/^(User:)?(ANONYMOUS|\*)$/i.test(s) || s.includes('*')) {
        emit({ owner: k, path: `spec.kafka.authorization.superUsers[${i}]`, rule: 'kafka-superuser', message: `super user "${s}" gives every (or an unauthenticated) client full access` });
      }
    });
    const pools = (model.byKind.get('KafkaNodePool') ?? []).filter((p) => p.obj.metadata.labels?.['strimzi.io/cluster'] === name);
    const usesPools = pools.length > 0 || k.obj.metadata.annotations?.['strimzi.io/node-pools'] === 'enabled';
    if (usesPools) {
      for (const f of ['replicas', 'storage', 'resources']) {
        if (get(k.obj, 'spec', 'kafka', f) !== undefined) {
          emit({ owner: k, path: `spec.kafka.${f}`, rule: 'kafka-node-pools', message: `spec.kafka.${f} is ignored when node pools are used; set it in the KafkaNodePool` });
        }
      }
      const roles = new Set(pools.flatMap((p) => asArray<string>(get(p.obj, 'spec', 'roles'))));
      if (pools.length && (!roles.has('broker') || !roles.has('controller'))) {
        emit({ owner: k, path: 'spec', rule: 'kafka-node-pools', message: `the node pools of ${name} have no ${!roles.has('broker') ? 'broker' : 'controller'} role (KRaft needs both)` });
      }
    }
    const brokers = brokersOf(model, name);
    const config = asRecord(get(k.obj, 'spec', 'kafka', 'config'));
    const minIsr = config['min.insync.replicas'];
    for (const key of ['default.replication.factor', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
      const rf = config[key];
      if (typeof rf === 'number' && brokers !== undefined && rf > brokers) {
        emit({ owner: k, path: `spec.kafka.config["${key}"]`, rule: 'kafka-topic-replicas', message: `${key} ${rf} exceeds the ${brokers} broker(s) of ${name}` });
      }
      if (!dev && typeof rf === 'number' && typeof minIsr === 'number' && minIsr >= rf && key === 'default.replication.factor') {
        emit({ owner: k, path: 'spec.kafka.config["min.insync.replicas"]', rule: 'kafka-min-isr', message: `min.insync.replicas ${minIsr} must be lower than ${key} ${rf} outside dev (one broker down would stop writes)` });
      }
    }
  }
  for (const t of model.byKind.get('KafkaTopic') ?? []) {
    const cluster = t.obj.metadata.labels?.['strimzi.io/cluster'] ?? '';
    const replicas = get(t.obj, 'spec', 'replicas');
    const brokers = brokersOf(model, cluster);
    if (typeof replicas === 'number' && brokers !== undefined && replicas > brokers) {
      emit({ owner: t, path: 'spec.replicas', rule: 'kafka-topic-replicas', message: `replicas ${replicas} exceed the ${brokers} broker(s) of Kafka ${cluster}` });
    }
    if (!dev && typeof replicas === 'number') {
      const kafka = (model.byKind.get('Kafka') ?? []).find((x) => x.obj.metadata.name === cluster);
      const isr = get(t.obj, 'spec', 'config', 'min.insync.replicas') ?? get(kafka?.obj, 'spec', 'kafka', 'config', 'min.insync.replicas') ?? 1;
      if (Number(isr) >= replicas) {
        emit({ owner: t, path: 'spec.config["min.insync.replicas"]', rule: 'kafka-min-isr', message: `min.insync.replicas ${isr} is not lower than replicas ${replicas} outside dev (${ctx.environment ?? 'environment unknown'}): one broker down stops writes` });
      }
    }
  }
  checkTopicsExist(model, emit);
}

const TOPIC_KEY = /(^|[._-])topics?$/i;
const TOPIC_NAME = /^[A-Za-z0-9._-]+$/;

/** Topic names a text (YAML/JSON/properties) or env var names, with where they were found. */
export function topicsIn(key: string, value: string): string[] {
  const out: string[] = [];
  const addValue = (v: unknown) => {
    if (typeof v === 'string') out.push(...v.split(',').map((s) => s.trim()));
    else if (Array.isArray(v)) v.forEach(addValue);
  };
  if (/\.(ya?ml|json)$/i.test(key)) {
    let doc: unknown;
    try {
      doc = /\.json$/i.test(key) ? JSON.parse(value) : parseKubeYaml(value);
    } catch {
      return [];
    }
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (isRecord(o)) for (const [k, v] of Object.entries(o)) (TOPIC_KEY.test(k) && (typeof v === 'string' || Array.isArray(v)) ? addValue(v) : walk(v));
    };
    walk(doc);
  } else if (/\.(properties|conf|toml|ini)$/i.test(key)) {
    for (const line of value.split('\n')) {
      const m = /^\s*([\w.-]+)\s*[=:]\s*"?([^"#\n]+)"?/.exec(line);
      if (m && TOPIC_KEY.test(m[1]!)) addValue(m[2]!.trim());
    }
  } else if (TOPIC_KEY.test(key)) addValue(value);
  return out.filter((t) => t && TOPIC_NAME.test(t) && !t.includes('__'));
}

function checkTopicsExist(model: RenderModel, emit: Emit): void {
  const topics = (model.byKind.get('KafkaTopic') ?? []).map((t) => String(get(t.obj, 'spec', 'topicName') ?? t.obj.metadata.name));
  if (!(model.byKind.get('Kafka') ?? []).length && !topics.length) return;
  const known = new Set(topics);
  const report = (owner: RenderedObject, path: string, topic: string) =>
    emit({ owner, path, rule: 'kafka-topic-missing', message: `topic "${topic}" is not a KafkaTopic of the render` });
  for (const cm of model.byKind.get('ConfigMap') ?? []) {
    for (const [k, v] of Object.entries(asRecord(cm.obj.data))) {
      for (const t of topicsIn(k, String(v))) if (!known.has(t)) report(cm, `data["${k}"]`, t);
    }
  }
  for (const pod of model.pods) {
    if (!pod.spec) continue;
    for (const field of ['initContainers', 'containers']) {
      asArray<Record<string, unknown>>(pod.spec[field]).forEach((c, ci) => {
        asArray<Record<string, unknown>>(c?.env).forEach((e, ei) => {
          if (typeof e?.name === 'string' && /TOPICS?$/i.test(e.name) && typeof e.value === 'string') {
            for (const t of topicsIn('env', e.value)) if (!known.has(t)) report(pod.owner, `${pod.path}.spec.${field}[${ci}].env[${ei}].value`, t);
          }
        });
      });
    }
  }
  for (const f of model.byKind.get('FlinkDeployment') ?? []) {
    const args = asArray<string>(get(f.obj, 'spec', 'job', 'args')).map(String);
    args.forEach((a, i) => {
      if (/^--?[\w-]*topics?$/i.test(a) && args[i + 1]) for (const t of topicsIn('arg', args[i + 1]!)) if (!known.has(t)) report(f, `spec.job.args[${i + 1}]`, t);
    });
  }
}
