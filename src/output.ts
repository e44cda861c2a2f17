/**
 * The one place logclaw writes to the terminal. Core modules return data; commands hand it here.
 * Pretty output for people (colour on a TTY, honouring --no-color and NO_COLOR), --json for machines.
 */

export interface OutputOptions {
  json?: boolean;
  color?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export type Style = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'magenta' | 'gray' | 'dim' | 'bold' | 'underline';

/** ANSI open and close codes of each style (the 16-colour set every terminal has). */
const ANSI: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  gray: [90, 39],
  dim: [2, 22],
  bold: [1, 22],
  underline: [4, 24],
};

/**
 * `text` in a style: an inner span that closes the same attribute re-opens the outer one after it, and each line
 * is closed and re-opened around its break (so a pager or a prefix on the next line does not inherit the style).
 */
export function ansiStyle(format: Style, text: string): string {
  if (!text) return text;
  const open = `\u001b[${ANSI[format][0]}m`;
  const close = `\u001b[${ANSI[format][1]}m`;
  const inner = text.includes('\u001b') ? text.split(close).join(close + open) : text;
  return open + inner.replace(/(\r?\n)/g, `${close}$1${open}`) + close;
}

export class Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly isTTY: boolean;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;

  constructor(options: OutputOptions = {}) {
    const stdout = options.stdout ?? process.stdout;
    this.out = stdout;
    this.err = options.stderr ?? process.stderr;
    this.json = options.json ?? false;
    this.isTTY = Boolean(stdout.isTTY);
    this.color = options.color ?? defaultColor(stdout);
  }

  /**
   * A status line on stderr that the next one replaces (progress of long work): only when stderr is a terminal
   * and the output is not JSON; CI logs and pipes get nothing. `status()` clears it. Returns whether it shows.
   */
  status(text?: string): boolean {
    const err = this.err as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    if (!err.isTTY || this.json) return false;
    const width = Math.max(20, (err.columns || 80) - 1);
    const line = text && text.length > width ? `${text.slice(0, width - 1)}…` : (text ?? '');
    err.write(`\r\u001b[2K${line}`);
    return true;
  }

  /** Colour a string when colour is on (red, green, yellow, dim, bold, cyan...). */
  style(format: Style, text: string): string {
    return this.color ? ansiStyle(format, text) : text;
  }

  /** A result: JSON when --json, else the pretty rendering. */
  result<T>(value: T, pretty: (value: T, o: Output) => string): void {
    if (this.json) this.out.write(JSON.stringify(value, null, 2) + '\n');
    else {
      const text = pretty(value, this);
      if (text) this.out.write(text.endsWith('\n') ? text : text + '\n');
    }
  }

  /** Plain text to stdout (ignored under --json: JSON output stays parseable). */
  print(text: string): void {
    if (!this.json) this.out.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** Raw bytes to stdout, whatever the mode (rendered manifests, diffs). */
  raw(text: string): void {
    this.out.write(text);
  }

  /** Progress and notes go to stderr so stdout stays clean for pipes. */
  info(text: string): void {
    this.err.write(text + '\n');
  }

  warn(text: string): void {
    this.err.write(this.style('yellow', 'warning: ') + text + '\n');
  }

  error(text: string): void {
    this.err.write(this.style('red', 'error: ') + text + '\n');
  }

  /** A left-aligned table; columns are [key, header]. */
  table<R extends Record<string, unknown>>(rows: R[], columns: Array<[keyof R & string, string]>): string {
    const cells = rows.map((r) => columns.map(([k]) => cellText(r[k])));
    const headers = columns.map(([, h]) => h);
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => visibleLength(c[i] ?? ''))));
    const line = (cols: string[]) =>
      cols.map((c, i) => (i === cols.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i]! - visibleLength(c))))).join('  ').trimEnd();
    return [this.style('bold', line(headers)), ...cells.map(line)].join('\n');
  }
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (Array.isArray(v)) return v.length ? v.join(',') : '-';
  return String(v);
}

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => s.replace(ansi, '').length;

export function defaultColor(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.argv.includes('--no-color')) return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}
