/**
 * The checks a JSON Schema cannot express. Each has an id (types.ts RULES) printed with its findings.
 * Rules read the values defensively: they also run on files with schema errors, so every value may
 * have the wrong type.
 */
import { basename } from 'node:path';
import type { LoadedTenant } from './load.js';
import { formatPath, quote } from './format.js';
import { isTenantId, tenantNamespace } from './id.js';
import { EXTERNAL_LLMS, EXTERNAL_PLATFORMS, PLATFORMS, SEVERITIES, type Finding, type RuleId, type Severity, type ValuePath } from './types.js';
import { asRecord, isRecord } from '../object.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The id a file name carries: tenant-<id>.yaml → id; undefined when the name has another shape. */
export function fileTenantId(file: string): string | undefined {
  const m = /^tenant-(.+)\.yaml$/.exec(basename(file));
  return m ? m[1] : undefined;
}

/** Platforms enabled under ticketingAgent.config.platforms. */
export function enabledPlatforms(values: Obj | undefined): string[] {
  const platforms = asRecord(asRecord(asRecord(values?.ticketingAgent).config).platforms);
  return PLATFORMS.filter((p) => asRecord(platforms[p]).enabled === true);
}

/** Is a component enabled, given the schema defaults (zammad off, everything else on)? */
export function componentEnabled(values: Obj | undefined, component: string): boolean {
  const e = asRecord(values?.[component]).enabled;
  if (typeof e === 'boolean') return e;
  return component !== 'zammad';
}

/**
 * Is an endpoint URL served inside the cluster: a Service name (`minio`), `<svc>.<ns>.svc`, or
 * `<svc>.<ns>.svc.cluster.local`? (Anything else may be a public host.)
 */
export function inClusterEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (!host || host === 'localhost' || /^[0-9.]+$/.test(host) || host.startsWith('[')) return false;
  const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
  return new RegExp(`^${label}$`).test(host) || new RegExp(`^${label}\\.${label}\\.svc(\\.cluster\\.local)?$`).test(host);
}

/** Fields each secret store provider needs. */
export const SECRET_STORE_FIELDS: Record<string, string[]> = {
  aws: ['region'],
  gcp: ['projectId'],
  vault: ['server', 'role'],
  azure: ['vaultUrl'],
};

/**
 * Fields that give a secret store the tenant's own workload identity. Without them the External Secrets
 * controller authenticates with its own (shared) identity and tenants are separated only by key names.
 * Vault always logs in with the tenant's service account and role.
 */
export const SECRET_STORE_IDENTITY: Record<string, { fields: string[]; without: string }> = {
  aws: { fields: ['roleArn'], without: "the External Secrets controller's own IAM identity" },
  gcp: { fields: ['clusterLocation', 'clusterName'], without: "the External Secrets controller's own Google identity" },
  azure: { fields: ['identityClientId'], without: "the node's managed identity" },
};

/**
 * Label prefix only the platform sets (on the operator and monitoring namespaces, with `platform.logclaw.io/role`):
 * tenant NetworkPolicies admit those namespaces by this label and their name, so no tenant object may carry it.
 */
export const PLATFORM_LABEL_PREFIX = 'platform.logclaw.io/';
/** The platform's namespace role label: operators or monitoring. */
export const PLATFORM_ROLE_LABEL = `${PLATFORM_LABEL_PREFIX}role`;

/** Paths of the keys (and `key=value` strings) under the platform-owned prefix anywhere in the values. */
export function platformLabelPaths(v: unknown, path: ValuePath = []): ValuePath[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => platformLabelPaths(x, [...path, i]));
  if (isRecord(v)) return Object.entries(v).flatMap(([k, x]) => (k.startsWith(PLATFORM_LABEL_PREFIX) ? [[...path, k]] : platformLabelPaths(x, [...path, k])));
  return typeof v === 'string' && v.startsWith(PLATFORM_LABEL_PREFIX) && /^[^=:\s]+[=:]/.test(v) ? [path] : [];
}

