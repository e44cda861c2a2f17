/**
 * `logclaw gitops bootstrap`: the Argo CD manifests of gitops/argocd/ (AppProjects, the operators app of apps
 * and its children, the tenants' ApplicationSet) for the user's repository and revision, without sed:
 * every source that points at "this repository" (the placeholder URL the files carry) gets --repo and
 * --revision, AppProject sourceRepos too; comments and layout are kept. Validated like lint validates
 * gitops/ (Kubernetes schemas, the Argo CD CRDs of --crds).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Document, type Node } from 'yaml';
import { ExitCode, LogclawError, usageError } from '../errors.js';

/** The repository URL gitops/argocd/ is written with: "this repository", replaced by bootstrap. */
export const PLACEHOLDER_REPO = 'https://git.example.com/platform/logclaw.git';
export const ARGOCD_NAMESPACE = 'argocd';

export interface BootstrapOptions {
  /** repository root (holds gitops/argocd/) */
  root: string;
  repo: string;
  revision?: string;
  /** Argo CD's namespace (default argocd) */
  namespace?: string;
}

export interface BootstrapFile {
  /** path under gitops/argocd/ (e.g. operators/strimzi-kafka-operator.yaml) */
  path: string;
  text: string;
  objects: Array<Record<string, any>>;
  /** applied by `--apply` (the top level: AppProjects, operators app of apps, ApplicationSet); the
   * operators/ children are synced by the app of apps from git and must be committed */
  apply: boolean;
}

export interface BootstrapResult {
  repo: string;
  revision: string;
  namespace: string;
  files: BootstrapFile[];
  /** how many repoURL / sourceRepos values were set */
  replaced: number;
}

