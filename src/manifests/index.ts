/**
 * Validation of every object of one render: schemas (Kubernetes built-ins and CRDs), policy, references and
 * domain rules. Pure and synchronous: objects in, findings out.
 *
 *   const result = validateRender(objects, { namespace, release, kube: new KubeSchemas(), crds, operators, target: 'tenant acme' });
 *   result.findings   // Finding[] (rule ids from rules.ts)
 *   result.waived     // findings an object's logclaw.io/policy-exception annotation waived, with the reason
 */
import type { CrdCatalog } from './crds.js';
import { checkFlink } from './domain/flink.js';
import { checkKafka } from './domain/kafka.js';
import { checkNames, RELEASE_NAME_LIMIT } from './domain/names.js';
import { checkNetwork } from './domain/network.js';
import { checkOpenSearch } from './domain/opensearch.js';
import type { KubeSchemas } from './kube-schema.js';
import { buildModel, podTemplatePath } from './model.js';
import type { OperatorCatalog } from './operators.js';
import { withoutNulls } from './parse.js';
import { checkLabelsAndNamespace, checkNamespacePodSecurity, checkPodSecurity } from './policy.js';
import { checkAdminCredentials, checkLiteralCredentials } from './credentials.js';
import { checkWorkloadHardening } from './hardening.js';
import { checkNetworkPolicyShapes } from './netpol.js';
import { checkRbac } from './rbac.js';
import { checkPlatformLabels, checkReachability } from './reachability.js';
import { checkReferences } from './references.js';
import { isWaivable, ruleInfo } from './rules.js';
import { validateSchema } from './schema-check.js';
import { EXCEPTION_ANNOTATION, groupOf, refOf, versionOf, type Finding, type ObjectIssue, type RenderedObject, type WaivedFinding } from './types.js';
import { get } from '../object.js';

export * from './types.js';
export { RULES, ruleInfo, type RuleId } from './rules.js';
export { KubeSchemas, bundledKubeVersions, MIN_KUBE_VERSION } from './kube-schema.js';
export { CrdCatalog } from './crds.js';
export { OperatorCatalog } from './operators.js';
export { parseRender } from './parse.js';

export interface ValidationContext {
  namespace: string;
  release: string;
  kube: KubeSchemas;
  crds?: CrdCatalog;
  operators?: OperatorCatalog;
  environment?: string;
  objectStorageProvider?: string;
  airGapped?: boolean;
  /** Label for findings: `tenant acme`, `chart logclaw-tenant (ci/ha-values.yaml)`. */
  target: string;
  tenant?: string;
  /** Only report these rules (the longest-tenantId render reports name limits only). */
  onlyRules?: Set<string>;
}

export interface ValidationResult {
  findings: Finding[];
  waived: WaivedFinding[];
}