/** Which object-storage provider each cloud is expected to use. */
export const CLOUD_OBJECT_STORAGE: Record<string, string> = { aws: 's3', gcp: 'gcs', azure: 'azure', onprem: 's3' };

/** Per-file rules. */
export function checkRules(t: LoadedTenant): Finding[] {
  const values = t.values;
  if (!values) return [];
  const out: Finding[] = [];
  const add = (rule: RuleId, path: ValuePath, message: string, severity: Severity = 'error', at: 'key' | 'value' = 'value') =>
    out.push({ file: t.file, ...t.locate(path, at), path: formatPath(path), rule, severity, message });

  const global = asRecord(values.global);
  const tenantId = str(global.tenantId);

  // tenant-id-filename
  const fromName = fileTenantId(t.path);
  if (fromName === undefined) {
    const want = tenantId && isTenantId(tenantId) ? ` (here: tenant-${tenantId}.yaml)` : '';
    add('tenant-id-filename', ['global', 'tenantId'], `the file must be named tenant-<tenantId>.yaml${want}, not ${quote(basename(t.path))}`);
  } else if (tenantId !== undefined && tenantId !== fromName) {
    const rename = isTenantId(tenantId) ? `rename the file to tenant-${tenantId}.yaml or fix the id` : 'fix the id';
    add('tenant-id-filename', ['global', 'tenantId'], `global.tenantId is ${quote(tenantId)} but the file name says ${quote(fromName)}: ${rename}`);
  }

  // ticketing: routing and platforms
  const agent = asRecord(values.ticketingAgent);
  const config = asRecord(agent.config);
  const enabled = new Set(enabledPlatforms(values));
  const routing = asRecord(config.routing);
  for (const sev of SEVERITIES) {
    const list = routing[sev];
    if (!Array.isArray(list)) continue;
    if (list.length === 0 && componentEnabled(values, 'ticketingAgent') && enabled.size > 0) {
      add('routing-empty', ['ticketingAgent', 'config', 'routing', sev], `ticketingAgent.config.routing.${sev} is empty: ${sev} incidents would reach no platform; route them to at least one of ${[...enabled].join(', ')}`);
    }
    list.forEach((name, i) => {
      if (typeof name !== 'string' || !(PLATFORMS as readonly string[]).includes(name)) return; // the schema reports it
      if (!enabled.has(name)) {
        add('routing-platform-enabled', ['ticketingAgent', 'config', 'routing', sev, i], `${sev} incidents are routed to ${name}, which is not enabled: set ticketingAgent.config.platforms.${name}.enabled: true or remove it from the route`);
      }
    });
  }
  if (componentEnabled(values, 'ticketingAgent') && enabled.size === 0) {
    const path: ValuePath = isRecord(values.ticketingAgent) ? (isRecord(agent.config) ? (isRecord(config.platforms) ? ['ticketingAgent', 'config', 'platforms'] : ['ticketingAgent', 'config']) : ['ticketingAgent']) : [];
    add('ticketing-platform-required', path, `the ticketing agent is enabled but no platform is: enable at least one of ticketingAgent.config.platforms.{${PLATFORMS.join(',')}} or set ticketingAgent.enabled: false`, 'error', 'key');
  }
  if (enabled.has('zammad') && !componentEnabled(values, 'zammad')) {
    add('zammad-platform-component', ['ticketingAgent', 'config', 'platforms', 'zammad', 'enabled'], 'the zammad platform is enabled but the Zammad component is not: set zammad.enabled: true');
  }

  // air-gapped
  if (global.airGapped === true) {
    for (const p of EXTERNAL_PLATFORMS) {
      if (enabled.has(p)) add('air-gapped-egress', ['ticketingAgent', 'config', 'platforms', p, 'enabled'], `global.airGapped is true but ${p} is enabled: it needs egress to a SaaS; use zammad in an air-gapped tenant`);
    }
    const llm = asRecord(global.llm);
    const provider = str(llm.provider);
    if (provider && (EXTERNAL_LLMS as readonly string[]).includes(provider)) {
      add('air-gapped-llm', ['global', 'llm', 'provider'], `global.airGapped is true but global.llm.provider is ${provider}, an external API: use ollama, vllm or disabled`);
    }
    const llmEndpoint = str(llm.endpoint);
    if (llmEndpoint && !inClusterEndpoint(llmEndpoint)) {
      add('air-gapped-llm', ['global', 'llm', 'endpoint'], `global.airGapped is true but global.llm.endpoint ${quote(llmEndpoint)} is outside the cluster: use a Service address such as http://ollama.<namespace>.svc:11434`);
    }
    const os = asRecord(global.objectStorage);
    const endpoint = str(os.endpoint) ?? '';
    const osProvider = str(os.provider) ?? 's3';
    if (osProvider !== 's3') {
      add('air-gapped-object-storage', ['global', 'objectStorage', 'provider'], `global.airGapped is true but global.objectStorage.provider is ${osProvider}, a public cloud service: use s3 with an in-cluster endpoint (e.g. MinIO)`);
    } else if (!endpoint) {
      const path: ValuePath = isRecord(global.objectStorage) ? ['global', 'objectStorage'] : ['global', 'airGapped'];
      add('air-gapped-object-storage', path, 'global.airGapped is true but global.objectStorage.endpoint is not set: give an in-cluster S3-compatible endpoint such as http://minio.minio.svc:9000', 'error', 'key');
    } else if (!inClusterEndpoint(endpoint)) {
      add('air-gapped-object-storage', ['global', 'objectStorage', 'endpoint'], `global.airGapped is true but global.objectStorage.endpoint ${quote(endpoint)} is not inside the cluster: use a Service address ending in .svc or .svc.cluster.local`);
    }
  }

  // object-storage-cloud (warning)
  const cloud = str(global.cloudProvider);
  if (cloud && isRecord(global.objectStorage) && (global.objectStorage.provider !== undefined || global.objectStorage.bucket)) {
    const provider = str(global.objectStorage.provider) ?? 's3';
    const expected = CLOUD_OBJECT_STORAGE[cloud];
    if (expected && provider !== expected) {
      const path: ValuePath = global.objectStorage.provider !== undefined ? ['global', 'objectStorage', 'provider'] : ['global', 'objectStorage'];
      add('object-storage-cloud', path, `global.objectStorage.provider is ${provider} on cloud ${cloud}, which usually uses ${expected}: cross-cloud storage adds egress cost and latency`, 'warning', path.length === 2 ? 'key' : 'value');
    }
  }

  // secret-store-fields
  const store = asRecord(global.secretStore);
  const storeProvider = str(store.provider);
  const needed = storeProvider ? SECRET_STORE_FIELDS[storeProvider] : undefined;
  if (storeProvider && needed) {
    const block = store[storeProvider];
    const missing = needed.filter((f) => !(isRecord(block) && typeof block[f] === 'string' && block[f] !== ''));
    if (missing.length) {
      const list = missing.map((f) => `global.secretStore.${storeProvider}.${f}`).join(', ');
      const path: ValuePath = isRecord(block) ? ['global', 'secretStore', storeProvider] : ['global', 'secretStore', 'provider'];
      add('secret-store-fields', path, `global.secretStore.provider is ${storeProvider} but ${list} ${missing.length > 1 ? 'are' : 'is'} missing`, 'error', isRecord(block) ? 'key' : 'value');
    }
  }

  // secret-store-identity (outside dev)
  const identity = storeProvider ? SECRET_STORE_IDENTITY[storeProvider] : undefined;
  if (identity && str(global.environment) !== 'dev') {
    const block = store[storeProvider!];
    const missing = identity.fields.filter((f) => !(isRecord(block) && typeof block[f] === 'string' && block[f] !== ''));
    if (missing.length) {
      const list = missing.map((f) => `global.secretStore.${storeProvider}.${f}`).join(' and ');
      const path: ValuePath = isRecord(block) ? ['global', 'secretStore', storeProvider!] : ['global', 'secretStore', 'provider'];
      add('secret-store-identity', path, `outside dev the SecretStore needs the tenant's own workload identity: without ${list} it authenticates as ${identity.without}, which reads every tenant's secrets`, 'error', isRecord(block) ? 'key' : 'value');
    }
  }
  // agent-namespaces, agent-pod-security: the node agent collects only named namespaces and needs a privileged namespace
  const nodeAgent = asRecord(asRecord(values.ingestion).agent);
  if (componentEnabled(values, 'ingestion') && nodeAgent.enabled === true) {
    const namespaces = nodeAgent.namespaces;
    if (!Array.isArray(namespaces) || namespaces.length === 0) {
      const path: ValuePath = Array.isArray(namespaces) ? ['ingestion', 'agent', 'namespaces'] : ['ingestion', 'agent', 'enabled'];
      add('agent-namespaces', path, 'ingestion.agent is enabled without ingestion.agent.namespaces: name the namespaces whose pod logs belong to this tenant (the chart refuses to render without them rather than collect every namespace on the node)');
    }
    const podSecurity = asRecord(asRecord(values.platform).podSecurity);
    const enforce = str(podSecurity.enforce) ?? 'restricted';
    // a namespace the platform chart does not create (platform.namespace.create: false) gets its labels elsewhere
    if (enforce !== 'privileged' && asRecord(asRecord(values.platform).namespace).create !== false) {
      const path: ValuePath = podSecurity.enforce !== undefined ? ['platform', 'podSecurity', 'enforce'] : ['ingestion', 'agent', 'enabled'];
      add('agent-pod-security', path, `ingestion.agent is enabled but platform.podSecurity.enforce is ${enforce}: the agent mounts the node's /var/log (hostPath, which baseline forbids as restricted does) and reads its root-owned files as uid 0, so Pod Security admission would refuse its pods; set platform.podSecurity.enforce: privileged (lint warns about it with this reason) or turn the agent off`);
    }
  }

  // platform-label-reserved
  for (const path of platformLabelPaths(values)) {
    const key = path.at(-1);
    const at = typeof key === 'string' && key.startsWith(PLATFORM_LABEL_PREFIX) ? 'key' : 'value';
    add('platform-label-reserved', path, `${formatPath(path)} sets a label under ${PLATFORM_LABEL_PREFIX}, which only the platform sets (on its operator and monitoring namespaces, which tenant NetworkPolicies admit by it): remove it`, 'error', at);
  }
  return out;
}

