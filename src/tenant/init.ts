/**
 * `tenant init`: gather a tenant's values from flags (and, on a TTY, from a schema-driven wizard),
 * render them as commented YAML with the editor modeline, validate the text as the file it will
 * become, and write it atomically without ever replacing an existing file unless forced.
 */
import { existsSync, linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ExitCode, LogclawError, usageError } from '../errors.js';
import { tenantNamespace } from './id.js';
import { displayPath } from './load.js';
import { formatPath, quote } from './format.js';
import { pointerToPath } from './messages.js';
import { CLOUD_OBJECT_STORAGE, inClusterEndpoint, SECRET_STORE_FIELDS } from './rules.js';
import { loadTenantSchema, schemaForValue, tenantSchemaFile, type JsonSchema, type TenantSchema } from './schema.js';
import { resolveScalar } from './simple-yaml.js';
import { renderTenantYaml } from './template.js';
import { COMPONENTS, EXTERNAL_LLMS, EXTERNAL_PLATFORMS, PLATFORMS, SEVERITIES, type ValuePath } from './types.js';
import { DEFAULT_TENANT_DIR, tenantFilesIn, validateTenantText } from './validate.js';
import { asRecord } from '../object.js';

/** What the flags carry (commander's camelCase option names). */
export interface InitInput {
  tenantId?: string;
  name?: string;
  tier?: string;
  cloud?: string;
  environment?: string;
  storageClass?: string;
  storageClassHighThroughput?: string;
  objectStorage?: string;
  bucket?: string;
  region?: string;
  endpoint?: string;
  secretStore?: string;
  secretRegion?: string;
  awsRoleArn?: string;
  gcpProject?: string;
  gcpClusterLocation?: string;
  gcpClusterName?: string;
  vaultServer?: string;
  vaultRole?: string;
  vaultPath?: string;
  azureVaultUrl?: string;
  azureIdentityClientId?: string;
  ticketing?: string;
  route?: string[];
  llm?: string;
  model?: string;
  llmEndpoint?: string;
  airGapped?: boolean;
  operatorsGroup?: string;
  /** Addresses of the Kubernetes API server endpoints (platform.networkPolicy.kubeApiServer.cidrs). */
  kubeApiCidr?: string[];
  /** Kube context whose Service kubernetes (namespace default) gives the API server addresses. */
  kubeApiFrom?: string;
  /** Any other value as path=value, e.g. ticketingAgent.config.platforms.jira.url=https://acme.atlassian.net. */
  set?: string[];
  dir?: string;
  force?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** The prompts the wizard uses (the @inquirer/prompts functions, or a scripted fake in tests). */
export interface Prompter {
  input(q: { name: string; message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  select(q: { name: string; message: string; choices: Array<{ name: string; value: string; description?: string }>; default?: string }): Promise<string>;
  checkbox(q: { name: string; message: string; choices: Array<{ name: string; value: string; checked?: boolean }>; validate?: (v: readonly unknown[]) => true | string }): Promise<string[]>;
  confirm(q: { name: string; message: string; default?: boolean }): Promise<boolean>;
}

export interface InitContext {
  cwd: string;
  /** Ask for missing values (TTY and no --yes). */
  interactive: boolean;
  signal?: AbortSignal;
  /** Injected prompts (tests); default: @inquirer/prompts, imported only when needed. */
  prompter?: Prompter;
  /**
   * The Kubernetes API server's endpoint addresses as CIDRs, read from a cluster: the given kube context, or
   * (undefined) the current one. Without it nothing is read from a cluster.
   */
  kubeApiCidrs?: (context: string | undefined) => Promise<string[]>;
  schemaFile?: string;
}

export interface InitResult {
  file: string;
  path: string;
  tenantId: string;
  values: Record<string, unknown>;
  warnings: string[];
  nextSteps: string[];
}

/** Flag of each schema-backed answer, for messages that name the flag. */
const FLAG_PATHS: Array<[keyof InitInput, string, ValuePath]> = [
  ['tenantId', '<tenantId>', ['global', 'tenantId']],
  ['name', '--name', ['global', 'tenantName']],
  ['tier', '--tier', ['global', 'tier']],
  ['cloud', '--cloud', ['global', 'cloudProvider']],
  ['environment', '--environment', ['global', 'environment']],
  ['storageClass', '--storage-class', ['global', 'storageClass']],
  ['storageClassHighThroughput', '--storage-class-high-throughput', ['global', 'storageClassHighThroughput']],
  ['objectStorage', '--object-storage', ['global', 'objectStorage', 'provider']],
  ['bucket', '--bucket', ['global', 'objectStorage', 'bucket']],
  ['region', '--region', ['global', 'objectStorage', 'region']],
  ['endpoint', '--endpoint', ['global', 'objectStorage', 'endpoint']],
  ['secretRegion', '--secret-region', ['global', 'secretStore', 'aws', 'region']],
  ['awsRoleArn', '--aws-role-arn', ['global', 'secretStore', 'aws', 'roleArn']],
  ['gcpProject', '--gcp-project', ['global', 'secretStore', 'gcp', 'projectId']],
  ['gcpClusterLocation', '--gcp-cluster-location', ['global', 'secretStore', 'gcp', 'clusterLocation']],
  ['gcpClusterName', '--gcp-cluster-name', ['global', 'secretStore', 'gcp', 'clusterName']],
  ['vaultServer', '--vault-server', ['global', 'secretStore', 'vault', 'server']],
  ['vaultRole', '--vault-role', ['global', 'secretStore', 'vault', 'role']],
  ['vaultPath', '--vault-path', ['global', 'secretStore', 'vault', 'path']],
  ['azureVaultUrl', '--azure-vault-url', ['global', 'secretStore', 'azure', 'vaultUrl']],
  ['azureIdentityClientId', '--azure-identity-client-id', ['global', 'secretStore', 'azure', 'identityClientId']],
  ['llm', '--llm', ['global', 'llm', 'provider']],
  ['model', '--model', ['global', 'llm', 'model']],
  ['llmEndpoint', '--llm-endpoint', ['global', 'llm', 'endpoint']],
  ['operatorsGroup', '--operators-group', ['global', 'operatorsGroup']],
];

/** The flags each secret store needs. */
const SECRET_STORE_FLAGS: Record<string, Array<keyof InitInput>> = {
  aws: ['secretRegion'],
  gcp: ['gcpProject'],
  vault: ['vaultServer', 'vaultRole'],
  azure: ['azureVaultUrl'],
};
/** The workload-identity flags each secret store needs outside dev (tenant rule secret-store-identity). */
const SECRET_STORE_IDENTITY_FLAGS: Record<string, Array<keyof InitInput>> = {
  aws: ['awsRoleArn'],
  gcp: ['gcpClusterLocation', 'gcpClusterName'],
  azure: ['azureIdentityClientId'],
};
const flagOf = (k: keyof InitInput): string => FLAG_PATHS.find(([key]) => key === k)?.[1] ?? `--${k}`;

/** The wizard's questions, by value path (what a person is asked; the schema's descriptions document the file). */
export const QUESTIONS: Record<string, string> = {
  'global.tenantId': 'Tenant id? (its namespace is logclaw-<id>)',
  'global.tenantName': 'Display name of the tenant?',
  'global.tier': 'Which sizing tier?',
  'global.cloudProvider': 'Which cloud does it run on?',
  'global.environment': 'Which environment is it?',
  'global.airGapped': 'Is the cluster air-gapped (no egress to the internet)?',
  'global.storageClass': 'StorageClass for its volumes? (empty: the cluster default)',
  'global.objectStorage.provider': 'Which object storage keeps its archives?',
  'global.objectStorage.bucket': 'Bucket name? (empty: none yet)',
  'global.objectStorage.region': 'Region of the bucket? (empty: the default)',
  'global.objectStorage.endpoint': 'Object storage endpoint URL (e.g. MinIO)?',
  'global.secretStore.provider': 'Where do its secrets come from?',
  'global.secretStore.aws.region': 'AWS region of Secrets Manager?',
  'global.secretStore.gcp.projectId': 'GCP project of Secret Manager?',
  'global.secretStore.vault.server': 'Vault server URL?',
  'global.secretStore.vault.role': 'Vault Kubernetes auth role?',
  'global.secretStore.azure.vaultUrl': 'Azure Key Vault URL?',
  'ticketingAgent.config.platforms': 'Which platforms receive incidents? (none: the ticketing agent is turned off)',
  'global.llm.provider': 'Which LLM explains the incidents?',
  'global.llm.model': 'Which model? (empty: the provider default)',
  'platform.networkPolicy.kubeApiServer.cidrs': 'Addresses of the Kubernetes API server endpoints, comma-separated? (kubectl get endpoints kubernetes -n default)',
};

/** What a value of each pattern looks like, in words (the wizard and flags never show a regular expression). */
const FORMATS: Record<string, string> = {
  'global.tenantId': 'must use lowercase letters, digits and dashes, starting with a letter and not ending with a dash (e.g. acme or acme-eu)',
  'global.tenantName': 'must not contain control characters',
  'global.storageClass': 'must use lowercase letters, digits, dashes and dots (a Kubernetes name such as gp3 or standard)',
  'global.objectStorage.bucket': 'must use 3-63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit',
  'global.objectStorage.region': 'must use lowercase letters, digits and dashes (e.g. us-east-1)',
  'global.objectStorage.endpoint': 'must be an http:// or https:// URL',
  'global.secretStore.aws.region': 'must be an AWS region such as us-east-1 or eu-west-3',
  'global.secretStore.gcp.projectId': 'must be a GCP project id: 6-30 lowercase letters, digits and dashes, starting with a letter',
  'global.secretStore.vault.server': 'must be an http:// or https:// URL (e.g. https://vault.vault.svc:8200)',
  'global.secretStore.vault.role': 'must use letters, digits, dots, dashes and underscores',
  'global.secretStore.azure.vaultUrl': 'must be a Key Vault URL such as https://acme-logs.vault.azure.net',
  'global.llm.model': 'must use letters, digits and . _ : / - (e.g. llama3.1:8b)',
  'platform.networkPolicy.kubeApiServer.cidrs': 'must be an address range such as 10.0.0.1/32 or 172.20.0.0/16',
};

/** Where the Kubernetes API server's addresses go. */
const KUBE_API_CIDRS: ValuePath = ['platform', 'networkPolicy', 'kubeApiServer', 'cidrs'];

/** Outside dev, a tenant that is not air-gapped reaches the Kubernetes API only at the addresses it names (the platform chart refuses to render without them). */
const needsKubeApi = (a: InitInput): boolean => (a.environment ?? 'production') !== 'dev' && !a.airGapped;

/** The API server addresses read from a cluster; a usage error when there is no way to read them or none is found. */
async function readKubeApiCidrs(ctx: InitContext, context: string): Promise<string[]> {
  if (!ctx.kubeApiCidrs) throw new LogclawError('--kube-api-from needs a cluster connection, which this caller does not offer', { exitCode: ExitCode.usage, hint: 'give --kube-api-cidr instead' });
  const found = await ctx.kubeApiCidrs(context);
  if (!found.length) {
    throw new LogclawError(`context ${context} shows no endpoint of Service kubernetes in namespace default`, { exitCode: ExitCode.usage, hint: 'give the API server addresses with --kube-api-cidr (repeatable)' });
  }
  return found;
}

const question = (path: string, n: JsonSchema | undefined): string => QUESTIONS[path] ?? `${brief(n?.description, path)}?`;

/** Check one value against its schema node (enum, pattern, length, uri); a message in words or true. */
export function checkValue(node: JsonSchema | undefined, value: string, path?: string): true | string {
  if (!node) return true;
  if (Array.isArray(node.enum) && !node.enum.includes(value)) return `must be one of ${node.enum.join(', ')}`;
  if (typeof node.maxLength === 'number' && [...value].length > node.maxLength) return `at most ${node.maxLength} characters`;
  if (typeof node.minLength === 'number' && [...value].length < node.minLength) return node.minLength === 1 ? 'must not be empty' : `at least ${node.minLength} characters`;
  if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) return (path && FORMATS[path]) ?? `is not in the expected format${node.description ? ` (${brief(node.description, '')})` : ''}`;
  if (node.format === 'uri') {
    try {
      new URL(value);
    } catch {
      return 'must be a URL';
    }
  }
  return true;
}

const ABBREVIATIONS = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|approx|incl|resp|no)$/i;

/**
 * The first sentence of a description, for a prompt message: up to the first `.`, `!`, `?` or `;` that ends a
 * sentence (followed by a space or the end; not inside parentheses or backticks, not an abbreviation such as
 * "e.g."), whole, never cut mid-sentence. Without such an end, the whole description.
 */
export function brief(desc: string | undefined, fallback: string): string {
  if (!desc) return fallback;
  const text = desc.trim().replace(/\s+/g, ' ');
  let depth = 0;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`') code = !code;
    else if (code) continue;
    else if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (depth === 0 && '.!?;'.includes(c) && (i + 1 === text.length || text[i + 1] === ' ')) {
      const head = text.slice(0, i);
      if (c === '.' && (ABBREVIATIONS.test(head) || /\d$/.test(head) && /^ ?\d/.test(text.slice(i + 1)))) continue;
      return c === '?' || c === '!' ? text.slice(0, i + 1) : head;
    }
  }
  return text.replace(/[.;]$/, '');
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function initTenant(input: InitInput, ctx: InitContext): Promise<InitResult> {
  const schema = await loadTenantSchema(ctx.schemaFile);
  const root = schema.json();
  const node = (p: ValuePath) => schemaForValue(root, p);
  const a: InitInput = { ...input };
  if (a.kubeApiCidr) a.kubeApiCidr = a.kubeApiCidr.flatMap(splitList);

  // 1. flag values on their own: enum, pattern, length (usage errors, exit 2)
  const flags = checkFlagValues(a, node);
  let platforms = flags.platforms;

  const dir = resolve(ctx.cwd, a.dir ?? DEFAULT_TENANT_DIR);
  const target = (id: string) => join(dir, `tenant-${id}.yaml`);
  const refuseExisting = (id: string) => {
    if (!a.force && existsSync(target(id))) {
      throw new LogclawError(`${displayPath(target(id), ctx.cwd)} already exists; nothing was written`, { exitCode: ExitCode.usage, hint: 'pass --force to replace it, or choose another tenant id' });
    }
  };
  if (a.tenantId) refuseExisting(a.tenantId);

  // 2. the wizard, or the flags-only check of what is missing
  if (ctx.interactive) {
    const prompter = ctx.prompter ?? (await inquirerPrompter(ctx.signal));
    platforms = await unlessCancelled(() => wizard(a, platforms, flags.routes, prompter, node, (id) => (!a.force && existsSync(target(id)) ? `${displayPath(target(id), ctx.cwd)} already exists (use --force to replace it)` : true), ctx));
  } else {
    await requireFlags(a, platforms, ctx);
  }
  if (ctx.signal?.aborted) throw cancelled();
  const id = a.tenantId!;
  refuseExisting(id);

  // 3. values (plus --set), then whatever the schema still requires (fields charts add, e.g. jira.url)
  const values = buildValues(a, platforms ?? [], flags.routes);
  for (const [path, v] of flags.sets) setPath(values, path, v);
  await completeRequired(schema, values, node, ctx);
  const file = target(id);
  const schemaAtRoot = join(ctx.cwd, 'schemas', 'tenant.schema.json');
  const schemaRef = relative(dirname(file), existsSync(schemaAtRoot) ? schemaAtRoot : tenantSchemaFile).split(sep).join('/');
  const text = renderTenantYaml(root, values, {
    mode: 'tenant',
    schemaRef,
    header: [`LogClaw tenant ${id}: the values of the logclaw-tenant chart for namespace ${tenantNamespace(id)}.`, 'Written by `logclaw tenant init`; every key is described in schemas/VALUES.md.'],
  });

  // 4. validate the text as the file it becomes, next to the other tenants (unique ids)
  const shown = displayPath(file, ctx.cwd);
  const others = existsSync(dir) ? tenantFilesIn(dir) : [];
  const check = await validateTenantText(text, shown, others, { cwd: ctx.cwd, schemaFile: ctx.schemaFile });
  if (check.errors > 0) {
    throw new LogclawError(`the tenant would not be valid; nothing was written`, {
      exitCode: ExitCode.checkFailed,
      details: check.findings.map((f) => `${f.severity} ${f.message} [${f.rule}]`),
    });
  }

  // 5. in the wizard: a summary to confirm before anything is written
  if (ctx.interactive) {
    const prompter = ctx.prompter ?? (await inquirerPrompter(ctx.signal));
    const ok = await unlessCancelled(() => prompter.confirm({ name: 'write', message: `${summaryLines(values).join('\n')}\nWrite ${shown}?`, default: true }));
    if (!ok) throw new LogclawError(`not confirmed; nothing was written`, { exitCode: ExitCode.checkFailed, hint: 'Run logclaw tenant init again to change the answers.' });
  }

  // 6. write atomically: temp file, then link (refuses an existing target) or rename (--force)
  writeAtomic(file, text, Boolean(a.force), ctx.cwd);

  return {
    file: shown,
    path: file,
    tenantId: id,
    values,
    warnings: check.findings.filter((f) => f.severity === 'warning').map((f) => `${f.message} [${f.rule}]`),
    nextSteps: [
      `review ${shown}`,
      'logclaw lint                              # render and check every chart with this tenant',
      `git add ${shown} && git commit -m "Add tenant ${id}"`,
      `logclaw install --tenant ${id} --kube-context <context>`,
    ],
  };
}

const cancelled = () => new LogclawError('tenant init cancelled; nothing was written', { exitCode: ExitCode.interrupted });

/** A prompt the user left (Ctrl-C, Esc) is a cancelled init: nothing was written. */
async function unlessCancelled<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (e) {
    if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) throw cancelled();
    throw e;
  }
}

/** The flags' values checked on their own (schema enum, pattern, length; platform and route lists; --set paths): every problem at once, as a usage error. */
function checkFlagValues(a: InitInput, node: (p: ValuePath) => JsonSchema | undefined): { platforms: string[] | undefined; routes: Partial<Record<string, string[]>>; sets: Array<[string[], unknown]> } {
  const bad: string[] = [];
  for (const [key, flag, path] of FLAG_PATHS) {
    const v = a[key];
    if (typeof v !== 'string') continue;
    const ok = checkValue(node(path), v, formatPath(path));
    if (ok !== true) bad.push(`${flag} ${quote(v)}: ${formatPath(path)} ${ok}`);
  }
  if (a.secretStore !== undefined && !['none', ...Object.keys(SECRET_STORE_FIELDS)].includes(a.secretStore)) bad.push(`--secret-store ${quote(a.secretStore)}: must be one of aws, gcp, vault, azure, none`);
  let platforms: string[] | undefined;
  if (a.ticketing !== undefined) {
    const list = splitList(a.ticketing);
    if (list.length === 1 && list[0] === 'none') platforms = [];
    else {
      const unknown = list.filter((p) => !(PLATFORMS as readonly string[]).includes(p));
      if (unknown.length || list.length === 0) bad.push(`--ticketing ${quote(a.ticketing)}: platforms are ${PLATFORMS.join(', ')} (comma-separated), or none`);
      platforms = [...new Set(list)];
    }
  }
  const routes: Partial<Record<string, string[]>> = {};
  for (const r of a.route ?? []) {
    const m = /^([a-z]+)=(.*)$/.exec(r.trim());
    const sev = m?.[1];
    const list = m ? splitList(m[2]!) : [];
    if (!m || !sev || !(SEVERITIES as readonly string[]).includes(sev)) {
      bad.push(`--route ${quote(r)}: expected <severity>=<platform>[,<platform>...] with severity one of ${SEVERITIES.join(', ')}`);
      continue;
    }
    const unknown = list.filter((p) => !(PLATFORMS as readonly string[]).includes(p));
    if (unknown.length) bad.push(`--route ${quote(r)}: unknown platform ${unknown.join(', ')} (platforms: ${PLATFORMS.join(', ')})`);
    routes[sev] = [...new Set([...(routes[sev] ?? []), ...list])];
  }
  const cidrNode = node(KUBE_API_CIDRS)?.items as JsonSchema | undefined;
  for (const c of a.kubeApiCidr ?? []) {
    const ok = checkValue(cidrNode, c, formatPath(KUBE_API_CIDRS));
    if (ok !== true) bad.push(`--kube-api-cidr ${quote(c)}: ${formatPath(KUBE_API_CIDRS)} ${ok}`);
  }
  const sets: Array<[string[], unknown]> = [];
  for (const item of a.set ?? []) {
    const m = /^([A-Za-z0-9_.-]+)=(.*)$/s.exec(item);
    if (!m || m[1]!.split('.').some((k) => k === '' || k === '__proto__')) {
      bad.push(`--set ${quote(item)}: expected <path>=<value>, e.g. ticketingAgent.config.platforms.jira.url=https://acme.atlassian.net`);
      continue;
    }
    sets.push([m[1]!.split('.'), scalarValue(m[2]!)]);
  }
  if (bad.length) throw new LogclawError(`invalid value${bad.length > 1 ? 's' : ''} for tenant init`, { exitCode: ExitCode.usage, details: bad, hint: 'see `logclaw tenant init --help`' });
  return { platforms, routes, sets };
}