function schemaIssues(ro: RenderedObject, ctx: ValidationContext, issues: ObjectIssue[]): void {
  const o = ro.obj;
  const group = groupOf(o.apiVersion);
  const clean = withoutNulls(o);
  if (ctx.kube.isBuiltIn(group, o.kind)) {
    const v = ctx.kube.validate(clean, o.apiVersion, o.kind);
    if (v.notServedIn.length) {
      issues.push({ owner: ro, path: 'apiVersion', rule: 'k8s-api-not-served', message: `${o.apiVersion} ${o.kind} is not served by Kubernetes ${v.notServedIn.join(' and ')}` });
    }
    for (const p of v.problems) {
      const all = ctx.kube.versionNames.length - v.notServedIn.length === p.versions.length;
      issues.push({ owner: ro, path: p.path, rule: 'k8s-schema', message: `${p.message}${all ? '' : ` (Kubernetes ${p.versions.join(', ')})`}` });
    }
    return;
  }
  const res = ctx.operators?.resolve(group, o.kind) ?? { crd: ctx.crds?.find(group, o.kind)[0] };
  if (!res.crd) {
    issues.push({ owner: ro, path: 'kind', rule: 'unknown-kind', message: `no schema for ${o.apiVersion} ${o.kind}: not a Kubernetes built-in and no CRD for it in ${ctx.crds ? ctx.crds.dir : 'the CRD directory (pass --crds DIR)'}` });
    return;
  }
  if (res.problem) issues.push({ owner: ro, path: 'apiVersion', rule: res.problem.rule, message: res.problem.message });
  const crd = res.crd;
  const version = versionOf(o.apiVersion);
  const v = crd.versions.find((x) => x.name === version);
  const where = `${crd.bundle ? `${crd.bundle}/` : ''}${crd.file.split('/').pop()}`;
  if (!v || !v.served) {
    const served = crd.versions.filter((x) => x.served).map((x) => x.name);
    issues.push({ owner: ro, path: 'apiVersion', rule: 'crd-version-not-served', message: `${o.apiVersion} is not served by the ${crd.kind} CRD (${where}); it serves ${served.join(', ') || 'nothing'}` });
    return;
  }
  if (v.deprecated) issues.push({ owner: ro, path: 'apiVersion', rule: 'crd-version-deprecated', message: `${o.apiVersion} ${o.kind} is deprecated (${where})${v.deprecationWarning ? `: ${v.deprecationWarning}` : ''}` });
  if (v.schema) {
    for (const p of validateSchema(v.schema, clean)) issues.push({ owner: ro, path: p.path, rule: 'crd-schema', message: `${p.message} (${crd.kind} ${version} schema, ${where})` });
  }
  for (const p of ctx.kube.validateObjectMeta((clean as { metadata?: unknown }).metadata ?? {})) issues.push({ owner: ro, path: p.path, rule: 'k8s-schema', message: p.message });
}

function duplicates(objects: RenderedObject[], ctx: ValidationContext, issues: ObjectIssue[]): void {
  const seen = new Map<string, RenderedObject>();
  for (const ro of objects) {
    const o = ro.obj;
    const key = `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ctx.namespace}/${o.metadata.name}`;
    const first = seen.get(key);
    if (first) issues.push({ owner: ro, path: 'metadata.name', rule: 'duplicate-object', message: `${o.kind} ${o.metadata.name} is rendered twice (also by ${first.file}); helm would fail or one would overwrite the other` });
    else seen.set(key, ro);
  }
}

/** `logclaw.io/policy-exception` entries of an object: `<rule>: <reason>`, one per line or separated by `;`. */
export function parseExceptions(value: string | undefined): Array<{ rule: string; reason: string }> {
  if (!value) return [];
  return value
    .split(/[\n;]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf(':');
      return i < 0 ? { rule: s, reason: '' } : { rule: s.slice(0, i).trim(), reason: s.slice(i + 1).trim() };
    });
}

export function validateRender(objects: RenderedObject[], ctx: ValidationContext): ValidationResult {
  const issues: ObjectIssue[] = [];
  const want = (rule: string) => !ctx.onlyRules || ctx.onlyRules.has(rule);
  const emit = (i: ObjectIssue) => {
    if (want(i.rule)) issues.push(i);
  };
  if (!ctx.onlyRules || SCHEMA_RULES.some((r) => ctx.onlyRules!.has(r))) {
    for (const ro of objects) schemaIssues(ro, ctx, issues);
    duplicates(objects, ctx, issues);
  }
  if (ctx.onlyRules && !ctx.onlyRules.has('name-too-long')) return finish(objects, issues, ctx, want);
  const model = buildModel(objects);
  const dctx = { namespace: ctx.namespace, release: ctx.release, environment: ctx.environment, objectStorageProvider: ctx.objectStorageProvider, airGapped: ctx.airGapped };
  if (!ctx.onlyRules) {
    checkPodSecurity(model, emit);
    checkNamespacePodSecurity(model, emit);
    checkLabelsAndNamespace(model, { namespace: ctx.namespace, release: ctx.release, kube: ctx.kube, crds: ctx.crds }, emit);
    checkReferences(model, emit);
    checkKafka(model, dctx, emit);
    checkFlink(model, dctx, emit);
    checkOpenSearch(model, dctx, emit);
    checkNetwork(model, dctx, emit);
    checkWorkloadHardening(model, emit);
    checkNetworkPolicyShapes(model, emit);
    checkReachability(model, dctx, emit);
    checkPlatformLabels(model, emit);
    checkRbac(model, emit);
    checkLiteralCredentials(model, dctx, emit);
    checkAdminCredentials(model, dctx, emit);
  }
  checkNames(model, emit);
  return finish(objects, issues, ctx, want);
}

