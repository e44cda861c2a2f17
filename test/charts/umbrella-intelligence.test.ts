/**
 * The umbrella with the intelligence components (flink, mlEngine, airflow, ticketingAgent, zammad):
 * every case renders clean under helm 3 and helm 4 and passes the lint engine (Kubernetes schemas, the
 * pinned CRDs, Pod Security, references); routing, LLM providers, KServe present/absent, the values the
 * official Airflow and Zammad charts receive, and the air-gapped proof on every rendered NetworkPolicy.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { helms, HELM3 } from '../helpers/tools.js';
import { allApis, describeFindings, inIntelligenceChart, renderChecked, withoutKserve, type Rendered } from './checked-render.js';
import { agentConfig, echoedValues, expectZammad } from './intelligence-objects.js';
import { ciFile, prepareCharts, readValues, type K8sObject } from './lib.js';
import { externalEgress, podTemplates, policies, selects } from './network-policies.js';

const UMBRELLA = 'logclaw-tenant';
const PLATFORMS = ['pagerduty', 'jira', 'servicenow', 'opsgenie', 'slack', 'zammad'];
const SAAS = PLATFORMS.filter((p) => p !== 'zammad');

/** Umbrella cases of the intelligence components, plus the air-gapped and dev cases (they render these charts too). */
const CASE_FILES = [
  'all-platforms',
  'zammad-ollama',
  'zammad-ollama-slack',
  'llm-openai',
  'llm-vllm',
  'airgapped-zammad-vllm',
  'onprem-airgapped',
  'dev',
];

interface Case {
  name: string;
  file: string;
  values: Record<string, any>;
  namespace: string;
  release: string;
}
const cases: Case[] = CASE_FILES.map((n) => {
  const file = ciFile(UMBRELLA, `${n}-values.yaml`);
  const values = readValues(file);
  const id = values.global.tenantId as string;
  return { name: n, file, values, namespace: `logclaw-${id}`, release: `logclaw-${id}` };
});
const byName = (n: string): Case => cases.find((c) => c.name === n)!;

const enabledPlatforms = (c: Case): string[] => PLATFORMS.filter((p) => c.values.ticketingAgent?.config?.platforms?.[p]?.enabled);
const llmProvider = (c: Case): string => c.values.global.llm?.provider ?? 'disabled';
const isAirGapped = (c: Case): boolean => c.values.global.airGapped === true;
/** "only Zammad + Ollama": the ticketing platforms are exactly Zammad and the LLM is Ollama. */
const onlyZammadOllama = (c: Case): boolean => enabledPlatforms(c).join() === 'zammad' && llmProvider(c) === 'ollama';
const apiServer = (c: Case) => ({
  cidrs: (c.values.platform?.networkPolicy?.kubeApiServer?.cidrs as string[]) ?? [],
  ports: (c.values.platform?.networkPolicy?.kubeApiServer?.ports as number[]) ?? [443, 6443],
});

const renderCase = (helm: string, c: Case, apiVersions = allApis): Promise<Rendered> =>
  renderChecked(helm, UMBRELLA, { values: [c.file], namespace: c.namespace, release: c.release, apiVersions });

const own = (r: Rendered): K8sObject[] => r.rendered.filter((x) => inIntelligenceChart(x.file)).map((x) => x.obj as K8sObject);
const kinds = (objs: K8sObject[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const o of [...objs].sort((a, b) => a.kind.localeCompare(b.kind))) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
};
/** Helm 4 keeps null defaults of subchart values (helm 3 drops them): compare the airflow stand-in's echo without nulls. */
const dropNulls = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(dropNulls) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, dropNulls(x)])) : v;
const comparable = (o: K8sObject): unknown =>
  o.kind === 'ConfigMap' && o.metadata.name.endsWith('-values-echo') ? { ...o, data: { ...(o as any).data, 'values.yaml': dropNulls(parseYaml((o as any).data['values.yaml'])) } } : o;
const find = (objs: K8sObject[], kind: string, name: string): any => objs.find((o) => o.kind === kind && o.metadata.name === name);

beforeAll(async () => {
  // Render every case under both helms up front (2 at a time: the machine has 2 cores).
  const jobs = helms.flatMap((h) => cases.map((c) => () => renderCase(h.bin, c)));
  jobs.push(...helms.flatMap((h) => ['all-platforms', 'zammad-ollama'].map((n) => () => renderCase(h.bin, byName(n), withoutKserve))));
  const run = async (): Promise<void> => {
    for (let j = jobs.shift(); j; j = jobs.shift()) await j();
  };
  await Promise.all([run(), run()]);
});

