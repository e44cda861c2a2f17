/**
 * Addresses configs name (URLs and host:port in ConfigMaps, env vars, Flink configuration) resolve to a
 * Service of the render with that port; Kafka clients use a listener's port and protocol; a NetworkPolicy
 * that restricts a client's egress allows the port the client actually connects to.
 */
import { mapSelects, selectorMatches, type PodModel, type RenderModel, type ServiceModel } from '../model.js';
import { type Emit, type RenderedObject } from '../types.js';
import type { DomainContext } from './context.js';
import { asArray, asRecord, get, isRecord } from '../../object.js';
import { podSpecReferences } from '../../pod-spec.js';

export interface Address {
  host: string;
  port?: number;
  scheme?: string;
  /** Where it was found. */
  owner: RenderedObject;
  path: string;
  /** The text it was found in (for protocol hints next to it). */
  text: string;
  /** Pods that use this config (clients), for NetworkPolicy checks. */
  clients: PodModel[];
}

const URL_RE = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@\s/'"]+@)?([A-Za-z0-9._-]+)(?::(\d{1,5}))?/g;
const HOSTPORT_RE = /(?<![\w./:@-])([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*):(\d{2,5})\b(?![.:\w])/g;

export function extractAddresses(text: string): Array<{ host: string; port?: number; scheme?: string }> {
  const out: Array<{ host: string; port?: number; scheme?: string }> = [];
  const rest = text.replace(URL_RE, (_m, scheme: string, host: string, port?: string) => {
    if (!STORAGE_SCHEMES.has(scheme.toLowerCase())) out.push({ host: host.toLowerCase(), port: port ? Number(port) : undefined, scheme: scheme.toLowerCase() });
    return ' ';
  });
  for (const m of rest.matchAll(HOSTPORT_RE)) out.push({ host: m[1]!, port: Number(m[2]) });
  return out;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };
/** URL schemes whose "host" is a bucket, a file system or an archive, never a Service. */
const STORAGE_SCHEMES = new Set(['s3', 's3a', 's3n', 's3p', 'gs', 'gcs', 'abfs', 'abfss', 'wasb', 'wasbs', 'adl', 'hdfs', 'file', 'local', 'oss', 'jar', 'pvc']);

/** The Service name an in-cluster host means, or undefined for hosts outside the tenant's namespace. */
export function serviceOfHost(host: string, ctx: DomainContext, known: Set<string>): string | undefined {
  let h = host.replace(/\.$/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h) || h === 'localhost') return undefined;
  let explicitCluster = false;
  if (h.endsWith('.svc.cluster.local')) {
    h = h.slice(0, -'.svc.cluster.local'.length);
    explicitCluster = true;
  } else if (h.endsWith('.svc')) {
    h = h.slice(0, -'.svc'.length);
    explicitCluster = true;
  }
  const labels = h.split('.');
  if (labels.length === 1) {
    if (explicitCluster) return undefined;
    const name = labels[0]!;
    if (known.has(name) || name === ctx.release || name.startsWith(`${ctx.release}-`)) return name;
    // A short name in the naming scheme of the render's own Services (`logclaw-…` when two or more Services
    // start that way) is meant to be one of them.
    const prefix = /^([a-z0-9]+)-/.exec(name)?.[1];
    if (prefix && [...known].filter((k) => k.startsWith(`${prefix}-`)).length >= 2) return name;
    return undefined;
  }
  const ns = labels[labels.length - 1]!;
  if (ns !== ctx.namespace) return undefined; // another namespace, or a public DNS name
  if (labels.length === 2) return labels[0];
  if (labels.length === 3) return labels[1]; // pod.headless-service.namespace
  return undefined;
}

/** ConfigMaps a pod reads: its pod-spec references of kind ConfigMap. */
const configMapsOf = (pod: PodModel): Set<string> =>
  new Set(podSpecReferences(pod.spec ?? {}, 'spec').filter((r) => r.kind === 'ConfigMap').map((r) => r.name));

