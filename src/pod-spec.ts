/**
 * What a pod spec references, walked once: the Secrets, ConfigMaps, ServiceAccount and PersistentVolumeClaims
 * it names (volumes, projected volumes, env valueFrom, envFrom, imagePullSecrets), with field paths and the keys
 * it reads; and the Secrets that operators and controllers create from custom resources. Reference checks
 * (src/manifests/references.ts), change safety (which workloads read a changed ConfigMap/Secret) and dev secrets
 * (what `dev up` must create) read both from here. Pure functions: no I/O.
 */
import { asArray, get, isRecord } from './object.js';

export type ReferenceKind = 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'PersistentVolumeClaim';

export interface PodReference {
  kind: ReferenceKind;
  name: string;
  /** Field path of the name (`spec.volumes[0].secret.secretName`). */
  path: string;
  /** `optional: true` on the reference: the pod starts without it. */
  optional: boolean;
  /** The keys read (secretKeyRef/configMapKeyRef key, volume items); empty when the whole object is used. */
  keys: string[];
  /** Where the pod uses it: only `volume`, `env` and `envFrom` put data into the containers. */
  via: 'volume' | 'env' | 'envFrom' | 'imagePullSecrets' | 'serviceAccountName';
}

const itemKeys = (items: unknown): string[] => asArray(items).map((i) => get(i, 'key')).filter((k): k is string => typeof k === 'string');

function reference(kind: ReferenceKind, name: unknown, path: string, via: PodReference['via'], optional?: unknown, keys: string[] = []): PodReference[] {
  return typeof name === 'string' && name ? [{ kind, name, path, optional: optional === true, keys, via }] : [];
}

/** What one volume names: secret, configMap, persistentVolumeClaim, and the sources of a projected volume. */
export function volumeReferences(v: unknown, path: string): PodReference[] {
  if (!isRecord(v)) return [];
  return [
    ...reference('Secret', get(v, 'secret', 'secretName'), `${path}.secret.secretName`, 'volume', get(v, 'secret', 'optional'), itemKeys(get(v, 'secret', 'items'))),
    ...reference('ConfigMap', get(v, 'configMap', 'name'), `${path}.configMap.name`, 'volume', get(v, 'configMap', 'optional'), itemKeys(get(v, 'configMap', 'items'))),
    ...reference('PersistentVolumeClaim', get(v, 'persistentVolumeClaim', 'claimName'), `${path}.persistentVolumeClaim.claimName`, 'volume'),
    ...asArray(get(v, 'projected', 'sources')).flatMap((s, j) => [
      ...reference('Secret', get(s, 'secret', 'name'), `${path}.projected.sources[${j}].secret.name`, 'volume', get(s, 'secret', 'optional'), itemKeys(get(s, 'secret', 'items'))),
      ...reference('ConfigMap', get(s, 'configMap', 'name'), `${path}.projected.sources[${j}].configMap.name`, 'volume', get(s, 'configMap', 'optional'), itemKeys(get(s, 'configMap', 'items'))),
    ]),
  ];
}

/** What an env var's `valueFrom` names: secretKeyRef and configMapKeyRef, with their key. */
export function valueFromReferences(valueFrom: unknown, path: string): PodReference[] {
  const ref = (kind: ReferenceKind, field: string) => {
    const r = get(valueFrom, field);
    const key = get(r, 'key');
    return reference(kind, get(r, 'name'), `${path}.${field}.name`, 'env', get(r, 'optional'), typeof key === 'string' ? [key] : []);
  };
  return [...ref('Secret', 'secretKeyRef'), ...ref('ConfigMap', 'configMapKeyRef')];
}

/** The containers of a pod spec (init, regular and ephemeral), with their paths inside it. */
export function containersOf(spec: Record<string, unknown> | undefined): Array<{ c: Record<string, unknown>; path: string }> {
  if (!spec) return [];
  const out: Array<{ c: Record<string, unknown>; path: string }> = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    asArray(spec[field]).forEach((c, i) => {
      if (isRecord(c)) out.push({ c, path: `${field}[${i}]` });
    });
  }
  return out;
}

/** Every Secret, ConfigMap, ServiceAccount and PVC a pod spec names; paths start at `base` (`spec.template.spec`). */
export function podSpecReferences(spec: Record<string, unknown>, base: string): PodReference[] {
  const refs: PodReference[] = [];
  if (typeof spec.serviceAccountName === 'string') refs.push(...reference('ServiceAccount', spec.serviceAccountName, `${base}.serviceAccountName`, 'serviceAccountName'));
  asArray(spec.imagePullSecrets).forEach((s, i) => refs.push(...reference('Secret', get(s, 'name'), `${base}.imagePullSecrets[${i}].name`, 'imagePullSecrets')));
  asArray(spec.volumes).forEach((v, i) => refs.push(...volumeReferences(v, `${base}.volumes[${i}]`)));
  for (const { c, path } of containersOf(spec)) {
    asArray(c.env).forEach((e, i) => refs.push(...valueFromReferences(get(e, 'valueFrom'), `${base}.${path}.env[${i}].valueFrom`)));
    asArray(c.envFrom).forEach((e, i) => {
      refs.push(...reference('Secret', get(e, 'secretRef', 'name'), `${base}.${path}.envFrom[${i}].secretRef.name`, 'envFrom', get(e, 'secretRef', 'optional')));
      refs.push(...reference('ConfigMap', get(e, 'configMapRef', 'name'), `${base}.${path}.envFrom[${i}].configMapRef.name`, 'envFrom', get(e, 'configMapRef', 'optional')));
    });
  }
  return refs;
}

/** The kinds whose operator or controller creates Secrets from them (see operatorSecrets). */
export const SECRET_MAKING_KINDS = ['ExternalSecret', 'Certificate', 'KafkaUser', 'Kafka', 'OpenSearchCluster'] as const;

/**
 * The Secrets an operator or controller creates from an object: an ExternalSecret's target, a cert-manager
 * Certificate's secretName, a Strimzi KafkaUser's credentials and a Kafka cluster's CA secrets, an
 * OpenSearchCluster's admin password. Nothing for other kinds.
 */
export function operatorSecrets(o: { kind?: string; metadata?: { name?: string }; spec?: unknown }): string[] {
  const name = o.metadata?.name ?? '';
  switch (o.kind as (typeof SECRET_MAKING_KINDS)[number] | undefined) {
    case 'ExternalSecret':
      return [String(get(o, 'spec', 'target', 'name') ?? name)];
    case 'Certificate': {
      const s = get(o, 'spec', 'secretName');
      return typeof s === 'string' ? [s] : [];
    }
    case 'KafkaUser':
      return [String(get(o, 'spec', 'template', 'secret', 'metadata', 'name') ?? name)];
    case 'Kafka':
      return ['cluster-ca-cert', 'clients-ca-cert', 'cluster-ca', 'clients-ca'].map((s) => `${name}-${s}`);
    case 'OpenSearchCluster':
      return [`${name}-admin-password`];
    default:
      return [];
  }
}
