/**
 * Finds Celery task definitions in Python source without running it: functions decorated with
 * `@app.task`, `@shared_task`, `@<anything>.task(...)` (with `name=`, `bind=True` and the other
 * options), the decorator possibly spanning lines and stacked with others. A line scanner, not a
 * Python parser: it never throws, and what it cannot read it skips.
 */

/** One decorated task function. */
export interface TaskDefinition {
  /** The function's name. */
  functionName: string;
  /** 1-based line of the `def`. */
  line: number;
  /** 0-based column of the function name on that line. */
  column: number;
  /** 1-based line of the task decorator. */
  decoratorLine: number;
  /** The decorator as written, e.g. `app.task` or `shared_task`. */
  decorator: string;
  /** The `name=` string literal, when given: it replaces Celery's generated name. */
  explicitName?: string;
  /** Keyword options as written (`{ bind: 'True', max_retries: '2' }`). */
  options: Record<string, string>;
}

const DECORATOR = /^\s*@\s*((?:[A-Za-z_]\w*\.)*(?:task|shared_task))\s*(\(|$|#)/;
const DEF = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;
// Other decorators, blank lines and comments may sit between the task decorator and its def.
const SKIPPABLE = /^\s*(@.*|#.*|)$/;
const MAX_DECORATOR_LINES = 50;

/** The text of a call's arguments from the `(` at `lines[start]`/`from`, across lines; undefined if unbalanced. */
function callArguments(lines: readonly string[], start: number, from: number): { text: string; endLine: number } | undefined {
  let depth = 0;
  let quote: string | undefined;
  let text = '';
  for (let i = start; i < lines.length && i < start + MAX_DECORATOR_LINES; i++) {
    const line = lines[i] as string;
    for (let j = i === start ? from : 0; j < line.length; j++) {
      const ch = line[j] as string;
      if (quote) {
        if (ch === '\\') {
          text += ch + (line[j + 1] ?? '');
          j++;
          continue;
        }
        if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else if (ch === '#') {
        break;
      } else if (ch === '(' || ch === '[' || ch === '{') {
        depth++;
        if (depth === 1 && ch === '(') continue;
      } else if (ch === ')' || ch === ']' || ch === '}') {
        depth--;
        if (depth === 0) return { text, endLine: i };
      }
      text += ch;
    }
    text += '\n';
  }
  return undefined;
}

/** Splits `a=1, b=(2, 3)` at top-level commas into `name -> value text`. */
export function keywordOptions(args: string): Record<string, string> {
  const options: Record<string, string> = {};
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < args.length; i++) {
    const ch = args[i] as string;
    if (quote) {
      if (ch === '\\') {
        current += ch + (args[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  for (const part of parts) {
    const m = /^\s*([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*?)\s*$/.exec(part);
    if (m) options[m[1] as string] = (m[2] as string).replace(/\s+/g, ' ');
  }
  return options;
}

/** A plain string literal's value (`'x'`, `"x"`, with an optional u/r prefix); undefined otherwise. */
export function stringLiteral(text: string | undefined): string | undefined {
  const m = text ? /^[uUrR]?(['"])((?:(?!\1)[^\\]|\\.)*)\1$/.exec(text.trim()) : null;
  return m ? (m[2] as string).replace(/\\(.)/g, '$1') : undefined;
}

/** Every task definition in `source`, in order. */
export function findTaskDefinitions(source: string): TaskDefinition[] {
  const found: TaskDefinition[] = [];
  if (typeof source !== 'string') return found;
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.includes('task')) continue;
    const decorator = DECORATOR.exec(line);
    if (!decorator) continue;
    let options: Record<string, string> = {};
    let next = i + 1;
    if (decorator[2] === '(') {
      const args = callArguments(lines, i, line.indexOf('(', line.indexOf(decorator[1] as string)));
      if (!args) continue;
      options = keywordOptions(args.text);
      next = args.endLine + 1;
    }
    while (next < lines.length && next < i + MAX_DECORATOR_LINES && !DEF.test(lines[next] as string) && SKIPPABLE.test(lines[next] as string)) next++;
    const def = DEF.exec(lines[next] ?? '');
    if (!def) continue;
    const functionName = def[1] as string;
    const definition: TaskDefinition = {
      functionName,
      line: next + 1,
      column: (lines[next] as string).indexOf(functionName, (lines[next] as string).indexOf('def')),
      decoratorLine: i + 1,
      decorator: decorator[1] as string,
      options,
    };
    const explicitName = stringLiteral(options.name);
    if (explicitName) definition.explicitName = explicitName;
    found.push(definition);
    i = next;
  }
  return found;
}
