/**
 * src/tools/exec.ts, the one module that runs external programs: secrets never appear in a printed command
 * line, a failure's details or the exec log; the stderr tail; a missing program's hint (exit 3); exit codes
 * and timeouts propagated; dry runs record instead of running. Real child processes (this Node binary).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { rejection } from '../helpers/rejection.js';
import { DryRun, setExecLog } from '../../src/tools/record.js';
import { envSecrets, formatCommand, redactArgs, redactText } from '../../src/tools/redact.js';
import { run, runMutating } from '../../src/tools/exec.js';
import { Kind } from '../../src/tools/kind.js';
import { tempDir } from '../helpers/temp.js';

const node = process.execPath;

afterEach(() => {
  setExecLog(undefined);
});

describe('redaction of printed command lines', () => {
  it('--set values whose key looks secret, inline and as the next argument, other keys kept', () => {
    expect(redactArgs(['upgrade', '--set', 'auth.password=hunter2,replicas=3', '--set-string=api.token=abc123', '--set', 'image.tag=1.2'])).toEqual([
      'upgrade',
      '--set',
      'auth.password=***,replicas=3',
      '--set-string=api.token=***',
      '--set',
      'image.tag=1.2',
    ]);
    expect(redactArgs(['--set-json', 'x.apiKey="k"', '--set-literal', 'db.credentials=c'])).toEqual(['--set-json', 'x.apiKey=***', '--set-literal', 'db.credentials=***']);
  });

  it('--password X, --password=X, --token X are masked; --password-stdin and the username are not', () => {
    expect(redactArgs(['registry', 'login', 'r.io', '--username', 'bob', '--password', 's3cret!'])).toEqual(['registry', 'login', 'r.io', '--username', 'bob', '--password', '***']);
    expect(redactArgs(['--password=s3cret!', '--token', 'tok-123', '--client-secret=cs'])).toEqual(['--password=***', '--token', '***', '--client-secret=***']);
    expect(redactArgs(['registry', 'login', '--username', 'bob', '--password-stdin', 'r.io'])).toEqual(['registry', 'login', '--username', 'bob', '--password-stdin', 'r.io']);
  });

  it('credentials in URLs', () => {
    expect(redactArgs(['push', 'chart.tgz', 'oci://bob:pa55@registry.example.com/charts', 'https://token@host/x'])).toEqual(['push', 'chart.tgz', 'oci://bob:***@registry.example.com/charts', 'https://token@host/x']);
    expect(redactText('fatal: https://ci:ghp_abc@github.com/o/r.git not found')).toBe('fatal: https://ci:***@github.com/o/r.git not found');
  });

  it('listed secrets and secret-looking environment values, wherever they appear', () => {
    expect(envSecrets({ HELM_REGISTRY_PASSWORD: 'pw-1234', KUBECONFIG: '/k', GITHUB_TOKEN: 'ghp_x1y2', EMPTY_SECRET: '' })).toEqual(['pw-1234', 'ghp_x1y2']);
    expect(formatCommand('helm', ['install', 'x', '--set-string', 'note=uses pw-1234 here'], ['pw-1234'])).toBe("helm install x --set-string 'note=uses *** here'");
  });
});

describe('run', () => {
  it('a failure keeps the redacted command line and the last 20 lines of stderr, exit code 1', async () => {
    const script = 'for (let i = 1; i <= 30; i++) console.error("line " + i + " " + process.env.MY_TOKEN); process.exit(7)';
    const e = await rejection(run(node, ['-e', script, '--', '--password', 'hunter2'], { env: { MY_TOKEN: 'tok-secret-value' } }));
    expect(e.exitCode).toBe(ExitCode.checkFailed);
    expect(e.message).toBe('node failed with exit code 7');
    const details = e.details.join('\n');
    expect(details).toContain("--password '***'");
    expect(details).not.toContain('hunter2');
    expect(details).not.toContain('tok-secret-value');
    expect(e.details.filter((l) => /^ {2}line \d+/.test(l))).toEqual(Array.from({ length: 20 }, (_, i) => `  line ${i + 11} ***`));
  });

  it('reject: false returns the exit code and output instead of throwing', async () => {
    const r = await run(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'], { reject: false });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err', timedOut: false });
    expect(r.command).toMatch(/ -e /);
  });

  it('a missing program is exit 3 with how to install it', async () => {
    const e = await rejection(run('helmfile-does-not-exist-here', ['version']));
    expect(e.exitCode).toBe(ExitCode.missingPrerequisite);
    expect(e.message).toMatch(/helmfile-does-not-exist-here was not found \(tried to run: helmfile-does-not-exist-here version\)/);
    expect(e.hint).toBe('Install helmfile-does-not-exist-here and make sure it is on PATH.');
    const known = await rejection(run('/nonexistent/dir/helm', ['version']));
    expect(known.exitCode).toBe(ExitCode.missingPrerequisite);
    expect(known.hint).toMatch(/Install helm 3\.14\+ or 4/);
  });

  it('a timeout is exit 4 naming the command', async () => {
    const e = await rejection(run(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeout: 300 }));
    expect(e.exitCode).toBe(ExitCode.timeout);
    expect(e.message).toMatch(/^timed out after 300 ms: /);
  });

  it('an aborted call is exit 130', async () => {
    const ac = new AbortController();
    const p = run(node, ['-e', 'setTimeout(() => {}, 10000)'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect((await rejection(p)).exitCode).toBe(ExitCode.interrupted);
  });

  it('the exec log gets the full output with secrets masked', async () => {
    const log = join(tempDir('logclaw-exec-'), 'exec.log');
    setExecLog(log);
    await run(node, ['-e', 'console.log("hello " + process.env.DB_PASSWORD); console.error("see https://u:p4ss@h/x")'], { env: { DB_PASSWORD: 'db-pass-42' } });
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('hello ***');
    expect(text).toContain('https://u:***@h/x');
    expect(text).not.toMatch(/db-pass-42|p4ss/);
    expect(text).toMatch(/# exit 0 in \d+ ms/);
  });

  it('dry run records mutating commands (redacted) without running them', async () => {
    const dryRun = new DryRun();
    const r = await runMutating('helm-not-installed', ['upgrade', '--set', 'admin.password=pw'], {}, dryRun);
    expect(r.exitCode).toBe(0);
    expect(dryRun.commands).toEqual(["helm-not-installed upgrade --set 'admin.password=***'"]);
  });

  it('a wrapper given a DryRun records its mutating calls; the one it came from (none given) still runs them', async () => {
    const dryRun = new DryRun();
    const kind = Kind.planned('kind-not-installed');
    await kind.withDryRun(dryRun).delete('dev', { kubeconfig: '/tmp/kc' });
    expect(dryRun.commands).toEqual(['kind-not-installed delete cluster --name dev --kubeconfig /tmp/kc']);
    expect((await rejection(kind.delete('dev'))).exitCode).toBe(ExitCode.missingPrerequisite);
  });
});
