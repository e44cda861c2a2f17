/**
 * Shared by the charts-part-2 tests (flink, ml-engine, airflow, ticketing-agent, zammad).
 * Renders go through the part-1 test library's private chart copy (test/charts/lib.ts, which also
 * vendors the official zammad chart and the airflow stand-in) and are validated by the lint engine (src/manifests validateRender:
 * Kubernetes schemas, the pinned CRDs with unknown fields as errors, Pod Security, references, network).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CrdCatalog, KubeSchemas, OperatorCatalog, validateRender, type Finding, type RenderedObject } from '../../src/manifests/index.js';
import { renderChart } from '../../src/render/index.js';
import { Helm } from '../../src/tools/helm.js';
import { crdDir } from '../helpers/tools.js';
import { prepareCharts, type K8sObject } from '../charts/lib.js';

/** Chart directories of charts part 2 (findings in their templates are ours). */
export const PART2 = ['logclaw-flink', 'logclaw-ml-engine', 'logclaw-airflow', 'logclaw-ticketing-agent', 'logclaw-zammad'] as const;
export const ownFile = (file: string): boolean => PART2.some((c) => file.includes(`charts/${c}/`));

const crds = CrdCatalog.load(crdDir);
const operators = new OperatorCatalog(crds, undefined);
const kube = new KubeSchemas();
/** Every API version the pinned CRDs serve (operators and the optional VPA, Prometheus operator, KServe). */
export const allApis = operators.apiVersions();
/** The same without KServe (serving.kserve.io): "KServe CRD absent". */
export const withoutKserve = allApis.filter((a) => !a.startsWith('serving.kserve.io/'));

const helmCache = new Map<string, Promise<Helm>>();
const helmOf = (bin: string): Promise<Helm> => {
  let h = helmCache.get(bin);
  if (!h) helmCache.set(bin, (h = Helm.detect(bin)));
  return h;
};

export interface Rendered {
  /** Parsed objects with their source template. */
  rendered: RenderedObject[];
  objects: K8sObject[];
  /** Lint findings (errors and warnings) located in templates of charts part 2. */
  findings: Finding[];
}

export interface RenderOpts {
  values: string[];
  set?: string[];
  apiVersions?: string[];
  kubeVersion?: string;
  namespace?: string;
  release?: string;
}

const cache = new Map<string, Promise<Rendered>>();

/** Render a chart of the prepared copy once per argument set and validate it like `logclaw lint`. */
export function renderChecked(helmBin: string, chart: string, o: RenderOpts): Promise<Rendered> {
  const key = JSON.stringify([helmBin, chart, o]);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const chartsDir = await prepareCharts();
      const helm = await helmOf(helmBin);
      const namespace = o.namespace ?? 'logclaw-ci';
      const release = o.release ?? 'logclaw-ci';
      const r = await renderChart({
        helm,
        root: dirname(chartsDir),
        chartDir: join(chartsDir, chart),
        release,
        namespace,
        valuesFiles: o.values,
        set: o.set ?? [],
        kubeVersion: o.kubeVersion ?? '1.34.0',
        apiVersions: o.apiVersions ?? allApis,
      });
      const values = Object.assign({}, ...o.values.map((f) => parseYaml(readFileSync(f, 'utf8')) as Record<string, any>));
      const g = values.global ?? {};
      const v = validateRender(r.objects, {
        namespace,
        release,
        kube,
        crds,
        operators,
        environment: g.environment,
        objectStorageProvider: g.objectStorage?.provider,
        target: `${chart} ${o.values.map((f) => f.split('/').pop()).join(',')}`,
      });
      return {
        rendered: r.objects,
        objects: r.objects.map((x) => x.obj as K8sObject),
        findings: [...r.findings, ...v.findings].filter((f) => !f.file || ownFile(f.file)),
      };
    })();
    cache.set(key, p);
  }
  return p;
}

export const describeFindings = (f: Finding[]): string[] => f.map((x) => `${x.severity} ${x.rule} ${x.file ?? ''}: ${x.message}`);

// ---- NetworkPolicy analysis ---------------------------------------------------------------------

export interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: Record<string, unknown>;
  podSelector?: Record<string, unknown>;
}
export interface EgressRule {
  to?: Peer[];
  ports?: { port?: number | string; protocol?: string; endPort?: number }[];
}
export interface Policy {
  name: string;
  podSelector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  policyTypes: string[];
  egress: EgressRule[];
}

export function policies(objs: K8sObject[]): Policy[] {
  return objs
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o: any) => ({
      name: o.metadata.name,
      podSelector: o.spec.podSelector ?? {},
      policyTypes: o.spec.policyTypes ?? (o.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']),
      egress: o.spec.egress ?? [],
    }));
}

