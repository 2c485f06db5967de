/**
 * Task arguments typed by a user as JSON: validation messages for input boxes, and a best guess at
 * JSON from the Python repr that events carry (so an edit starts from something close).
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseArgsJson(text: string): Parsed<unknown[]> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, value: [] };
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) ? { ok: true, value } : { ok: false, error: 'args must be a JSON array, e.g. [1, "two"]' };
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
}

export function parseKwargsJson(text: string): Parsed<Record<string, unknown>> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ok: true, value: value as Record<string, unknown> }
      : { ok: false, error: 'kwargs must be a JSON object, e.g. {"key": 1}' };
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
}

/**
 * JSON for a simple Python repr (`(1, 'a', None)`, `{'k': True}`), or undefined when the repr is
 * not that simple (objects, truncated `...`, quotes inside strings). Never a wrong value: the
 * result is only offered when it parses back as JSON.
 */
export function jsonFromPythonRepr(repr: string | undefined): string | undefined {
  if (repr === undefined) return undefined;
  const text = repr.trim();
  if (/\.\.\.|<|\\/.test(text)) return undefined;
  // Only single-quoted strings without a double quote inside can be requoted safely.
  if (/"/.test(text)) return undefined;
  // Split into quoted strings and code; only code is translated (a 'None' inside a string stays).
  let out = '';
  let code = '';
  let inString = false;
  const flushCode = () => {
    out += code.replace(/\(/g, '[').replace(/\)/g, ']').replace(/,\s*([\]}])/g, '$1')
      .replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null');
    code = '';
  };
  for (const ch of text) {
    if (ch === "'") {
      if (!inString) flushCode();
      inString = !inString;
      out += '"';
    } else if (inString) {
      out += ch;
    } else {
      code += ch;
    }
  }
  if (inString) return undefined;
  flushCode();
  try {
    return JSON.stringify(JSON.parse(out));
  } catch {
    return undefined;
  }
}
