/**
 * Local port allocation for forwards: the usual port of a service when it is free, else the next free one.
 * A port is "free" when this process can listen on it on the loopback address; ports already handed out by
 * this process are skipped too (two forwards that share a usual port, e.g. 8080, get 8080 and 8081).
 */
import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Listen on host:port; resolves with the server, or rejects with the listen error (EADDRINUSE, EACCES...). */
export function listen(server: Server, port: number, host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export interface BindOptions {
  host?: string;
  /** How many ports after the preferred one to try before falling back to any free port. */
  span?: number;
  /** Ports this process already uses (skipped). */
  taken?: Set<number>;
}

export interface Bound {
  port: number;
  /** True when the preferred port was taken and another one was used. */
  moved: boolean;
}

/**
 * Bind `server` to `preferred` or the next free port after it (up to `span` tries), else to a port the OS picks.
 * `preferred` 0 means "any free port". The server stays bound: no window in which another process can take it.
 */
export async function bindNextFree(server: Server, preferred: number, options: BindOptions = {}): Promise<Bound> {
  const host = options.host ?? LOOPBACK;
  const span = options.span ?? 100;
  const taken = options.taken ?? new Set<number>();
  if (preferred > 0) {
    for (let p = preferred; p < preferred + span && p <= 65535; p++) {
      if (taken.has(p)) continue;
      try {
        const port = await listen(server, p, host);
        taken.add(port);
        return { port, moved: port !== preferred };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw e;
      }
    }
  }
  const port = await listen(server, 0, host);
  taken.add(port);
  return { port, moved: preferred > 0 };
}

/** Whether something already listens on host:port (used by tests and `doctor`-like checks). */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  const s = createServer();
  try {
    await listen(s, port, host);
    return true;
  } catch {
    return false;
  } finally {
    await new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()));
  }
}
