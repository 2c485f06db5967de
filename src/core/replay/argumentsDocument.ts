/**
 * The editable JSON document a replay opens when the arguments are not known exactly: comment lines
 * (`//`) say where the draft came from and what to check, then `{"args": [...], "kwargs": {...}}`.
 */
import type { ReplayArguments } from './replayArguments';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface EditedArguments {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** The document's text for `recovered` (its draft values, prefilled). */
export function argumentsDraft(taskId: string, recovered: ReplayArguments): string {
  const lines = [
    `// Arguments to replay ${recovered.name ?? 'the task'} ${taskId} with, as JSON.`,
    `// Source: ${recovered.sourceLabel}.`,
  ];
  if (recovered.argsRepr !== undefined) lines.push(`// args repr:   ${oneLine(recovered.argsRepr)}`);
  if (recovered.kwargsRepr !== undefined) lines.push(`// kwargs repr: ${oneLine(recovered.kwargsRepr)}`);
  for (const problem of recovered.problems) lines.push(`// Check: ${oneLine(problem)}`);
  lines.push('// Edit, then choose "Run with These Arguments". Lines starting with // are ignored.');
  const body = JSON.stringify({ args: recovered.args, kwargs: recovered.kwargs }, null, 2);
  return `${lines.join('\n')}\n${body}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\r?\n/g, '\\n');
  return flat.length > 400 ? `${flat.slice(0, 397)}...` : flat;
}

/** The arguments of an edited document: `{"args": [...], "kwargs": {...}}`, `//` lines ignored. */
export function parseArgumentsDocument(text: string): Parsed<EditedArguments> {
  const json = text.split(/\r?\n/).filter((line) => !line.trimStart().startsWith('//')).join('\n').trim();
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `the arguments are not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'expected an object {"args": [...], "kwargs": {...}}' };
  const { args = [], kwargs = {} } = value as { args?: unknown; kwargs?: unknown };
  if (!Array.isArray(args)) return { ok: false, error: '"args" must be a JSON array' };
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) return { ok: false, error: '"kwargs" must be a JSON object' };
  const unknownKeys = Object.keys(value).filter((k) => k !== 'args' && k !== 'kwargs');
  if (unknownKeys.length) return { ok: false, error: `unexpected key${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `"${k}"`).join(', ')}: only "args" and "kwargs"` };
  return { ok: true, value: { args, kwargs: kwargs as Record<string, unknown> } };
}
