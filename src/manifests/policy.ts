/**
 * Policy: Pod Security Standards "restricted" for every pod template, requests and limits, pinned images,
 * the standard app.kubernetes.io labels, and every object in the tenant's namespace.
 */
import type { KubeSchemas } from './kube-schema.js';
import type { CrdCatalog } from './crds.js';
import type { RenderModel } from './model.js';
import { containersOf } from '../pod-spec.js';
import { groupOf, type Emit } from './types.js';
import { asArray, asRecord, get, isRecord } from '../object.js';

export interface PolicyContext {
  namespace: string;
  release: string;
  kube: KubeSchemas;
  crds?: CrdCatalog;
}

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'name']);

/** Tag of an image reference, '' when untagged; digests count as pinned. */
export function imagePinned(image: string): { pinned: boolean; why?: string } {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return { pinned: true };
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return { pinned: false, why: 'has no tag' };
  const tag = image.slice(colon + 1);
  if (!tag) return { pinned: false, why: 'has an empty tag' };
  if (tag === 'latest') return { pinned: false, why: 'uses the latest tag' };
  return { pinned: true };
}

export function checkPodSecurity(model: RenderModel, emit: Emit): void {
  for (const pod of model.pods) {
    if (pod.synthetic || !pod.spec) continue;
    const spec = pod.spec;
    const base = pod.path ? `${pod.path}.spec` : 'spec';
    const at = (path: string) => ({ owner: pod.owner, path: `${base}${path ? `.${path}` : ''}` });
    const psc = asRecord(spec.securityContext);
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (spec[f] === true) emit({ ...at(f), rule: 'pss-host-namespaces', message: `${f}: true shares the node's namespaces` });
    }
    asArray<Record<string, unknown>>(spec.volumes).forEach((v, i) => {
      if (!isRecord(v)) return;
      if (v.hostPath !== undefined) emit({ ...at(`volumes[${i}].hostPath`), rule: 'pss-host-path', message: `volume "${String(v.name)}" mounts a hostPath` });
      else {
        const bad = Object.keys(v).filter((k) => !RESTRICTED_VOLUMES.has(k));
        if (bad.length) emit({ ...at(`volumes[${i}]`), rule: 'pss-volume-types', message: `volume "${String(v.name)}" uses ${bad.join(', ')}, which the restricted profile forbids` });
      }
    });
    const podNonRoot = psc.runAsNonRoot === true;
    const podSeccomp = get(psc, 'seccompProfile', 'type');
    if (psc.runAsUser === 0) emit({ ...at('securityContext.runAsUser'), rule: 'pss-run-as-non-root', message: 'the pod runs as user 0 (root)' });
    if (podSeccomp === 'Unconfined') emit({ ...at('securityContext.seccompProfile.type'), rule: 'pss-seccomp', message: 'seccompProfile Unconfined' });
    for (const { c, path } of containersOf(spec)) {
      const name = String(c.name ?? path);
      const sc = asRecord(c.securityContext);
      const cat = (p: string) => at(`${path}${p ? `.${p}` : ''}`);
      if (sc.privileged === true) emit({ ...cat('securityContext.privileged'), rule: 'pss-privileged', message: `container "${name}" is privileged` });
      if (sc.allowPrivilegeEscalation !== false) {
        emit({ ...cat('securityContext.allowPrivilegeEscalation'), rule: 'pss-privilege-escalation', message: `container "${name}" must set allowPrivilegeEscalation: false` });
      }
      if (sc.runAsNonRoot === false || (!podNonRoot && sc.runAsNonRoot !== true)) {
        emit({ ...cat('securityContext.runAsNonRoot'), rule: 'pss-run-as-non-root', message: `container "${name}" must run with runAsNonRoot: true (pod or container securityContext)` });
      }
      if (sc.runAsUser === 0) emit({ ...cat('securityContext.runAsUser'), rule: 'pss-run-as-non-root', message: `container "${name}" runs as user 0 (root)` });
      const drop = asArray<string>(get(sc, 'capabilities', 'drop')).map(String);
      const addCaps = asArray<string>(get(sc, 'capabilities', 'add')).map(String);
      if (!drop.includes('ALL')) emit({ ...cat('securityContext.capabilities.drop'), rule: 'pss-capabilities', message: `container "${name}" must drop ALL capabilities` });
      const extra = addCaps.filter((x) => x !== 'NET_BIND_SERVICE');
      if (extra.length) emit({ ...cat('securityContext.capabilities.add'), rule: 'pss-capabilities', message: `container "${name}" adds ${extra.join(', ')}` });
      const cSeccomp = get(sc, 'seccompProfile', 'type');
      if (cSeccomp === 'Unconfined' || (cSeccomp === undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost')) {
        emit({ ...cat('securityContext.seccompProfile.type'), rule: 'pss-seccomp', message: `container "${name}" needs seccompProfile RuntimeDefault (pod or container securityContext)` });
      }
      asArray<Record<string, unknown>>(c.ports).forEach((p, i) => {
        if (isRecord(p) && typeof p.hostPort === 'number' && p.hostPort !== 0) emit({ ...cat(`ports[${i}].hostPort`), rule: 'pss-host-ports', message: `container "${name}" binds hostPort ${p.hostPort}` });
      });
      if (!path.startsWith('ephemeral')) {
        const req = asRecord(get(c, 'resources', 'requests'));
        const lim = asRecord(get(c, 'resources', 'limits'));
        const missing = [...['cpu', 'memory'].filter((k) => req[k] === undefined).map((k) => `requests.${k}`), ...['cpu', 'memory'].filter((k) => lim[k] === undefined).map((k) => `limits.${k}`)];
        if (missing.length) emit({ ...cat('resources'), rule: 'resources-missing', message: `container "${name}" has no ${missing.join(', ')}` });
      }
      if (typeof c.image === 'string') {
        const p = imagePinned(c.image);
        if (!p.pinned) emit({ ...cat('image'), rule: 'image-unpinned', message: `container "${name}" image ${c.image} ${p.why}` });
      } else if (!path.startsWith('ephemeral')) {
        emit({ ...cat('image'), rule: 'image-unpinned', message: `container "${name}" has no image` });
      }
    }
    // pod-template labels
    const missing = ['app.kubernetes.io/name', 'app.kubernetes.io/instance'].filter((l) => !pod.labels[l]);
    if (missing.length && pod.path) emit({ owner: pod.owner, path: `${pod.path}.metadata.labels`, rule: 'labels-missing', message: `the pod template has no ${missing.join(', ')}` });
  }
  // Images of operator custom resources that name one.
  for (const ro of model.objects) {
    const o = ro.obj;
    const image = o.kind === 'FlinkDeployment' ? get(o, 'spec', 'image') : o.kind === 'Kafka' ? get(o, 'spec', 'kafka', 'image') : o.kind === 'OpenSearchCluster' ? get(o, 'spec', 'general', 'image') : undefined;
    if (typeof image === 'string') {
      const p = imagePinned(image);
      if (!p.pinned) emit({ owner: ro, path: o.kind === 'FlinkDeployment' ? 'spec.image' : o.kind === 'Kafka' ? 'spec.kafka.image' : 'spec.general.image', rule: 'image-unpinned', message: `image ${image} ${p.why}` });
    }
  }
}

