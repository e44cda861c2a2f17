/**
 * Security contexts from values: every chart with pods merges its podSecurityContext and containerSecurityContext
 * values over the restricted defaults of logclaw-common, under helm 3 and helm 4. A key given replaces the
 * default, a key set to null is left out (OpenShift's restricted SCC assigns the uid and fsGroup itself), and
 * what the restricted profile needs (runAsNonRoot, no privilege escalation, capabilities dropped) stays; the
 * schema refuses container keys that would loosen it.
 */
import { describe, expect, it } from 'vitest';
import { helms } from '../helpers/tools.js';
import { ciFile, CORE, INTELLIGENCE, operatorApis, optionalApis, renderError, renderValues, type K8sObject } from './lib.js';

/** One case per chart with pods (logclaw-platform has none), chosen for the most workloads. */
const CASES: Record<string, string> = {
  [CORE.kafka]: 'ha-mm2-connect-values.yaml',
  [CORE.ingestion]: 'ha-privatelink-aws-values.yaml',
  [CORE.opensearch]: 'standard-values.yaml',
  'logclaw-flink': 'ha-aws-values.yaml',
  'logclaw-ml-engine': 'ultra-ha-azure-vllm-values.yaml',
  'logclaw-airflow': 'dev-values.yaml',
  'logclaw-ticketing-agent': 'all-platforms-values.yaml',
  'logclaw-zammad': 'ha-values.yaml',
};
const APIS = [...operatorApis, ...optionalApis];
/** Zammad's bundled stores (the official chart's Bitnami subcharts) take their contexts from its own values under `zammad`. */
const bundledStore = (o: K8sObject): boolean => /^logclaw-zammad-(elasticsearch|postgresql|redis|memcached)/.test(o.metadata.name);
type Context = Record<string, any>;

/**
 * The contexts the logclaw-common helpers made, anywhere in the render (pod specs, and the pod templates of
 * Strimzi, OpenSearch and Flink resources): a pod context carries fsGroupChangePolicy OnRootMismatch, a container
 * context drops ALL capabilities without privilege escalation.
 */
function contexts(objs: K8sObject[]): { pod: Context[]; container: Context[] } {
  const pod: Context[] = [];
  const container: Context[] = [];
  const walk = (node: unknown, key: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
    if (!node || typeof node !== 'object') return;
    const o = node as Context;
    if (key === 'securityContext' || key === 'podSecurityContext') {
      if (o.fsGroupChangePolicy === 'OnRootMismatch') pod.push(o);
      if (o.allowPrivilegeEscalation === false && JSON.stringify(o.capabilities?.drop) === '["ALL"]') container.push(o);
    }
    for (const [k, v] of Object.entries(o)) walk(v, k);
  };
  objs.filter((o) => !bundledStore(o)).forEach((o) => walk(o, ''));
  return { pod, container };
}

describe.each(helms)('$name', ({ bin }) => {
  describe.each(Object.entries(CASES).map(([chart, file]) => ({ chart, file })))('$chart ($file)', ({ chart, file }) => {
    const withValues = (values: Record<string, unknown>) => renderValues(bin, chart, values, { values: [ciFile(chart, file)], namespace: 'logclaw-acme', apiVersions: APIS });

    it('keeps the restricted defaults without values', async () => {
      const { pod, container } = contexts(await withValues({}));
      expect(pod.length).toBeGreaterThan(0);
      expect(container.length).toBeGreaterThan(0);
      for (const c of pod) expect(c).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod) expect(c.runAsUser).toBeGreaterThan(0);
      for (const c of container) expect(c).toMatchObject({ runAsNonRoot: true, privileged: false, seccompProfile: { type: 'RuntimeDefault' } });
    });

    it('merges values over them: a key replaces the default', async () => {
      const defaults = contexts(await withValues({}));
      const { pod, container } = contexts(await withValues({ podSecurityContext: { fsGroup: 4242 }, containerSecurityContext: { seLinuxOptions: { level: 's0:c123,c456' } } }));
      expect(pod.map((c) => c.fsGroup)).toEqual(defaults.pod.map(() => 4242));
      expect(container.map((c) => c.seLinuxOptions?.level)).toEqual(defaults.container.map(() => 's0:c123,c456'));
      for (const c of pod) expect(c.runAsNonRoot).toBe(true);
    });

    it('leaves out a key set to null, as OpenShift\'s restricted SCC needs', async () => {
      const defaults = contexts(await withValues({}));
      const { pod, container } = contexts(await withValues({ podSecurityContext: { runAsUser: null, runAsGroup: null, fsGroup: null }, containerSecurityContext: { runAsUser: null } }));
      expect(pod.length).toBe(defaults.pod.length);
      expect(container.length).toBe(defaults.container.length);
      for (const c of pod) {
        expect(Object.keys(c).filter((k) => ['runAsUser', 'runAsGroup', 'fsGroup'].includes(k))).toEqual([]);
        expect(c.runAsNonRoot).toBe(true);
      }
      for (const c of container) expect(c.runAsUser).toBeUndefined();
    });
  });

  it('takes the values from a tenant file through the umbrella, nulls included', async () => {
    const tenant = { ticketingAgent: { podSecurityContext: { runAsUser: null, fsGroup: null }, containerSecurityContext: { runAsGroup: 4242 } } };
    const objs = await renderValues(bin, 'logclaw-tenant', tenant, { values: [ciFile('logclaw-tenant', 'all-platforms-values.yaml')], namespace: 'logclaw-acme', apiVersions: APIS });
    const agent = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'logclaw-ticketing-agent') as any;
    expect(agent.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, runAsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(agent.spec.template.spec.containers[0].securityContext).toMatchObject({ runAsGroup: 4242, runAsNonRoot: true, allowPrivilegeEscalation: false });
  });

  it('refuses a container key that would loosen the restricted profile', async () => {
    const chart = 'logclaw-ticketing-agent';
    const err = await renderError(bin, chart, { containerSecurityContext: { privileged: true } }, { values: [ciFile(chart, 'dev-values.yaml')] });
    // helm 3 names the value, helm 4 the key it refuses
    expect(err).toMatch(/containerSecurityContext|invalid propertyName 'privileged'/);
    expect(err).toMatch(/privileged/);
  });
});

it('covers every chart with pods', () => {
  expect(Object.keys(CASES).sort()).toEqual([...Object.values(CORE).filter((c) => c !== CORE.platform), ...INTELLIGENCE].sort());
});
