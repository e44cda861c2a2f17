/** Paths and values as shown in messages (kept apart from messages.ts so the clean path loads little). */
import type { ValuePath } from './types.js';

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `global.objectStorage.bucket`, `ticketingAgent.config.routing.critical[0]`, `global["we.ird"]`. */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (plainKey.test(s)) out += out ? `.${s}` : s;
    else out += `[${quote(s)}]`;
  }
  return out;
}

/** A string in double quotes with every character outside printable ASCII escaped. */
export function quote(s: string, max = 80): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  let out = '"';
  for (const ch of cut) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c > 0x7e) out += c > 0xffff ? `\\u{${c.toString(16)}}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + (s.length > max ? `…" (${s.length} characters)` : '"');
}
