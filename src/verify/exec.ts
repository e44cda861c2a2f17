/**
 * Exec sessions in pods over the API server (@kubernetes/client-node Exec, websocket). Every session is
 * tracked and closed by closeAll() (end of verify, Ctrl-C). Output can be watched as it arrives, so a
 * consumer can be stopped as soon as the marker shows up. Command lines shown to people have secrets masked.
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import { tail } from '../tools/redact.js';
import { kubectlEquivalent } from '../tools/kubectl.js';
import type { Kube, WebSocketLike } from '../portforward/kube.js';
import { WS_CLOSED } from '../portforward/kube.js';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** Text written to the command's stdin, then end of input. */
  stdin?: string;
  /** Strings masked wherever the command line is shown. */
  secrets?: string[];
  /** Called with each complete stdout line; return true to stop the command (close the session). */
  onLine?: (line: string) => boolean | void;
  /** Called with each complete stderr line; return true to stop the command (close the session). */
  onErrLine?: (line: string) => boolean | void;
  signal?: AbortSignal;
  /** Close the session after this many ms (the result then has timedOut). */
  timeoutMs?: number;
  /** Called once the session is open (the command has been started in the container). */
  onOpen?: () => void;
}

export interface ExecResult {
  /** `kubectl exec`-like rendering of the command (secrets masked). */
  command: string;
  pod: string;
  /** Exit code; -1 when the session ended without one (stopped, cut, or failed to start). */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Why it failed when the API server / runtime (not the command) said so. */
  error?: string;
  /** Closed by us: onLine asked to stop. */
  stopped: boolean;
  timedOut: boolean;
  durationMs: number;
}

/** kubectl-like display: `kubectl -n ns exec pod -c container -- cmd args` */
export function displayExec(r: Pick<ExecRequest, 'namespace' | 'pod' | 'container' | 'command' | 'secrets'>): string {
  return kubectlEquivalent.exec(r, r.secrets ?? []);
}

/** The exit code carried by a V1Status from the exec status channel. */
export function exitCodeOf(status: { status?: string; reason?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } }): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message && /^\d+$/.test(cause.message)) return Number(cause.message);
  return -1;
}

export class ExecSessions {
  private readonly open = new Set<WebSocketLike>();
  private closed = false;
  constructor(private readonly kube: Kube) {}

  get active(): number {
    return this.open.size;
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    const command = displayExec(req);
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    let stopped = false;
    let timedOut = false;
    let status: { status?: string; message?: string; reason?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } } | undefined;
    let ws: WebSocketLike | undefined;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));

    const stop = () => {
      if (ws && ws.readyState !== WS_CLOSED) {
        try {
          ws.close();
        } catch {
          /* closed */
        }
        const w = ws;
        setTimeout(() => w.readyState !== WS_CLOSED && w.terminate(), 1000).unref();
      }
      finish();
    };
    // one stream per channel: keeps all it is written and hands complete lines to onLine until one says stop
    const channel = (keep: (text: string) => void, onLine: ((line: string) => boolean | void) | undefined) => {
      let partial = '';
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          const text = chunk.toString();
          keep(text);
          if (onLine && !stopped) {
            partial += text;
            let nl: number;
            while ((nl = partial.indexOf('\n')) >= 0) {
              const line = partial.slice(0, nl).replace(/\r$/, '');
              partial = partial.slice(nl + 1);
              if (onLine(line) === true) {
                stopped = true;
                stop();
                break;
              }
            }
          }
          cb();
        },
      });
      return { stream, partial: () => partial };
    };
    const out = channel((text) => (stdout += text), req.onLine);
    const err = channel((text) => (stderr += text), req.onErrLine);
    let stdin: Readable | null = null;
    if (req.stdin !== undefined) {
      const p = new PassThrough();
      p.end(req.stdin);
      stdin = p;
    }
    const onAbort = () => stop();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = req.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, req.timeoutMs)
      : undefined;
    let error: string | undefined;
    try {
      if (this.closed) throw new Error('exec sessions are closed');
      const exec = new this.kube.k8s.Exec(this.kube.kc);
      ws = (await exec.exec(req.namespace, req.pod, req.container, req.command, out.stream, err.stream, stdin, false, (s) => {
        status = s as typeof status;
      })) as unknown as WebSocketLike;
      this.open.add(ws);
      req.onOpen?.();
      const socket = ws;
      socket.on('close', () => {
        this.open.delete(socket);
        finish();
      });
      socket.on('error', (e) => {
        error ??= e instanceof Error ? e.message : String(e);
        finish();
      });
      if (req.signal?.aborted || this.closed) stop();
      await done;
    } catch (e) {
      error = wsErrorText(e);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (ws) {
        stop();
        this.open.delete(ws);
      }
    }
    if (out.partial() && req.onLine && !stopped && req.onLine(out.partial()) === true) stopped = true;
    let exitCode = status ? exitCodeOf(status) : -1;
    // some runtimes (KWOK among them) report a non-zero exit as an internal error whose message says it
    const said = /exit status (\d+)/.exec(status?.message ?? '');
    if (exitCode === -1 && said) exitCode = Number(said[1]);
    if (!error && status && exitCode === -1 && status.status !== 'Success') error = status.message ?? status.reason ?? 'exec failed';
    if (!error && exitCode > 0 && !req.stdin && !stderr && status?.message) stderr = status.message;
    return {
      command,
      pod: req.pod,
      exitCode,
      stdout,
      stderr,
      ...(error ? { error } : {}),
      stopped,
      timedOut,
      durationMs: Date.now() - started,
    };
  }

  /** Close every open session (end of verify, Ctrl-C). */
  closeAll(): void {
    this.closed = true;
    for (const ws of this.open) {
      try {
        ws.close();
      } catch {
        /* closed */
      }
      setTimeout(() => ws.readyState !== WS_CLOSED && ws.terminate(), 500).unref();
    }
    this.open.clear();
  }
}

/** client-node rejects a failed upgrade with an ErrorEvent whose message says the HTTP status. */
export function wsErrorText(e: unknown): string {
  const ev = e as { message?: unknown; error?: unknown };
  if (ev?.error instanceof Error) return ev.error.message;
  if (typeof ev?.message === 'string') return ev.message;
  return String(e);
}

/** One-paragraph description of a failed exec for evidence lines. */
export function describeExecFailure(r: ExecResult): string[] {
  const lines = [`$ ${r.command}`];
  if (r.error) lines.push(`exec error: ${r.error}`);
  else if (r.exitCode > 0) lines.push(`exit code ${r.exitCode}`);
  const t = tail(r.stderr || '', 6);
  if (t) lines.push(...t.split('\n').map((l) => `stderr: ${l}`));
  return lines;
}
