/**
 * JSON text exactly as Python's `json.dumps` (kombu's JSON serializer) writes it: `", "` and
 * `": "` separators and `ensure_ascii` escaping (every character outside printable ASCII becomes
 * `\uXXXX`). Sending bytes identical to Celery's keeps our messages indistinguishable from
 * `app.send_task`'s, which matters for anyone comparing or deduplicating raw messages.
 */
import { pyNumber } from './pythonRepr';

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/;
const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    // UTF-16 units, so astral characters come out as surrogate pairs, as Python writes them.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return pyNumber(n);
}

function write(value: unknown, depth: number): string | undefined {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (depth > 500) throw new TypeError('value nests too deeply to serialize');
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON(), depth + 1);
  if (Array.isArray(value)) {
    return `[${value.map((v) => write(v, depth + 1) ?? 'null').join(', ')}]`;
  }
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const text = write(v, depth + 1);
    if (text !== undefined) parts.push(`${quote(key)}: ${text}`);
  }
  return `{${parts.join(', ')}}`;
}

/**
 * Serialize like Python's `json.dumps(value)`. Like `JSON.stringify`, `undefined` and functions
 * are skipped in objects and become `null` in arrays, and `toJSON()` (Dates) is honoured.
 * Throws TypeError for values nested more than 500 levels.
 */
export function pythonJsonDumps(value: unknown): string {
  return write(value, 0) ?? 'null';
}