export function argocdDir(root: string): string {
  return join(root, 'gitops', 'argocd');
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A git URL Argo CD accepts: https://, ssh (git@host:path or ssh://), git://, file://. */
export function checkRepoUrl(url: string): void {
  if (/^(https?|ssh|git|file):\/\/\S+$/.test(url) || /^[\w.-]+@[\w.-]+:\S+$/.test(url)) return;
  throw usageError(`--repo ${url} is not a git URL Argo CD can read`, 'Pass https://host/org/repo.git, git@host:org/repo.git, ssh://..., or file:///path for a local repository.');
}

/** The placeholder, or --repo itself (bootstrap over files it already wrote is idempotent). */
const isThisRepo = (v: unknown, repo: string): boolean => v === PLACEHOLDER_REPO || v === repo;

/** A change to one scalar of the source text: its range there and its new source. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The new value written in the scalar's own style (plain stays plain when YAML reads it back as the same string). */
function scalarSource(node: Scalar, value: string): string {
  if (node.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (node.type === Scalar.QUOTE_DOUBLE || !/^[A-Za-z0-9_./:@~+-][A-Za-z0-9_./:@~+#=?&%-]*$/.test(value) || /^(true|false|null|yes|no|on|off|~|[-+]?[\d.]+(e[-+]?\d+)?)$/i.test(value)) return JSON.stringify(value);
  return value;
}

/** Set a scalar to `value`, in the document (for its objects) and as an edit of the source text (for the file). */
function setScalar(node: Scalar, value: string, edits: Edit[]): void {
  if (node.value === value) return;
  node.value = value;
  if (node.range) edits.push({ start: node.range[0], end: node.range[1], text: scalarSource(node, value) });
}

/** Set repoURL (and targetRevision/revision beside it) wherever it is the placeholder; sourceRepos entries too. */
function rewrite(node: Node | null | undefined, o: Required<Pick<BootstrapOptions, 'repo'>> & { revision?: string }, count: { n: number }, edits: Edit[]): void {
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i];
      if (isScalar(item) && isThisRepo(item.value, o.repo)) {
        setScalar(item, o.repo, edits);
        count.n++;
      } else rewrite(item as Node, o, count, edits);
    }
    return;
  }
  if (!isMap(node)) return;
  const repo = node.get('repoURL', true);
  if (isScalar(repo) && isThisRepo(repo.value, o.repo)) {
    setScalar(repo, o.repo, edits);
    count.n++;
    if (o.revision !== undefined) {
      for (const key of ['targetRevision', 'revision']) {
        const rev = node.get(key, true);
        if (isScalar(rev)) setScalar(rev, o.revision, edits);
      }
    }
  }
  for (const pair of node.items) rewrite(pair.value as Node, o, count, edits);
}

function setNamespace(doc: Document, namespace: string, edits: Edit[]): void {
  const meta = doc.get('metadata', true);
  const ns = isMap(meta) ? meta.get('namespace', true) : undefined;
  if (isScalar(ns) && ns.value === ARGOCD_NAMESPACE) setScalar(ns, namespace, edits);
}

/** The source with the edits applied: every byte outside them (comments, flow style, document markers) is kept. */
function applyEdits(source: string, edits: Edit[]): string {
  let text = source;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

export function renderBootstrap(o: BootstrapOptions): BootstrapResult {
  checkRepoUrl(o.repo);
  const dir = argocdDir(o.root);
  if (!existsSync(dir)) {
    throw new LogclawError(`${relative(process.cwd(), dir) || dir} does not exist`, { exitCode: ExitCode.usage, hint: 'Run logclaw gitops bootstrap from the root of a LogClaw repository (it reads gitops/argocd/).' });
  }
  const namespace = o.namespace ?? ARGOCD_NAMESPACE;
  const revision = o.revision ?? 'HEAD';
  const count = { n: 0 };
  const files: BootstrapFile[] = [];
  for (const file of yamlFiles(dir)) {
    const rel = relative(dir, file).split('\\').join('/');
    const source = readFileSync(file, 'utf8');
    const docs = parseAllDocuments(source);
    const objects: Array<Record<string, any>> = [];
    const edits: Edit[] = [];
    for (const doc of docs) {
      if (doc.errors.length) throw new LogclawError(`gitops/argocd/${rel}: ${doc.errors[0]!.message}`);
      rewrite(doc.contents as Node, { repo: o.repo, revision: o.revision ?? undefined }, count, edits);
      setNamespace(doc, namespace, edits);
      const js = doc.toJS() as Record<string, any> | null;
      if (js) objects.push(js);
    }
    files.push({ path: rel, text: applyEdits(source, edits), objects, apply: !rel.includes('/') });
  }
  if (count.n === 0) {
    throw new LogclawError(`no source in gitops/argocd/ points at ${PLACEHOLDER_REPO} or ${o.repo}`, {
      hint: 'The files were rewritten for another repository: run bootstrap on the gitops/argocd/ LogClaw ships (git checkout gitops/argocd).',
    });
  }
  return { repo: o.repo, revision, namespace, files, replaced: count.n };
}

/** Every object of the result, applied ones first in file order (AppProjects before what uses them). */
export function bootstrapObjects(r: BootstrapResult, which: 'apply' | 'all' = 'all'): Array<Record<string, any>> {
  const order = (f: BootstrapFile) => (f.objects.some((x) => x.kind === 'AppProject') ? 0 : 1);
  return r.files.filter((f) => which === 'all' || f.apply).sort((a, b) => order(a) - order(b)).flatMap((f) => f.objects);
}

/**
 * Lint's gitops check on the rendered files: Kubernetes schemas and the Argo CD CRDs of `crdDir` (the
 * directory lint takes with --crds; without it custom resources are reported as unknown kinds).
 */
export async function validateBootstrap(r: BootstrapResult, crdDir: string | undefined): Promise<import('../manifests/types.js').Finding[]> {
  const { CrdCatalog } = await import('../manifests/crds.js');
  const { KubeSchemas } = await import('../manifests/kube-schema.js');
  const { SCHEMA_RULES, validateRender } = await import('../manifests/index.js');
  const { parseRender } = await import('../manifests/parse.js');
  const crds = crdDir ? CrdCatalog.load(crdDir) : undefined;
  const kube = new KubeSchemas();
  const findings: import('../manifests/types.js').Finding[] = [];
  for (const f of r.files) {
    const file = `gitops/argocd/${f.path}`;
    const parsed = parseRender(f.text, () => ({ chart: '', file }));
    findings.push(...parsed.findings.map((x) => ({ ...x, chart: undefined, target: 'gitops bootstrap' })));
    const v = validateRender(parsed.objects, { namespace: '', release: '', kube, crds, target: 'gitops bootstrap', onlyRules: new Set(SCHEMA_RULES) });
    findings.push(...v.findings.map((x) => ({ ...x, chart: undefined })));
  }
  return findings;
}

/** Write the rendered files under `out` (same layout as gitops/argocd/); returns the paths written. */
export async function writeBootstrap(r: BootstrapResult, out: string): Promise<string[]> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const written: string[] = [];
  for (const f of r.files) {
    const p = join(out, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
    written.push(p);
  }
  return written;
}

/** The top-level objects applied server-side (AppProjects first) into the Argo CD namespace. */
export async function applyBootstrap(r: BootstrapResult, target: { context: string; kubeconfig?: string }, signal?: AbortSignal): Promise<Array<{ kind: string; name: string }>> {
  const { Kubectl } = await import('../tools/kubectl.js');
  const kubectl = await Kubectl.detect();
  const objects = bootstrapObjects(r, 'apply');
  const res = await kubectl.applyServerSide(objects.map((o) => JSON.stringify(o)).join('\n---\n'), target, { fieldManager: 'logclaw-gitops', forceConflicts: true }, { reject: false, signal });
  if (res.exitCode !== 0) {
    const crdMissing = /no matches for kind "(AppProject|ApplicationSet|Application)"/.test(res.stderr);
    throw new LogclawError(`applying the Argo CD manifests to ${target.context} failed`, {
      exitCode: crdMissing ? ExitCode.missingPrerequisite : ExitCode.checkFailed,
      details: res.stderr.trim().split('\n').slice(-6),
      hint: crdMissing ? `Install Argo CD on ${target.context} first (its CRDs are missing).` : `Check access to namespace ${r.namespace} on ${target.context}.`,
    });
  }
  return objects.map((o) => ({ kind: String(o.kind), name: String(o.metadata?.name) }));
}
