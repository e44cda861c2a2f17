/** `logclaw tenant init`: every flag, the flags-only rules without a TTY, the schema-driven wizard, safe writes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LogclawError } from '../../src/errors.js';
import { initTenant, type Prompter } from '../../src/tenant/init.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let root: string;
let n = 0;
/** A fresh repository-like root per test: schemas/ beside gitops/tenants/. */
function freshRoot(): string {
  const r = join(root, `r${n++}`);
  mkdirSync(join(r, 'schemas'), { recursive: true });
  writeFileSync(join(r, 'schemas', 'tenant.schema.json'), readFileSync(join(repoRoot, 'schemas', 'tenant.schema.json')));
  return r;
}
const init = (args: string[], cwd: string) => runCli(['tenant', 'init', ...args], { cwd, env: { LOGCLAW_ROOT: cwd } });
const read = (cwd: string, id: string, dir = join('gitops', 'tenants')) => readFileSync(join(cwd, dir, `tenant-${id}.yaml`), 'utf8');
const values = (cwd: string, id: string, dir?: string) => parse(read(cwd, id, dir)) as Obj;
const files = (d: string) => (existsSync(d) ? readdirSync(d) : []);

beforeAll(() => {
  root = tempDir('logclaw-init-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tenant init with flags (no TTY)', () => {
  it('writes a commented, valid tenant from every flag, modeline first, and prints the next steps', async () => {
    const cwd = freshRoot();
    const r = await init(
      [
        'acme', '--name', 'Acme Corp', '--tier', 'ha', '--cloud', 'aws', '--environment', 'staging',
        '--storage-class', 'gp3', '--storage-class-high-throughput', 'io2',
        '--object-storage', 's3', '--bucket', 'acme-logclaw', '--region', 'eu-west-1',
        '--secret-store', 'aws', '--secret-region', 'eu-central-1', '--aws-role-arn', 'arn:aws:iam::123456789012:role/acme',
        '--ticketing', 'pagerduty,slack', '--route', 'critical=pagerduty,slack', '--route', 'low=slack',
        '--llm', 'openai', '--model', 'gpt-4o', '--llm-endpoint', 'https://llm-proxy.acme.example/v1',
        '--operators-group', 'acme-sre', '--set', 'ticketingAgent.config.platforms.slack.channel=#acme',
        '--kube-api-cidr', '10.0.0.1/32,10.0.0.2/32', '--kube-api-cidr', '10.0.0.3/32',
      ],
      cwd,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`✔ wrote ${join('gitops', 'tenants', 'tenant-acme.yaml')}`);
    expect(r.stdout).toMatch(/Next steps:\n {2}1\. review .*\n {2}2\. logclaw lint.*\n {2}3\. git add .* && git commit .*\n {2}4\. logclaw install --tenant acme/);
    const text = read(cwd, 'acme');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/tenant.schema.json');
    expect(text).toContain('# Sizing tier: standard (1 replica, no PDB)');
    const v = values(cwd, 'acme');
    expect(v.global).toMatchObject({
      tenantId: 'acme', tenantName: 'Acme Corp', tier: 'ha', cloudProvider: 'aws', environment: 'staging',
      storageClass: 'gp3', storageClassHighThroughput: 'io2',
      objectStorage: { provider: 's3', bucket: 'acme-logclaw', region: 'eu-west-1', endpoint: '' },
      secretStore: { provider: 'aws', aws: { region: 'eu-central-1', roleArn: 'arn:aws:iam::123456789012:role/acme' } },
      llm: { provider: 'openai', model: 'gpt-4o', endpoint: 'https://llm-proxy.acme.example/v1' },
      airGapped: false, operatorsGroup: 'acme-sre',
    });
    expect(v.ticketingAgent.enabled).toBe(true);
    expect(v.ticketingAgent.config.platforms).toMatchObject({ pagerduty: { enabled: true }, slack: { enabled: true, channel: '#acme' }, jira: { enabled: false }, zammad: { enabled: false } });
    expect(v.ticketingAgent.config.routing).toEqual({ critical: ['pagerduty', 'slack'], high: ['pagerduty', 'slack'], medium: ['pagerduty', 'slack'], low: ['slack'] });
    for (const c of ['ingestion', 'kafka', 'flink', 'opensearch', 'mlEngine', 'airflow']) expect(v[c]).toEqual({ enabled: true });
    expect(v.zammad).toEqual({ enabled: false });
    expect(v.platform).toEqual({ enabled: true, networkPolicy: { kubeApiServer: { cidrs: ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'] } } });
    const check = await runCli(['tenant', 'validate'], { cwd, env: { LOGCLAW_ROOT: cwd } });
    expect(check.code, check.stdout).toBe(0);
    expect(files(join(cwd, 'gitops', 'tenants'))).toEqual(['tenant-acme.yaml']); // no temp file left
  });

  it.each([
    ['gcp', ['--cloud', 'gcp', '--secret-store', 'gcp', '--gcp-project', 'acme-logs-prod', '--gcp-cluster-location', 'europe-west1', '--gcp-cluster-name', 'logclaw-prod'], { provider: 'gcp', gcp: { projectId: 'acme-logs-prod', clusterLocation: 'europe-west1', clusterName: 'logclaw-prod' } }],
    ['vault', ['--cloud', 'onprem', '--secret-store', 'vault', '--vault-server', 'https://vault.vault.svc:8200', '--vault-role', 'logclaw-acme', '--vault-path', 'kv'], { provider: 'vault', vault: { server: 'https://vault.vault.svc:8200', role: 'logclaw-acme', path: 'kv' } }],
    ['azure', ['--cloud', 'azure', '--secret-store', 'azure', '--azure-vault-url', 'https://acme.vault.azure.net', '--azure-identity-client-id', '66666666-7777-8888-9999-000000000000'], { provider: 'azure', azure: { vaultUrl: 'https://acme.vault.azure.net', identityClientId: '66666666-7777-8888-9999-000000000000' } }],
    ['aws (region from --region)', ['--cloud', 'aws', '--secret-store', 'aws', '--region', 'us-east-1', '--bucket', 'acme-logs', '--aws-role-arn', 'arn:aws:iam::123456789012:role/acme'], { provider: 'aws', aws: { region: 'us-east-1', roleArn: 'arn:aws:iam::123456789012:role/acme' } }],
    ['aws in dev (no identity needed)', ['--cloud', 'aws', '--environment', 'dev', '--secret-store', 'aws', '--region', 'us-east-1'], { provider: 'aws', aws: { region: 'us-east-1' } }],
  ])('secret store %s', async (_name, flags, store) => {
    const cwd = freshRoot();
    const r = await init(['acme', '--name', 'Acme', '--ticketing', 'pagerduty', '--kube-api-cidr', '10.0.0.1/32', ...(flags as string[])], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(values(cwd, 'acme').global.secretStore).toEqual(store);
  });

  it('--secret-store none, --ticketing none, --environment dev, --dir, --json', async () => {
    const cwd = freshRoot();
    const r = await init(['lab', '--name', 'Lab', '--cloud', 'onprem', '--environment', 'dev', '--secret-store', 'none', '--ticketing', 'none', '--dir', 'other/tenants', '--json'], cwd);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Obj;
    expect(out).toMatchObject({ file: join('other', 'tenants', 'tenant-lab.yaml'), tenantId: 'lab', warnings: [] });
    expect(out.nextSteps).toHaveLength(4);
    const text = read(cwd, 'lab', join('other', 'tenants'));
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/tenant.schema.json');
    const v = parse(text) as Obj;
    expect(v.global.secretStore).toBeUndefined();
    expect(v.global.environment).toBe('dev');
    expect(v.ticketingAgent.enabled).toBe(false);
  });

  it('an air-gapped tenant: zammad component on, in-cluster storage, ollama', async () => {
    const cwd = freshRoot();
    const r = await init(['lab', '--name', 'Lab', '--cloud', 'onprem', '--air-gapped', '--endpoint', 'http://minio.minio.svc:9000', '--bucket', 'lab', '--ticketing', 'zammad', '--llm', 'ollama'], cwd);
    expect(r.code, r.stderr).toBe(0);
    const v = values(cwd, 'lab');
    expect(v.global).toMatchObject({ airGapped: true, objectStorage: { provider: 's3', endpoint: 'http://minio.minio.svc:9000' }, llm: { provider: 'ollama' } });
    expect(v.zammad.enabled).toBe(true);
    expect(v.ticketingAgent.config.routing.critical).toEqual(['zammad']);
  });

  it('exit 2 naming every missing flag, and nothing written', async () => {
    const cwd = freshRoot();
    const r = await init([], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: missing required values: <tenantId> (argument), --name, --cloud, --ticketing (or --ticketing none)');
    expect(r.stderr).toContain('hint: tenant init runs without prompts');
    const vault = await init(['acme', '--name', 'A', '--cloud', 'onprem', '--ticketing', 'zammad', '--secret-store', 'vault'], cwd);
    expect(vault.code).toBe(2);
    expect(vault.stderr).toContain('--vault-server (for --secret-store vault), --vault-role (for --secret-store vault)');
    const gapped = await init(['acme', '--name', 'A', '--cloud', 'onprem', '--ticketing', 'zammad', '--air-gapped'], cwd);
    expect(gapped.code).toBe(2);
    expect(gapped.stderr).toContain('--endpoint');
    for (const store of [['gcp', '--gcp-project'], ['azure', '--azure-vault-url'], ['aws', '--secret-region'], ['aws', "--aws-role-arn (the tenant's own identity for --secret-store aws outside dev)"], ['gcp', '--gcp-cluster-location'], ['azure', '--azure-identity-client-id']]) {
      const s = await init(['acme', '--name', 'A', '--cloud', 'aws', '--ticketing', 'pagerduty', '--secret-store', store[0]!], cwd);
      expect(s.code).toBe(2);
      expect(s.stderr).toContain(store[1]);
    }
    expect(existsSync(join(cwd, 'gitops'))).toBe(false);
  });

  it('outside dev the API server addresses are required: --kube-api-cidr, or --kube-api-from reads them from the cluster', async () => {
    const cwd = freshRoot();
    const flags = { tenantId: 'acme', name: 'Acme', cloud: 'onprem', secretStore: 'none', ticketing: 'none' };
    const missing = await initTenant(flags, { cwd, interactive: false }).catch((e: LogclawError) => e);
    expect(missing).toBeInstanceOf(LogclawError);
    expect((missing as LogclawError).message).toContain('--kube-api-cidr (the Kubernetes API server');
    expect((missing as LogclawError).exitCode).toBe(2);
    const contexts: Array<string | undefined> = [];
    const r = await initTenant({ ...flags, kubeApiFrom: 'prod' }, { cwd, interactive: false, kubeApiCidrs: async (c) => (contexts.push(c), ['10.96.0.10/32']) });
    expect(contexts).toEqual(['prod']);
    expect(r.values.platform).toEqual({ enabled: true, networkPolicy: { kubeApiServer: { cidrs: ['10.96.0.10/32'] } } });
    const none = await initTenant({ ...flags, tenantId: 'beta', kubeApiFrom: 'prod' }, { cwd, interactive: false, kubeApiCidrs: async () => [] }).catch((e: LogclawError) => e);
    expect((none as LogclawError).message).toBe('context prod shows no endpoint of Service kubernetes in namespace default');
    const bad = await init(['acme', '--name', 'A', '--cloud', 'aws', '--ticketing', 'none', '--kube-api-cidr', '10.0.0.1'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kube-api-cidr "10.0.0.1": platform.networkPolicy.kubeApiServer.cidrs must be an address range');
    // dev and air-gapped tenants need none
    expect((await initTenant({ ...flags, tenantId: 'dev1', environment: 'dev' }, { cwd, interactive: false })).values.platform).toEqual({ enabled: true });
  });

  it('exit 2 for values the schema refuses, naming flag and field', async () => {
    const cwd = freshRoot();
    const ok = ['--name', 'A', '--ticketing', 'pagerduty'];
    const cases: Array<[string[], string]> = [
      [['Acme;rm -rf /', '--cloud', 'aws', ...ok], '<tenantId> "Acme;rm -rf /": global.tenantId must use lowercase letters, digits and dashes'],
      [['acme', '--cloud', 'aws', '--tier', 'gold', ...ok], '--tier "gold": global.tier must be one of standard, ha, ultra-ha'],
      [['acme', '--cloud', 'mars', ...ok], '--cloud "mars": global.cloudProvider must be one of aws, gcp, azure, onprem'],
      [['acme', '--cloud', 'aws', '--environment', 'prod', ...ok], '--environment "prod": global.environment must be one of dev, staging, production'],
      [['acme', '--cloud', 'aws', '--name', 'A', '--ticketing', 'teams'], '--ticketing "teams": platforms are pagerduty, jira, servicenow, opsgenie, slack, zammad'],
      [['acme', '--cloud', 'aws', '--route', 'urgent=slack', ...ok], '--route "urgent=slack": expected <severity>=<platform>'],
      [['acme', '--cloud', 'aws', '--route', 'low=teams', ...ok], '--route "low=teams": unknown platform teams'],
      [['acme', '--cloud', 'aws', '--secret-store', 'keychain', ...ok], '--secret-store "keychain": must be one of aws, gcp, vault, azure, none'],
      [['acme', '--cloud', 'aws', '--bucket', 'Bad_Bucket', ...ok], '--bucket "Bad_Bucket": global.objectStorage.bucket must use 3-63 lowercase letters, digits, dots and dashes'],
      [['acme', '--cloud', 'aws', '--object-storage', 'ftp', ...ok], '--object-storage "ftp": global.objectStorage.provider must be one of s3, gcs, azure'],
      [['acme', '--cloud', 'aws', '--llm', 'gemini', ...ok], '--llm "gemini": global.llm.provider must be one of'],
      [['acme', '--cloud', 'aws', '--storage-class', 'Fast SSD', ...ok], '--storage-class "Fast SSD": global.storageClass must use lowercase letters, digits, dashes and dots'],
      [['acme', '--cloud', 'aws', '--set', 'no-equals-sign', ...ok], '--set "no-equals-sign": expected <path>=<value>'],
      [['a'.repeat(41), '--cloud', 'aws', ...ok], 'global.tenantId at most 40 characters'],
    ];
    for (const [args, message] of cases) {
      const r = await init(args, cwd);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(existsSync(join(cwd, 'gitops'))).toBe(false);
  });

  it('validates before writing: an invalid combination is exit 1 and writes nothing', async () => {
    const cwd = freshRoot();
    const r = await init(['lab', '--name', 'Lab', '--cloud', 'onprem', '--air-gapped', '--endpoint', 'http://minio.minio.svc:9000', '--ticketing', 'slack'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the tenant would not be valid; nothing was written');
    expect(r.stderr).toContain('[air-gapped-egress]');
    const route = await init(['acme', '--name', 'A', '--cloud', 'aws', '--ticketing', 'pagerduty', '--route', 'critical=jira', '--kube-api-cidr', '10.0.0.1/32'], cwd);
    expect(route.code).toBe(1);
    expect(route.stderr).toContain('[routing-platform-enabled]');
    expect(files(join(cwd, 'gitops', 'tenants'))).toEqual([]);
  });

  it('asks for what the schema still requires (a chart value such as jira.url) with --set', async () => {
    const cwd = freshRoot();
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'tenant.schema.json'), 'utf8')) as Obj;
    const jira = schema.properties.ticketingAgent.properties.config?.properties?.platforms?.properties?.jira;
    const r = await init(['acme', '--name', 'A', '--cloud', 'aws', '--ticketing', 'jira', '--kube-api-cidr', '10.0.0.1/32'], cwd);
    if (JSON.stringify(jira ?? {}).includes('"url"')) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--set ticketingAgent.config.platforms.jira.url=<value>');
      const ok = await init(['acme', '--name', 'A', '--cloud', 'aws', '--ticketing', 'jira', '--kube-api-cidr', '10.0.0.1/32', '--set', 'ticketingAgent.config.platforms.jira.url=https://acme.atlassian.net'], cwd);
      expect(ok.code, ok.stderr).toBe(0);
      expect(values(cwd, 'acme').ticketingAgent.config.platforms.jira).toMatchObject({ enabled: true, url: 'https://acme.atlassian.net' });
    } else {
      expect(r.code).toBe(0);
    }
  });

  it('never overwrites without --force; --force replaces atomically', async () => {
    const cwd = freshRoot();
    const dir = join(cwd, 'gitops', 'tenants');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tenant-acme.yaml'), '# mine\n');
    const args = ['acme', '--name', 'Acme', '--cloud', 'aws', '--ticketing', 'pagerduty', '--kube-api-cidr', '10.0.0.1/32'];
    const r = await init(args, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists; nothing was written');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'tenant-acme.yaml'), 'utf8')).toBe('# mine\n');
    const f = await init([...args, '--force'], cwd);
    expect(f.code, f.stderr).toBe(0);
    expect(values(cwd, 'acme').global.tenantName).toBe('Acme');
    expect(files(dir)).toEqual(['tenant-acme.yaml']);
  });

  it('--yes on a TTY takes flags only: no prompt, exit 2 naming what is missing', async () => {
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.status !== 0) return; // util-linux `script` gives the CLI a terminal; without it the flags-only path is covered above
    const cwd = freshRoot();
    const tty = (args: string) =>
      spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'logclaw.js'))} tenant init ${args}`, '/dev/null'], {
        cwd,
        env: { ...process.env, LOGCLAW_ROOT: cwd, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
        input: '',
      });
    const missing = tty('acme --yes --name Acme');
    expect(missing.status, missing.stdout).toBe(2);
    expect(missing.stdout).toContain('missing required values: --cloud, --ticketing');
    const ok = tty('acme --yes --name Acme --cloud aws --ticketing pagerduty --kube-api-cidr 10.0.0.1/32');
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('wrote gitops/tenants/tenant-acme.yaml');
    expect(values(cwd, 'acme').global.cloudProvider).toBe('aws');
  });

  it('--help lists every flag with examples', async () => {
    const r = await runCli(['tenant', 'init', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--name', '--tier', '--cloud', '--environment', '--storage-class', '--bucket', '--object-storage', '--region', '--endpoint', '--secret-store', '--ticketing', '--route', '--llm', '--model', '--air-gapped', '--dir', '--force', '--yes', '--set']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('Examples:');
  });
});

describe('tenant init wizard (schema-driven prompts)', () => {
  /** Answers by field; records every question. */
  function scripted(answers: Record<string, unknown>) {
    const asked: Array<{ kind: string; name: string; message: string; choices?: string[]; default?: unknown; validate?: (v: string) => true | string }> = [];
    // outside dev the wizard asks for the API server addresses; every script answers it unless it says otherwise
    const all: Record<string, unknown> = { 'platform.networkPolicy.kubeApiServer.cidrs': '10.0.0.1/32', ...answers };
    const answer = (name: string, fallback: unknown) => (name in all ? all[name] : fallback);
    const p: Prompter = {
      input: async (q) => {
        asked.push({ kind: 'input', name: q.name, message: q.message, default: q.default, validate: q.validate });
        const v = answer(q.name, q.default ?? '') as string;
        if (q.validate) expect(q.validate(v), `${q.name}=${v}`).toBe(true);
        return v;
      },
      select: async (q) => {
        asked.push({ kind: 'select', name: q.name, message: q.message, choices: q.choices.map((c) => c.value), default: q.default });
        return answer(q.name, q.default ?? q.choices[0]!.value) as string;
      },
      checkbox: async (q) => {
        asked.push({ kind: 'checkbox', name: q.name, message: q.message, choices: q.choices.map((c) => c.value) });
        return answer(q.name, q.choices.filter((c) => c.checked).map((c) => c.value)) as string[];
      },
      confirm: async (q) => {
        asked.push({ kind: 'confirm', name: q.name, message: q.message, default: q.default });
        return answer(q.name, q.default ?? false) as boolean;
      },
    };
    return { p, asked };
  }

  it('asks every required field: enums as selects with the schema default, patterns checked as typed, descriptions as messages', async () => {
    const cwd = freshRoot();
    const { p, asked } = scripted({
      'global.tenantId': 'acme',
      'global.tenantName': 'Acme Corp',
      'global.cloudProvider': 'gcp',
      'global.secretStore.gcp.projectId': 'acme-logs-prod',
      'global.secretStore.gcp.clusterLocation': 'europe-west1',
      'global.secretStore.gcp.clusterName': 'logclaw-prod',
      'ticketingAgent.config.platforms': ['pagerduty', 'slack'],
      'ticketingAgent.config.routing.low': ['slack'],
      'global.llm.provider': 'ollama',
    });
    const r = await initTenant({}, { cwd, interactive: true, prompter: p });
    expect(r.file).toBe(join('gitops', 'tenants', 'tenant-acme.yaml'));
    const byName = Object.fromEntries(asked.map((q) => [q.name, q]));
    expect(byName['global.tier']).toMatchObject({ kind: 'select', choices: ['standard', 'ha', 'ultra-ha'], default: 'standard' });
    expect(byName['global.tier']!.message).toBe('Which sizing tier?');
    expect(byName['global.environment']).toMatchObject({ kind: 'select', choices: ['dev', 'staging', 'production'], default: 'production' });
    expect(byName['global.cloudProvider']!.choices).toEqual(['aws', 'gcp', 'azure', 'onprem']);
    expect(byName['global.objectStorage.provider']).toMatchObject({ default: 'gcs' }); // the cloud's own
    expect(byName['global.secretStore.provider']).toMatchObject({ default: 'gcp', choices: ['aws', 'gcp', 'vault', 'azure', 'none'] });
    expect(byName['global.airGapped']).toMatchObject({ kind: 'confirm', default: false });
    const id = byName['global.tenantId']!;
    expect(id.message).toBe('Tenant id? (its namespace is logclaw-<id>)');
    expect(id.validate!('Bad;Id')).toBe('Must use lowercase letters, digits and dashes, starting with a letter and not ending with a dash (e.g. acme or acme-eu).');
    expect(id.validate!('a'.repeat(41))).toBe('At most 40 characters.');
    expect(id.validate!('beta')).toBe(true);
    const v = values(cwd, 'acme');
    expect(v.global).toMatchObject({ tenantName: 'Acme Corp', cloudProvider: 'gcp', tier: 'standard', secretStore: { provider: 'gcp', gcp: { projectId: 'acme-logs-prod', clusterLocation: 'europe-west1', clusterName: 'logclaw-prod' } }, llm: { provider: 'ollama' } });
    expect(v.ticketingAgent.config.routing).toEqual({ critical: ['pagerduty', 'slack'], high: ['pagerduty', 'slack'], medium: ['pagerduty', 'slack'], low: ['slack'] });
  });

  it('asks questions, not schema descriptions; says in words what a value should look like, never a regular expression', async () => {
    const cwd = freshRoot();
    const { p, asked } = scripted({ 'global.tenantId': 'acme', 'global.cloudProvider': 'aws', 'global.environment': 'dev', 'global.secretStore.aws.region': 'us-east-1', 'global.secretStore.aws.roleArn': 'arn:aws:iam::123456789012:role/acme', 'ticketingAgent.config.platforms': ['pagerduty', 'slack'] });
    await initTenant({}, { cwd, interactive: true, prompter: p });
    const questions = asked.filter((q) => q.name !== 'write');
    expect(questions.length).toBeGreaterThan(10);
    for (const q of questions) expect(q.message, q.name).toMatch(/\?( \(.*\))?$/);
    expect(questions.find((q) => q.name === 'global.environment')!.message).toBe('Which environment is it?');
    expect(questions.find((q) => q.name === 'ticketingAgent.config.routing.low')!.message).toBe('Which platforms receive low incidents?');
    for (const q of questions.filter((x) => x.validate)) {
      for (const bad of ['Bad Value;', '-x-', 'x'.repeat(300)]) {
        const r = q.validate!(bad);
        if (r !== true) expect(r, `${q.name}: ${r}`).not.toMatch(/\^|\$\)?$|\[a-z|\\s|must match/);
      }
    }
  });

  it('outside dev asks for the API server addresses, offering the ones the cluster shows; in dev and air-gapped it does not', async () => {
    const cwd = freshRoot();
    const contexts: Array<string | undefined> = [];
    const kubeApiCidrs = async (context: string | undefined) => (contexts.push(context), ['172.18.0.2/32', '172.18.0.3/32']);
    const base = { 'global.tenantId': 'acme', 'global.cloudProvider': 'onprem', 'global.secretStore.provider': 'none', 'ticketingAgent.config.platforms': [] };
    const { p, asked } = scripted({ ...base, 'platform.networkPolicy.kubeApiServer.cidrs': '172.18.0.2/32,172.18.0.3/32' });
    await initTenant({}, { cwd, interactive: true, prompter: p, kubeApiCidrs });
    const q = asked.find((x) => x.name === 'platform.networkPolicy.kubeApiServer.cidrs')!;
    expect(q).toMatchObject({ kind: 'input', default: '172.18.0.2/32,172.18.0.3/32' });
    expect(q.message).toBe('Addresses of the Kubernetes API server endpoints, comma-separated? (kubectl get endpoints kubernetes -n default) (read from the current kube context)');
    expect(contexts).toEqual([undefined]);
    expect(q.validate!('')).toMatch(/at least one address range/);
    expect(q.validate!('10.0.0.1')).toMatch(/10\.0\.0\.1: must be an address range such as 10\.0\.0\.1\/32/);
    expect(values(cwd, 'acme').platform.networkPolicy.kubeApiServer.cidrs).toEqual(['172.18.0.2/32', '172.18.0.3/32']);
    // a cluster that does not answer: asked without a default
    const down = scripted({ ...base, 'global.tenantId': 'beta' });
    await initTenant({}, { cwd, interactive: true, prompter: down.p, kubeApiCidrs: async () => Promise.reject(new Error('unreachable')) });
    expect(down.asked.find((x) => x.name === 'platform.networkPolicy.kubeApiServer.cidrs')).toMatchObject({ default: undefined });
    for (const extra of [{ 'global.environment': 'dev' }, { 'global.airGapped': true, 'global.objectStorage.endpoint': 'http://minio.minio.svc:9000', 'ticketingAgent.config.platforms': ['zammad'], 'global.llm.provider': 'ollama' }]) {
      const other = scripted({ ...base, 'global.tenantId': `t${Object.keys(extra).length}`, ...extra });
      await initTenant({}, { cwd, interactive: true, prompter: other.p, kubeApiCidrs });
      expect(other.asked.map((x) => x.name)).not.toContain('platform.networkPolicy.kubeApiServer.cidrs');
    }
  });

  it('refuses an empty routing for a severity as it is chosen', async () => {
    const cwd = freshRoot();
    const seen: Array<(v: readonly unknown[]) => true | string> = [];
    const { p } = scripted({ 'global.tenantId': 'acme', 'global.cloudProvider': 'aws', 'global.secretStore.aws.region': 'us-east-1', 'global.secretStore.aws.roleArn': 'arn:aws:iam::123456789012:role/acme', 'ticketingAgent.config.platforms': ['pagerduty', 'slack'] });
    const checkbox = p.checkbox;
    p.checkbox = async (q) => {
      if (q.name.startsWith('ticketingAgent.config.routing.')) seen.push(q.validate!);
      return checkbox(q);
    };
    await initTenant({}, { cwd, interactive: true, prompter: p });
    expect(seen).toHaveLength(4);
    expect(seen[3]!([])).toBe('Choose at least one platform: low incidents would otherwise reach none.');
    expect(seen[3]!(['slack'])).toBe(true);
  });

  it('shows a summary to confirm before writing; declining writes nothing', async () => {
    const answers = { 'global.tenantId': 'acme', 'global.tenantName': 'Acme Corp', 'global.cloudProvider': 'aws', 'global.secretStore.aws.region': 'us-east-1', 'global.secretStore.aws.roleArn': 'arn:aws:iam::123456789012:role/acme', 'ticketingAgent.config.platforms': ['pagerduty', 'slack'], 'ticketingAgent.config.routing.low': ['slack'] };
    const cwd = freshRoot();
    const { p, asked } = scripted({ ...answers, write: false });
    const e = await initTenant({}, { cwd, interactive: true, prompter: p }).catch((x: unknown) => x);
    expect(e).toMatchObject({ message: 'not confirmed; nothing was written', exitCode: 1 });
    expect(existsSync(join(cwd, 'gitops', 'tenants', 'tenant-acme.yaml'))).toBe(false);
    const last = asked.at(-1)!;
    expect(last).toMatchObject({ kind: 'confirm', name: 'write', default: true });
    expect(last.message).toContain('Summary:');
    expect(last.message).toMatch(/tenant +acme \(Acme Corp\), namespace logclaw-acme/);
    expect(last.message).toMatch(/ticketing +pagerduty, slack/);
    expect(last.message).toMatch(/ {4}low +slack/);
    expect(last.message).toMatch(/Write gitops\/tenants\/tenant-acme\.yaml\?$/);
    const ok = scripted({ ...answers, write: true });
    await initTenant({}, { cwd, interactive: true, prompter: ok.p });
    expect(values(cwd, 'acme').global.tenantName).toBe('Acme Corp');
  });

  it('does not ask what flags gave, and offers only what an air-gapped tenant may use', async () => {
    const cwd = freshRoot();
    const { p, asked } = scripted({ 'global.vault.x': 1, 'global.secretStore.vault.server': 'https://vault.vault.svc:8200' });
    await initTenant({ tenantId: 'lab', name: 'Lab', cloud: 'onprem', airGapped: true, endpoint: 'http://minio.minio.svc:9000' }, { cwd, interactive: true, prompter: p });
    const names = asked.map((q) => q.name);
    for (const given of ['global.tenantId', 'global.tenantName', 'global.cloudProvider', 'global.airGapped', 'global.objectStorage.endpoint']) expect(names).not.toContain(given);
    const byName = Object.fromEntries(asked.map((q) => [q.name, q]));
    expect(byName['ticketingAgent.config.platforms']!.choices).toEqual(['zammad']);
    expect(byName['global.llm.provider']!.choices).toEqual(['ollama', 'vllm', 'disabled']);
    expect(byName['global.objectStorage.provider']!.choices).toEqual(['s3']);
    expect(byName['global.secretStore.provider']).toMatchObject({ default: 'vault' });
    const v = values(cwd, 'lab');
    expect(v.global.secretStore.vault).toMatchObject({ server: 'https://vault.vault.svc:8200', role: 'logclaw-lab' });
    expect(v.zammad.enabled).toBe(true);
  });

  it('refuses an existing tenant id as it is typed', async () => {
    const cwd = freshRoot();
    mkdirSync(join(cwd, 'gitops', 'tenants'), { recursive: true });
    writeFileSync(join(cwd, 'gitops', 'tenants', 'tenant-taken.yaml'), '# taken\n');
    const { p, asked } = scripted({ 'global.tenantId': 'fresh', 'global.cloudProvider': 'aws', 'global.secretStore.aws.region': 'us-east-1', 'global.secretStore.aws.roleArn': 'arn:aws:iam::123456789012:role/fresh', 'ticketingAgent.config.platforms': ['pagerduty'] });
    await initTenant({}, { cwd, interactive: true, prompter: p });
    expect(asked[0]!.validate!('taken')).toMatch(/already exists/);
  });

  it('Ctrl-C in a prompt: exit 130, nothing written', async () => {
    const cwd = freshRoot();
    const cancel: Prompter = {
      input: async () => {
        const e = new Error('User force closed the prompt with SIGINT');
        e.name = 'ExitPromptError';
        throw e;
      },
      select: async () => '',
      checkbox: async () => [],
      confirm: async () => false,
    };
    const e = await initTenant({}, { cwd, interactive: true, prompter: cancel }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LogclawError);
    expect((e as LogclawError).exitCode).toBe(130);
    expect(existsSync(join(cwd, 'gitops'))).toBe(false);
  });
});
