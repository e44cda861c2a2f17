/**
 * A wait on a custom resource no controller is updating is diagnosed within
 * the stall grace (seconds), not at the timeout; the diagnosis names what should be updating it.
 * The watch hub and the cluster reader are scripted here (the readiness engine reads nothing else).
 */
import { describe, expect, it } from 'vitest';
import type { WatchHub } from '../../src/kube/watch.js';
import { diagnose, formatDiagnosis, type ClusterReader } from '../../src/diagnose/index.js';
import type { KubeObject } from '../../src/readiness/types.js';
import { isCustomResource, stallGraceMs, waitForReady, type AwaitRef } from '../../src/readiness/wait.js';

type Listener = (e: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }) => void;

/** A hub whose informers hold the given objects; `emit` plays a watch event later. */
function scriptedHub(objects: KubeObject[]) {
  const listeners = new Map<string, Set<Listener>>();
  const keyOf = (kind: string, ns?: string) => `${kind}/${ns ?? ''}`;
  const hub = {
    informer(_apiVersion: string, kind: string, namespace?: string) {
      return {
        subscribe(fn: Listener) {
          const k = keyOf(kind, namespace);
          if (!listeners.has(k)) listeners.set(k, new Set());
          listeners.get(k)!.add(fn);
          for (const o of objects) if (o.kind === kind && o.metadata?.namespace === namespace) fn({ type: 'ADDED', object: o });
          return () => listeners.get(k)!.delete(fn);
        },
      };
    },
  } as unknown as WatchHub;
  const emit = (type: 'ADDED' | 'MODIFIED', object: KubeObject) => {
    for (const fn of listeners.get(keyOf(object.kind!, object.metadata?.namespace)) ?? []) fn({ type, object });
  };
  return { hub, emit };
}

const ns = 'logclaw-acme';
const issuer = (rv: string, status?: object): KubeObject => ({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'logclaw-ca', namespace: ns, generation: 1, resourceVersion: rv }, spec: { ca: { secretName: 'ca' } }, ...(status ? { status } : {}) });
const store = (rv: string): KubeObject => ({ apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'logclaw', namespace: ns, generation: 1, resourceVersion: rv }, spec: {} });
const refOf = (o: KubeObject): AwaitRef => ({ apiVersion: o.apiVersion!, kind: o.kind!, namespace: o.metadata!.namespace, name: o.metadata!.name! });

describe('a wait on objects no controller updates', () => {
  it('fails within the stall grace, naming each object, long before the timeout', async () => {
    const objs = [issuer('10'), store('11')];
    const { hub } = scriptedHub(objs);
    const t0 = Date.now();
    const r = await waitForReady(hub, objs.map(refOf), { timeoutMs: 60_000, stallMs: 400 });
    const ms = Date.now() - t0;
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(false);
    expect(ms).toBeLessThan(5_000);
    expect(r.culprits.map((s) => `${s.ref.kind}:${s.stalled}:${s.verdict.status}`).sort()).toEqual(['Issuer:true:failed', 'SecretStore:true:failed']);
    for (const s of r.culprits) expect(s.verdict.message).toMatch(/no controller has updated it in (?:\d+ ms|\d\.\d s) \(is the operator serving (cert-manager|external-secrets)\.io installed and running, and does it handle (Issuer|SecretStore)\?\)/);
  });

  it('an object a controller updates in time is awaited to the end, as before', async () => {
    const { hub, emit } = scriptedHub([issuer('10')]);
    setTimeout(() => emit('MODIFIED', issuer('12', { conditions: [{ type: 'Ready', status: 'False', reason: 'Pending', observedGeneration: 1 }] })), 250);
    setTimeout(() => emit('MODIFIED', issuer('13', { conditions: [{ type: 'Ready', status: 'True', reason: 'KeyPairVerified', observedGeneration: 1 }] })), 700);
    const r = await waitForReady(hub, [refOf(issuer('10'))], { timeoutMs: 10_000, stallMs: 400 });
    expect(r.ok, JSON.stringify(r.culprits.map((c) => c.verdict))).toBe(true);
  });

  it('a custom resource whose controller made pods is not stalled (Strimzi reports only after its first reconcile)', async () => {
    const kafka: KubeObject = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'logclaw', namespace: ns, generation: 1, resourceVersion: '5' }, spec: {} };
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'logclaw-broker-0', namespace: ns, labels: { 'strimzi.io/cluster': 'logclaw' } }, status: { phase: 'Pending' } };
    const { hub } = scriptedHub([kafka, pod]);
    const r = await waitForReady(hub, [refOf(kafka)], { timeoutMs: 1_200, stallMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.culprits[0]!.stalled).toBeUndefined();
  });

  it('only custom resources can stall; LOGCLAW_STALL_GRACE sets the grace', () => {
    expect(isCustomResource('cert-manager.io/v1')).toBe(true);
    expect(isCustomResource('apps/v1')).toBe(false);
    expect(isCustomResource('policy/v1')).toBe(false);
    expect(isCustomResource('autoscaling.k8s.io/v1')).toBe(false);
    expect(stallGraceMs({})).toBe(30_000);
    expect(stallGraceMs({ LOGCLAW_STALL_GRACE: '5s' })).toBe(5_000);
    expect(stallGraceMs({ LOGCLAW_STALL_GRACE: '2' })).toBe(2_000);
  });
});

describe('diagnosis of a stalled custom resource', () => {
  const crd = (annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'issuers.cert-manager.io', annotations }, spec: { group: 'cert-manager.io', names: { kind: 'Issuer' } } });
  const deploy = (available: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cert-manager', namespace: 'cert-manager', generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: available, readyReplicas: available, conditions: [{ type: 'Available', status: available ? 'True' : 'False' }] } });
  const reader = (crds: KubeObject[], deployments: KubeObject[]): ClusterReader => ({
    get: async (ref) => (ref.kind === 'Issuer' ? issuer('10') : undefined),
    list: async (ref) => (ref.kind === 'CustomResourceDefinition' ? crds : ref.kind === 'Deployment' ? deployments : []),
    logs: async () => '',
  });
  const helm = { 'meta.helm.sh/release-name': 'cert-manager', 'meta.helm.sh/release-namespace': 'cert-manager' };
  const lines = async (r: ClusterReader) => formatDiagnosis(await diagnose(r, refOf(issuer('10')))).join('\n');

  it('names the CRD, its release and what is missing', async () => {
    expect(await lines(reader([crd()], []))).toMatch(/CustomResourceDefinition issuers\.cert-manager\.io[\s\S]*not part of a helm release/);
    expect(await lines(reader([crd(helm)], []))).toMatch(/release cert-manager\/cert-manager[\s\S]*runs no Deployment in cert-manager/);
    expect(await lines(reader([crd(helm)], [deploy(0)]))).toMatch(/its controller is not available: Deployments in cert-manager: cert-manager \((progressing|failed)\)/);
    expect(await lines(reader([crd(helm)], [deploy(1)]))).toMatch(/are available \(cert-manager \(ready\)\) but none has written a status on Issuer logclaw-ca: the operator does not handle this kind/);
  });
});
