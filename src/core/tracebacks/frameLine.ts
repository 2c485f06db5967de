/**
 * The single-line pieces of a traceback: `File "...", line N, in f`, caret lines, and whether a
 * path is library code. Used by the parser and by the editor's link provider on rendered text.
 */

/** A `File` line's fields and where the path sits in the line (for links). */
export interface FrameLineMatch {
  file: string;
  line: number;
  /** Undefined for a SyntaxError's location line (`File "x.py", line 3` without `in`). */
  function?: string;
  /** Offsets of the path (without quotes) in the text given. */
  fileStart: number;
  fileEnd: number;
}

// Long lines are messages or source, never a frame: bounding the length keeps matching linear.
const MAX_FRAME_LINE = 4096;
// An exception group's members carry a margin (`    |   File ...`), kept in the offsets.
const FRAME_LINE = /^((?: *[|+] )?\s*)File "(.+)", line (\d+)(?:, in (.*))?\s*$/;

/** Parses a `File` line (indentation and a group margin allowed); undefined for anything else. */
export function parseFrameLine(text: string): FrameLineMatch | undefined {
  if (text.length > MAX_FRAME_LINE || !text.includes('File "')) return undefined;
  const m = FRAME_LINE.exec(text);
  if (!m) return undefined;
  const line = Number(m[3]);
  if (!Number.isSafeInteger(line)) return undefined;
  const fileStart = (m[1] ?? '').length + 'File "'.length;
  const file = m[2] as string;
  return { file, line, function: m[4], fileStart, fileEnd: fileStart + file.length };
}

/**
 * A caret line (`    ~~~^^^^^`) under a source line: the highlighted span in the stripped
 * source, given the indentation Python printed the source with. Undefined for other lines.
 */
export function parseCaretLine(text: string, sourceIndent: number): { column: number; endColumn: number } | undefined {
  if (text.length > MAX_FRAME_LINE || !/^\s*[~^][~^ ]*$/.test(text) || !text.includes('^')) return undefined;
  const start = text.search(/[~^]/);
  const end = text.trimEnd().length;
  const column = Math.max(0, start - sourceIndent);
  return { column, endColumn: Math.max(column + 1, end - sourceIndent) };
}

/** `<string>`, `<frozen importlib._bootstrap>`, `<stdin>`: code with no file behind it. */
export function isPseudoFile(file: string): boolean {
  return file.startsWith('<') && file.endsWith('>');
}

const LIBRARY_PATTERNS = [
  /[\\/](site|dist)-packages[\\/]/i,
  // The standard library: /usr/lib/python3.11/, ~/.pyenv/versions/3.11.4/lib/python3.11/, venvs.
  /[\\/]lib(64)?[\\/]python\d+(\.\d+)?[\\/]/,
  // Windows installs: C:\Python311\Lib\json\decoder.py
  /\\Lib\\/,
];

/** Third-party or standard-library code, including frozen modules. */
export function isLibraryFile(file: string): boolean {
  if (file.startsWith('<frozen ')) return true;
  return LIBRARY_PATTERNS.some((p) => p.test(file));
}
