/** Rendering validation results for people: `file:line:col severity message [rule]`, a code frame on a TTY, a summary. */
import { readFileSync } from 'node:fs';
import type { Style } from '../output.js';
import type { Finding } from './types.js';
import type { ValidationResult } from './validate.js';

/** What the report needs of the output: colour (Output has it). */
export interface Styler {
  style(format: Style, text: string): string;
}
type Output = Styler;

export interface ReportOptions {
  /** Show the offending line with a caret under the column (on a TTY). */
  codeFrame: boolean;
}

export function formatFinding(f: Finding, o: Output): string {
  const sev = f.severity === 'error' ? o.style('red', 'error') : o.style('yellow', 'warning');
  return `${o.style('bold', `${f.file}:${f.line}:${f.column}`)} ${sev} ${f.message} ${o.style('gray', `[${f.rule}]`)}`;
}

/** Two lines before the finding, its line, and a caret under the column. */
export function codeFrame(text: string, line: number, column: number, o: Output): string {
  const lines = text.split(/\r?\n/);
  if (line < 1 || line > lines.length) return '';
  const from = Math.max(1, line - 2);
  const width = String(line).length;
  const out: string[] = [];
  for (let n = from; n <= line; n++) {
    const src = visible(lines[n - 1] ?? '');
    const mark = n === line ? o.style('red', '>') : ' ';
    out.push(`${mark} ${o.style('gray', `${String(n).padStart(width)} |`)} ${src}`);
  }
  const before = visible((lines[line - 1] ?? '').slice(0, Math.max(0, column - 1))).replace(/[^\t]/g, ' ');
  out.push(`  ${' '.repeat(width)} ${o.style('gray', '|')} ${before}${o.style('red', '^')}`);
  return out.join('\n');
}

/** Keep a source line from driving the terminal: control characters shown as ^X, very long lines cut. */
function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, (c) => `^${String.fromCharCode((c.charCodeAt(0) + 64) & 0x7f)}`);
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

export function formatReport(result: ValidationResult, o: Output, options: ReportOptions): string {
  const lines: string[] = [];
  const texts = new Map<string, string | undefined>();
  const source = (file: string): string | undefined => {
    if (!texts.has(file)) {
      const f = result.files.find((x) => x.file === file);
      let t: string | undefined;
      try {
        t = f ? readFileSync(f.path, 'utf8') : undefined;
      } catch {
        t = undefined;
      }
      texts.set(file, t);
    }
    return texts.get(file);
  };
  for (const f of result.findings) {
    lines.push(formatFinding(f, o));
    if (options.codeFrame && f.rule !== 'file-too-large' && f.rule !== 'file-unreadable') {
      const text = source(f.file);
      if (text !== undefined) {
        const frame = codeFrame(text, f.line, f.column, o);
        if (frame) lines.push(frame, '');
      }
    }
  }
  lines.push(summary(result, o));
  return lines.join('\n');
}

export function summary(r: ValidationResult, o: Output): string {
  const n = r.files.length;
  const files = `${n} tenant file${n === 1 ? '' : 's'}`;
  const warn = r.warnings ? `, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}` : '';
  if (r.errors === 0) return o.style('green', `✔ ${files} valid${warn}`);
  const bad = r.files.filter((f) => !f.valid).length;
  return o.style('red', `✖ ${r.errors} error${r.errors === 1 ? '' : 's'}${warn} in ${bad} of ${files}`);
}
