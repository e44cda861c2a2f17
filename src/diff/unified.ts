/**
 * Line diff (Myers' O(ND) algorithm) and unified-diff hunks with context, for `logclaw diff`.
 */

export type LineOp = { op: ' ' | '-' | '+'; line: string };

/** The shortest edit script turning `a` into `b`, as a sequence of kept, removed and added lines. */
export function diffLines(a: string[], b: string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // walk back through the trace
  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!)) prevK = k + 1;
    else prevK = k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ op: '+', line: b[y - 1]! });
      else ops.push({ op: '-', line: a[x - 1]! });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

export interface Hunk {
  aStart: number;
  aLines: number;
  bStart: number;
  bLines: number;
  lines: LineOp[];
}

/** Group an edit script into hunks with `context` unchanged lines around each change. */
export function hunks(ops: LineOp[], context = 3): Hunk[] {
  const out: Hunk[] = [];
  const changed = ops.map((o, i) => (o.op !== ' ' ? i : -1)).filter((i) => i >= 0);
  if (changed.length === 0) return out;
  // positions in a and b before each op
  const aPos: number[] = [];
  const bPos: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const o of ops) {
    aPos.push(ai);
    bPos.push(bi);
    if (o.op !== '+') ai++;
    if (o.op !== '-') bi++;
  }
  let start = Math.max(0, changed[0]! - context);
  let end = Math.min(ops.length, changed[0]! + context + 1);
  const flush = () => {
    const lines = ops.slice(start, end);
    out.push({
      aStart: aPos[start]! + 1,
      aLines: lines.filter((l) => l.op !== '+').length,
      bStart: bPos[start]! + 1,
      bLines: lines.filter((l) => l.op !== '-').length,
      lines,
    });
  };
  for (const i of changed.slice(1)) {
    if (i - context <= end) end = Math.min(ops.length, i + context + 1);
    else {
      flush();
      start = Math.max(0, i - context);
      end = Math.min(ops.length, i + context + 1);
    }
  }
  flush();
  return out;
}

/** A unified diff body (no file header lines); empty when the texts are equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const hs = hunks(diffLines(a, b), context);
  const range = (start: number, len: number) => (len === 1 ? `${start}` : `${len === 0 ? start - 1 : start},${len}`);
  return hs
    .map((h) => [`@@ -${range(h.aStart, h.aLines)} +${range(h.bStart, h.bLines)} @@`, ...h.lines.map((l) => `${l.op}${l.line}`)].join('\n'))
    .join('\n')
    .concat('\n');
}