describe.each(helms)('$name', ({ bin }) => {
  describe.each(cases)('ci/$name-values.yaml', (c) => {
    it('renders clean and passes the lint engine (schemas, CRDs, Pod Security, references)', async () => {
      const r = await renderCase(bin, c);
      expect(describeFindings(r.findings)).toEqual([]);
      expect(own(r).length).toBeGreaterThan(5);
    });
  });

  it('renders the same objects of the intelligence charts as helm 3', async () => {
    for (const c of cases) {
      const mine = own(await renderCase(bin, c)).map(comparable);
      const ref = own(await renderCase(HELM3, c)).map(comparable);
      expect(mine).toEqual(ref);
    }
  });

  it('renders the InferenceService only when serving.kserve.io/v1beta1 is served', async () => {
    for (const n of ['all-platforms', 'zammad-ollama']) {
      const c = byName(n);
      const present = own(await renderCase(bin, c));
      const absent = own(await renderCase(bin, c, withoutKserve));
      const isvc = present.filter((o) => o.kind === 'InferenceService');
      expect(isvc.map((o) => o.metadata.name)).toEqual(['logclaw-ml-engine-anomaly']);
      expect((isvc[0] as any).spec.predictor.model.modelFormat.name).toBe('pytorch');
      expect((isvc[0] as any).spec.predictor.model.runtime).toBe('kserve-torchserve');
      expect(absent.filter((o) => o.kind === 'InferenceService')).toEqual([]);
      // Anomaly scoring needs the model: without KServe its FlinkDeployment goes too; nothing else changes.
      const gone = present.filter((o) => !absent.some((a) => a.kind === o.kind && a.metadata.name === o.metadata.name)).map((o) => `${o.kind}/${o.metadata.name}`);
      const ha = c.values.global.tier !== 'standard';
      expect(gone.sort()).toEqual([
        'FlinkDeployment/logclaw-flink-anomaly-scoring',
        'InferenceService/logclaw-ml-engine-anomaly',
        ...(ha ? ['PodDisruptionBudget/logclaw-flink-anomaly-scoring-jobmanager'] : []),
      ]);
    }
  });
});

