/**
 * IPv4/IPv6 CIDR arithmetic for NetworkPolicy ipBlocks: parse, contains an address, contains a range.
 *
 *   const c = parseCidr('0.0.0.0/0');
 *   cidrContainsRange(c, parseCidr('10.0.0.0/8')!)   // true
 *   cidrContainsAddress(c, '203.0.113.7')           // true
 */

export interface Cidr {
  family: 4 | 6;
  /** Network address as a number of 32 (IPv4) or 128 (IPv6) bits. */
  base: bigint;
  prefix: number;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  let t = text;
  let tail: bigint | undefined;
  let tailGroups = 0;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    tail = parseV4(v4[1]!);
    if (tail === undefined) return undefined;
    t = `${t.slice(0, -v4[1]!.length)}0:0`;
    tailGroups = 2;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined && tailGroups) v = (v >> 32n << 32n) | tail;
  return v;
}

export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (text.includes(':')) {
    const value = parseV6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { family: 4, value };
}

const bits = (family: 4 | 6): number => (family === 4 ? 32 : 128);
const mask = (family: 4 | 6, prefix: number): bigint => {
  const total = BigInt(bits(family));
  return ((1n << total) - 1n) ^ ((1n << (total - BigInt(prefix))) - 1n);
};

export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const a = parseAddress(addr);
  if (!a) return undefined;
  const prefix = len === undefined ? bits(a.family) : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits(a.family)) return undefined;
  return { family: a.family, base: a.value & mask(a.family, prefix), prefix };
}

export function cidrContainsAddress(c: Cidr, address: string): boolean {
  const a = parseAddress(address);
  return !!a && a.family === c.family && (a.value & mask(c.family, c.prefix)) === c.base;
}

/** Every address of `inner` is in `outer`. */
export function cidrContainsRange(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && (inner.base & mask(outer.family, outer.prefix)) === outer.base;
}

/** Ranges that are never "the internet": an egress rule to the internet must except them. */
export const NON_PUBLIC_RANGES: Record<4 | 6, string[]> = {
  4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'],
  6: ['fc00::/7', 'fe80::/10'],
};