/** Without prompts every required value must come as a flag (the Kubernetes API's addresses may be read from a context instead). */
async function requireFlags(a: InitInput, platforms: string[] | undefined, ctx: InitContext): Promise<void> {
  const missing: string[] = [];
  if (!a.tenantId) missing.push('<tenantId> (argument)');
  if (!a.name) missing.push('--name');
  if (!a.cloud) missing.push('--cloud');
  if (platforms === undefined) missing.push('--ticketing (or --ticketing none)');
  const store = a.secretStore && a.secretStore !== 'none' ? a.secretStore : undefined;
  if (store === 'aws' && !a.secretRegion && a.region) a.secretRegion = a.region;
  for (const k of store ? (SECRET_STORE_FLAGS[store] ?? []) : []) if (!a[k]) missing.push(`${flagOf(k)} (for --secret-store ${store})`);
  const identity = store && (a.environment ?? 'production') !== 'dev' ? (SECRET_STORE_IDENTITY_FLAGS[store] ?? []) : [];
  for (const k of identity) if (!a[k]) missing.push(`${flagOf(k)} (the tenant's own identity for --secret-store ${store} outside dev)`);
  if (a.airGapped && !a.endpoint) missing.push('--endpoint (an in-cluster object-storage endpoint, for --air-gapped)');
  if (needsKubeApi(a) && !a.kubeApiCidr?.length) {
    if (a.kubeApiFrom !== undefined) a.kubeApiCidr = await readKubeApiCidrs(ctx, a.kubeApiFrom);
    else missing.push(`--kube-api-cidr (the Kubernetes API server's endpoint addresses, needed outside dev unless --air-gapped; or --kube-api-from <context> to read them from the cluster)`);
  }
  if (missing.length) {
    throw new LogclawError(`missing required value${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
      exitCode: ExitCode.usage,
      hint: 'tenant init runs without prompts (no TTY or --yes): give every required value as a flag; see `logclaw tenant init --help`',
    });
  }
}

/** What the schema still requires (fields charts add, e.g. jira.url): asked in the wizard, a usage error naming the --set paths without it. */
async function completeRequired(schema: Awaited<ReturnType<typeof loadTenantSchema>>, values: Record<string, unknown>, node: (p: ValuePath) => JsonSchema | undefined, ctx: InitContext): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const missing = await missingRequired(schema, values);
    if (missing.length === 0) return;
    if (!ctx.interactive) {
      throw new LogclawError(`missing required value${missing.length > 1 ? 's' : ''}: ${missing.map((p) => `--set ${p.join('.')}=<value>`).join(', ')}`, {
        exitCode: ExitCode.usage,
        details: missing.map((p) => `${p.join('.')}: ${node(p)?.description ?? 'required by the schema'}`),
        hint: 'give them with --set <path>=<value> (repeatable)',
      });
    }
    const prompter = ctx.prompter ?? (await inquirerPrompter(ctx.signal));
    for (const p of missing) setPath(values, p, await askValue(prompter, p, node(p)));
  }
}

/** The answers in a few lines, for the wizard's confirmation before writing. */
export function summaryLines(values: Record<string, unknown>): string[] {
  const g = asRecord(values.global);
  const store = asRecord(g.objectStorage);
  const secrets = asRecord(g.secretStore);
  const llm = asRecord(g.llm);
  const agent = asRecord(values.ticketingAgent);
  const platforms = Object.entries(asRecord(asRecord(agent.config).platforms)).filter(([, p]) => asRecord(p).enabled === true).map(([name]) => name);
  const routing = asRecord(asRecord(agent.config).routing);
  const kubeApi = ((asRecord(asRecord(asRecord(values.platform).networkPolicy).kubeApiServer).cidrs ?? []) as string[]);
  const rows: Array<[string, string]> = [
    ['tenant', `${g.tenantId} (${g.tenantName}), namespace ${tenantNamespace(String(g.tenantId))}`],
    ['profile', `${g.environment}, tier ${g.tier}, cloud ${g.cloudProvider}${g.airGapped ? ', air-gapped' : ''}`],
    ['storage', `${g.storageClass || 'the cluster default StorageClass'}; object storage ${store.provider ?? 'none'}${store.bucket ? ` bucket ${store.bucket}` : ''}${store.endpoint ? ` at ${store.endpoint}` : ''}`],
    ['secrets', secrets.provider && secrets.provider !== 'none' ? String(secrets.provider) : 'none (Secrets created by hand)'],
    ['ticketing', agent.enabled === false || !platforms.length ? 'off' : platforms.join(', ')],
    ...(agent.enabled === false || !platforms.length ? [] : SEVERITIES.map((s): [string, string] => [`  ${s}`, Array.isArray(routing[s]) ? (routing[s] as string[]).join(', ') || '(none)' : '(none)'])),
    ['LLM', llm.provider && llm.provider !== 'disabled' ? `${llm.provider}${llm.model ? ` ${llm.model}` : ''}` : 'disabled'],
    ...(kubeApi.length ? [['kube API', kubeApi.join(', ')] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['Summary:', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}

export function writeAtomic(file: string, text: string, force: boolean, cwd: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
  try {
    if (force) renameSync(tmp, file);
    else {
      try {
        linkSync(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LogclawError(`${displayPath(file, cwd)} already exists; nothing was written`, { exitCode: ExitCode.usage, hint: 'pass --force to replace it' });
        throw e;
      }
    }
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** The tenant values from the answers: explicit toggles for every component, platforms and routing. */
export function buildValues(a: InitInput, platforms: string[], routes: Partial<Record<string, string[]>>): Record<string, unknown> {
  const global: Record<string, unknown> = {
    tenantId: a.tenantId,
    tenantName: a.name,
    tier: a.tier ?? 'standard',
    cloudProvider: a.cloud,
    environment: a.environment ?? 'production',
    storageClass: a.storageClass ?? '',
    storageClassHighThroughput: a.storageClassHighThroughput ?? '',
  };
  if (a.objectStorage || a.bucket || a.region || a.endpoint || a.airGapped) {
    global.objectStorage = {
      provider: a.objectStorage ?? (a.cloud ? CLOUD_OBJECT_STORAGE[a.cloud] : undefined) ?? 's3',
      bucket: a.bucket ?? '',
      region: a.region ?? '',
      endpoint: a.endpoint ?? '',
    };
  }
  const store = a.secretStore && a.secretStore !== 'none' ? a.secretStore : undefined;
  if (store) {
    const block: Record<string, string> = {};
    if (store === 'aws') {
      block.region = a.secretRegion ?? a.region ?? '';
      if (a.awsRoleArn) block.roleArn = a.awsRoleArn;
    } else if (store === 'gcp') {
      block.projectId = a.gcpProject ?? '';
      if (a.gcpClusterLocation) block.clusterLocation = a.gcpClusterLocation;
      if (a.gcpClusterName) block.clusterName = a.gcpClusterName;
    }
    else if (store === 'vault') {
      block.server = a.vaultServer ?? '';
      block.path = a.vaultPath ?? 'secret';
      block.role = a.vaultRole ?? '';
    } else if (store === 'azure') {
      block.vaultUrl = a.azureVaultUrl ?? '';
      if (a.azureIdentityClientId) block.identityClientId = a.azureIdentityClientId;
    }
    global.secretStore = { provider: store, [store]: block };
  }
  global.llm = { provider: a.llm ?? 'disabled', model: a.model ?? '', endpoint: a.llmEndpoint ?? '' };
  global.airGapped = Boolean(a.airGapped);
  global.operatorsGroup = a.operatorsGroup ?? '';

  const values: Record<string, unknown> = { global };
  for (const c of COMPONENTS) {
    if (c === 'ticketingAgent') continue;
    values[c] = { enabled: c === 'zammad' ? platforms.includes('zammad') : true };
  }
  if (a.kubeApiCidr?.length) values.platform = { enabled: true, networkPolicy: { kubeApiServer: { cidrs: [...new Set(a.kubeApiCidr)] } } };
  const routing: Record<string, string[]> = {};
  for (const sev of SEVERITIES) routing[sev] = routes[sev] ?? [...platforms];
  values.ticketingAgent = {
    enabled: platforms.length > 0,
    config: { platforms: Object.fromEntries(PLATFORMS.map((p) => [p, { enabled: platforms.includes(p) }])), routing },
  };
  return values;
}

/** Ask for every value the flags did not give, driven by the schema (enum → select, default, pattern check, description). */
async function wizard(
  a: InitInput,
  givenPlatforms: string[] | undefined,
  routes: Partial<Record<string, string[]>>,
  p: Prompter,
  node: (path: ValuePath) => JsonSchema | undefined,
  idFree: (id: string) => true | string,
  ctx: InitContext,
): Promise<string[]> {
  const text = async (key: keyof InitInput, path: ValuePath, opts: { default?: string; extra?: (v: string) => true | string; optional?: boolean } = {}) => {
    if (a[key] !== undefined) return;
    const n = node(path);
    const v = await p.input({
      name: formatPath(path),
      message: question(formatPath(path), n),
      default: opts.default ?? (typeof n?.default === 'string' ? n.default : undefined),
      validate: (x: string) => {
        if (opts.optional && x === '') return true;
        const r = checkValue(n, x, formatPath(path));
        return r === true ? (opts.extra ? opts.extra(x) : true) : `${upperFirst(r)}.`;
      },
    });
    (a as Record<string, unknown>)[key] = v;
  };
  const choose = async (key: keyof InitInput, path: ValuePath, opts: { default?: string; only?: (v: string) => boolean; extra?: string[] } = {}) => {
    if (a[key] !== undefined) return;
    const n = node(path);
    const options = [...((n?.enum as string[] | undefined) ?? []).filter((v) => (opts.only ? opts.only(v) : true)), ...(opts.extra ?? [])];
    const def = opts.default ?? (typeof n?.default === 'string' ? n.default : undefined);
    (a as Record<string, unknown>)[key] = await p.select({
      name: formatPath(path),
      message: question(formatPath(path), n),
      choices: options.map((v) => ({ name: v, value: v })),
      default: def !== undefined && options.includes(def) ? def : undefined,
    });
  };

  await text('tenantId', ['global', 'tenantId'], { extra: idFree });
  await text('name', ['global', 'tenantName'], { default: a.tenantId });
  await choose('tier', ['global', 'tier']);
  await choose('cloud', ['global', 'cloudProvider']);
  await choose('environment', ['global', 'environment']);
  if (a.airGapped === undefined) {
    const n = node(['global', 'airGapped']);
    a.airGapped = await p.confirm({ name: 'global.airGapped', message: question('global.airGapped', n), default: n?.default === true });
  }
  await text('storageClass', ['global', 'storageClass'], { default: a.environment === 'dev' ? 'standard' : undefined, optional: true });
  const ownStorage = a.airGapped ? 's3' : (CLOUD_OBJECT_STORAGE[a.cloud ?? ''] ?? 's3');
  await choose('objectStorage', ['global', 'objectStorage', 'provider'], { default: ownStorage, only: (v) => !a.airGapped || v === 's3' });
  await text('bucket', ['global', 'objectStorage', 'bucket'], { default: `logclaw-${a.tenantId}`.slice(0, 63), optional: true });
  await text('region', ['global', 'objectStorage', 'region'], { optional: true });
  if (a.objectStorage === 's3' && (a.airGapped || a.cloud === 'onprem')) {
    await text('endpoint', ['global', 'objectStorage', 'endpoint'], {
      default: 'http://minio.minio.svc:9000',
      extra: (v) => (!a.airGapped || inClusterEndpoint(v) ? true : 'an air-gapped tenant needs an endpoint inside the cluster (host ending in .svc or .svc.cluster.local)'),
    });
  }
  const storeDefault = a.environment === 'dev' ? 'none' : ({ aws: 'aws', gcp: 'gcp', azure: 'azure', onprem: 'vault' } as Record<string, string>)[a.cloud ?? ''];
  await choose('secretStore', ['global', 'secretStore', 'provider'], { default: storeDefault, extra: ['none'] });
  const ownIdentity = a.environment !== 'dev';
  if (a.secretStore === 'aws') {
    await text('secretRegion', ['global', 'secretStore', 'aws', 'region'], { default: a.region || undefined });
    if (ownIdentity) await text('awsRoleArn', ['global', 'secretStore', 'aws', 'roleArn']);
  }
  if (a.secretStore === 'gcp') {
    await text('gcpProject', ['global', 'secretStore', 'gcp', 'projectId']);
    if (ownIdentity) {
      await text('gcpClusterLocation', ['global', 'secretStore', 'gcp', 'clusterLocation']);
      await text('gcpClusterName', ['global', 'secretStore', 'gcp', 'clusterName']);
    }
  }
  if (a.secretStore === 'vault') {
    await text('vaultServer', ['global', 'secretStore', 'vault', 'server']);
    await text('vaultRole', ['global', 'secretStore', 'vault', 'role'], { default: `logclaw-${a.tenantId}` });
  }
  if (a.secretStore === 'azure') {
    await text('azureVaultUrl', ['global', 'secretStore', 'azure', 'vaultUrl']);
    if (ownIdentity) await text('azureIdentityClientId', ['global', 'secretStore', 'azure', 'identityClientId']);
  }

  if (needsKubeApi(a) && !a.kubeApiCidr?.length) {
    // offered from the cluster when one answers (the named context, else the current one); asked either way
    let found: string[] = [];
    let note = '';
    if (ctx.kubeApiCidrs) {
      try {
        found = await ctx.kubeApiCidrs(a.kubeApiFrom);
        note = found.length ? ` (read from ${a.kubeApiFrom ? `context ${a.kubeApiFrom}` : 'the current kube context'})` : '';
      } catch {
        found = [];
      }
    }
    const cidrNode = node(KUBE_API_CIDRS)?.items as JsonSchema | undefined;
    const answer = await p.input({
      name: formatPath(KUBE_API_CIDRS),
      message: `${QUESTIONS[formatPath(KUBE_API_CIDRS)]}${note}`,
      default: found.length ? found.join(',') : undefined,
      validate: (x: string) => {
        const list = splitList(x);
        if (!list.length) return 'Give at least one address range: outside dev the NetworkPolicies open the Kubernetes API only to these.';
        for (const c of list) {
          const r = checkValue(cidrNode, c, formatPath(KUBE_API_CIDRS));
          if (r !== true) return `${c}: ${r}.`;
        }
        return true;
      },
    });
    a.kubeApiCidr = splitList(answer);
  }

  let platforms = givenPlatforms;
  if (platforms === undefined) {
    const allowed = PLATFORMS.filter((x) => !a.airGapped || !EXTERNAL_PLATFORMS.includes(x));
    const n = node(['ticketingAgent', 'config', 'platforms']);
    platforms = await p.checkbox({
      name: 'ticketingAgent.config.platforms',
      message: question('ticketingAgent.config.platforms', n),
      choices: allowed.map((x) => ({ name: x, value: x, checked: a.airGapped ? x === 'zammad' : false })),
    });
  }
  if (platforms.length > 1) {
    for (const sev of SEVERITIES) {
      if (routes[sev]) continue;
      routes[sev] = await p.checkbox({
        name: `ticketingAgent.config.routing.${sev}`,
        message: `Which platforms receive ${sev} incidents?`,
        choices: platforms.map((x) => ({ name: x, value: x, checked: true })),
        validate: (chosen) => (chosen.length ? true : `Choose at least one platform: ${sev} incidents would otherwise reach none.`),
      });
    }
  }
  await choose('llm', ['global', 'llm', 'provider'], { only: (v) => !a.airGapped || !(EXTERNAL_LLMS as readonly string[]).includes(v), default: a.airGapped ? 'ollama' : undefined });
  if (a.llm && a.llm !== 'disabled') await text('model', ['global', 'llm', 'model'], { optional: true });
  return platforms;
}

/** A --set value: YAML 1.2 core scalars (true, 3, null), anything else a string. */
export function scalarValue(raw: string): unknown {
  return raw === '' ? '' : resolveScalar(raw);
}

function setPath(values: Record<string, unknown>, path: string[], v: unknown): void {
  let o = values;
  for (const k of path.slice(0, -1)) {
    const next = o[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = v;
}

/** Paths the schema requires that the values lack (ajv `required` errors), e.g. a chart's if/then requirement. */
async function missingRequired(schema: TenantSchema, values: Record<string, unknown>): Promise<string[][]> {
  const validate = await schema.validator();
  if (validate(values)) return [];
  const out: string[][] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword !== 'required') continue;
    const p = [...pointerToPath(e.instancePath).map(String), String(e.params.missingProperty)];
    if (!out.some((o) => o.join('.') === p.join('.'))) out.push(p);
  }
  return out;
}

async function askValue(prompter: Prompter, path: string[], n: JsonSchema | undefined): Promise<unknown> {
  const name = path.join('.');
  if (Array.isArray(n?.enum)) {
    return prompter.select({ name, message: `${question(name, n)} (${name})`, choices: (n!.enum as unknown[]).map((v) => ({ name: String(v), value: String(v) })) });
  }
  if (n?.type === 'boolean') return prompter.confirm({ name, message: `${question(name, n)} (${name})` });
  const v = await prompter.input({
    name,
    message: `${question(name, n)} (${name})`,
    validate: (x: string) => {
      const r = checkValue(n, x, name);
      return r === true ? true : `${upperFirst(r)}.`;
    },
  });
  return n?.type === 'integer' || n?.type === 'number' ? Number(v) : v;
}

/** The real prompts, imported only when the wizard runs. */
async function inquirerPrompter(signal?: AbortSignal): Promise<Prompter> {
  const inq = await import('@inquirer/prompts');
  const context = signal ? { signal } : undefined;
  return {
    input: ({ name: _n, ...q }) => inq.input(q, context),
    select: ({ name: _n, ...q }) => inq.select<string>(q, context),
    checkbox: ({ name: _n, ...q }) => inq.checkbox<string>(q, context),
    confirm: ({ name: _n, ...q }) => inq.confirm(q, context),
  };
}