describe.each(cases)('ci/$name-values.yaml (helm 3)', (c) => {
  let objs: K8sObject[];
  let all: K8sObject[];
  beforeAll(async () => {
    const r = await renderCase(HELM3, c);
    objs = own(r);
    all = r.objects;
  });

  it('routes each severity to exactly the platforms of the tenant file, with their credentials', () => {
    const cfg = agentConfig(all);
    const enabled = enabledPlatforms(c);
    for (const p of PLATFORMS) expect(cfg.platforms[p].enabled, p).toBe(enabled.includes(p));
    for (const s of ['critical', 'high', 'medium', 'low']) {
      const want = c.values.ticketingAgent?.config?.routing?.[s] ?? [];
      expect(cfg.routing[s], s).toEqual(want);
      for (const p of cfg.routing[s]) expect(enabled).toContain(p);
    }
    const dev = c.values.global.environment === 'dev';
    const es = objs.filter((o) => o.kind === 'ExternalSecret' && o.metadata.labels?.['logclaw.io/platform']);
    expect(es.map((o) => o.metadata.labels!['logclaw.io/platform']).sort()).toEqual(dev ? [] : [...enabled].sort());
    const deploy = find(objs, 'Deployment', 'logclaw-ticketing-agent');
    const secrets = deploy.spec.template.spec.volumes.filter((v: any) => v.name.startsWith('platform-')).map((v: any) => v.secret.secretName);
    expect(secrets.sort()).toEqual(enabled.map((p) => `logclaw-ticketing-agent-${p}`).sort());
    expect(cfg.kafka.topic).toBe('anomaly-events');
    expect(cfg.kafka.groupId).toBe(`logclaw-ticketing-agent-${c.values.global.tenantId}`);
    expect(cfg.kafka.bootstrapServers).toBe(dev ? 'logclaw-kafka-bootstrap:9092' : 'logclaw-kafka-bootstrap:9093');
    if (enabled.includes('zammad')) {
      // Zammad is reached in the namespace, at the Service the official chart makes.
      expect(cfg.platforms.zammad.url).toBe('http://logclaw-zammad-nginx:8080');
      expect(find(all, 'Service', 'logclaw-zammad-nginx').spec.ports[0].port).toBe(8080);
    }
  });

  it('gives the agent the tenant\'s LLM, and the objects of the provider', () => {
    const provider = llmProvider(c);
    const cfg = agentConfig(all);
    expect(cfg.llm.provider).toBe(provider);
    if (c.values.global.llm?.model) expect(cfg.llm.model).toBe(c.values.global.llm.model);
    const names = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    const has = (n: string): boolean => names.includes(n);
    expect(has('Deployment/logclaw-ml-engine-ollama') && has('PersistentVolumeClaim/logclaw-ml-engine-ollama') && has('Service/logclaw-ml-engine-ollama')).toBe(provider === 'ollama');
    expect(has('Deployment/logclaw-ml-engine-vllm')).toBe(provider === 'vllm');
    const external = ['claude', 'openai'].includes(provider);
    expect(has('ExternalSecret/logclaw-llm-api-key')).toBe(external && c.values.global.environment !== 'dev');
    expect(cfg.llm.apiKeyFile !== undefined).toBe(external);
    if (provider === 'ollama') expect(cfg.llm.endpoint).toBe('http://logclaw-ml-engine-ollama:11434');
    if (provider === 'vllm') expect(cfg.llm.endpoint).toBe('http://logclaw-ml-engine-vllm:8000/v1');
  });

  it('passes LogClaw values to the official Airflow chart', () => {
    if (c.values.airflow?.enabled === false) return;
    const v = echoedValues(all, 'airflow');
    const dev = c.values.global.environment === 'dev';
    expect(v.executor).toBe(c.values.airflow?.executor ?? 'KubernetesExecutor');
    expect(v.postgresql.enabled).toBe(false);
    expect(v.data.metadataSecretName).toBe('logclaw-airflow-metadata');
    expect(v.migrateDatabaseJob.enabled).toBe(true);
    expect(v.networkPolicies.enabled).toBe(false);
    expect(v.labels['logclaw.io/component']).toBe('airflow');
    expect(v.webserver.resources.requests.memory).toMatch(/^(1Gi|1536Mi|[2-9]Gi)$/);
    expect(v.webserver.resources.limits.memory).toBe('2Gi');
    expect(v.webserver.defaultUser.enabled).toBe(dev);
    // The metadata connection comes from LogClaw: its bundled PostgreSQL in dev, the secret store otherwise.
    const source = dev ? find(objs, 'Secret', 'logclaw-airflow-metadata') : find(objs, 'ExternalSecret', 'logclaw-airflow-metadata');
    expect(source, 'metadata connection Secret').toBeDefined();
    expect(!!find(objs, 'StatefulSet', 'logclaw-airflow-postgresql')).toBe(dev);
    const os = c.values.global.objectStorage;
    if (os?.bucket) {
      const folder = { s3: `s3://${os.bucket}/airflow/logs`, gcs: `gs://${os.bucket}/airflow/logs`, azure: 'wasb-airflow-logs' }[os.provider as string];
      expect(v.config.logging.remote_logging).toBe('True');
      expect(v.config.logging.remote_base_log_folder).toBe(folder);
    } else expect(v.config.logging.remote_logging).toBe('False');
    const git = c.values.airflow?.dags?.gitSync?.repo;
    expect(v.dags.gitSync.enabled).toBe(!!git);
    if (git) expect(v.dags.gitSync.repo).toBe(git);
    // LogClaw's selectors find the official chart's pods (the stand-in labels them the same way).
    const np = find(objs, 'NetworkPolicy', 'logclaw-airflow');
    const pods = podTemplates(all).filter((p) => p.labels.tier === 'airflow');
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) expect(selects(np.spec.podSelector, p.labels), p.owner).toBe(true);
  });

  it('passes LogClaw values to the official Zammad chart', () => {
    if (!c.values.zammad?.enabled) {
      expect(all.some((o) => o.metadata.name.includes('zammad') && o.kind !== 'ConfigMap')).toBe(false);
      return;
    }
    expectZammad(all, { release: c.release, dev: c.values.global.environment === 'dev' });
    const np = find(objs, 'NetworkPolicy', 'logclaw-zammad');
    const pods = podTemplates(all).filter((p) => p.labels['logclaw.io/component'] === 'zammad');
    expect(pods.length).toBe(9);
    for (const p of pods) expect(selects(np.spec.podSelector, p.labels), p.owner).toBe(true);
  });
});

