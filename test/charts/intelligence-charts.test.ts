/**
 * The intelligence charts on their own (as helmfile installs them), with each of their ci/*-values.yaml under helm 3 and helm 4: they render
 * clean and pass the lint engine; then what each chart promises (Flink storage URIs, HA and upgrade modes,
 * Feast stores, LLM servers and their model sources, agent autoscaling and optional CRDs, Airflow and Zammad
 * values) and the mistakes they refuse with a clear message.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { helms, HELM3, sharedDir } from '../helpers/tools.js';
import { allApis, describeFindings, renderChecked, withoutKserve, type Rendered } from './checked-render.js';
import { agentConfig, echoedValues, expectZammad } from './intelligence-objects.js';
import { ciCases, ciFile, INTELLIGENCE, prepareCharts, renderError, renderValues, type K8sObject } from './lib.js';
import { podTemplates, policies, selects } from './network-policies.js';

const execFileP = promisify(execFile);
const cases = INTELLIGENCE.flatMap((chart) => ciCases(chart).map((f) => ({ chart, file: f, name: `${chart}/ci/${f}` })));
const render = (helm: string, chart: string, file: string, apiVersions = allApis): Promise<Rendered> =>
  renderChecked(helm, chart, { values: [ciFile(chart, file)], apiVersions });
const find = (objs: K8sObject[], kind: string, name: string): any => objs.find((o) => o.kind === kind && o.metadata.name === name);
const ofKind = (objs: K8sObject[], kind: string): any[] => objs.filter((o) => o.kind === kind);
const noCrds: string[] = [];

beforeAll(async () => {
  const jobs = helms.flatMap((h) => cases.map((c) => () => render(h.bin, c.chart, c.file)));
  const run = async (): Promise<void> => {
    for (let j = jobs.shift(); j; j = jobs.shift()) await j();
  };
  await Promise.all([run(), run()]);
});

it('has ci cases for every intelligence chart', () => {
  for (const chart of INTELLIGENCE) expect(ciCases(chart).length, chart).toBeGreaterThanOrEqual(2);
});

describe.each(helms)('$name', ({ bin }) => {
  it.each(cases)('$name renders clean and passes the lint engine', async (c) => {
    const r = await render(bin, c.chart, c.file);
    // Alone, a chart names services of the tenant's other charts (Kafka, OpenSearch, Feast): the umbrella
    // renders of umbrella-intelligence.test.ts check those addresses.
    expect(describeFindings(r.findings.filter((f) => f.rule !== 'address-unresolved'))).toEqual([]);
  });
});

describe('logclaw-flink', () => {
  const chart = 'logclaw-flink';
  const flink = async (file: string, apis = allApis) => (await render(HELM3, chart, file, apis)).objects;
  const conf = (fd: any): Record<string, string> => fd.spec.flinkConfiguration;

  it('installs only its identity and job configuration in dev (no jars on a laptop)', async () => {
    const objs = await flink('dev-values.yaml');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/logclaw-flink-jobs', 'Role/logclaw-flink', 'RoleBinding/logclaw-flink', 'ServiceAccount/logclaw-flink']);
    const props = find(objs, 'ConfigMap', 'logclaw-flink-jobs').data;
    expect(Object.keys(props)).toEqual(['common.properties']);
    expect(props['common.properties']).toContain('kafka.bootstrap.servers=logclaw-kafka-bootstrap:9092');
    expect(props['common.properties']).toContain('kafka.security.protocol=PLAINTEXT');
  });

  it('runs the three jobs in application mode on Flink 1.19 with Kubernetes HA and last-state in ha (S3)', async () => {
    const objs = await flink('ha-aws-values.yaml');
    const fds = ofKind(objs, 'FlinkDeployment');
    expect(fds.map((f) => f.metadata.name).sort()).toEqual(['logclaw-flink-anomaly-scoring', 'logclaw-flink-enrichment', 'logclaw-flink-etl']);
    for (const fd of fds) {
      const job = fd.metadata.name.replace('logclaw-flink-', '');
      expect(fd.spec.flinkVersion).toBe('v1_19');
      expect(fd.spec.mode).toBe('native');
      expect(fd.spec.job.jarURI).toMatch(/^local:\/\/\//);
      expect(fd.spec.job.upgradeMode).toBe('last-state');
      expect(fd.spec.job.parallelism).toBe(2);
      expect(fd.spec.jobManager.replicas).toBe(2);
      expect(conf(fd)['high-availability.type']).toBe('kubernetes');
      expect(conf(fd)['high-availability.storageDir']).toBe(`s3://acme-logclaw/flink/ha/${job}`);
      expect(conf(fd)['state.checkpoints.dir']).toBe(`s3://acme-logclaw/flink/checkpoints/${job}`);
      expect(conf(fd)['state.savepoints.dir']).toBe(`s3://acme-logclaw/flink/savepoints/${job}`);
      const c = fd.spec.podTemplate.spec.containers[0];
      expect(c.name).toBe('flink-main-container');
      expect(c.env).toContainEqual({ name: 'KAFKA_SASL_JAAS_CONFIG', valueFrom: { secretKeyRef: { name: 'flink', key: 'sasl.jaas.config' } } });
      expect(c.env).toContainEqual({ name: 'ENABLE_BUILT_IN_PLUGINS', value: 'flink-s3-fs-presto-1.19.1.jar' });
      expect(fd.spec.podTemplate.metadata.labels['logclaw.io/kube-api']).toBe('true');
      const pdb = find(objs, 'PodDisruptionBudget', `${fd.metadata.name}-jobmanager`);
      expect(pdb.spec.selector.matchLabels).toEqual({ app: fd.metadata.name, component: 'jobmanager' });
    }
    // the ETL job writes to OpenSearch as its own user (logclaw-opensearch's OpensearchUser), never as admin
    const etl = find(objs, 'FlinkDeployment', 'logclaw-flink-etl');
    const etlEnv = etl.spec.podTemplate.spec.containers[0].env;
    expect(etlEnv.filter((e: any) => e.name.startsWith('OPENSEARCH_'))).toEqual([
      { name: 'OPENSEARCH_USERNAME', valueFrom: { secretKeyRef: { name: 'logclaw-opensearch-flink-etl', key: 'username' } } },
      { name: 'OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'logclaw-opensearch-flink-etl', key: 'password' } } },
    ]);
    expect(etl.metadata.annotations['logclaw.io/prerequisites']).toContain('Secret/logclaw-opensearch-flink-etl');
    expect(JSON.stringify(objs)).not.toContain('logclaw-opensearch-admin');
    for (const fd of fds) expect(conf(fd)['web.submit.enable']).toBe('false');
    const props = find(objs, 'ConfigMap', 'logclaw-flink-jobs').data;
    expect(props['etl.properties']).toContain('kafka.bootstrap.servers=logclaw-kafka-bootstrap:9093');
    expect(props['etl.properties']).toContain('kafka.sasl.mechanism=SCRAM-SHA-512');
    expect(props['etl.properties']).toContain('source.topic=raw-logs');
    expect(props['etl.properties']).toContain('sink.topic=enriched-logs');
    expect(props['etl.properties']).toContain('opensearch.index.prefix=logclaw-logs-');
    expect(props['anomaly-scoring.properties']).toContain('sink.topic=anomaly-events');
    expect(props['etl.properties']).toMatch(/kafka\.group\.id=logclaw-flink-acme-etl/);
    expect(find(objs, 'ServiceAccount', 'logclaw-flink').metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::/);
    const np = find(objs, 'NetworkPolicy', 'logclaw-flink');
    const internet = [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } }, { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } }];
    expect(np.spec.egress.at(-1)).toEqual({ to: internet, ports: [{ port: 443, protocol: 'TCP' }] });
  });

  it("grants its service account what the Flink operator's own chart grants a job (role flink): no Secrets, no wildcard", async () => {
    const tgz = join(sharedDir, 'upstream-charts', 'flink-kubernetes-operator-1.9.0.tgz');
    const { stdout } = await execFileP(HELM3, ['template', 'op', tgz, '--namespace', 'flink-operator', '--set', 'webhook.create=false'], { maxBuffer: 32 << 20 });
    const operatorRoles = stdout.split(/^---$/m).map((d) => parseYaml(d) as any).filter((d) => d && (d.kind === 'Role' || d.kind === 'ClusterRole') && d.metadata.name === 'flink');
    expect(operatorRoles.length).toBeGreaterThan(0);
    const objs = await flink('ha-aws-values.yaml');
    const mine = find(objs, 'Role', 'logclaw-flink').rules;
    const norm = (rules: any[]) => rules.map((r) => ({ apiGroups: [...r.apiGroups].sort(), resources: [...r.resources].sort(), verbs: [...r.verbs].sort() })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(norm(mine)).toEqual(norm(operatorRoles[0].rules));
    expect(mine.flatMap((r: any) => r.resources)).not.toContain('secrets');
  });

  it('keeps savepoints without HA in standard (gs://) and abfss:// paths on Azure', async () => {
    const gcp = await flink('standard-gcp-values.yaml');
    const fds = ofKind(gcp, 'FlinkDeployment');
    expect(fds.map((f) => f.metadata.name).sort()).toEqual(['logclaw-flink-anomaly-scoring', 'logclaw-flink-etl']);
    for (const fd of fds) {
      expect(fd.spec.job.upgradeMode).toBe('savepoint');
      expect(conf(fd)['high-availability.type']).toBeUndefined();
      expect(conf(fd)['state.savepoints.dir']).toMatch(/^gs:\/\/globex-logclaw\/flink\/savepoints\//);
      expect(fd.spec.jobManager.replicas).toBe(1);
    }
    expect(ofKind(gcp, 'PodDisruptionBudget')).toEqual([]);
    const azure = await flink('ultra-ha-azure-values.yaml');
    for (const fd of ofKind(azure, 'FlinkDeployment')) {
      expect(conf(fd)['state.checkpoints.dir']).toMatch(/^abfss:\/\/logclaw@contosologs\.dfs\.core\.windows\.net\/flink\/checkpoints\//);
      expect(fd.spec.job.parallelism).toBe(4);
      expect(fd.spec.podTemplate.metadata.labels['azure.workload.identity/use']).toBe('true');
    }
    expect(find(azure, 'ServiceAccount', 'logclaw-flink').metadata.annotations['azure.workload.identity/client-id']).toBe('11111111-2222-3333-4444-555555555555');
  });

  it('uses the S3 endpoint of an in-cluster store with keys from the secret store, and no egress outside', async () => {
    const objs = await flink('airgapped-minio-values.yaml');
    for (const fd of ofKind(objs, 'FlinkDeployment')) {
      expect(conf(fd)['s3.endpoint']).toBe('http://minio.minio.svc.cluster.local:9000');
      expect(conf(fd)['s3.path.style.access']).toBe('true');
      expect(fd.spec.podTemplate.spec.containers[0].env).toContainEqual({ name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'logclaw-flink-object-storage', key: 'access-key-id' } } });
    }
    expect(find(objs, 'ExternalSecret', 'logclaw-flink-object-storage').spec.data.map((d: any) => d.remoteRef.key)).toEqual(['logclaw-vault-bank-object-storage', 'logclaw-vault-bank-object-storage']);
    const np = find(objs, 'NetworkPolicy', 'logclaw-flink');
    expect(np.spec.egress.at(-1)).toEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }], ports: [{ port: 9000, protocol: 'TCP' }] });
  });

  it('runs anomaly scoring only where KServe serves the anomaly model', async () => {
    const objs = await flink('ha-aws-values.yaml', withoutKserve);
    expect(ofKind(objs, 'FlinkDeployment').map((f) => f.metadata.name).sort()).toEqual(['logclaw-flink-enrichment', 'logclaw-flink-etl']);
    expect(Object.keys(find(objs, 'ConfigMap', 'logclaw-flink-jobs').data).sort()).toEqual(['common.properties', 'enrichment.properties', 'etl.properties']);
  });

  it('renders no FlinkDeployment (and no policy for Flink pods) without the operator CRD', async () => {
    const objs = await flink('ha-aws-values.yaml', noCrds);
    expect(ofKind(objs, 'FlinkDeployment')).toEqual([]);
    expect(ofKind(objs, 'NetworkPolicy')).toEqual([]);
    expect(find(objs, 'ConfigMap', 'logclaw-flink-jobs')).toBeDefined();
  });

  it('refuses last-state without HA, HA without a bucket, and external storage when air-gapped', async () => {
    const g = { tenantId: 't', tier: 'standard', environment: 'production', objectStorage: { provider: 's3', bucket: 'b' } };
    expect(await renderError(HELM3, chart, { global: g, upgradeMode: 'last-state' }, { apiVersions: allApis })).toMatch(/last-state needs HA/);
    expect(await renderError(HELM3, chart, { global: { ...g, tier: 'ha', objectStorage: {} } }, { apiVersions: allApis })).toMatch(/set global.objectStorage.bucket/);
    expect(await renderError(HELM3, chart, { global: { ...g, airGapped: true } }, { apiVersions: allApis })).toMatch(/global.airGapped: object storage "s3" has no in-cluster endpoint/);
    expect(await renderError(HELM3, chart, { global: { ...g, airGapped: true, objectStorage: { provider: 's3', bucket: 'b', endpoint: 'https://s3.example.com' } } }, { apiVersions: allApis })).toMatch(/outside the cluster/);
  });
});

describe('logclaw-ml-engine', () => {
  const chart = 'logclaw-ml-engine';
  const ml = async (file: string, apis = allApis) => (await render(HELM3, chart, file, apis)).objects;
  const store = (objs: K8sObject[]): any => parseYaml(find(objs, 'ConfigMap', 'logclaw-ml-engine-feast').data['feature_store.yaml']);

  it('runs Feast on 6567 with a local file registry and SQLite in dev, and Ollama pulling its model', async () => {
    const objs = await ml('dev-ollama-values.yaml');
    expect(find(objs, 'Service', 'logclaw-ml-engine-feast').spec.ports[0].port).toBe(6567);
    expect(store(objs).registry).toEqual({ registry_type: 'file', path: '/data/registry.db' });
    expect(store(objs).online_store.type).toBe('sqlite');
    expect(find(objs, 'StatefulSet', 'logclaw-ml-engine-redis')).toBeUndefined();
    const ollama = find(objs, 'Deployment', 'logclaw-ml-engine-ollama');
    const init = ollama.spec.template.spec.initContainers[0];
    expect(init.name).toBe('pull-model');
    expect(init.env).toContainEqual({ name: 'MODEL', value: 'llama3.2:1b' });
    expect(find(objs, 'PersistentVolumeClaim', 'logclaw-ml-engine-ollama').spec.resources.requests.storage).toBe('5Gi');
    // The public Ollama library is outside the cluster: only the Ollama pod gets HTTPS for the pull.
    const dl = find(objs, 'NetworkPolicy', 'logclaw-ml-engine-model-download');
    expect(dl.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('ollama');
    expect(dl.spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    expect(ofKind(objs, 'InferenceService')).toEqual([]);
  });

  it('keeps the registry in object storage with a Redis online store outside dev, sized by tier', async () => {
    const aws = await ml('ha-aws-claude-values.yaml');
    expect(store(aws).registry.path).toBe('s3://acme-logclaw/feast/registry.db');
    expect(store(aws).online_store).toEqual({ type: 'redis', redis_type: 'redis', connection_string: 'logclaw-ml-engine-redis:6379,password=${REDIS_PASSWORD}' });
    expect(find(aws, 'ConfigMap', 'logclaw-ml-engine-feast').data.offline_store_uri).toBe('s3://acme-logclaw/feast/offline');
    expect(find(aws, 'StatefulSet', 'logclaw-ml-engine-redis')).toBeDefined();
    const hpa = find(aws, 'HorizontalPodAutoscaler', 'logclaw-ml-engine-feast');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 6]);
    expect(find(aws, 'PodDisruptionBudget', 'logclaw-ml-engine-feast')).toBeDefined();
    const isvc = find(aws, 'InferenceService', 'logclaw-ml-engine-anomaly');
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://acme-logclaw/models/anomaly/v1');
    expect([isvc.spec.predictor.minReplicas, isvc.spec.predictor.maxReplicas]).toEqual([3, 6]);
    expect(find(aws, 'ExternalSecret', 'logclaw-llm-api-key').spec.data[0]).toEqual({ secretKey: 'api-key', remoteRef: { key: 'logclaw-acme-llm', property: 'claudeApiKey' } });
    const gcp = await ml('standard-gcp-openai-values.yaml');
    expect(store(gcp).registry.path).toBe('gs://globex-logclaw/feast/registry.db');
    expect(find(gcp, 'ServiceAccount', 'logclaw-ml-engine').metadata.annotations['iam.gke.io/gcp-service-account']).toBe('logclaw@globex-prod.iam.gserviceaccount.com');
    expect(find(gcp, 'ConfigMap', 'logclaw-ml-engine-llm').data).toMatchObject({ LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4o', LLM_API_KEY_SECRET: 'logclaw-llm-api-key' });
    expect(find(gcp, 'HorizontalPodAutoscaler', 'logclaw-ml-engine-feast')).toBeUndefined();
  });

  it('serves vLLM on a GPU with a Hugging Face token, and the model from Azure Blob through KServe', async () => {
    const objs = await ml('ultra-ha-azure-vllm-values.yaml');
    const vllm = find(objs, 'Deployment', 'logclaw-ml-engine-vllm').spec.template.spec.containers[0];
    expect(vllm.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(vllm.args).toEqual(expect.arrayContaining(['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--port', '8000']));
    expect(vllm.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'logclaw-ml-engine-vllm-hf-token', key: 'token' } } });
    expect(find(objs, 'InferenceService', 'logclaw-ml-engine-anomaly').spec.predictor.model.storageUri).toBe('https://contosologs.blob.core.windows.net/logclaw/models/anomaly/v1');
    expect(store(objs).registry.path).toBe('az://logclaw/feast/registry.db');
  });

  it('pulls from an in-cluster mirror when air-gapped, or only checks the volume without one', async () => {
    const objs = await ml('airgapped-ollama-mirror-values.yaml');
    const init = find(objs, 'Deployment', 'logclaw-ml-engine-ollama').spec.template.spec.initContainers[0];
    expect(init.env).toContainEqual({ name: 'SOURCE', value: 'ollama-mirror.models.svc:5000/library/llama3.1:8b' });
    expect(init.args[0]).toContain('--insecure');
    expect(find(objs, 'NetworkPolicy', 'logclaw-ml-engine-model-download').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'models' } } }], ports: [{ port: 5000, protocol: 'TCP' }] },
    ]);
    const g = { tenantId: 't', environment: 'production', airGapped: true, objectStorage: { provider: 's3', bucket: 'b', endpoint: 'http://minio.minio.svc:9000' }, llm: { provider: 'ollama' } };
    const vol = await renderValues(HELM3, chart, { global: g }, { apiVersions: allApis });
    const check = find(vol, 'Deployment', 'logclaw-ml-engine-ollama').spec.template.spec.initContainers[0];
    expect(check.name).toBe('check-model');
    expect(check.args[0]).toContain('is not on the volume');
    expect(find(vol, 'NetworkPolicy', 'logclaw-ml-engine-model-download')).toBeUndefined();
    const vllm = await renderValues(HELM3, chart, { global: { ...g, llm: { provider: 'vllm' } } }, { apiVersions: allApis });
    expect(find(vllm, 'Deployment', 'logclaw-ml-engine-vllm').spec.template.spec.containers[0].env).toContainEqual({ name: 'HF_HUB_OFFLINE', value: '1' });
  });

  it('uses an external Redis and an external S3 endpoint without a bundled store', async () => {
    const objs = await ml('disabled-llm-values.yaml');
    expect(find(objs, 'StatefulSet', 'logclaw-ml-engine-redis')).toBeUndefined();
    expect(store(objs).online_store.connection_string).toBe('redis.initech.example:6379,password=${REDIS_PASSWORD}');
    expect(find(objs, 'ServiceAccount', 'logclaw-ml-engine').secrets).toEqual([{ name: 'logclaw-ml-engine-object-storage' }]);
    const es = find(objs, 'ExternalSecret', 'logclaw-ml-engine-object-storage');
    expect(es.spec.target.template.metadata.annotations['serving.kserve.io/s3-endpoint']).toBe('s3.initech.example:9000');
    // only Feast and the anomaly model reach the object storage (not Redis or the LLM servers)
    const storage = find(objs, 'NetworkPolicy', 'logclaw-ml-engine-object-storage').spec;
    expect(storage.podSelector.matchExpressions).toContainEqual({ key: 'app.kubernetes.io/component', operator: 'In', values: ['feast', 'anomaly-model'] });
    expect(storage.egress.at(-1).ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
    expect(find(objs, 'NetworkPolicy', 'logclaw-ml-engine').spec.egress.flatMap((r: any) => r.to ?? []).some((p: any) => p.ipBlock || p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] !== 'kube-system' && p.namespaceSelector)).toBe(false);
    expect(find(objs, 'ConfigMap', 'logclaw-ml-engine-llm').data).toMatchObject({ LLM_PROVIDER: 'disabled', LLM_ENDPOINT: '' });
  });

  it('refuses an external LLM API in an air-gapped tenant', async () => {
    const g = { tenantId: 't', airGapped: true, objectStorage: { provider: 's3', bucket: 'b', endpoint: 'http://minio.minio.svc:9000' } };
    expect(await renderError(HELM3, chart, { global: { ...g, llm: { provider: 'claude' } } })).toMatch(/llm.provider "claude" is an external API/);
  });
});

describe('the LLM table (logclaw.llm.settings in logclaw-common)', () => {
  /** Each provider's default model and endpoint. */
  const TABLE: Record<string, { model: string; endpoint: string }> = {
    claude: { model: 'claude-sonnet-4-5', endpoint: 'https://api.anthropic.com' },
    openai: { model: 'gpt-4o-mini', endpoint: 'https://api.openai.com/v1' },
    ollama: { model: 'llama3.1:8b', endpoint: 'http://logclaw-ml-engine-ollama:11434' },
    vllm: { model: 'meta-llama/Llama-3.1-8B-Instruct', endpoint: 'http://logclaw-ml-engine-vllm:8000/v1' },
    disabled: { model: '', endpoint: '' },
  };
  const dev = (chart: string): string => ciFile(chart, chart === 'logclaw-ml-engine' ? 'dev-ollama-values.yaml' : 'dev-values.yaml');
  const llmOf = async (chart: string, llm: Record<string, string>): Promise<{ provider: string; model: string; endpoint: string }> => {
    // the dev cases pick a small model: cleared, so the table's default shows
    const objs = await renderValues(HELM3, chart, { global: { llm: { model: '', endpoint: '', ...llm } } }, { values: [dev(chart)], apiVersions: allApis });
    if (chart === 'logclaw-ml-engine') {
      const d = find(objs, 'ConfigMap', 'logclaw-ml-engine-llm').data;
      return { provider: d.LLM_PROVIDER, model: d.LLM_MODEL, endpoint: d.LLM_ENDPOINT };
    }
    const cfg = agentConfig(objs).llm;
    return { provider: cfg.provider, model: cfg.model, endpoint: cfg.endpoint };
  };

  it.each(Object.keys(TABLE).flatMap((provider) => ['logclaw-ml-engine', 'logclaw-ticketing-agent'].map((chart) => ({ provider, chart }))))(
    '$chart: $provider',
    async ({ provider, chart }) => {
      expect(await llmOf(chart, { provider })).toEqual({ provider, ...TABLE[provider] });
    },
  );

  it.each(['logclaw-ml-engine', 'logclaw-ticketing-agent'])('%s: global.llm.model and endpoint win over the table', async (chart) => {
    expect(await llmOf(chart, { provider: 'openai', model: 'gpt-4.1', endpoint: 'https://llm.example.com/v1' })).toEqual({ provider: 'openai', model: 'gpt-4.1', endpoint: 'https://llm.example.com/v1' });
  });
});

