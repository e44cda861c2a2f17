/** Shapes shared by the tenant modules (load, schema, rules, validate, init, list). */

export type { Severity } from '../findings.js';

/** One problem in one tenant file: the one Finding, positioned at a 1-based line and column, with the dotted
 * value path (e.g. `global.tier`, '' for the file as a whole); `rule` is `schema` or a rule id of RULES. */
export type { PositionedFinding as Finding } from '../findings.js';

/** A path into the tenant values: object keys and array indices. */
export type ValuePath = Array<string | number>;

export interface Position {
  line: number;
  column: number;
}

/** The rules a schema cannot express, and the YAML/file-level checks, each with its id. */
export const RULES = {
  'file-unreadable': 'the file cannot be read (missing, a directory, or permission denied)',
  'file-too-large': 'a tenant file over 1 MiB is refused without being read',
  'yaml-syntax': 'the file is not valid YAML (syntax error, tab indentation, bad escape, ...)',
  'yaml-duplicate-key': 'a mapping repeats a key',
  'yaml-multi-document': 'the file holds more than one YAML document',
  'yaml-not-mapping': 'the document is empty or not a mapping',
  'yaml-alias-limit': 'too many alias expansions (an alias bomb such as billion laughs)',
  'yaml-tag': 'an unknown or unsupported YAML tag',
  'tenant-id-filename': 'global.tenantId equals the id in the file name tenant-<tenantId>.yaml',
  'tenant-id-unique': 'global.tenantId is unique across the files checked',
  'routing-platform-enabled': 'ticketingAgent.config.routing names only enabled platforms',
  'routing-empty': 'an enabled ticketing agent routes every severity it lists to at least one platform',
  'ticketing-platform-required': 'an enabled ticketing agent has at least one platform enabled',
  'zammad-platform-component': 'the zammad platform needs the zammad component enabled',
  'air-gapped-egress': 'airGapped forbids PagerDuty, Jira, ServiceNow, Opsgenie and Slack',
  'air-gapped-llm': 'airGapped forbids the claude and openai LLM providers and external LLM endpoints',
  'air-gapped-object-storage': 'airGapped requires an object-storage endpoint inside the cluster',
  'object-storage-cloud': 'the object-storage provider matches the cloud provider (warning)',
  'secret-store-fields': "the secret store provider's own required fields are present",
  'secret-store-identity': 'outside dev the secret store authenticates with the tenant\'s workload identity (aws.roleArn, gcp.clusterLocation and clusterName, azure.identityClientId)',
  'agent-namespaces': 'the Vector node agent (ingestion.agent) names the namespaces whose pod logs belong to the tenant',
  'agent-pod-security': 'the Vector node agent runs only in a namespace that admits it (platform.podSecurity.enforce: privileged, since it mounts hostPath as root)',
  'platform-label-reserved': 'no key (label, annotation, selector) under the platform-owned prefix platform.logclaw.io/: only the platform labels its operator and monitoring namespaces with it',
} as const;

export type RuleId = keyof typeof RULES | 'schema';

export const COMPONENTS = ['platform', 'ingestion', 'kafka', 'flink', 'opensearch', 'mlEngine', 'airflow', 'ticketingAgent', 'zammad'] as const;
export type Component = (typeof COMPONENTS)[number];

export const PLATFORMS = ['pagerduty', 'jira', 'servicenow', 'opsgenie', 'slack', 'zammad'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type IncidentSeverity = (typeof SEVERITIES)[number];

/** Platforms that need egress to a SaaS and so are refused when airGapped. */
export const EXTERNAL_PLATFORMS: readonly Platform[] = ['pagerduty', 'jira', 'servicenow', 'opsgenie', 'slack'];
/** LLM providers that are external HTTPS APIs. */
export const EXTERNAL_LLMS = ['claude', 'openai'] as const;

/** Maximum size of a tenant file; larger files are refused before reading. */
export const MAX_TENANT_BYTES = 1024 * 1024;
/** Maximum alias expansions while turning the YAML into values (blocks billion-laughs). */
export const MAX_ALIAS_COUNT = 100;
