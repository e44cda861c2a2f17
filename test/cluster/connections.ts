// Which TCP peers a set of processes talks to, read from /proc (Linux): the sockets each process holds
// (/proc/<pid>/fd → socket:[inode]) matched with the kernel's tables (/proc/net/tcp, /proc/net/tcp6: local and
// remote address, state, inode). A watcher samples them while something runs and keeps every peer that is not on
// this machine, with the process that held it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isLoopback } from './webhooks.ts';

export interface TcpSocket { local: string; remote: string; state: string; inode: number }
export interface ForeignConnection { pid: number; command: string; local: string; remote: string; state: string }

const STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};

/** An address of /proc/net/tcp{,6} ("0100007F:1F90", 32 hex digits for IPv6, each 32-bit word in host order). */
export function procAddress(hex: string): string {
  const [ip, port] = hex.split(':') as [string, string];
  const p = parseInt(port, 16);
  const words = ip.toLowerCase().match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  if (ip.length === 8) return `${words[0]!.match(/../g)!.map((b) => parseInt(b, 16)).join('.')}:${p}`;
  const hexs = words.join('');
  if (hexs.startsWith('00000000000000000000ffff')) return `::ffff:${hexs.slice(24).match(/../g)!.map((b) => parseInt(b, 16)).join('.')}:${p}`;
  const groups = hexs.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]:${p}`;
}

/** The sockets of a /proc/net/tcp or tcp6 table. */
export function parseProcNetTcp(text: string): TcpSocket[] {
  return text.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length > 9).map((f) => ({
    local: procAddress(f[1]!), remote: procAddress(f[2]!), state: STATES[f[3]!.toUpperCase()] ?? f[3]!, inode: Number(f[9]),
  }));
}

/** The host part of "a.b.c.d:port", "[v6]:port" or "::ffff:a.b.c.d:port". */
export function hostOf(address: string): string {
  const v6 = /^\[(.*)\]:\d+$/.exec(address);
  if (v6) return v6[1]!;
  return address.replace(/:\d+$/, '');
}

/** A peer that is neither loopback nor unset (0.0.0.0 / :: of a listening socket). */
export function isForeign(s: Pick<TcpSocket, 'remote' | 'state'>): boolean {
  const host = hostOf(s.remote);
  if (s.state === 'LISTEN' || host === '0.0.0.0' || host === '::') return false;
  return !isLoopback(host);
}

/** These processes and all their descendants (by the parent pid of /proc/<pid>/stat). */
export function processTree(roots: number[]): Map<number, string> {
  const parent = new Map<number, number>();
  const command = new Map<number, string>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      command.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const out = new Map<number, string>();
  const queue = roots.filter((p) => command.has(p));
  while (queue.length) {
    const p = queue.shift()!;
    if (out.has(p)) continue;
    out.set(p, command.get(p) ?? '?');
    for (const [child, pp] of parent) if (pp === p && !out.has(child)) queue.push(child);
  }
  return out;
}

function socketInodes(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? [Number(m[1])] : [];
      } catch { return []; }
    });
  } catch { return []; }
}

/** One look: every socket of the process trees under `roots` whose peer is not on this machine. */
export function foreignConnections(roots: number[]): ForeignConnection[] {
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => { try { return parseProcNetTcp(readFileSync(f, 'utf8')); } catch { return []; } });
  const byInode = new Map(tables.map((s) => [s.inode, s]));
  const out: ForeignConnection[] = [];
  for (const [pid, command] of processTree(roots)) {
    for (const inode of socketInodes(pid)) {
      const s = byInode.get(inode);
      if (s && isForeign(s)) out.push({ pid, command, local: s.local, remote: s.remote, state: s.state });
    }
  }
  return out;
}

export interface ConnectionWatch {
  /** Samples taken so far. */
  readonly samples: number;
  /** Processes seen in the trees (pid → command), over all samples. */
  readonly seen: Map<number, string>;
  stop(): ForeignConnection[];
}

/** Sample the trees under `roots` every `intervalMs` until stop(); returns every foreign connection seen. */
export function watchConnections(roots: () => number[], intervalMs = 25): ConnectionWatch {
  const found = new Map<string, ForeignConnection>();
  const seen = new Map<number, string>();
  let samples = 0;
  const sample = () => {
    const r = roots();
    for (const [pid, cmd] of processTree(r)) seen.set(pid, cmd);
    for (const c of foreignConnections(r)) found.set(`${c.pid} ${c.local} ${c.remote}`, c);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    get samples() { return samples; },
    seen,
    stop: () => {
      clearInterval(timer);
      sample();
      return [...found.values()];
    },
  };
}