describe('logclaw-ticketing-agent', () => {
  const chart = 'logclaw-ticketing-agent';
  const agent = async (file: string, apis = allApis) => (await render(HELM3, chart, file, apis)).objects;

  it('runs the dev placeholder with the real config, routing and policy, without ExternalSecrets', async () => {
    const objs = await agent('dev-values.yaml');
    const d = find(objs, 'Deployment', 'logclaw-ticketing-agent');
    expect(d.spec.template.spec.containers[0].image).toBe('docker.io/hashicorp/http-echo:1.0.0');
    expect(d.spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    expect(find(objs, 'Service', 'logclaw-ticketing-agent').spec.ports[0].port).toBe(8080);
    expect(ofKind(objs, 'ExternalSecret')).toEqual([]);
    expect(d.spec.template.spec.volumes.find((v: any) => v.name === 'platform-zammad').secret.optional).toBe(true);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(objs, 'PodDisruptionBudget')).toEqual([]);
  });

  it('scales by tier with an HPA and a PDB; the VPA then sizes memory only', async () => {
    const objs = await agent('all-platforms-values.yaml');
    const hpa = find(objs, 'HorizontalPodAutoscaler', 'logclaw-ticketing-agent');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 6]);
    expect(find(objs, 'PodDisruptionBudget', 'logclaw-ticketing-agent-agent').spec.maxUnavailable).toBe(1);
    expect(find(objs, 'VerticalPodAutoscaler', 'logclaw-ticketing-agent').spec.resourcePolicy.containerPolicies[0].controlledResources).toEqual(['memory']);
    const ultra = await agent('airgapped-values.yaml');
    expect(find(ultra, 'HorizontalPodAutoscaler', 'logclaw-ticketing-agent').spec.minReplicas).toBe(5);
    const dev = await agent('dev-values.yaml');
    expect(find(dev, 'VerticalPodAutoscaler', 'logclaw-ticketing-agent').spec.resourcePolicy.containerPolicies[0].controlledResources).toEqual(['cpu', 'memory']);
  });

  it('renders the VPA and the PrometheusRule only when their CRDs are served', async () => {
    const objs = await agent('all-platforms-values.yaml', noCrds);
    expect(ofKind(objs, 'VerticalPodAutoscaler')).toEqual([]);
    expect(ofKind(objs, 'PrometheusRule')).toEqual([]);
    expect(ofKind(objs, 'ExternalSecret')).toEqual([]);
    const rule = find(await agent('all-platforms-values.yaml'), 'PrometheusRule', 'logclaw-ticketing-agent');
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['LogclawTicketingAgentDown', 'LogclawTicketingAgentLagging', 'LogclawTicketingAgentDeliveryFailing']);
    expect(rule.spec.groups[0].rules[1].expr).toContain('consumergroup="logclaw-ticketing-agent-acme"');
  });

  it('reads each platform\'s credentials from its own ExternalSecret', async () => {
    const objs = await agent('all-platforms-values.yaml');
    const keys = Object.fromEntries(ofKind(objs, 'ExternalSecret').map((e) => [e.metadata.labels['logclaw.io/platform'], e.spec.data.map((d: any) => `${d.secretKey}<-${d.remoteRef.key}.${d.remoteRef.property}`)]));
    expect(keys).toEqual({
      pagerduty: ['routing-key<-logclaw-acme-pagerduty.routingKey'],
      jira: ['email<-logclaw-acme-jira.email', 'api-token<-logclaw-acme-jira.apiToken'],
      servicenow: ['username<-logclaw-acme-servicenow.username', 'password<-logclaw-acme-servicenow.password'],
      opsgenie: ['api-key<-logclaw-acme-opsgenie.apiKey'],
      slack: ['bot-token<-logclaw-acme-slack.botToken'],
      zammad: ['api-token<-logclaw-acme-zammad.apiToken'],
    });
    for (const e of ofKind(objs, 'ExternalSecret')) expect(e.spec.secretStoreRef).toEqual({ name: 'logclaw', kind: 'SecretStore' });
  });

  it('refuses routing to a disabled platform, SaaS platforms or external LLMs when air-gapped, Jira without URL', async () => {
    const g = { tenantId: 't', environment: 'production' };
    expect(await renderError(HELM3, chart, { global: g, config: { routing: { high: ['slack'] } } })).toMatch(/routing.high lists "slack", which is not enabled/);
    expect(await renderError(HELM3, chart, { global: { ...g, airGapped: true }, config: { platforms: { slack: { enabled: true } } } })).toMatch(/platform "slack" needs the internet/);
    expect(await renderError(HELM3, chart, { global: { ...g, airGapped: true, llm: { provider: 'openai' } } })).toMatch(/llm.provider "openai" is an external API/);
    expect(await renderError(HELM3, chart, { global: g, config: { platforms: { jira: { enabled: true } } } })).toMatch(/url/);
  });
});

