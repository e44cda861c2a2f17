/**
 * The one typed wrapper around the docker CLI: version and engine information (kind runs its nodes in docker).
 */
import { toolPath } from './discover.js';
import { run, type RunOptions } from './exec.js';
import { parseVersion, requireMinVersion } from './version.js';

export const DOCKER_MIN_VERSION = '20.10.0';

export interface DockerEngineInfo {
  serverVersion: string;
  /** Memory available to the engine, bytes (Docker Desktop's VM size on macOS/Windows). */
  memTotal: number;
  cpus: number;
  os: string;
  /** cgroup driver/version kind cares about. */
  cgroupVersion?: string;
}

export class Docker {
  private constructor(
    readonly bin: string,
    readonly version: string,
  ) {}

  /** Find the docker CLI (LOGCLAW_DOCKER, else `docker` on PATH, else the copy in the tool cache: src/tools/discover.ts) and check the client version. */
  static async detect(bin = toolPath('docker'), options?: RunOptions): Promise<Docker> {
    const r = await run(bin, ['version', '--format', '{{.Client.Version}}'], { ...options, reject: false });
    const version = requireMinVersion('docker', parseVersion(r.stdout) ?? parseVersion(r.stderr), DOCKER_MIN_VERSION);
    return new Docker(bin, version);
  }

  /** The engine's facts, or a reason it cannot be reached. */
  async engine(options?: RunOptions): Promise<{ ok: true; info: DockerEngineInfo } | { ok: false; error: string }> {
    const r = await run(this.bin, ['info', '--format', '{{json .}}'], { timeout: 20_000, ...options, reject: false });
    if (r.exitCode !== 0) return { ok: false, error: (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') || `docker info exited ${r.exitCode}` };
    try {
      const j = JSON.parse(r.stdout) as { ServerVersion?: string; MemTotal?: number; NCPU?: number; OperatingSystem?: string; CgroupVersion?: string; ServerErrors?: string[] };
      if (j.ServerErrors?.length || !j.ServerVersion) return { ok: false, error: j.ServerErrors?.join('; ') || 'the docker engine did not answer' };
      return { ok: true, info: { serverVersion: j.ServerVersion, memTotal: j.MemTotal ?? 0, cpus: j.NCPU ?? 0, os: j.OperatingSystem ?? '', cgroupVersion: j.CgroupVersion } };
    } catch {
      return { ok: false, error: `unexpected output from docker info: ${r.stdout.slice(0, 200)}` };
    }
  }
}
