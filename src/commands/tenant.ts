/**
 * `logclaw tenant init | validate | list`. Thin: flags in, a call into src/tenant/, output out.
 * Core modules are imported inside the actions so `tenant validate` starts fast.
 */
import { Option, type Command } from 'commander';
import { action, examples, opt } from './context.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The value flags of `tenant init` (also taken by `gitops onboard`), one per schema-backed setting. */
export function tenantValueOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'human-readable tenant name (global.tenantName)')
    .option('--tier <tier>', 'standard | ha | ultra-ha (default standard)')
    .option('--cloud <provider>', 'aws | gcp | azure | onprem (global.cloudProvider)')
    .option('--environment <env>', 'dev | staging | production (default production)')
    .option('--storage-class <name>', 'StorageClass for persistent volumes (empty: cluster default)')
    .option('--storage-class-high-throughput <name>', 'StorageClass for Kafka and OpenSearch data')
    .option('--object-storage <provider>', 's3 | gcs | azure (default: the cloud\'s own)')
    .option('--bucket <name>', 'bucket or container for checkpoints, logs and features')
    .option('--region <region>', 'region of the bucket (and of AWS secrets unless --secret-region)')
    .option('--endpoint <url>', 'S3-compatible endpoint such as http://minio.minio.svc:9000')
    .option('--secret-store <provider>', 'aws | gcp | vault | azure | none')
    .option('--secret-region <region>', 'AWS Secrets Manager region (--secret-store aws)')
    .option('--aws-role-arn <arn>', "the tenant's IAM role for External Secrets (--secret-store aws, required outside dev)")
    .option('--gcp-project <id>', 'GCP project of the secrets (--secret-store gcp)')
    .option('--gcp-cluster-location <location>', 'GKE cluster location for Workload Identity (--secret-store gcp, required outside dev)')
    .option('--gcp-cluster-name <name>', 'GKE cluster name for Workload Identity (--secret-store gcp, required outside dev)')
    .option('--vault-server <url>', 'Vault address (--secret-store vault)')
    .option('--vault-role <role>', 'Vault Kubernetes-auth role (--secret-store vault)')
    .option('--vault-path <path>', 'KV v2 mount path (--secret-store vault, default secret)')
    .option('--azure-vault-url <url>', 'Key Vault URL (--secret-store azure)')
    .option('--azure-identity-client-id <id>', "client id of the tenant's workload identity (--secret-store azure, required outside dev)")
    .option('--ticketing <platforms>', 'comma list of pagerduty,jira,servicenow,opsgenie,slack,zammad, or none (agent off)')
    .option('--route <severity=platforms>', 'route a severity, e.g. critical=pagerduty,slack (repeatable; default: all severities to every platform)', collect)
    .option('--llm <provider>', 'claude | openai | ollama | vllm | disabled (default disabled)')
    .option('--model <name>', 'LLM model name')
    .option('--llm-endpoint <url>', 'LLM endpoint override')
    .option('--air-gapped', 'no egress: only Zammad and in-cluster LLMs, in-cluster object storage')
    .option('--operators-group <group>', 'identity-provider group bound to the read-only Role')
    .option('--kube-api-cidr <cidr>', "the Kubernetes API server's endpoint addresses, e.g. 10.0.0.1/32 (repeatable or comma-separated; required outside dev unless --air-gapped)", collect)
    .option('--kube-api-from <context>', 'read --kube-api-cidr from this kube context (the endpoints of Service kubernetes in namespace default)')
    .option('--set <path=value>', 'any other value, e.g. ticketingAgent.config.platforms.jira.url=https://acme.atlassian.net (repeatable)', collect);
}

/** What init and onboard print after their ✔ lines: each warning, then the numbered next steps. */
export function withNextSteps(done: string[], r: { warnings: string[]; nextSteps: string[] }, o: { style(colour: 'yellow', text: string): string }): string {
  const lines = [...done];
  for (const w of r.warnings) lines.push(`${o.style('yellow', 'warning')} ${w}`);
  lines.push('', 'Next steps:', ...r.nextSteps.map((s, i) => `  ${i + 1}. ${s}`));
  return lines.join('\n');
}

