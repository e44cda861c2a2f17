/**
 * Small HTTP client for requests through a local port-forward: no connection pooling (every forward is
 * closed at the end and must not be held open by idle sockets), a timeout, the abort signal, and TLS without
 * certificate verification for the loopback end of a tunnel the API server already authenticates.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { formatDuration } from '../duration.js';

export interface HttpRequest {
  method?: string;
  url: string;
  body?: string | object;
  headers?: Record<string, string>;
  /** user:password for basic auth. */
  auth?: { username: string; password: string };
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Send again this many times, after a short pause, when the connection failed before any answer (reset, refused,
   * closed): a port-forward's first connection to a pod that has just become Ready can fail so. Default: once for
   * GET, HEAD and DELETE; never for other methods unless the caller knows the request is idempotent.
   */
  retries?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON when it is JSON. */
  json?: unknown;
  durationMs: number;
}

/** A connection that failed before any answer (httpOnce marks the others): an idempotent request may be sent again. */
const CONNECTION_FAILED = /^(?:ECONNRESET|ECONNREFUSED|EPIPE)$/;
const connectionFailed = (e: unknown): boolean =>
  e instanceof Error && !(e as { answered?: boolean }).answered && (CONNECTION_FAILED.test(String((e as { code?: unknown }).code)) || e.message === 'socket hang up');

export async function httpCall(req: HttpRequest): Promise<HttpResponse> {
  const method = (req.method ?? (req.body === undefined ? 'GET' : 'POST')).toUpperCase();
  let retries = req.retries ?? (['GET', 'HEAD', 'DELETE'].includes(method) ? 1 : 0);
  for (;;) {
    try {
      return await httpOnce(req);
    } catch (e) {
      if (retries-- <= 0 || req.signal?.aborted || !connectionFailed(e)) throw e;
      await new Promise<void>((resolve) => setTimeout(resolve, 500).unref());
    }
  }
}

function httpOnce(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = { connection: 'close', ...(req.headers ?? {}) };
  if (body !== undefined) {
    headers['content-type'] ??= typeof req.body === 'string' ? 'text/plain' : 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (req.auth) headers.authorization = `Basic ${Buffer.from(`${req.auth.username}:${req.auth.password}`).toString('base64')}`;
  const started = Date.now();
  const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpResponse>((resolve, reject) => {
    // once the response has begun, any failure is marked answered: the request reached the server
    let answered = false;
    const fail = (e: Error) => reject(Object.assign(e, { answered }));
    const r = doRequest(
      url,
      {
        method: req.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        agent: false,
        timeout: req.timeoutMs ?? 10_000,
        signal: req.signal,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if (/json/.test(String(res.headers['content-type'] ?? '')) || /^\s*[[{]/.test(text)) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, ...(json === undefined ? {} : { json }), durationMs: Date.now() - started });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${formatDuration(req.timeoutMs ?? 10_000)}`)));
    r.on('error', fail);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

/** First characters of a body for evidence lines. */
export const snippet = (text: string, max = 200): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

export const isOk = (status: number): boolean => status >= 200 && status < 300;