/**
 * Why an egress rule may reach outside the cluster, or undefined when it cannot. In-cluster peers are pod and
 * namespace selectors; an ipBlock is outside the cluster unless it is one of `apiServerCidrs` (the API server
 * endpoints a tenant declares) on the API server ports; a rule without `to`, or with an empty `to` or an empty
 * peer, allows every destination.
 */
export function externalEgress(rule: EgressRule, apiServer: { cidrs: string[]; ports: number[] }): string | undefined {
  if (!rule.to) return 'egress rule without `to` (any destination)';
  if (rule.to.length === 0) return 'egress rule with an empty `to` (any destination)';
  for (const peer of rule.to) {
    if (!peer.ipBlock && !peer.namespaceSelector && !peer.podSelector) return 'empty peer (any destination)';
    if (peer.ipBlock) {
      const cidr = peer.ipBlock.cidr;
      if (cidr === '0.0.0.0/0' || cidr === '::/0') return `ipBlock ${cidr}`;
      const ports = (rule.ports ?? []).map((p) => Number(p.port));
      const apiOnly = apiServer.cidrs.includes(cidr) && ports.length > 0 && ports.every((p) => apiServer.ports.includes(p));
      if (!apiOnly) return `ipBlock ${cidr}`;
    }
  }
  return undefined;
}

/** Does a label selector (matchLabels only; expressions unsupported → false) select these labels? */
export function selects(sel: Policy['podSelector'], labels: Record<string, string>): boolean {
  if (sel.matchExpressions?.length) return false;
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Labels of every pod template of the render: built-in workloads, Flink podTemplates, KServe predictors. */
export function podTemplates(objs: K8sObject[]): { owner: string; labels: Record<string, string> }[] {
  const out: { owner: string; labels: Record<string, string> }[] = [];
  for (const o of objs as any[]) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) out.push({ owner: id, labels: o.spec.template.metadata?.labels ?? {} });
    else if (o.kind === 'CronJob') out.push({ owner: id, labels: o.spec.jobTemplate.spec.template.metadata?.labels ?? {} });
    else if (o.kind === 'FlinkDeployment') out.push({ owner: id, labels: o.spec.podTemplate?.metadata?.labels ?? {} });
    else if (o.kind === 'InferenceService') out.push({ owner: id, labels: o.spec.predictor?.labels ?? {} });
  }
  return out;
}

/** The ticketing agent's config.yaml (ConfigMap logclaw-ticketing-agent). */
export function agentConfig(objs: K8sObject[]): any {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'logclaw-ticketing-agent') as any;
  if (!cm) throw new Error('ConfigMap logclaw-ticketing-agent not rendered');
  return parseYaml(cm.data['config.yaml']);
}

/** The values the airflow stand-in received (ConfigMap <release>-airflow-values-echo). */
export function echoedValues(objs: K8sObject[], chart: 'airflow'): any {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith(`-${chart}-values-echo`)) as any;
  if (!cm) throw new Error(`the ${chart} stand-in's values echo is not rendered`);
  return parseYaml(cm.data['values.yaml']);
}

/** Pod templates with their containers (init containers first), for checks on what every container gets. */
export function podSpecs(objs: K8sObject[]): { owner: string; labels: Record<string, string>; containers: any[] }[] {
  const out: { owner: string; labels: Record<string, string>; containers: any[] }[] = [];
  for (const o of objs as any[]) {
    const tpl = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind) ? o.spec.template : undefined;
    if (tpl) out.push({ owner: `${o.kind}/${o.metadata.name}`, labels: tpl.metadata?.labels ?? {}, containers: [...(tpl.spec.initContainers ?? []), ...tpl.spec.containers] });
  }
  return out;
}

/** An env var of a container: its value, or `secret:<name>/<key>` when it comes from a Secret. */
export function envOf(container: any, name: string): string | undefined {
  const e = (container.env ?? []).find((x: any) => x.name === name);
  if (!e) return undefined;
  const ref = e.valueFrom?.secretKeyRef;
  return ref ? `secret:${ref.name}/${ref.key}` : e.value;
}

/**
 * What the zammad wrapper promises of the official chart's objects (release `release`): LogClaw's names, labels,
 * sizes, security and secrets reach them; the bundled stores are named logclaw-zammad-<store> and served to the
 * official chart under the names it dials; the init Job has a fixed name and runs as a hook.
 */
