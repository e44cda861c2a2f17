/** The tenant module's public API (used by lint, render, install). Keep these signatures stable. */
export { validateTenantFiles, resolveTenantInputs, tenantFilesIn, DEFAULT_TENANT_DIR, type ValidateOptions, type ValidatedFile, type ValidationResult } from './validate.js';
export { loadTenant, type LoadedTenant, type LoadOptions } from './load.js';
export { loadTenantSchema, tenantSchemaFile } from './schema.js';
export { RULES, type Finding, type Severity, type RuleId } from './types.js';
