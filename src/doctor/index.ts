/**
 * `logclaw doctor`: what logclaw needs on this machine, checked in parallel. Returns results; never prints.
 * Each check says ✓ ok, ✗ fail (required and missing/broken → exit 3) or ! warn (works, but will hurt), with the
 * exact command or setting that fixes it.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import semver from 'semver';
import { LogclawError, ExitCode } from '../errors.js';
import { catalog } from '../portforward/catalog.js';
import { Docker } from '../tools/docker.js';
import { Helm } from '../tools/helm.js';
import { Helmfile, HELMFILE_MIN_VERSION } from '../tools/helmfile.js';
import { Kind, KIND_MIN_VERSION } from '../tools/kind.js';
import { Kubectl, KUBECTL_MIN_VERSION } from '../tools/kubectl.js';

export type CheckStatus = 'ok' | 'fail' | 'warn';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found (version, size, the error). */
  detail: string;
  /** The exact fix when status is not ok. */
  fix?: string;
  /** A failed required check makes doctor (and dev up) exit 3. */
  required: boolean;
}

export interface DetectedTools {
  helm?: Helm;
  helmfile?: Helmfile;
  kubectl?: Kubectl;
  kind?: Kind;
  docker?: Docker;
  helmDiff?: boolean;
}

export interface DoctorReport {
  scope: DoctorScope;
  checks: Check[];
  /** Every required check passed. */
  ok: boolean;
  tools: DetectedTools;
}

/** dev: a local kind stack (docker + kind needed); install: an existing cluster. */
export type DoctorScope = 'dev' | 'install';

export const NODE_MIN_VERSION = '22.0.0';
export const DOCKER_MEMORY_ADVISED = 8 * 1024 ** 3;
export const INOTIFY_WATCHES_MIN = 524288;
export const INOTIFY_INSTANCES_MIN = 512;

/** Local ports `logclaw port-forward` uses for a tenant's UIs and APIs (its catalog; one row per port). */
export const PORT_FORWARDS: ReadonlyArray<{ port: number; service: string }> = (() => {
  const byPort = new Map<number, string[]>();
  for (const e of catalog) byPort.set(e.localPort, [...(byPort.get(e.localPort) ?? []), e.title]);
  return [...byPort.entries()].sort((a, b) => a[0] - b[0]).map(([port, titles]) => ({ port, service: titles.join(', ') }));
})();

const isMac = platform() === 'darwin';
const installFix: Record<string, string> = {
  kubectl: isMac ? 'brew install kubectl' : 'install kubectl ≥ 1.28: https://kubernetes.io/docs/tasks/tools/#kubectl (or set LOGCLAW_KUBECTL=/path/to/kubectl)',
  helm: isMac ? 'brew install helm' : 'install helm 3.14+ or 4: curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash (or set LOGCLAW_HELM=/path/to/helm)',
  helmfile: isMac ? 'brew install helmfile' : `install helmfile ≥ ${HELMFILE_MIN_VERSION}: https://github.com/helmfile/helmfile/releases (or set LOGCLAW_HELMFILE=/path/to/helmfile)`,
  kind: isMac ? 'brew install kind' : `go install sigs.k8s.io/kind@v0.27.0 (kind ≥ ${KIND_MIN_VERSION}; or https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`,
  docker: isMac ? 'install Docker Desktop (https://docs.docker.com/desktop/setup/install/mac-install/) and start it' : 'install Docker Engine: https://docs.docker.com/engine/install/ and start it (sudo systemctl start docker)',
};

