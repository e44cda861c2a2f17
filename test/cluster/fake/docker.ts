// Fake `docker` for tests: `docker info` / `docker version` answer like a running Docker Engine
// (memory, CPUs, server version), with `--format` Go-template subsets ({{json .}}, {{.Field}},
// {{json .Field}}). Everything else exits 0. Environment knobs:
//   LOGCLAW_FAKE_DOCKER_DOWN=1       daemon not reachable (exit 1 with docker's message)
//   LOGCLAW_FAKE_DOCKER_MEMORY=8Gi   MemTotal (bytes or Ki/Mi/Gi)
//   LOGCLAW_FAKE_DOCKER_CPUS=4       NCPU
//   LOGCLAW_FAKE_DOCKER_VERSION=27.5.1
import { runFake } from './log.ts';

function bytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(v);
  if (!m) return Number(v);
  const mult = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }[m[2] as 'Ki'] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

const DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

function info() {
  const mem = bytes(process.env.LOGCLAW_FAKE_DOCKER_MEMORY ?? '8Gi');
  const cpus = Number(process.env.LOGCLAW_FAKE_DOCKER_CPUS ?? 4);
  const version = process.env.LOGCLAW_FAKE_DOCKER_VERSION ?? '27.5.1';
  return {
    ID: 'logclaw-fake-docker', Containers: 0, ContainersRunning: 0, ContainersPaused: 0, ContainersStopped: 0, Images: 0,
    Driver: 'overlay2', MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true,
    PidsLimit: true, IPv4Forwarding: true, Debug: false, OomKillDisable: false, NGoroutines: 40, LoggingDriver: 'json-file',
    CgroupDriver: 'systemd', CgroupVersion: '2', KernelVersion: '6.8.0', OperatingSystem: 'Ubuntu 24.04 LTS', OSVersion: '24.04',
    OSType: 'linux', Architecture: 'x86_64', IndexServerAddress: 'https://index.docker.io/v1/', NCPU: cpus, MemTotal: mem,
    DockerRootDir: '/var/lib/docker', Name: 'logclaw-fake', ServerVersion: version, Runtimes: { runc: { path: 'runc' } },
    DefaultRuntime: 'runc', Swarm: { LocalNodeState: 'inactive' }, LiveRestoreEnabled: false, Isolation: '', InitBinary: 'docker-init',
    SecurityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'], Warnings: null,
    ClientInfo: { Debug: false, Version: version, Context: 'default', Plugins: [], Warnings: null },
  };
}

function version() {
  const v = process.env.LOGCLAW_FAKE_DOCKER_VERSION ?? '27.5.1';
  return {
    Client: { Version: v, ApiVersion: '1.47', GoVersion: 'go1.22.11', Os: 'linux', Arch: 'amd64', Context: 'default' },
    Server: { Version: v, ApiVersion: '1.47', MinAPIVersion: '1.24', GoVersion: 'go1.22.11', Os: 'linux', Arch: 'amd64', KernelVersion: '6.8.0',
      Components: [{ Name: 'Engine', Version: v }] },
  };
}

function format(tpl: string, data: Record<string, any>): string {
  return tpl.replace(/\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}/g, (_m, json: string | undefined, path: string) => {
    let v: any = data;
    for (const p of path.split('.').filter(Boolean)) v = v?.[p];
    if (json) return JSON.stringify(v ?? null);
    return v === undefined || v === null ? '<no value>' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }).replace(/\\n/g, '\n');
}

function humanBytes(n: number): string {
  return `${(n / 1024 ** 3).toFixed(2)}GiB`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const cmd = args.find((a) => !a.startsWith('-'));
  const fi = args.findIndex((a) => a === '--format' || a === '-f' || a.startsWith('--format='));
  const fmt = fi < 0 ? undefined : args[fi]!.startsWith('--format=') ? args[fi]!.slice(9) : args[fi + 1];
  const down = process.env.LOGCLAW_FAKE_DOCKER_DOWN === '1';
  switch (cmd) {
    case 'info': {
      if (down) {
        if (fmt) { process.stderr.write(`${DOWN}\n`); return 1; }
        process.stdout.write('Client:\n Version:    27.5.1\n Context:    default\n Debug Mode: false\n\nServer:\n');
        process.stderr.write(`ERROR: ${DOWN}\nerrors pretty printing info\n`);
        return 1;
      }
      const i = info();
      if (fmt) { process.stdout.write(`${format(fmt, i)}\n`); return 0; }
      process.stdout.write(`Client:\n Version:    ${i.ClientInfo.Version}\n Context:    default\n Debug Mode: false\n\nServer:\n`
        + ` Containers: 0\n  Running: 0\n  Paused: 0\n  Stopped: 0\n Images: 0\n Server Version: ${i.ServerVersion}\n Storage Driver: overlay2\n`
        + ` Logging Driver: json-file\n Cgroup Driver: systemd\n Cgroup Version: 2\n Kernel Version: ${i.KernelVersion}\n`
        + ` Operating System: ${i.OperatingSystem}\n OSType: linux\n Architecture: x86_64\n CPUs: ${i.NCPU}\n Total Memory: ${humanBytes(i.MemTotal)}\n`
        + ` Name: ${i.Name}\n ID: ${i.ID}\n Docker Root Dir: /var/lib/docker\n Debug Mode: false\n Experimental: false\n Live Restore Enabled: false\n\n`);
      return 0;
    }
    case 'version': {
      const v = version();
      if (down) {
        if (fmt) process.stdout.write(`${format(fmt, { Client: v.Client, Server: {} })}\n`);
        process.stderr.write(`${DOWN}\n`);
        return 1;
      }
      if (fmt) { process.stdout.write(`${format(fmt, v)}\n`); return 0; }
      process.stdout.write(`Client:\n Version:           ${v.Client.Version}\n API version:       ${v.Client.ApiVersion}\n\nServer: Docker Engine - Community\n Engine:\n  Version:          ${v.Server.Version}\n  API version:      ${v.Server.ApiVersion} (minimum version 1.24)\n`);
      return 0;
    }
    case 'ps':
      if (down) { process.stderr.write(`${DOWN}\n`); return 1; }
      if (!fmt) process.stdout.write('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
      return 0;
    case undefined:
      process.stdout.write('Usage:  docker [OPTIONS] COMMAND\n');
      return 0;
    default:
      return down ? (process.stderr.write(`${DOWN}\n`), 1) : 0;
  }
}

void runFake('docker', main);
