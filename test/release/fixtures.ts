/** Copies of the release fixture charts in a temporary git repository, and a local OCI registry for push tests. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

export const fixtureCharts = join(repoRoot, 'test', 'fixtures', 'release', 'charts');

/** A temp directory holding charts/ (fixture copies); with `git: true` a repository with one commit on main. */
export function workspace(o: { git?: boolean } = {}): { dir: string; chartsDir: string; git: (...args: string[]) => string; edit: (rel: string, fn: (s: string) => string) => void; cleanup: () => void } {
  const dir = tempDir('logclaw-release-');
  const chartsDir = join(dir, 'charts');
  cpSync(fixtureCharts, chartsDir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
    });
  if (o.git) {
    git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, '.gitignore'), 'charts/*/charts/\ncharts/*/Chart.lock\n.dist-charts/\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'charts');
  }
  const edit = (rel: string, fn: (s: string) => string) => writeFileSync(join(dir, rel), fn(readFileSync(join(dir, rel), 'utf8')));
  return { dir, chartsDir, git, edit, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The registry binary; an error naming how to get it when there is none (`npm test` installs it). */
export function registryBinary(): { bin: string } {
  const candidates = [process.env.LOGCLAW_REGISTRY_BIN, 'docker-registry', 'registry'].filter((x): x is string => !!x);
  for (const c of candidates) {
    if (c.includes('/')) {
      if (existsSync(c)) return { bin: c };
      continue;
    }
    for (const p of (process.env.PATH ?? '').split(delimiter)) if (p && existsSync(join(p, c))) return { bin: join(p, c) };
  }
  throw new Error('no OCI registry binary: node scripts/test-prerequisites.mjs installs Debian\'s docker-registry (or set LOGCLAW_REGISTRY_BIN)');
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

export interface Registry {
  host: string;
  url: string;
  stop: () => Promise<void>;
  log: () => string;
}

/** One bcrypt line of an htpasswd file (the registry accepts only bcrypt), written by Apache's htpasswd. */
export function htpasswdLine(user: string, password: string): string {
  return execFileSync('htpasswd', ['-nbB', user, password], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Start the registry on 127.0.0.1:<random port> with its storage in a temp directory. */
export async function startRegistry(bin: string, o: { htpasswd?: string } = {}): Promise<Registry> {
  const dir = tempDir('logclaw-registry-');
  if (o.htpasswd) writeFileSync(join(dir, 'htpasswd'), `${o.htpasswd}\n`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(dir, 'data')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${port}`,
        ...(o.htpasswd ? ['auth:', '  htpasswd:', '    realm: logclaw-test', `    path: ${join(dir, 'htpasswd')}`] : []),
        '',
      ].join('\n'),
    );
    let output = '';
    const child: ChildProcess = spawn(bin, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const host = `127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const r = await fetch(`http://${host}/v2/`);
        if (r.status === 200 || (o.htpasswd && r.status === 401)) {
          up = true;
          break;
        }
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (up) {
      return {
        host,
        url: `oci://${host}/charts`,
        log: () => output,
        stop: async () => {
          if (child.exitCode === null) {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    if (attempt === 2) throw new Error(`registry did not start: ${output}`);
  }
  throw new Error('unreachable');
}
