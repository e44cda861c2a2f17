/**
 * `validateTenantFiles`: the one entry point other modules (lint, install, render) use to check
 * tenant files. YAML problems, JSON Schema errors and rules, each a positioned finding.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { loadTenantSync, parseTenantText, type LoadedTenant } from './load.js';
import { checkRules, uniqueIdFindings } from './rules.js';
import { loadTenantSchema, type TenantSchema } from './schema.js';
import type { Finding } from './types.js';
import { quickValidate } from './quickcheck.js';

export const DEFAULT_TENANT_DIR = join('gitops', 'tenants');

export interface ValidateOptions {
  /** Working directory: relative inputs and the default directory resolve against it; files are shown relative to it. */
  cwd?: string;
  /** Schema file (default: the package's schemas/tenant.schema.json). */
  schemaFile?: string;
  /** Directory used when no input is given (default gitops/tenants under cwd). */
  defaultDir?: string;
}

export interface ValidatedFile {
  /** As shown in findings. */
  file: string;
  /** Absolute path. */
  path: string;
  tenantId: string | undefined;
  /** The parsed values (also when invalid, if the YAML parsed). */
  values: Record<string, unknown> | undefined;
  valid: boolean;
  errors: number;
  warnings: number;
}

export interface ValidationResult {
  files: ValidatedFile[];
  findings: Finding[];
  errors: number;
  warnings: number;
}

/** The tenant files in a directory: tenant-*.yaml, sorted (the template _template.yaml is not one). */
export function tenantFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => /^tenant-.+\.yaml$/.test(e.name) && (e.isFile() || e.isSymbolicLink()))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Expand files and directories into the list of tenant files (usage error for missing inputs). */
export function resolveTenantInputs(inputs: string[], options: ValidateOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  if (inputs.length === 0) {
    const dir = resolve(cwd, options.defaultDir ?? DEFAULT_TENANT_DIR);
    let files: string[];
    try {
      files = tenantFilesIn(dir);
    } catch {
      throw usageError(`no tenant directory ${options.defaultDir ?? DEFAULT_TENANT_DIR} under ${cwd}`, 'run logclaw in the repository root (or set LOGCLAW_ROOT), or name files: logclaw tenant validate FILE|DIR ...');
    }
    if (files.length === 0) throw usageError(`no tenant files (tenant-*.yaml) in ${dir}`, 'create one with `logclaw tenant init <tenantId>`');
    return files;
  }
  const out: string[] = [];
  for (const input of inputs) {
    const abs = resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw usageError(`no such file or directory: ${input}`);
    }
    if (st.isDirectory()) {
      const files = tenantFilesIn(abs);
      if (files.length === 0) throw usageError(`no tenant files (tenant-*.yaml) in ${input}`);
      out.push(...files);
    } else {
      out.push(abs);
    }
  }
  return [...new Set(out)];
}

/** Validate files and directories: YAML, schema (all errors) and rules, plus tenantId uniqueness across them. */
export async function validateTenantFiles(inputs: string | string[], options: ValidateOptions = {}): Promise<ValidationResult> {
  const cwd = options.cwd ?? process.cwd();
  const paths = resolveTenantInputs(Array.isArray(inputs) ? inputs : [inputs], { ...options, cwd });
  const schema = await loadTenantSchema(options.schemaFile);
  const tenants = paths.map((p) => loadTenantSync(p, { cwd }));
  return checkTenants(tenants, schema);
}

/** Schema and rules over already-loaded tenants (also used by `tenant init` before it writes). */
export async function checkTenants(tenants: LoadedTenant[], schema: TenantSchema): Promise<ValidationResult> {
  // Clean files are cleared by the quick check; ajv (and its ~0.5 MB of generated code) is loaded
  // only when some file may have schema errors.
  const json = schema.quick();
  const needsAjv = tenants.some((t) => t.values !== undefined && quickValidate(json, t.values) !== true);
  const ajv = needsAjv ? await schema.validator() : undefined;
  const { schemaFindings } = needsAjv ? await import('./messages.js') : { schemaFindings: undefined };
  const check = (t: LoadedTenant): Finding[] => {
    const findings = [...t.findings];
    if (t.values !== undefined) {
      if (ajv && schemaFindings && quickValidate(json, t.values) !== true && !ajv(t.values)) findings.push(...schemaFindings(t, ajv.errors ?? [], schema.json));
      findings.push(...checkRules(t));
    }
    return findings;
  };
  const perFile = new Map<LoadedTenant, Finding[]>();
  for (let i = 0; i < tenants.length; i++) {
    let t = tenants[i]!;
    let findings = check(t);
    if (findings.length > 0 && !t.precise && t.text !== undefined) {
      // A finding needs positions: read the file again with the position-keeping parser, and report
      // what that parser sees (it is the reference; the fast path only ever clears clean files).
      t = parseTenantText(t.text, t.file, t.path, { precise: true });
      tenants[i] = t;
      findings = t.values !== undefined && !ajv && quickValidate(json, t.values) !== true ? [...t.findings, ...(await ajvFindings(t, schema)), ...checkRules(t)] : check(t);
    }
    perFile.set(t, findings);
  }
  for (const { tenant, finding } of uniqueIdFindings(tenants.filter((t) => t.values !== undefined))) perFile.get(tenant)!.push(finding);
  const files: ValidatedFile[] = [];
  const findings: Finding[] = [];
  for (const t of tenants) {
    const fs = perFile.get(t)!.sort((a, b) => a.line - b.line || a.column - b.column);
    const errors = fs.filter((f) => f.severity === 'error').length;
    const g = t.values?.global;
    const id = g && typeof g === 'object' && typeof (g as Record<string, unknown>).tenantId === 'string' ? ((g as Record<string, unknown>).tenantId as string) : undefined;
    files.push({ file: t.file, path: t.path, tenantId: id, values: t.values, valid: errors === 0, errors, warnings: fs.length - errors });
    findings.push(...fs);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { files, findings, errors, warnings: findings.length - errors };
}

async function ajvFindings(t: LoadedTenant, schema: TenantSchema): Promise<Finding[]> {
  const ajv = await schema.validator();
  const { schemaFindings } = await import('./messages.js');
  return ajv(t.values) ? [] : schemaFindings(t, ajv.errors ?? [], schema.json);
}

/** Validate tenant YAML text as if it were the file `asFile` (for `tenant init`), alongside other files. */
export async function validateTenantText(text: string, asFile: string, others: string[] = [], options: ValidateOptions = {}): Promise<ValidationResult> {
  const cwd = options.cwd ?? process.cwd();
  const schema = await loadTenantSchema(options.schemaFile);
  const abs = resolve(cwd, asFile);
  const self = parseTenantText(text, asFile, abs);
  const rest = others.filter((o) => resolve(cwd, o) !== abs).map((p) => loadTenantSync(p, { cwd }));
  const result = await checkTenants([self, ...rest], schema);
  // Only the new file's findings matter to init; others may be broken on their own.
  const findings = result.findings.filter((f) => f.file === asFile);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { files: result.files.slice(0, 1), findings, errors, warnings: findings.length - errors };
}
