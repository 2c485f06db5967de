/**
 * Python-style renderings of JSON values, so what we send and show looks like what Celery sends
 * and shows:
 * - {@link saferepr}: the truncating repr Celery uses for `argsrepr`/`kwargsrepr` and event
 *   `args`/`kwargs` (celery.utils.saferepr semantics: strings always single-quoted with only `'`
 *   escaped, containers deeper than 3 levels shown as `[...]`, and when the length budget runs out
 *   a `, ...` marker followed by the closing brackets of every open container).
 * - {@link pyRepr}: Python's real `repr` (used to rebuild exception reprs from result metadata).
 * - {@link pyNumber}: `str()` of a Python int/float.
 *
 * JSON arrays render as lists; pass `asTuple` for the top-level args tuple. Known limit: a JS
 * object lists integer-like keys first, so a dict whose keys mix "2" and "b" may be ordered
 * differently from Python.
 */

/** Celery's default `argsrepr`/`kwargsrepr` budget (`argsrepr_maxsize`). */
export const REPR_MAXLEN = 1024;
const MAX_LEVELS = 3;

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in code points, as Python's len() counts a str. */
function cpLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The first `n` code points. */
function cpSlice(s: string, n: number): string {
  if (!SURROGATE.test(s)) return s.slice(0, n);
  let out = '';
  let i = 0;
  for (const ch of s) {
    if (i++ >= n) break;
    out += ch;
  }
  return out;
}

/** celery.utils.text.truncate: cut at the last space before the limit and add "...". */
function truncate(s: string, maxlen: number | undefined): string {
  if (maxlen && cpLength(s) >= maxlen) {
    const head = cpSlice(s, maxlen);
    const space = head.lastIndexOf(' ');
    return (space >= 0 ? head.slice(0, space) : head) + '...';
  }
  return s;
}

/**
 * Python `str()` of a number. JS cannot tell 1.0 from 1, so integral values print as ints while
 * they are exact (up to 2**53); larger ones print as Python prints a float (`1e+300`).
 */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return String(n === 0 ? 0 : n);
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  // Python switches to exponent notation below 1e-4 and from 1e16; JS (String) at 1e-7 and 1e21.
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

// Python's str.isprintable() is false for these categories (the space is the one exception).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Python's repr() of a str. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarRepr(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** Python's repr() of a JSON value (lists, dicts, str, int/float, True/False/None). Not truncated. */
export function pyRepr(value: unknown, asTuple = false, depth = 0): string {
  const scalar = scalarRepr(value);
  if (scalar !== undefined) return scalar;
  if (typeof value === 'string') return pyStrRepr(value);
  // JSON never nests this deep; the guard only protects against hostile or cyclic input.
  if (depth > 100) return '...';
  if (Array.isArray(value)) {
    const items = value.map((v) => pyRepr(v, false, depth + 1));
    if (!asTuple) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (isPlainObject(value)) {
    return `{${Object.entries(value).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v, false, depth + 1)}`).join(', ')}}`;
  }
  return pyStrRepr(String(value));
}

/** Walk state for saferepr: the output, the budget left, and the closers of open containers. */
class ReprWriter {
  readonly out: string[] = [];
  readonly closers: string[] = [];
  stopped = false;

  constructor(private remaining: number | undefined) {}

  /** Emit one token; `truncated` tokens are cut to the budget left (Celery truncates scalars, not brackets). */
  emit(value: string, truncated: boolean): void {
    if (this.stopped) return;
    if (this.remaining !== undefined && this.remaining <= 0) {
      this.out.push(', ...');
      this.stopped = true;
      return;
    }
    const text = truncated ? truncate(value, this.remaining) : value;
    this.out.push(text);
    if (this.remaining !== undefined) this.remaining -= cpLength(text);
  }

  quoted(s: string): void {
    if (this.stopped) return;
    if (this.remaining !== undefined && this.remaining <= 0) {
      this.emit('', false);
      return;
    }
    this.emit(`'${truncate(s, this.remaining).replace(/'/g, "\\'")}'`, false);
  }

  open(start: string, end: string): void {
    // The closer is owed as soon as the container is entered, even if the budget runs out on
    // the opening bracket itself (Celery prints the dangling closers of everything entered).
    this.closers.push(end);
    this.emit(start, false);
  }

  close(): void {
    if (this.stopped) return;
    // Popped even when the budget runs out on this very closer: Celery drops the token that hit
    // the limit, so that closer is not printed (only those of the containers around it).
    const end = this.closers.pop() ?? '';
    this.emit(end, false);
  }

  result(): string {
    if (this.stopped) for (let i = this.closers.length - 1; i >= 0; i--) this.out.push(this.closers[i]);
    return this.out.join('');
  }
}

function walk(w: ReprWriter, value: unknown, asTuple: boolean): void {
  if (w.stopped) return;
  const scalar = scalarRepr(value);
  if (scalar !== undefined) return w.emit(scalar, true);
  if (typeof value === 'string') return w.quoted(value);
  const isList = Array.isArray(value);
  if (!isList && !isPlainObject(value)) return w.emit(pyStrRepr(String(value)), true);
  const single = isList && asTuple && value.length === 1;
  const start = !isList ? '{' : asTuple ? '(' : '[';
  const end = !isList ? '}' : asTuple ? (single ? ',)' : ')') : ']';
  if (w.closers.length >= MAX_LEVELS) return w.emit(`${start}...${end}`, true);
  w.open(start, end);
  if (isList) {
    for (let i = 0; i < value.length && !w.stopped; i++) {
      if (i > 0) w.emit(', ', false);
      walk(w, value[i], false);
    }
  } else {
    let first = true;
    for (const key in value) {
      if (w.stopped) break;
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (!first) w.emit(', ', false);
      first = false;
      w.quoted(key);
      w.emit(': ', false);
      walk(w, value[key], false);
    }
  }
  w.close();
}

/**
 * Celery's saferepr of a JSON value. `maxlen` is the character budget (undefined = unlimited);
 * `asTuple` renders a top-level array as a tuple, as Celery shows task args.
 */
export function saferepr(value: unknown, maxlen?: number, asTuple = false): string {
  const writer = new ReprWriter(maxlen);
  walk(writer, value, asTuple);
  return writer.result();
}

/** `argsrepr` for positional arguments, exactly as Celery computes it: a truncated tuple repr. */
export function argsRepr(args: readonly unknown[], maxlen = REPR_MAXLEN): string {
  return saferepr(args, maxlen, true);
}

/** `kwargsrepr` for keyword arguments: a truncated dict repr. */
export function kwargsRepr(kwargs: Record<string, unknown>, maxlen = REPR_MAXLEN): string {
  return saferepr(kwargs, maxlen);
}
