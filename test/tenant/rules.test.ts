/** Every rule a schema cannot express, positive and negative, positioned in the file. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseTenantText } from '../../src/tenant/load.js';
import { checkRules, checkUniqueIds, inClusterEndpoint } from '../../src/tenant/rules.js';
import { RULES } from '../../src/tenant/types.js';

type Obj = Record<string, unknown>;
const base = (id = 'acme'): Obj => ({
  global: { tenantId: id, tenantName: 'Acme', tier: 'standard', cloudProvider: 'aws', environment: 'production' },
  ticketingAgent: { config: { platforms: { pagerduty: { enabled: true } }, routing: { critical: ['pagerduty'] } } },
});
const merge = (a: Obj, b: Obj): Obj => {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k] as Obj, v as Obj) : v;
  }
  return out;
};
const load = (values: Obj, file = '/t/tenant-acme.yaml') => parseTenantText(stringify(values), file.split('/').pop()!, file);
const rules = (values: Obj, file?: string) => checkRules(load(values, file));
const ids = (values: Obj, file?: string) => rules(values, file).map((f) => f.rule);
const airGapped = (extra: Obj = {}): Obj =>
  merge(
    merge(base(), {
      global: { airGapped: true, objectStorage: { provider: 's3', bucket: 'logs', endpoint: 'http://minio.minio.svc:9000' } },
      zammad: { enabled: true },
      ticketingAgent: { config: { platforms: { pagerduty: { enabled: false }, zammad: { enabled: true } }, routing: { critical: ['zammad'] } } },
    }),
    extra,
  );

describe('tenant rules', () => {
  it('a plain valid tenant has no findings', () => {
    expect(rules(base())).toEqual([]);
    expect(rules(airGapped())).toEqual([]);
  });

  it('every rule is listed with a description', () => {
    for (const id of ['tenant-id-filename', 'tenant-id-unique', 'routing-platform-enabled', 'routing-empty', 'ticketing-platform-required', 'air-gapped-egress', 'air-gapped-llm', 'air-gapped-object-storage', 'object-storage-cloud', 'secret-store-fields', 'secret-store-identity', 'platform-label-reserved', 'agent-namespaces', 'agent-pod-security']) {
      expect(RULES).toHaveProperty(id);
    }
  });

  describe('tenant-id-filename', () => {
    it('accepts tenant-<id>.yaml', () => expect(ids(base('acme'), '/x/tenant-acme.yaml')).toEqual([]));
    it('refuses another id, at the tenantId line', () => {
      const [f] = rules(base('acme'), '/x/tenant-other.yaml');
      expect(f).toMatchObject({ rule: 'tenant-id-filename', line: 2, path: 'global.tenantId', severity: 'error' });
      expect(f!.message).toContain('rename the file to tenant-acme.yaml');
    });
    it('refuses a file not named tenant-*.yaml', () => {
      for (const name of ['/x/acme.yaml', '/x/tenant-acme.yml', '/x/tenant_acme.yaml']) {
        expect(ids(base('acme'), name)).toEqual(['tenant-id-filename']);
      }
    });
  });

  describe('tenant-id-unique', () => {
    it('flags every file sharing an id, and only those', () => {
      const a = load(base('acme'), '/a/tenant-acme.yaml');
      const b = load(base('acme'), '/b/tenant-acme.yaml');
      const c = load(base('beta'), '/c/tenant-beta.yaml');
      const f = checkUniqueIds([a, b, c]);
      expect(f.map((x) => [x.file, x.rule, x.line])).toEqual([
        ['tenant-acme.yaml', 'tenant-id-unique', 2],
        ['tenant-acme.yaml', 'tenant-id-unique', 2],
      ]);
      expect(checkUniqueIds([a, c])).toEqual([]);
    });
  });

  describe('routing-platform-enabled', () => {
    it('flags a route to a disabled platform at the list item', () => {
      const v = merge(base(), { ticketingAgent: { config: { routing: { critical: ['pagerduty'], low: ['pagerduty', 'slack'] } } } });
      const [f] = rules(v);
      expect(f).toMatchObject({ rule: 'routing-platform-enabled', path: 'ticketingAgent.config.routing.low[1]' });
      expect(f!.message).toContain('slack');
      const text = stringify(v).split('\n');
      expect(text[f!.line - 1]).toContain('- slack');
    });
    it('accepts routes to enabled platforms', () => {
      expect(ids(merge(base(), { ticketingAgent: { config: { platforms: { slack: { enabled: true } }, routing: { low: ['slack', 'pagerduty'] } } } }))).toEqual([]);
    });
  });

  describe('ticketing-platform-required', () => {
    it('flags an enabled agent (the default) without platforms', () => {
      const v = base();
      (v.ticketingAgent as Obj).config = { platforms: { pagerduty: { enabled: false } } };
      expect(ids(v)).toEqual(['ticketing-platform-required']);
      delete v.ticketingAgent;
      expect(ids(v)).toEqual(['ticketing-platform-required']);
    });
    it('accepts a disabled agent without platforms', () => {
      const v = base();
      v.ticketingAgent = { enabled: false };
      expect(ids(v)).toEqual([]);
    });
  });

  describe('zammad-platform-component', () => {
    it('flags zammad tickets without the Zammad component (off by default)', () => {
      const v = merge(base(), { ticketingAgent: { config: { platforms: { zammad: { enabled: true } } } } });
      expect(ids(v)).toEqual(['zammad-platform-component']);
      expect(ids(merge(v, { zammad: { enabled: true } }))).toEqual([]);
    });
  });

  describe('air-gapped-egress', () => {
    it.each(['pagerduty', 'jira', 'servicenow', 'opsgenie', 'slack'])('refuses %s when air-gapped', (p) => {
      const v = airGapped({ ticketingAgent: { config: { platforms: { [p]: { enabled: true } } } } });
      const f = rules(v).filter((x) => x.rule === 'air-gapped-egress');
      expect(f).toHaveLength(1);
      expect(f[0]!.path).toBe(`ticketingAgent.config.platforms.${p}.enabled`);
    });
    it('allows them when not air-gapped', () => {
      expect(ids(merge(base(), { ticketingAgent: { config: { platforms: { slack: { enabled: true } } } } }))).toEqual([]);
    });
  });

  describe('air-gapped-llm', () => {
    it.each(['claude', 'openai'])('refuses %s', (provider) => {
      expect(ids(airGapped({ global: { llm: { provider } } }))).toEqual(['air-gapped-llm']);
    });
    it.each(['ollama', 'vllm', 'disabled'])('allows %s', (provider) => {
      expect(ids(airGapped({ global: { llm: { provider } } }))).toEqual([]);
    });
    it('refuses an LLM endpoint outside the cluster, allows one inside', () => {
      expect(ids(airGapped({ global: { llm: { provider: 'vllm', endpoint: 'https://api.example.com/v1' } } }))).toEqual(['air-gapped-llm']);
      expect(ids(airGapped({ global: { llm: { provider: 'vllm', endpoint: 'http://vllm.logclaw-acme.svc:8000/v1' } } }))).toEqual([]);
    });
  });

  describe('air-gapped-object-storage', () => {
    it('requires an endpoint', () => {
      const v = airGapped();
      delete ((v.global as Obj).objectStorage as Obj).endpoint;
      expect(ids(v)).toEqual(['air-gapped-object-storage']);
      delete (v.global as Obj).objectStorage;
      const [f] = rules(v);
      expect(f).toMatchObject({ rule: 'air-gapped-object-storage', path: 'global.airGapped' });
    });
    it('requires the endpoint inside the cluster', () => {
      for (const endpoint of ['https://s3.amazonaws.com', 'http://10.0.0.5:9000', 'http://localhost:9000', 'http://minio.example.com']) {
        expect(ids(airGapped({ global: { objectStorage: { endpoint } } })), endpoint).toEqual(['air-gapped-object-storage']);
      }
    });
    it('refuses gcs and azure', () => {
      expect(ids(airGapped({ global: { objectStorage: { provider: 'gcs' } } }))).toContain('air-gapped-object-storage');
    });
    it('knows an in-cluster endpoint', () => {
      expect(inClusterEndpoint('http://minio.minio.svc:9000')).toBe(true);
      expect(inClusterEndpoint('http://minio.minio.svc.cluster.local:9000')).toBe(true);
      expect(inClusterEndpoint('http://minio:9000')).toBe(true);
      expect(inClusterEndpoint('https://minio.minio.svc.corp.internal')).toBe(false);
      expect(inClusterEndpoint('http://minio.minio:9000')).toBe(false);
      expect(inClusterEndpoint('http://a.b.c.svc:9000')).toBe(false);
      expect(inClusterEndpoint('http://minio.svc.example.com.evil.io')).toBe(false);
      expect(inClusterEndpoint('not a url')).toBe(false);
      expect(inClusterEndpoint('http://[::1]:9000')).toBe(false);
    });
  });

  describe('object-storage-cloud (warning)', () => {
    it('warns when the provider is not the cloud\'s own', () => {
      const f = rules(merge(base(), { global: { objectStorage: { provider: 'gcs', bucket: 'logs' } } }));
      expect(f.map((x) => [x.rule, x.severity, x.path])).toEqual([['object-storage-cloud', 'warning', 'global.objectStorage.provider']]);
      expect(ids(merge(base(), { global: { cloudProvider: 'gcp', objectStorage: { bucket: 'logs' } } }))).toEqual(['object-storage-cloud']);
    });
    it('is quiet when they match or nothing is configured', () => {
      expect(ids(merge(base(), { global: { objectStorage: { provider: 's3', bucket: 'logs' } } }))).toEqual([]);
      expect(ids(merge(base(), { global: { cloudProvider: 'azure', objectStorage: { provider: 'azure', bucket: 'logs' } } }))).toEqual([]);
      expect(ids(merge(base(), { global: { cloudProvider: 'gcp' } }))).toEqual([]);
    });
  });

  describe('secret-store-fields', () => {
    const cases: Array<[string, Obj, string[]]> = [
      ['aws', { region: 'us-east-1' }, ['global.secretStore.aws.region']],
      ['gcp', { projectId: 'acme-logs-prod' }, ['global.secretStore.gcp.projectId']],
      ['vault', { server: 'https://vault.vault.svc:8200', role: 'logclaw' }, ['global.secretStore.vault.server', 'global.secretStore.vault.role']],
      ['azure', { vaultUrl: 'https://acme.vault.azure.net' }, ['global.secretStore.azure.vaultUrl']],
    ];
    // in dev, so that the workload identity (secret-store-identity) is not asked for
    it.each(cases)('%s: requires its fields', (provider, block, fields) => {
      expect(ids(merge(base(), { global: { environment: 'dev', secretStore: { provider, [provider]: block } } }))).toEqual([]);
      const none = rules(merge(base(), { global: { environment: 'dev', secretStore: { provider } } }));
      expect(none.map((f) => f.rule)).toEqual(['secret-store-fields']);
      for (const field of fields) expect(none[0]!.message).toContain(field);
      const empty = rules(merge(base(), { global: { environment: 'dev', secretStore: { provider, [provider]: {} } } }));
      expect(empty[0]).toMatchObject({ rule: 'secret-store-fields', path: `global.secretStore.${provider}` });
    });
  });

  describe('secret-store-identity', () => {
    const cases: Array<[string, Obj, string[]]> = [
      ['aws', { region: 'us-east-1', roleArn: 'arn:aws:iam::123456789012:role/acme' }, ['global.secretStore.aws.roleArn']],
      ['gcp', { projectId: 'acme', clusterLocation: 'europe-west1', clusterName: 'prod' }, ['global.secretStore.gcp.clusterLocation', 'global.secretStore.gcp.clusterName']],
      ['azure', { vaultUrl: 'https://acme.vault.azure.net', identityClientId: '66666666-7777-8888-9999-000000000000' }, ['global.secretStore.azure.identityClientId']],
    ];
    it.each(cases)('%s: outside dev the store needs the tenant identity', (provider, block, fields) => {
      expect(ids(merge(base(), { global: { secretStore: { provider, [provider]: block } } }))).toEqual([]);
      const required = Object.fromEntries(Object.entries(block).filter(([k]) => !fields.some((f) => f.endsWith(`.${k}`))));
      const without = rules(merge(base(), { global: { secretStore: { provider, [provider]: required } } }));
      expect(without.map((f) => [f.rule, f.severity, f.path])).toEqual([['secret-store-identity', 'error', `global.secretStore.${provider}`]]);
      for (const field of fields) expect(without[0]!.message).toContain(field);
      expect(ids(merge(base(), { global: { environment: 'dev', secretStore: { provider, [provider]: required } } }))).toEqual([]);
    });
    it('vault logs in with the tenant role and needs nothing more', () => {
      expect(ids(merge(base(), { global: { secretStore: { provider: 'vault', vault: { server: 'https://vault.vault.svc:8200', role: 'logclaw' } } } }))).toEqual([]);
    });
  });

  describe('agent-namespaces, agent-pod-security', () => {
    const privileged = { platform: { podSecurity: { enforce: 'privileged' } } };
    it('the node agent names its namespaces and runs in a privileged namespace', () => {
      expect(ids(merge(base(), { ...privileged, ingestion: { agent: { enabled: true, namespaces: ['payments'] } } }))).toEqual([]);
      expect(ids(merge(base(), { ingestion: { agent: { enabled: false } } }))).toEqual([]);
    });
    it('refuses the agent without namespaces, at the list or at enabled', () => {
      const empty = rules(merge(base(), { ...privileged, ingestion: { agent: { enabled: true, namespaces: [] } } }));
      expect(empty.map((f) => [f.rule, f.severity, f.path])).toEqual([['agent-namespaces', 'error', 'ingestion.agent.namespaces']]);
      expect(empty[0]!.message).toMatch(/every namespace on the node/);
      expect(rules(merge(base(), { ...privileged, ingestion: { agent: { enabled: true } } })).map((f) => [f.rule, f.path])).toEqual([['agent-namespaces', 'ingestion.agent.enabled']]);
    });
    it('refuses the agent in a namespace Pod Security would refuse it in, unless the chart does not make the namespace', () => {
      const restricted = rules(merge(base(), { ingestion: { agent: { enabled: true, namespaces: ['payments'] } } }));
      expect(restricted.map((f) => [f.rule, f.severity, f.path])).toEqual([['agent-pod-security', 'error', 'ingestion.agent.enabled']]);
      expect(restricted[0]!.message).toMatch(/hostPath, which baseline forbids as restricted does/);
      expect(rules(merge(base(), { platform: { podSecurity: { enforce: 'baseline' } }, ingestion: { agent: { enabled: true, namespaces: ['payments'] } } })).map((f) => f.path)).toEqual(['platform.podSecurity.enforce']);
      expect(ids(merge(base(), { platform: { namespace: { create: false } }, ingestion: { agent: { enabled: true, namespaces: ['payments'] } } }))).toEqual([]);
    });
  });

  describe('platform-label-reserved', () => {
    it('refuses a key under platform.logclaw.io/ anywhere in the values, at that key', () => {
      const found = rules(merge(base(), { flink: { serviceAccount: { annotations: { 'platform.logclaw.io/role': 'operators' } } } }));
      expect(found.map((f) => [f.rule, f.severity, f.path])).toEqual([['platform-label-reserved', 'error', 'flink.serviceAccount.annotations["platform.logclaw.io/role"]']]);
      expect(found[0]!.message).toMatch(/only the platform sets/);
      expect(found[0]!.line).toBeGreaterThan(1);
    });
    it('refuses a key=value string that sets one, in dev too; other prefixes and mentions pass', () => {
      expect(ids(merge(base(), { global: { environment: 'dev' }, airflow: { values: { labels: ['platform.logclaw.io/role=monitoring'] } } }))).toEqual(['platform-label-reserved']);
      expect(ids(merge(base(), { flink: { serviceAccount: { annotations: { 'logclaw.io/role': 'operators', note: 'see platform.logclaw.io/role' } } } }))).toEqual([]);
    });
  });

  it('rules survive values of the wrong types (the schema reports those)', () => {
    const weird: Obj = { global: { tenantId: 7, airGapped: true, llm: 'x', objectStorage: [], secretStore: { provider: 9 } }, ticketingAgent: { config: { routing: { critical: 'pagerduty', high: [1, null] }, platforms: [] } } };
    expect(() => rules(weird)).not.toThrow();
  });
});