export function register(program: Command): void {
  const tenant = program.command('tenant').description('scaffold, validate and list tenant files (gitops/tenants/)');
  examples(tenant, ['logclaw tenant init acme', 'logclaw tenant validate', 'logclaw tenant list --json']);

  const init = tenantValueOptions(
    tenant
      .command('init')
      .description('scaffold gitops/tenants/tenant-<id>.yaml: a wizard on a TTY, flags only with --yes or without a TTY')
      .argument('[tenantId]', 'tenant id: a DNS label, at most 40 characters (namespace logclaw-<tenantId>)'),
  )
    .option('--dir <dir>', 'directory to write to (default gitops/tenants)')
    .option('--force', 'overwrite an existing tenant file')
    .addOption(new Option('-y, --yes', 'never prompt: take flags and defaults only'))
    .addOption(opt.json())
    .action(
      action(async (ctx, tenantId: string | undefined, opts: Record<string, unknown>) => {
        const { initTenant } = await import('../tenant/init.js');
        const interactive = !opts.yes && Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ctx.out.json;
        const { readKubeApiServerCidrs } = await import('../kube/api-server.js');
        const result = await initTenant({ ...opts, tenantId }, { cwd: ctx.cwd, interactive, signal: ctx.signal, kubeApiCidrs: (context) => readKubeApiServerCidrs(context, { signal: ctx.signal }) });
        ctx.out.result(result, (r, o) => withNextSteps([o.style('green', `✔ wrote ${r.file}`)], r, o));
      }),
    );
  examples(init, [
    'logclaw tenant init acme                     # wizard',
    'logclaw tenant init acme --yes --name "Acme Corp" --cloud aws --tier ha --region us-east-1 \\\n      --bucket acme-logclaw --secret-store aws --aws-role-arn arn:aws:iam::123456789012:role/logclaw-acme \\\n      --ticketing pagerduty,jira,slack --route critical=pagerduty,slack --kube-api-from prod',
    'logclaw tenant init lab --yes --name Lab --cloud onprem --air-gapped --endpoint http://minio.minio.svc:9000 \\\n      --bucket lab --secret-store vault --vault-server https://vault.vault.svc:8200 --vault-role logclaw-lab \\\n      --ticketing zammad --llm ollama',
  ]);

  const validate = tenant
    .command('validate')
    .description('check tenant files: YAML, the schema (unknown keys are errors) and the rules; exit 0 valid, 1 invalid, 2 usage')
    .argument('[paths...]', 'tenant files or directories (default: gitops/tenants/tenant-*.yaml)')
    .option('--json', 'print findings as JSON records {file,line,column,path,rule,severity,message}')
    .action(
      action(async (ctx, paths: string[]) => (await import('./tenant-validate.js')).validateTenants(ctx.out, paths, () => ctx.cwd)),
    );
  examples(validate, ['logclaw tenant validate', 'logclaw tenant validate gitops/tenants/tenant-acme.yaml', 'logclaw tenant validate --json other/tenants/']);

  const list = tenant
    .command('list')
    .description('list the tenants: id, name, environment, tier, cloud, ticketing, LLM, air-gapped, file, valid; exit 1 when a file is invalid')
    .argument('[paths...]', 'tenant files or directories (default: gitops/tenants/)')
    .addOption(opt.json('the tenants'))
    .action(
      action(async (ctx, paths: string[]) => {
        const { listTenants } = await import('../tenant/list.js');
        const result = await listTenants(paths, { cwd: paths.length ? (process.env.LOGCLAW_ROOT ?? process.cwd()) : ctx.cwd });
        ctx.out.result(result.tenants, (rows, o) =>
          o.table(rows, [
            ['id', 'ID'],
            ['name', 'NAME'],
            ['environment', 'ENV'],
            ['tier', 'TIER'],
            ['cloud', 'CLOUD'],
            ['ticketing', 'TICKETING'],
            ['llm', 'LLM'],
            ['airGapped', 'AIR-GAPPED'],
            ['file', 'FILE'],
            ['valid', 'VALID'],
          ]),
        );
        for (const p of result.problems) ctx.out.warn(`${p.file}: ${p.message} (run logclaw tenant validate ${p.file})`);
        const invalid = result.tenants.filter((t) => !t.valid).length;
        if (invalid) ctx.out.info(`${invalid} of ${result.tenants.length} tenant file(s) invalid: fix them before render, lint or install`);
        return result.problems.length ? 1 : 0;
      }),
    );
  examples(list, ['logclaw tenant list', 'logclaw tenant list --json | jq -r ".[].id"']);
}