describe('logclaw-airflow', () => {
  const chart = 'logclaw-airflow';
  const af = async (file: string) => (await render(HELM3, chart, file)).objects;

  it('bundles its own PostgreSQL in dev and keeps the official chart\'s off', async () => {
    const objs = await af('dev-values.yaml');
    const v = echoedValues(objs, 'airflow');
    expect(v.postgresql.enabled).toBe(false);
    expect(v.data.metadataSecretName).toBe('logclaw-airflow-metadata');
    expect(find(objs, 'Secret', 'logclaw-airflow-metadata').stringData.connection).toBe('postgresql://airflow:logclaw-dev@logclaw-airflow-postgresql:5432/airflow?sslmode=disable');
    expect(find(objs, 'StatefulSet', 'logclaw-airflow-postgresql')).toBeDefined();
    expect(v.fernetKeySecretName).toBeUndefined();
    expect(v.dags.gitSync).toMatchObject({ enabled: true, repo: 'https://github.com/logclaw/retraining-dags.git', branch: 'main', subPath: 'dags' });
    expect(v.webserver.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi', 'ephemeral-storage': '512Mi' }, limits: { cpu: '1', memory: '2Gi', 'ephemeral-storage': '2Gi' } });
  });

  it('runs Celery in ha with PDBs that select the official chart\'s pods, keys from the secret store', async () => {
    const objs = await af('ha-aws-values.yaml');
    const v = echoedValues(objs, 'airflow');
    expect(v.executor).toBe('CeleryExecutor');
    expect(v.redis.enabled).toBe(true);
    expect([v.webserver.replicas, v.scheduler.replicas, v.workers.replicas]).toEqual([2, 2, 3]);
    expect(v.fernetKeySecretName).toBe('logclaw-airflow-keys');
    expect(v.config.logging.remote_base_log_folder).toBe('s3://acme-logclaw/airflow/logs');
    expect(JSON.parse(v.env.find((e: any) => e.name === 'AIRFLOW_CONN_LOGCLAW_OBJECT_STORAGE').value)).toEqual({ conn_type: 'aws', extra: { region_name: 'us-east-1' } });
    const pods = podTemplates(objs);
    for (const c of ['webserver', 'scheduler']) {
      const pdb = find(objs, 'PodDisruptionBudget', `logclaw-airflow-${c}`);
      expect(pods.filter((p) => selects({ matchLabels: pdb.spec.selector.matchLabels }, p.labels)).map((p) => p.owner)).toEqual([`Deployment/logclaw-ci-${c}`]);
    }
    const egress = find(objs, 'NetworkPolicy', 'logclaw-airflow').spec.egress;
    // git-sync over SSH to GitHub, the RDS database and S3.
    expect(egress.flatMap((e: any) => e.ports ?? []).map((p: any) => p.port).sort((a: number, b: number) => a - b)).toEqual([22, 53, 53, 443, 5432]);
  });

  it('passes further official-chart values through and keeps the webserver at 1Gi or more', async () => {
    const objs = await af('ultra-ha-azure-values.yaml');
    const v = echoedValues(objs, 'airflow');
    expect(v.config.core.parallelism).toBe('64');
    expect(v.config.azure_remote_logging.remote_wasb_log_container).toBe('logclaw');
    expect(v.webserver.resources.limits.memory).toBe('3Gi');
    const g = { tenantId: 't', environment: 'production' };
    expect(await renderError(HELM3, chart, { global: g, webserver: { resources: { requests: { memory: '512Mi' } } } })).toMatch(/at least 1Gi/);
  });

  it('keeps every egress inside the cluster when air-gapped', async () => {
    const objs = await af('airgapped-values.yaml');
    for (const rule of policies(objs).flatMap((p) => p.egress)) for (const peer of rule.to ?? []) expect(peer.ipBlock).toBeUndefined();
    expect(echoedValues(objs, 'airflow').dags.gitSync.credentialsSecret).toBe('logclaw-airflow-git');
    const g = { tenantId: 't', environment: 'production', airGapped: true, objectStorage: { provider: 's3', bucket: 'b', endpoint: 'http://minio.minio.svc:9000' } };
    expect(await renderError(HELM3, chart, { global: g, dags: { gitSync: { repo: 'https://github.com/x/y.git' } } })).toMatch(/the DAG git repository at github.com is outside the cluster/);
  });
});

describe('logclaw-zammad', () => {
  const chart = 'logclaw-zammad';
  /** helm template's output, run anew each time (not through the render caches). */
  const helmTemplateText = async (bin: string, c: string, file: string): Promise<string> => {
    const dir = join(await prepareCharts(), c);
    const args = ['template', 'logclaw-ci', dir, '--namespace', 'logclaw-ci', '--values', ciFile(c, file), ...allApis.flatMap((a) => ['--api-versions', a])];
    return (await execFileP(bin, args, { maxBuffer: 64 << 20 })).stdout;
  };

  it('sizes the web tier by tier and guards it with PDBs, credentials from the secret store', async () => {
    const objs = (await render(HELM3, chart, 'ha-values.yaml')).objects;
    expectZammad(objs, { release: 'logclaw-ci', dev: false });
    expect(['nginx', 'railsserver'].map((c) => find(objs, 'Deployment', `logclaw-zammad-${c}`).spec.replicas)).toEqual([2, 2]);
    expect(find(objs, 'Deployment', 'logclaw-zammad-railsserver').spec.template.spec.containers[0].resources.limits.memory).toBe('3Gi');
    expect(find(objs, 'StatefulSet', 'logclaw-zammad-postgresql').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast-ssd');
    expect(find(objs, 'ExternalSecret', 'logclaw-zammad-credentials').spec.data.map((d: any) => d.secretKey)).toEqual(['postgresql-pass', 'postgresql-admin-password', 'postgresql-replication-password', 'redis-password']);
    const pods = podTemplates(objs);
    for (const c of ['nginx', 'railsserver']) {
      const pdb = find(objs, 'PodDisruptionBudget', `logclaw-zammad-${c}`);
      expect(pods.filter((p) => selects({ matchLabels: pdb.spec.selector.matchLabels }, p.labels)).map((p) => p.owner)).toEqual([`Deployment/logclaw-zammad-${c}`]);
    }
    const np = find(objs, 'NetworkPolicy', 'logclaw-zammad');
    expect(np.spec.egress).toHaveLength(2);
    expect(np.spec.egress.flatMap((e: any) => e.to).every((p: any) => !p.ipBlock)).toBe(true);
    for (const p of pods.filter((x) => x.owner.includes('zammad'))) expect(selects(np.spec.podSelector, p.labels), p.owner).toBe(true);
  });

  it('lets the official chart make its own secrets in dev', async () => {
    const objs = (await render(HELM3, chart, 'dev-values.yaml')).objects;
    expectZammad(objs, { release: 'logclaw-ci', dev: true });
    expect(ofKind(objs, 'ExternalSecret')).toEqual([]);
    expect(ofKind(objs, 'PodDisruptionBudget')).toEqual([]);
  });

  it.each(helms)('renders the same objects twice under $name, with the init Job sized by the wrapper', async ({ bin }) => {
    for (const f of ['dev-values.yaml', 'ha-values.yaml']) {
      const a = await helmTemplateText(bin, chart, f);
      const b = await helmTemplateText(bin, chart, f);
      expect(a === b, f).toBe(true);
      expect(a).toContain('name: logclaw-zammad-init\n');
    }
  });

  it('serves the names the official chart dials only where they differ from the stores own', async () => {
    const objs = (await renderChecked(HELM3, chart, { values: [ciFile(chart, 'dev-values.yaml')], apiVersions: allApis, release: 'logclaw-zammad' })).objects;
    const services = ofKind(objs, 'Service').map((s) => s.metadata.name);
    expect(services.filter((n) => n === 'logclaw-zammad-postgresql')).toHaveLength(1);
    expect(services).not.toContain('logclaw-ci-postgresql');
  });
});
