import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from '../../src/verify/http.js';

// A server that closes the first `drop` connections before answering (as a port-forward whose pod is not listening
// yet does), then answers 200 with the count of requests it saw.
let server: Server;
let base: string;
let drop = 0;
let seen = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    seen++;
    if (drop > 0) {
      drop--;
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seen }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('httpCall through a forward that drops a connection', () => {
  it('sends a GET again once after a connection closed before any answer', async () => {
    drop = 1;
    seen = 0;
    const res = await httpCall({ url: `${base}/healthz` });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ seen: 2 });
  });

  it('does not send a POST again unless the caller says it is idempotent', async () => {
    drop = 1;
    seen = 0;
    await expect(httpCall({ url: `${base}/marker`, body: { m: 1 } })).rejects.toThrow(/socket hang up/);
    expect(seen).toBe(1);
    drop = 1;
    seen = 0;
    const res = await httpCall({ url: `${base}/_delete_by_query`, body: { m: 1 }, retries: 1 });
    expect(res.status).toBe(200);
    expect(seen).toBe(2);
  });

  it('gives up after its retries, with the connection error', async () => {
    drop = 5;
    seen = 0;
    await expect(httpCall({ url: `${base}/healthz` })).rejects.toThrow(/socket hang up/);
    expect(seen).toBe(2);
    drop = 0;
  });

  it('a connection refused on every try ends with ECONNREFUSED', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(httpCall({ url: `http://127.0.0.1:${port}/` })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