/** Schema rules only (gitops manifests that are applied as they are, not rendered per tenant). */
export const SCHEMA_RULES = ['k8s-schema', 'k8s-api-not-served', 'crd-schema', 'crd-version-not-served', 'crd-version-deprecated', 'unknown-kind', 'object-invalid', 'duplicate-object'];

function finish(objects: RenderedObject[], issues: ObjectIssue[], ctx: ValidationContext, want: (rule: string) => boolean): ValidationResult {
  const findings: Finding[] = [];
  const waived: WaivedFinding[] = [];
  const toFinding = (i: ObjectIssue): Finding => ({
    rule: i.rule,
    severity: i.severity ?? ruleInfo(i.rule)?.severity ?? 'error',
    message: i.message,
    file: i.owner.file,
    chart: i.owner.chart,
    object: refOf(i.owner.obj),
    path: i.path,
    target: ctx.target,
    tenant: ctx.tenant,
  });
  if (ctx.release.length > RELEASE_NAME_LIMIT && want('release-name-too-long')) {
    findings.push({ rule: 'release-name-too-long', severity: 'error', message: `release name "${ctx.release}" is ${ctx.release.length} characters; helm allows ${RELEASE_NAME_LIMIT}`, target: ctx.target, tenant: ctx.tenant });
  }
  // Exceptions: per object, per rule.
  const exceptions = new Map<RenderedObject, Map<string, { reason: string; used: boolean }>>();
  for (const ro of objects) {
    // the object's own annotation, or its pod template's (upstream charts often expose only pod annotations)
    const tp = podTemplatePath(ro.obj.kind);
    const podAnnotation = tp && tp.length ? get(ro.obj, ...tp, 'metadata', 'annotations', EXCEPTION_ANNOTATION) : undefined;
    const entries = [...parseExceptions(ro.obj.metadata.annotations?.[EXCEPTION_ANNOTATION]), ...parseExceptions(typeof podAnnotation === 'string' ? podAnnotation : undefined)];
    if (!entries.length) continue;
    const m = new Map<string, { reason: string; used: boolean }>();
    for (const e of entries) {
      if (!ruleInfo(e.rule) || !isWaivable(e.rule) || !e.reason) {
        if (want('policy-exception-invalid')) {
          findings.push(toFinding({ owner: ro, path: `metadata.annotations["${EXCEPTION_ANNOTATION}"]`, rule: 'policy-exception-invalid', message: !ruleInfo(e.rule) ? `"${e.rule}" is not a rule id` : !isWaivable(e.rule) ? `rule ${e.rule} cannot be waived` : `the exception for ${e.rule} gives no reason (write "${e.rule}: <why>")` }));
        }
        continue;
      }
      m.set(e.rule, { reason: e.reason, used: false });
    }
    exceptions.set(ro, m);
  }
  for (const i of issues) {
    const ex = exceptions.get(i.owner)?.get(i.rule);
    if (ex) {
      ex.used = true;
      waived.push({ ...toFinding(i), reason: ex.reason });
    } else findings.push(toFinding(i));
  }
  if (!ctx.onlyRules) {
    for (const [ro, m] of exceptions) {
      for (const [rule, ex] of m) {
        if (!ex.used) findings.push(toFinding({ owner: ro, path: `metadata.annotations["${EXCEPTION_ANNOTATION}"]`, rule: 'policy-exception-unused', message: `the exception for ${rule} waives nothing (nothing on this object breaks ${rule}); remove it` }));
      }
    }
  }
  return { findings, waived };
}