export function checkLabelsAndNamespace(model: RenderModel, ctx: PolicyContext, emit: Emit): void {
  for (const ro of model.objects) {
    const o = ro.obj;
    const labels = o.metadata.labels ?? {};
    const problems: string[] = [];
    for (const l of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of']) if (!labels[l]) problems.push(`no ${l}`);
    if (labels['app.kubernetes.io/instance'] && labels['app.kubernetes.io/instance'] !== ctx.release) problems.push(`app.kubernetes.io/instance is "${labels['app.kubernetes.io/instance']}", not the release "${ctx.release}"`);
    if (labels['app.kubernetes.io/managed-by'] && labels['app.kubernetes.io/managed-by'] !== 'Helm') problems.push(`app.kubernetes.io/managed-by is "${labels['app.kubernetes.io/managed-by']}", not Helm`);
    if (problems.length) emit({ owner: ro, path: 'metadata.labels', rule: 'labels-missing', message: problems.join('; ') });
    const group = groupOf(o.apiVersion);
    const crd = ctx.crds?.find(group, o.kind)[0];
    const clusterScoped = crd ? crd.scope === 'Cluster' : ctx.kube.isClusterScoped(o.apiVersion, o.kind);
    if (clusterScoped) emit({ owner: ro, path: 'kind', rule: 'cluster-scoped-object', message: `${o.kind} is cluster-scoped: a tenant render must stay inside namespace ${ctx.namespace}` });
    else if (o.metadata.namespace !== undefined && o.metadata.namespace !== ctx.namespace) {
      emit({ owner: ro, path: 'metadata.namespace', rule: 'namespace-mismatch', message: `namespace "${o.metadata.namespace}" is not the tenant's namespace "${ctx.namespace}"` });
    }
  }
}

/**
 * A rendered Namespace whose Pod Security `enforce` level is not restricted: every pod anyone creates in it is then
 * admitted at that level (privileged: host namespaces, any node path, privileged containers). Warned with the
 * reason the render gives for it — the pods that need more than restricted (hostPath, which baseline forbids too;
 * root) — or that none does.
 */
export function checkNamespacePodSecurity(model: RenderModel, emit: Emit): void {
  const needs: string[] = [];
  for (const pod of model.pods) {
    if (pod.synthetic || !pod.spec) continue;
    const hostPaths = asArray<Record<string, unknown>>(pod.spec.volumes).map((v) => get(v, 'hostPath', 'path')).filter((p): p is string => typeof p === 'string');
    if (hostPaths.length) needs.push(`${pod.owner.obj.kind} ${pod.owner.obj.metadata.name} mounts hostPath ${hostPaths.join(', ')} (baseline forbids hostPath as restricted does)`);
  }
  for (const ro of model.byKind.get('Namespace') ?? []) {
    const level = asRecord(ro.obj.metadata?.labels)['pod-security.kubernetes.io/enforce'];
    if (typeof level !== 'string' || level === 'restricted') continue;
    const why = needs.length ? `it is needed because ${needs.join('; ')}` : 'no pod of the render needs it: set platform.podSecurity.enforce: restricted';
    emit({
      owner: ro,
      path: 'metadata.labels["pod-security.kubernetes.io/enforce"]',
      rule: 'pss-namespace-level',
      message: `namespace ${ro.obj.metadata.name} enforces Pod Security "${level}", so any pod created in it is admitted at that level${level === 'privileged' ? ' (privileged containers, host namespaces, any node path)' : ''}; ${why}. Keep pod creation in this namespace to the tenant's charts (RBAC)`,
    });
  }
}