export function expectZammad(objs: K8sObject[], o: { release: string; dev: boolean }): void {
  const find = (kind: string, name: string): any => objs.find((x) => x.kind === kind && x.metadata.name === name);
  const rails = find('Deployment', 'logclaw-zammad-railsserver');
  expect(rails, 'Deployment logclaw-zammad-railsserver').toBeDefined();
  for (const n of ['nginx', 'scheduler', 'websocket']) expect(find('Deployment', `logclaw-zammad-${n}`), n).toBeDefined();
  // the stores: LogClaw's names, no NetworkPolicy of their own, no privileged sysctl/volume-permissions containers
  for (const s of ['logclaw-zammad-elasticsearch-master', 'logclaw-zammad-postgresql', 'logclaw-zammad-redis-master']) expect(find('StatefulSet', s), s).toBeDefined();
  expect(find('Deployment', 'logclaw-zammad-memcached')).toBeDefined();
  expect(objs.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/elasticsearch|postgresql|redis|memcached/)]));
  const pods = podSpecs(objs).filter((p) => p.owner.includes('zammad'));
  expect(pods.length).toBe(9);
  for (const p of pods) {
    expect(p.labels['logclaw.io/component'], p.owner).toBe('zammad');
    for (const c of p.containers) {
      expect(c.securityContext?.privileged ?? false, `${p.owner} ${c.name}`).toBe(false);
      expect(c.resources?.requests?.memory && c.resources?.limits?.memory, `${p.owner} ${c.name} resources`).toBeTruthy();
      expect(c.resources?.requests?.cpu && c.resources?.limits?.cpu, `${p.owner} ${c.name} resources`).toBeTruthy();
    }
  }
  // the init Job: one fixed name, re-run by helm and Argo CD as a hook, its containers sized by the wrapper
  const jobs = objs.filter((x) => x.kind === 'Job' && x.metadata.name.startsWith('logclaw-zammad-init'));
  expect(jobs.map((j) => j.metadata.name)).toEqual(['logclaw-zammad-init']);
  expect(jobs[0]!.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'post-install,post-upgrade', 'argocd.argoproj.io/hook': 'Sync' });
  expect((jobs[0] as any).spec.template.spec.containers.map((c: any) => c.resources.limits.memory)).toEqual(['1536Mi', '1536Mi']);
  // the official chart dials <release>-<store>: those Services exist and select the stores' pods
  const main = rails.spec.template.spec.containers[0];
  const dials = {
    postgresql: { url: envOf(main, 'DATABASE_URL'), service: `${o.release}-postgresql`, port: 5432, pod: 'StatefulSet/logclaw-zammad-postgresql' },
    redis: { url: envOf(main, 'REDIS_URL'), service: `${o.release}-redis-master`, port: 6379, pod: 'StatefulSet/logclaw-zammad-redis-master' },
    memcached: { url: envOf(main, 'MEMCACHE_SERVERS'), service: `${o.release}-memcached`, port: 11211, pod: 'Deployment/logclaw-zammad-memcached' },
  };
  for (const [store, d] of Object.entries(dials)) {
    expect(d.url, store).toContain(`${d.service}:${d.port}`);
    const svc = find('Service', d.service);
    expect(svc, `Service ${d.service}`).toBeDefined();
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([d.port]);
    expect(pods.filter((p) => selects({ matchLabels: svc.spec.selector }, p.labels)).map((p) => p.owner), d.service).toEqual([d.pod]);
  }
  const es = find('ConfigMap', 'logclaw-zammad-init').data['elasticsearch-init'] as string;
  expect(es).toContain(`://${o.release}-elasticsearch:9200`);
  expect(pods.filter((p) => selects({ matchLabels: find('Service', `${o.release}-elasticsearch`).spec.selector }, p.labels)).map((p) => p.owner)).toEqual(['StatefulSet/logclaw-zammad-elasticsearch-master']);
  // credentials: the secret store's ExternalSecret outside dev, the official chart's own Secrets in dev
  const pg = find('StatefulSet', 'logclaw-zammad-postgresql').spec.template.spec.containers[0];
  if (o.dev) {
    expect(envOf(main, 'POSTGRESQL_PASS')).toBe('secret:logclaw-zammad-postgresql-pass/postgresql-pass');
    expect(objs.filter((x) => x.kind === 'ExternalSecret')).toEqual([]);
  } else {
    expect(envOf(main, 'POSTGRESQL_PASS')).toBe('secret:logclaw-zammad-credentials/postgresql-pass');
    expect(envOf(main, 'REDIS_PASSWORD')).toBe('secret:logclaw-zammad-credentials/redis-password');
    expect(envOf(pg, 'POSTGRES_PASSWORD')).toBe('secret:logclaw-zammad-credentials/postgresql-pass');
    expect(find('ExternalSecret', 'logclaw-zammad-credentials')).toBeDefined();
  }
}
