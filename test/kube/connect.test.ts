/**
 * One connect() (src/kube/api.ts) for every command that talks to a cluster: the kubeconfig's context
 * (explicit or current), then the server must answer GET /version, else exit 4 naming the context, the server
 * and the cause. Real sockets on 127.0.0.1: a closed port, a server that never answers, an HTTP server.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, connect } from '../../src/kube/api.js';
import { ExitCode } from '../../src/errors.js';
import { rejection } from '../helpers/rejection.js';
import { runCli } from '../helpers/cli.js';
import { HELM3, repoRoot } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('logclaw-connect-');
const kubeconfig = (name: string, server: string, current = name): string => {
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': current,
      clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name, user: { token: 'not-a-secret' } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
    }),
  );
  return file;
};


let closedPort: number;
let silent: TcpServer;
let silentPort: number;
let http: Server;
let httpPort: number;
beforeAll(async () => {
  // a port nobody listens on: bind, read the port, close
  const tmp = createTcpServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as { port: number }).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  silent = createTcpServer(() => {}); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
  http = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer not-a-secret') {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ gitVersion: 'v1.33.13' }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as { port: number }).port;
});
afterAll(async () => {
  silent.close();
  http.close();
});

describe('connect()', () => {
  it('a closed port: exit 4, naming context, server and cause', async () => {
    const server = `http://127.0.0.1:${closedPort}`;
    const e = await rejection(connect({ context: 'dead', kubeconfig: kubeconfig('dead', server) }));
    expect(e.exitCode).toBe(ExitCode.timeout);
    expect(e.message).toBe(`the cluster of context "dead" is unreachable (${server})`);
    expect(e.details.join('\n')).toMatch(/ECONNREFUSED|fetch failed/);
    expect(e.hint).toMatch(/kubectl --context dead get --raw \/readyz/);
  });

  it('a server that never answers: exit 4 after the probe timeout', async () => {
    const e = await rejection(connect({ context: 'silent', kubeconfig: kubeconfig('silent', `http://127.0.0.1:${silentPort}`), probeTimeoutMs: 800 }));
    expect(e.exitCode).toBe(ExitCode.timeout);
    expect(e.details.join('\n')).toMatch(/no answer within 800 ms/);
  });

  it('a server that answers: connected, the current context used when none is given', async () => {
    const api = await connect({ kubeconfig: kubeconfig('up', `http://127.0.0.1:${httpPort}`) });
    try {
      expect(api.target.context).toBe('up');
      expect(await api.serverVersion()).toBe('v1.33.13');
    } finally {
      await api.close();
    }
  });

  it('a server that refuses the credentials is reachable: its answer is the error', async () => {
    const file = kubeconfig('denied', `http://127.0.0.1:${httpPort}`).replace('.kubeconfig', '.kubeconfig');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8')), users: [{ name: 'denied', user: { token: 'wrong' } }] }));
    await expect(connect({ context: 'denied', kubeconfig: file })).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.status === 401);
  });

  it('an unknown context is a usage error listing the known ones', async () => {
    const e = await rejection(connect({ context: 'nope', kubeconfig: kubeconfig('known', `http://127.0.0.1:${httpPort}`) }));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).not.toMatch(/did you mean/);
    expect(e.hint).toMatch(/Contexts there: known/);
  });

  it('a near miss of a context name gets "did you mean"', async () => {
    const e = await rejection(connect({ context: 'knwon', kubeconfig: kubeconfig('known', `http://127.0.0.1:${httpPort}`) }));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).toMatch(/kube context "knwon" is not in .*: did you mean "known"\?/);
  });
});

describe('every command that talks to a cluster fails the same way when it is unreachable', () => {
  const commands: string[][] = [
    ['status', '--tenant', 'example-corp', '--kube-context', 'dead'],
    ['diff', '--tenant', 'example-corp', '--kube-context', 'dead'],
    ['upgrade', '--tenant', 'example-corp', '--kube-context', 'dead', '--yes'],
    ['verify', '--tenant', 'example-corp', '--kube-context', 'dead'],
    ['port-forward', '--tenant', 'example-corp', '--kube-context', 'dead'],
    ['uninstall', '--tenant', 'example-corp', '--kube-context', 'dead', '--yes'],
  ];
  it.each(commands)('%s', async (...args) => {
    const server = `http://127.0.0.1:${closedPort}`;
    const r = await runCli(args, { cwd: repoRoot, env: { KUBECONFIG: kubeconfig('dead', server), LOGCLAW_HELM: HELM3 }, timeoutMs: 60_000 });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 4, stderr: expect.stringContaining(`error: the cluster of context "dead" is unreachable (${server})`) });
  });
});