/** Cross-file rule: a tenantId used by more than one of the files checked. */
export function checkUniqueIds(tenants: LoadedTenant[]): Finding[] {
  return uniqueIdFindings(tenants).map((x) => x.finding);
}

/** The same, with the tenant each finding belongs to. */
export function uniqueIdFindings(tenants: LoadedTenant[]): Array<{ tenant: LoadedTenant; finding: Finding }> {
  const byId = new Map<string, LoadedTenant[]>();
  for (const t of tenants) {
    const id = str(asRecord(t.values?.global).tenantId);
    if (id === undefined) continue;
    byId.set(id, [...(byId.get(id) ?? []), t]);
  }
  const out: Array<{ tenant: LoadedTenant; finding: Finding }> = [];
  for (const [id, ts] of byId) {
    if (ts.length < 2) continue;
    for (const t of ts) {
      const others = ts.filter((o) => o !== t).map((o) => o.file);
      const finding: Finding = {
        file: t.file,
        ...t.locate(['global', 'tenantId']),
        path: 'global.tenantId',
        rule: 'tenant-id-unique',
        severity: 'error',
        message: `global.tenantId ${quote(id)} is also used by ${others.join(', ')}: every tenant needs its own id (its namespace is ${tenantNamespace(id)})`,
      };
      out.push({ tenant: t, finding });
    }
  }
  return out;
}
