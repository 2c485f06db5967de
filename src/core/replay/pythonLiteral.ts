/**
 * Reads a Python repr of task arguments back into JSON values, the way `ast.literal_eval` would,
 * and says where it could not: the reprs Celery's events carry are truncated (`, ...` then the
 * closing brackets of every open container, `[...]` past three levels, `'text...'` for a cut
 * string) and may hold non-literals (`datetime.datetime(...)`, `<Foo object at 0x...>`).
 *
 * Never throws. What cannot be read becomes an {@link LiteralIssue} and, in the value, the best
 * stand-in for a user to edit: a cut container keeps what came before the cut, a non-literal
 * becomes its repr text as a string, a set becomes a list.
 *
 * Strings: Celery's `saferepr` always single-quotes and escapes only `'` (a newline stays a raw
 * newline, a backslash stays one backslash), unlike Python's `repr`. `strings: 'saferepr'` (the
 * default, for event reprs) reads them that way; `strings: 'python'` reads Python's escapes.
 */

export type LiteralIssueKind = 'truncated' | 'not-a-literal' | 'not-json';

export interface LiteralIssue {
  kind: LiteralIssueKind;
  /** The text concerned, shortened for messages. */
  text: string;
  /** Where it starts in the repr. */
  offset: number;
}

export interface LiteralParse {
  /** The value read (exact when `issues` is empty; otherwise a draft for the user to check). */
  value: unknown;
  issues: LiteralIssue[];
}

export interface LiteralOptions {
  strings?: 'saferepr' | 'python';
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const NUMBER = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?/;
const HEX_LIKE = /^[-+]?0[xXoObB][0-9a-fA-F_]+/;
const ELLIPSIS = '...';

/** Thrown inside the parser only, when the repr's truncation marker is reached: unwinds to the top. */
class Cut {}

/** Where a value goes once known; containers are placed before they are filled, so a cut keeps them. */
type Sink = (value: unknown) => void;

class Parser {
  private pos = 0;
  readonly issues: LiteralIssue[] = [];
  private root: unknown = undefined;

  constructor(private readonly text: string, private readonly options: Required<LiteralOptions>) {}

  parseAll(): unknown {
    try {
      this.value([], (v) => { this.root = v; });
      this.skipSpace();
      if (this.pos < this.text.length) this.issue('not-a-literal', this.pos, this.text.length);
    } catch (err) {
      if (!(err instanceof Cut)) throw err;
    }
    return this.root;
  }

  private issue(kind: LiteralIssueKind, from: number, to: number): void {
    const text = this.text.slice(from, to);
    this.issues.push({ kind, offset: from, text: text.length > 60 ? `${text.slice(0, 57)}...` : text });
  }

