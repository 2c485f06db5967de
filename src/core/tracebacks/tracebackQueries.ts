/**
 * Questions asked of a parsed traceback: which exception ended the task, where in the user's own
 * code it was raised, and the fingerprint that groups failures with the same cause.
 */
import type { ParsedTraceback, TracebackException, TracebackFrame, TracebackSection } from './tracebackTypes';

/** The section that ended the task: the last one outside any exception group. */
export function finalSection(parsed: ParsedTraceback): TracebackSection | undefined {
  for (let i = parsed.sections.length - 1; i >= 0; i--) {
    const section = parsed.sections[i] as TracebackSection;
    if (section.depth === 0 && section.exception) return section;
  }
  return parsed.sections[parsed.sections.length - 1];
}

/** The exception that ended the task. */
export function finalException(parsed: ParsedTraceback): TracebackException | undefined {
  return finalSection(parsed)?.exception;
}

/** Frames of the user's own code (not library, not pseudo files). */
export function userFrames(frames: readonly TracebackFrame[]): TracebackFrame[] {
  return frames.filter((f) => !f.library && !f.pseudo);
}

/**
 * The deepest frame in the user's code: in the final exception's section first, then in the
 * sections printed before it (its causes, its group's members), last to first.
 */
export function deepestUserFrame(parsed: ParsedTraceback): TracebackFrame | undefined {
  const final = finalSection(parsed);
  const order = final ? [final, ...parsed.sections.filter((s) => s !== final).reverse()] : [];
  for (const section of order) {
    const user = userFrames(section.frames);
    if (user.length) return user[user.length - 1];
  }
  return undefined;
}

// Memory addresses (in `<function f at 0x7f...>`-like names) vary between occurrences of one error.
function normalise(text: string): string {
  return text.replace(/0x[0-9a-fA-F]+/g, '0x?');
}

/** The file's last two path components: a worker's install prefix must not split groups. */
function shortPath(file: string): string {
  return file.split(/[\\/]/).slice(-2).join('/');
}

/**
 * What failures with one cause share: the final exception's type and the user frames it went
 * through (file and function, line numbers and addresses removed). Library frames count only when
 * the traceback has no user frame at all. `fallbackName` (the task name) stands in for frames
 * when there is no traceback.
 */
export function fingerprint(parsed: ParsedTraceback, fallbackType?: string, fallbackName?: string): string {
  const final = finalSection(parsed);
  const type = final?.exception?.type ?? fallbackType ?? 'UnknownError';
  const frames = final?.frames ?? [];
  const user = userFrames(frames);
  const chosen = user.length ? user : frames;
  const path = chosen.map((f) => `${normalise(shortPath(f.file))}:${normalise(f.function)}`);
  if (!path.length && fallbackName) path.push(`task:${fallbackName}`);
  return [type, ...path].join('\n');
}

/** The exception type in a Python repr such as `KeyError('x')` or `LensTestError('m', 7)`. */
export function exceptionTypeFromRepr(repr: string | undefined): string | undefined {
  const m = repr ? /^([A-Za-z_][\w.]*)\(/.exec(repr) : null;
  return m ? (m[1] as string) : undefined;
}

/**
 * Where a frame's highlighted expression starts in the file's line (0-based): Python prints the
 * source stripped, so the file's own indentation is added back. Undefined without a caret or when
 * the file's line is no longer the printed one (the code changed since).
 */
export function columnInLine(lineText: string | undefined, frame: Pick<TracebackFrame, 'column' | 'source'>): number | undefined {
  if (lineText === undefined || frame.column === undefined || frame.source === undefined) return undefined;
  if (lineText.trim() !== frame.source) return undefined;
  return lineText.length - lineText.trimStart().length + frame.column;
}
