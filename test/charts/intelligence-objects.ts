/**
 * Accessors for objects of the intelligence charts: the agent's configuration, the values the airflow stand-in
 * received, pod containers and their env, and what the zammad wrapper promises of the official chart's objects.
 */
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { K8sObject } from './lib.js';
import { selects } from './network-policies.js';

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
export function podContainers(objs: K8sObject[]): { owner: string; labels: Record<string, string>; containers: any[] }[] {
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
  const pods = podContainers(objs).filter((p) => p.owner.includes('zammad'));
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