  private cut(from: number, to: number): never {
    this.issue('truncated', from, to);
    throw new Cut();
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** One value into `sink`; `closers` are the brackets ending the containers it is inside. */
  private value(closers: string[], sink: Sink): void {
    this.skipSpace();
    const start = this.pos;
    const ch = this.text[this.pos];
    if (ch === undefined) this.cut(start, start);
    if (this.startsWith(ELLIPSIS)) this.cut(start, this.pos + ELLIPSIS.length);
    if (ch === '(' || ch === '[') return this.sequence(ch, closers, sink);
    if (ch === '{') return this.braces(closers, sink);
    const rest = this.text.slice(this.pos, this.pos + 64);
    const prefixed = /^([bBrRuU]{1,2})?(['"])/.exec(rest);
    if (prefixed) return sink(this.string(prefixed[1] ?? ''));
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word && ['True', 'False', 'None'].includes(word[0]) && this.endsHere(this.pos + word[0].length, closers)) {
      this.pos += word[0].length;
      return sink(word[0] === 'None' ? null : word[0] === 'True');
    }
    // `22...`: a number cut by the length budget.
    const cutNumber = /^[-+]?[\d_.]*\d[\d_.]*?\.\.\./.exec(rest);
    if (cutNumber) this.cut(start, this.pos + cutNumber[0].length);
    const number = HEX_LIKE.exec(rest) ?? NUMBER.exec(rest);
    if (number && this.endsHere(this.pos + number[0].length, closers)) return sink(this.number(number[0]));
    sink(this.nonLiteral(closers));
  }

  /** True when a value ending at `at` is followed by a separator, a closer or the end. */
  private endsHere(at: number, closers: string[]): boolean {
    let i = at;
    while (i < this.text.length && /\s/.test(this.text[i])) i++;
    const next = this.text[i];
    return next === undefined || next === ',' || next === ':' || next === closers[closers.length - 1];
  }

  private number(token: string): number {
    const start = this.pos;
    this.pos += token.length;
    const clean = token.replace(/_/g, '');
    const radix = /^([-+]?)0([xXoObB])(.*)$/.exec(clean);
    const value = radix ? (radix[1] === '-' ? -1 : 1) * Number(`0${radix[2].toLowerCase()}${radix[3]}`) : Number(clean);
    const integral = radix !== null || !/[.eE]/.test(clean);
    if (!Number.isFinite(value) || (integral && !Number.isSafeInteger(value))) this.issue('not-json', start, this.pos);
    return value;
  }

  private string(prefix: string): string {
    const start = this.pos;
    this.pos += prefix.length;
    const quote = this.text[this.pos];
    const delimiter = this.startsWith(quote.repeat(3)) ? quote.repeat(3) : quote;
    this.pos += delimiter.length;
    const literal = this.options.strings === 'saferepr' || /[rR]/.test(prefix);
    let out = '';
    while (!this.startsWith(delimiter)) {
      if (this.pos >= this.text.length) this.cut(start, this.pos);
      const ch = this.text[this.pos];
      if (ch === '\\' && this.pos + 1 < this.text.length) {
        const next = this.text[this.pos + 1];
        if (literal) {
          // saferepr escapes only the quote; any other backslash is the character itself.
          out += next === quote ? quote : '\\';
          this.pos += next === quote ? 2 : 1;
        } else {
          const [text, length] = pythonEscape(this.text, this.pos);
          out += text;
          this.pos += length;
        }
        continue;
      }
      out += ch;
      this.pos++;
    }
    this.pos += delimiter.length;
    if (/[bB]/.test(prefix)) this.issue('not-json', start, this.pos);
    // saferepr cuts a long string as 'text...': a real string may end so too, so it is for the user to check.
    if (this.options.strings === 'saferepr' && out.endsWith(ELLIPSIS)) this.issue('truncated', start, this.pos);
    return out;
  }

  private sequence(open: string, closers: string[], sink: Sink): void {
    const close = CLOSERS[open];
    this.pos++;
    const items: unknown[] = [];
    sink(items);
    if (this.depthLimited(close)) return;
    this.elements(close, () => {
      const index = items.length;
      this.value([...closers, close], (v) => { items[index] = v; });
    });
  }

  /** `{...}`: a dict, or a set (a list in JSON, flagged). */
  private braces(closers: string[], sink: Sink): void {
    const start = this.pos;
    this.pos++;
    const dict: Record<string, unknown> = {};
    const set: unknown[] = [];
    let kind: 'dict' | 'set' | undefined;
    sink(dict);
    if (this.depthLimited('}')) return;
    this.elements('}', () => {
      const keyStart = this.pos;
      let key: unknown;
      this.value([...closers, '}'], (v) => { key = v; });
      this.skipSpace();
      if (kind !== 'set' && this.text[this.pos] === ':') {
        kind = 'dict';
        this.pos++;
        if (typeof key !== 'string') this.issue('not-json', keyStart, this.pos);
        const name = typeof key === 'string' ? key : JSON.stringify(key);
        this.value([...closers, '}'], (v) => { dict[name] = v; });
      } else {
        if (kind === undefined) sink(set);
        kind = 'set';
        set.push(key);
      }
    });
    if (kind === 'set') this.issue('not-json', start, this.pos);
  }

  /** saferepr's `[...]`/`{...}` past three levels: the contents are unknown, the rest goes on. */
  private depthLimited(close: string): boolean {
    if (!this.startsWith(ELLIPSIS + close)) return false;
    this.issue('truncated', this.pos - 1, this.pos + ELLIPSIS.length + 1);
    this.pos += ELLIPSIS.length + 1;
    return true;
  }

  /**
   * Comma-separated elements up to `close`. saferepr's cut shows as `, ...` or, when it fell inside
   * a nested container, as an empty element (`(1, , ...])`); anything else unexpected is a cut too.
   */
  private elements(close: string, element: () => void): void {
    this.skipSpace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return;
    }
    while (true) {
      this.skipSpace();
      if (this.text[this.pos] === ',') this.cut(this.pos, this.pos + 1);
      element();
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === ',') {
        this.pos++;
        this.skipSpace();
        if (this.text[this.pos] !== close) continue;
      }
      if (this.text[this.pos] === close) {
        this.pos++;
        return;
      }
      this.cut(this.pos, this.text.length);
    }
  }

  /** Text up to the next separator or closer at this level: `datetime.datetime(2024, 1, 2)`, `<Foo at 0x1>`. */
  private nonLiteral(closers: string[]): string {
    const start = this.pos;
    const stack: string[] = [];
    const stop = closers[closers.length - 1];
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (stack.length === 0 && (ch === ',' || ch === stop || (ch === ':' && stop === '}'))) break;
      if (ch === "'" || ch === '"') {
        const end = this.text.indexOf(ch, this.pos + 1);
        this.pos = end < 0 ? this.text.length : end + 1;
        continue;
      }
      if (CLOSERS[ch] && (ch !== '<' || stack.length === 0)) stack.push(CLOSERS[ch]);
      else if (ch === stack[stack.length - 1]) stack.pop();
      this.pos++;
    }
    if (stack.length) this.cut(start, this.pos);
    this.issue('not-a-literal', start, this.pos);
    return this.text.slice(start, this.pos).trim();
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Python's escape at `at` (a backslash): the text it stands for and how many characters it spans. */
function pythonEscape(text: string, at: number): [string, number] {
  const next = text[at + 1];
  if (next in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[next], 2];
  const hex = { x: 2, u: 4, U: 8 }[next as 'x' | 'u' | 'U'];
  if (hex) {
    const digits = text.slice(at + 2, at + 2 + hex);
    if (/^[0-9a-fA-F]+$/.test(digits) && digits.length === hex) return [String.fromCodePoint(parseInt(digits, 16)), 2 + hex];
  }
  const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1));
  if (octal) return [String.fromCodePoint(parseInt(octal[0], 8)), 1 + octal[0].length];
  return ['\\', 1];
}

/** Read `text` as a Python literal (see the module comment). */
export function parsePythonLiteral(text: string, options: LiteralOptions = {}): LiteralParse {
  const parser = new Parser(text, { strings: options.strings ?? 'saferepr' });
  const value = parser.parseAll();
  return { value, issues: parser.issues };
}