function errorText(e: unknown): string {
  if (e instanceof LogclawError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

const missing = (e: unknown): boolean => e instanceof LogclawError && e.exitCode === ExitCode.missingPrerequisite;

async function toolCheck<T extends { version: string }>(
  id: string,
  title: string,
  required: boolean,
  detect: () => Promise<T>,
  fix: string,
): Promise<{ check: Check; tool?: T }> {
  try {
    const tool = await detect();
    return { check: { id, title, status: 'ok', detail: tool.version, required }, tool };
  } catch (e) {
    const tooOld = /too old/.test(errorText(e));
    return {
      check: {
        id,
        title,
        status: required ? 'fail' : 'warn',
        detail: missing(e) && !tooOld && /was not found/.test(errorText(e)) ? 'not found on PATH' : errorText(e),
        fix: tooOld ? `upgrade: ${fix}` : fix,
        required,
      },
    };
  }
}

export function checkNode(version = process.versions.node): Check {
  const ok = semver.gte(version, NODE_MIN_VERSION);
  return {
    id: 'node',
    title: 'Node.js',
    status: ok ? 'ok' : 'fail',
    detail: `v${version}`,
    fix: ok ? undefined : `install Node.js ${semver.major(NODE_MIN_VERSION)} or newer (https://nodejs.org/en/download, or: nvm install 22)`,
    required: true,
  };
}

async function checkHelmDiff(helm: Helm | undefined): Promise<Check> {
  const base = { id: 'helm-diff', title: 'helm-diff plugin (optional)', required: false };
  if (!helm) return { ...base, status: 'warn', detail: 'helm not available', fix: 'install helm first' };
  const diff = (await helm.plugins()).find((p) => p.name === 'diff');
  if (diff) return { ...base, status: 'ok', detail: `diff ${diff.version}`.trim() };
  return {
    ...base,
    status: 'warn',
    detail: 'not installed: logclaw uses `helmfile sync` (upgrades every release) instead of `helmfile apply` (only changed ones)',
    fix: `${helm.bin === 'helm' ? 'helm' : helm.bin} plugin install https://github.com/databus23/helm-diff${helm.major >= 4 ? ' --verify=false' : ''}`,
  };
}

async function checkDocker(): Promise<{ checks: Check[]; tool?: Docker }> {
  const { check, tool } = await toolCheck('docker', 'docker CLI', true, () => Docker.detect(), installFix.docker!);
  if (!tool) return { checks: [check, { id: 'docker-engine', title: 'docker engine', status: 'fail', detail: 'no docker CLI', fix: installFix.docker, required: true }] };
  const engine = await tool.engine();
  if (!engine.ok) {
    return {
      tool,
      checks: [
        check,
        {
          id: 'docker-engine',
          title: 'docker engine',
          status: 'fail',
          detail: `not reachable: ${engine.error}`,
          fix: isMac ? 'start Docker Desktop (open -a Docker)' : 'start the engine: sudo systemctl start docker (and add yourself to the docker group: sudo usermod -aG docker $USER, then log in again)',
          required: true,
        },
      ],
    };
  }
  const gib = engine.info.memTotal / 1024 ** 3;
  const memory: Check =
    engine.info.memTotal >= DOCKER_MEMORY_ADVISED
      ? { id: 'docker-memory', title: 'docker memory', status: 'ok', detail: `${gib.toFixed(1)} GiB, ${engine.info.cpus} CPUs`, required: false }
      : {
          id: 'docker-memory',
          title: 'docker memory',
          status: 'warn',
          detail: `${gib.toFixed(1)} GiB available to docker; the dev stack needs about 8 GiB`,
          fix: isMac ? 'Docker Desktop → Settings → Resources → Memory: 8 GB or more, then Apply & restart' : 'use a machine with at least 8 GiB of free memory, or run `logclaw dev up --only kafka,opensearch`',
          required: false,
        };
  return { tool, checks: [check, { id: 'docker-engine', title: 'docker engine', status: 'ok', detail: `${engine.info.serverVersion} (${engine.info.os})`, required: true }, memory] };
}

/** Can a local port be bound? (A port-forward there would fail otherwise.) */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

export async function checkPorts(ports = PORT_FORWARDS): Promise<Check> {
  const busy: string[] = [];
  for (const p of ports) if (!(await portFree(p.port))) busy.push(`${p.port} (${p.service})`);
  if (!busy.length) return { id: 'ports', title: 'port-forward ports', status: 'ok', detail: `free: ${ports.map((p) => p.port).join(', ')}`, required: false };
  return {
    id: 'ports',
    title: 'port-forward ports',
    status: 'warn',
    detail: `in use: ${busy.join(', ')}`,
    fix: `find the process with ${isMac ? 'lsof -nP -iTCP:<port> -sTCP:LISTEN' : 'ss -ltnp "sport = :<port>"'} and stop it, or leave it: logclaw port-forward then forwards that service to the next free port and prints it`,
    required: false,
  };
}

export async function checkInotify(procDir = '/proc/sys/fs/inotify'): Promise<Check | undefined> {
  if (platform() !== 'linux') return undefined;
  const read = async (f: string) => Number((await readFile(`${procDir}/${f}`, 'utf8').catch(() => '')).trim()) || 0;
  const [watches, instances] = await Promise.all([read('max_user_watches'), read('max_user_instances')]);
  const low: string[] = [];
  if (watches < INOTIFY_WATCHES_MIN) low.push(`fs.inotify.max_user_watches=${INOTIFY_WATCHES_MIN}`);
  if (instances < INOTIFY_INSTANCES_MIN) low.push(`fs.inotify.max_user_instances=${INOTIFY_INSTANCES_MIN}`);
  if (!low.length) return { id: 'inotify', title: 'inotify limits (kind)', status: 'ok', detail: `max_user_watches ${watches}, max_user_instances ${instances}`, required: false };
  return {
    id: 'inotify',
    title: 'inotify limits (kind)',
    status: 'warn',
    detail: `max_user_watches ${watches}, max_user_instances ${instances}: kind nodes fail with "too many open files"`,
    fix: `sudo sysctl ${low.join(' ')} (persist: add them to /etc/sysctl.d/99-kind.conf)`,
    required: false,
  };
}

export async function runDoctor(o: { scope?: DoctorScope; ports?: typeof PORT_FORWARDS } = {}): Promise<DoctorReport> {
  const scope = o.scope ?? 'dev';
  const dev = scope === 'dev';
  const [kubectl, helm, helmfile, kind, docker, ports, inotify] = await Promise.all([
    toolCheck('kubectl', 'kubectl', true, () => Kubectl.detect(), installFix.kubectl!),
    toolCheck('helm', 'helm (3.14+ or 4)', true, () => Helm.detect(), installFix.helm!),
    toolCheck('helmfile', 'helmfile', true, () => Helmfile.detect(), installFix.helmfile!),
    dev ? toolCheck('kind', 'kind', true, () => Kind.detect(), installFix.kind!) : undefined,
    dev ? checkDocker() : undefined,
    checkPorts(o.ports),
    dev ? checkInotify() : undefined,
  ]);
  const diff = await checkHelmDiff(helm.tool);
  const checks: Check[] = [checkNode()];
  if (docker) checks.push(...docker.checks);
  if (kind) checks.push(kind.check);
  checks.push(kubectl.check, helm.check, diff, helmfile.check, ports);
  if (inotify) checks.push(inotify);
  return {
    scope,
    checks,
    ok: checks.every((c) => !c.required || c.status === 'ok'),
    tools: { kubectl: kubectl.tool, helm: helm.tool, helmfile: helmfile.tool, kind: kind?.tool, docker: docker?.tool, helmDiff: diff.status === 'ok' },
  };
}

/** For commands that start with doctor: exit 3 naming what is missing. */
export function requireDoctor(report: DoctorReport): void {
  if (report.ok) return;
  const failed = report.checks.filter((c) => c.required && c.status !== 'ok');
  throw new LogclawError(`missing prerequisites: ${failed.map((c) => c.title).join(', ')}`, {
    exitCode: ExitCode.missingPrerequisite,
    details: failed.map((c) => `✗ ${c.title}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`),
    hint: 'Run `logclaw doctor` for the full report.',
  });
}