describe('air-gapped proof: no pod may open a connection outside the cluster', () => {
  const proofCases = cases.filter((c) => isAirGapped(c) || onlyZammadOllama(c));

  it('covers every air-gapped case and the only-Zammad+Ollama case', () => {
    expect(proofCases.map((c) => c.name).sort()).toEqual(['airgapped-zammad-vllm', 'onprem-airgapped', 'zammad-ollama']);
  });

  describe.each(helms)('$name', ({ bin }) => {
    it.each(proofCases)('ci/$name-values.yaml: every NetworkPolicy keeps egress inside the cluster', async (c) => {
      const r = await renderCase(bin, c);
      const pols = policies(r.objects);
      // Every pod is subject to egress policies: the namespace-wide default deny selects all pods.
      expect(pols.some((p) => Object.keys(p.podSelector.matchLabels ?? {}).length === 0 && !p.podSelector.matchExpressions && p.policyTypes.includes('Egress') && p.egress.length === 0)).toBe(true);
      const leaks: string[] = [];
      for (const p of pols) {
        for (const [i, rule] of p.egress.entries()) {
          const why = externalEgress(rule, apiServer(c));
          if (why) leaks.push(`${p.name} egress[${i}]: ${why}`);
        }
      }
      expect(leaks).toEqual([]);
      // Not a vacuous pass: the tenant's own components have policies with egress rules.
      expect(pols.filter((p) => p.egress.length > 0).map((p) => p.name)).toEqual(expect.arrayContaining(['logclaw-ticketing-agent', 'logclaw-ml-engine', 'logclaw-airflow']));
      const agent = pols.find((p) => p.name === 'logclaw-ticketing-agent')!;
      expect(agent.egress.flatMap((e) => e.to ?? []).some((peer) => peer.ipBlock)).toBe(false);
    });
  });

  it.each(helms)('$name: with Slack enabled exactly the ticketing agent gets 443 to outside the cluster', async ({ bin }) => {
    const c = byName('zammad-ollama-slack');
    expect(enabledPlatforms(c)).toEqual(['slack', 'zammad']);
    const r = await renderCase(bin, c);
    const pols = policies(r.objects);
    const open = pols.flatMap((p) => p.egress.filter((rule) => externalEgress(rule, apiServer(c))).map((rule) => ({ p, rule })));
    expect(open.map((x) => x.p.name)).toEqual(['logclaw-ticketing-agent']);
    expect(open[0]!.rule.ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    // The policy selects the agent's pods and no other pod of the namespace.
    const selected = podTemplates(r.objects).filter((t) => selects(open[0]!.p.podSelector, t.labels));
    expect(selected.map((t) => t.owner)).toEqual(['Deployment/logclaw-ticketing-agent']);
    // Without Slack (the same tenant otherwise) nothing leaves the cluster.
    const without = policies((await renderCase(bin, byName('zammad-ollama'))).objects);
    expect(without.flatMap((p) => p.egress.filter((rule) => externalEgress(rule, apiServer(byName('zammad-ollama')))))).toEqual([]);
  });

  it('opens HTTPS for the agent exactly when a SaaS platform or an external LLM is enabled', async () => {
    for (const c of cases) {
      const r = await renderCase(HELM3, c);
      const agent = policies(r.objects).find((p) => p.name === 'logclaw-ticketing-agent')!;
      const needs = enabledPlatforms(c).some((p) => SAAS.includes(p)) || ['claude', 'openai'].includes(llmProvider(c));
      const external = agent.egress.filter((rule) => externalEgress(rule, { cidrs: [], ports: [] }));
      expect(external.length, c.name).toBe(needs ? 1 : 0);
      if (needs) expect(external[0]!.ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    }
  });
});

describe('rendered objects per case', () => {
  it('records the objects of the intelligence charts and the whole tenant', async () => {
    const table: Record<string, unknown> = {};
    for (const c of cases) {
      const r = await renderCase(HELM3, c);
      table[c.name] = { total: r.objects.length, intelligence: own(r).length, ...kinds(own(r)) };
      expect(own(r).every((o) => o.metadata.labels?.['logclaw.io/tenant'] === c.values.global.tenantId || o.metadata.labels?.['logclaw.io/stand-in'] === 'true')).toBe(true);
    }
    console.log(JSON.stringify(table, null, 1));
    expect(Object.keys(table)).toHaveLength(cases.length);
  });
});

describe('NOTES.txt', () => {
  // helm 3's `install --dry-run=client` still wants a reachable cluster; helm 4 renders NOTES offline.
  it.each(helms.filter((h) => h.name === 'helm4'))('lists the endpoints, routing and external egress of the intelligence components ($name)', async ({ bin }) => {
    const c = byName('zammad-ollama-slack');
    const dir = join(await prepareCharts(), UMBRELLA);
    const { stdout } = await promisify(execFile)(bin, ['install', c.release, dir, '--namespace', c.namespace, '--dry-run=client', '--values', c.file], { maxBuffer: 64 << 20 });
    const notes = stdout.slice(stdout.indexOf('NOTES:'));
    expect(notes).toContain(`http://logclaw-ml-engine-feast.${c.namespace}.svc:6567`);
    expect(notes).toContain(`http://logclaw-ml-engine-ollama.${c.namespace}.svc:11434`);
    expect(notes).toContain(`http://logclaw-ticketing-agent.${c.namespace}.svc:8080`);
    expect(notes).toContain(`http://logclaw-zammad-nginx.${c.namespace}.svc:8080`);
    expect(notes).toMatch(/critical\s+zammad, slack/);
    expect(notes).toMatch(/low\s+zammad/);
    expect(notes).toContain('Egress outside the cluster of the ticketing agent: HTTPS (443) for slack');
  });
});