/** Every address the render's configs name, with their clients. */
export function collectAddresses(model: RenderModel): Address[] {
  const out: Address[] = [];
  const readers = new Map<string, PodModel[]>();
  for (const pod of model.pods) for (const n of configMapsOf(pod)) readers.set(n, [...(readers.get(n) ?? []), pod]);
  const push = (owner: RenderedObject, path: string, text: string, clients: PodModel[]) => {
    for (const a of extractAddresses(text)) out.push({ ...a, owner, path, text, clients });
  };
  for (const cm of model.byKind.get('ConfigMap') ?? []) {
    for (const [k, v] of Object.entries(asRecord(cm.obj.data))) push(cm, `data["${k}"]`, String(v), readers.get(cm.obj.metadata.name ?? '') ?? []);
  }
  for (const pod of model.pods) {
    if (!pod.spec) continue;
    for (const field of ['initContainers', 'containers']) {
      asArray<Record<string, unknown>>(pod.spec[field]).forEach((c, ci) => {
        const envText = asArray<Record<string, unknown>>(c?.env).map((e) => `${String(e?.name)}=${String(e?.value ?? '')}`).join('\n');
        asArray<Record<string, unknown>>(c?.env).forEach((e, ei) => {
          if (typeof e?.value === 'string') {
            for (const a of extractAddresses(e.value)) out.push({ ...a, owner: pod.owner, path: `${pod.path}.spec.${field}[${ci}].env[${ei}].value`, text: envText, clients: [pod] });
          }
        });
        asArray<unknown>(c?.args).forEach((arg, ai) => {
          if (typeof arg === 'string') push(pod.owner, `${pod.path}.spec.${field}[${ci}].args[${ai}]`, arg, [pod]);
        });
      });
    }
  }
  // Strimzi clients (Connect, MirrorMaker 2, Bridge) name their bootstrap servers in the spec.
  for (const kind of ['KafkaConnect', 'KafkaMirrorMaker2', 'KafkaBridge']) {
    for (const ro of model.byKind.get(kind) ?? []) {
      const clients = model.pods.filter((p) => p.owner === ro);
      const visit = (v: unknown, path: string): void => {
        if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}[${i}]`));
        else if (isRecord(v)) for (const [k, x] of Object.entries(v)) (k === 'bootstrapServers' && typeof x === 'string' ? push(ro, `${path}.${k}`, x, clients) : visit(x, `${path}.${k}`));
      };
      visit(ro.obj.spec, 'spec');
    }
  }
  for (const f of model.byKind.get('FlinkDeployment') ?? []) {
    const clients = model.pods.filter((p) => p.owner === f);
    const conf = asRecord(get(f.obj, 'spec', 'flinkConfiguration'));
    const confText = Object.entries(conf).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
    for (const [k, v] of Object.entries(conf)) for (const a of extractAddresses(String(v))) out.push({ ...a, owner: f, path: `spec.flinkConfiguration["${k}"]`, text: confText, clients });
    asArray<unknown>(get(f.obj, 'spec', 'job', 'args')).forEach((arg, i) => {
      if (typeof arg === 'string') push(f, `spec.job.args[${i}]`, arg, clients);
    });
  }
  return out;
}

function kafkaProtocolHint(text: string): string | undefined {
  const m = /security[._]protocol["']?\s*[:=]\s*["']?([A-Z_]+)/i.exec(text) ?? /SECURITY_PROTOCOL=([A-Z_]+)/i.exec(text);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** Container port a Service port reaches on the selected pods. */
function targetPortNumber(svc: ServiceModel, port: number, model: RenderModel): { number?: number; name?: string; pods: PodModel[] } {
  const sp = svc.ports.find((p) => p.port === port);
  const pods = svc.selector ? model.pods.filter((p) => mapSelects(svc.selector!, p.labels)) : [];
  if (!sp) return { pods };
  if (typeof sp.targetPort === 'number') {
    const name = pods.flatMap((p) => p.ports).find((cp) => cp.containerPort === sp.targetPort)?.name;
    return { number: sp.targetPort, name, pods };
  }
  const cp = pods.flatMap((p) => p.ports).find((c) => c.name === sp.targetPort);
  return { number: cp?.containerPort, name: sp.targetPort, pods };
}

function egressAllows(np: Record<string, unknown>, targets: PodModel[], tp: { number?: number; name?: string }, ctx: DomainContext): boolean {
  for (const rule of asArray<Record<string, unknown>>(get(np, 'spec', 'egress'))) {
    const peers = asArray<Record<string, unknown>>(rule?.to);
    const peerOk =
      peers.length === 0 ||
      peers.some((peer) => {
        if (peer.ipBlock) return true;
        const nsSel = peer.namespaceSelector;
        if (nsSel !== undefined && !selectorMatches(nsSel, { 'kubernetes.io/metadata.name': ctx.namespace })) return false;
        if (peer.podSelector === undefined) return true;
        return targets.length === 0 || targets.some((t) => selectorMatches(peer.podSelector, t.labels));
      });
    if (!peerOk) continue;
    const ports = asArray<Record<string, unknown>>(rule?.ports);
    if (!ports.length) return true;
    for (const p of ports) {
      if (p.port === undefined) return true;
      if (typeof p.port === 'number' && tp.number !== undefined) {
        const end = typeof p.endPort === 'number' ? p.endPort : p.port;
        if (tp.number >= p.port && tp.number <= end) return true;
      }
      if (typeof p.port === 'string' && tp.name === p.port) return true;
    }
  }
  return false;
}

const restrictsEgress = (np: Record<string, unknown>): boolean => {
  const types = asArray<string>(get(np, 'spec', 'policyTypes'));
  return types.length ? types.includes('Egress') : get(np, 'spec', 'egress') !== undefined;
};

export function checkNetwork(model: RenderModel, ctx: DomainContext, emit: Emit): void {
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const known = new Set(byName.keys());
  const policies = (model.byKind.get('NetworkPolicy') ?? []).filter((np) => isRecord(np.obj.spec) && restrictsEgress(np.obj));
  const reported = new Set<string>();
  const once = (key: string, fn: () => void) => {
    if (!reported.has(key)) {
      reported.add(key);
      fn();
    }
  };
  for (const a of collectAddresses(model)) {
    const name = serviceOfHost(a.host, ctx, known);
    if (!name) continue;
    const svc = byName.get(name);
    const port = a.port ?? (a.scheme ? DEFAULT_PORTS[a.scheme] : undefined);
    const where = `${a.owner.obj.kind}/${a.owner.obj.metadata.name}:${a.path}:${a.host}:${port}`;
    if (!svc) {
      once(where, () => emit({ owner: a.owner, path: a.path, rule: 'address-unresolved', message: `${a.host}${port ? `:${port}` : ''} names Service "${name}", which is not in the render` }));
      continue;
    }
    if (svc.component?.startsWith('kafka:')) {
      const cluster = svc.component.slice('kafka:'.length);
      const kafka = (model.byKind.get('Kafka') ?? []).find((k) => k.obj.metadata.name === cluster);
      const listeners = asArray<Record<string, unknown>>(get(kafka?.obj, 'spec', 'kafka', 'listeners'));
      const listener = listeners.find((l) => l.port === port);
      if (port !== undefined && !listener) {
        once(where, () => emit({ owner: a.owner, path: a.path, rule: 'kafka-bootstrap-listener', message: `${a.host}:${port}: Kafka ${cluster} has no listener on port ${port} (listeners: ${listeners.map((l) => `${String(l.name)}:${String(l.port)}${l.tls ? '/tls' : ''}`).join(', ') || 'none'})` }));
        continue;
      }
      const proto = kafkaProtocolHint(a.text);
      if (listener && proto) {
        const tls = listener.tls === true;
        const sasl = /scram|plain|oauth/i.test(String(get(listener, 'authentication', 'type') ?? ''));
        const wantTls = proto === 'SSL' || proto === 'SASL_SSL';
        const wantSasl = proto.startsWith('SASL');
        if (tls !== wantTls || (sasl && !wantSasl)) {
          once(`${where}:proto`, () => emit({ owner: a.owner, path: a.path, rule: 'kafka-bootstrap-listener', message: `client security.protocol ${proto} does not fit listener ${String(listener.name)} on port ${port} (tls: ${tls}${sasl ? `, authentication ${String(get(listener, 'authentication', 'type'))}` : ''})` }));
        }
      }
    } else if (port !== undefined && !svc.ports.some((p) => p.port === port)) {
      once(where, () => emit({ owner: a.owner, path: a.path, rule: 'address-unresolved', message: `${a.host}:${port}: Service "${name}" has no port ${port} (ports: ${svc.ports.map((p) => p.port).join(', ') || 'none'})` }));
      continue;
    }
    if (port === undefined) continue;
    const tp = targetPortNumber(svc, port, model);
    // A Service whose pods or target port do not resolve is reported by the reference rules already.
    if (tp.number === undefined || !tp.pods.length) continue;
    for (const client of a.clients) {
      for (const np of policies) {
        if (!selectorMatches(get(np.obj, 'spec', 'podSelector'), client.labels)) continue;
        const allowedByAny = policies.some((p) => selectorMatches(get(p.obj, 'spec', 'podSelector'), client.labels) && egressAllows(p.obj, tp.pods, tp, ctx));
        if (allowedByAny) break;
        once(`${np.obj.metadata.name}:${client.owner.obj.metadata.name}:${name}:${port}`, () =>
          emit({
            owner: np,
            path: 'spec.egress',
            rule: 'networkpolicy-egress-port',
            message: `${client.owner.obj.kind} ${client.owner.obj.metadata.name} connects to ${name}:${port} (pod port ${tp.number ?? tp.name ?? '?'}), but no egress rule of the NetworkPolicies selecting it allows that port to those pods`,
          }),
        );
        break;
      }
    }
  }
}
