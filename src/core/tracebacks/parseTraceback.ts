/**
 * Parses the traceback text Celery stores with a failure (and sends in task-failed and
 * task-retried events): chained exceptions, exception groups (3.11+ margins), SyntaxError
 * location blocks, caret lines, pseudo files. Never throws: whatever is not understood stays in
 * {@link ParsedTraceback.lines} as `text`.
 */
import { isLibraryFile, isPseudoFile, parseCaretLine, parseFrameLine } from './frameLine';
import type { ChainLink, ParsedTraceback, TracebackFrame, TracebackLine, TracebackSection } from './tracebackTypes';

const HEADER = /^(Exception Group )?Traceback \(most recent call last\):\s*$/;
const CHAIN: ReadonlyArray<[string, ChainLink]> = [
  ['The above exception was the direct cause of the following exception:', 'cause'],
  ['During handling of the above exception, another exception occurred:', 'context'],
];
// `pkg.mod.Error: message`, `Error:` or a bare `KeyboardInterrupt` (the latter only right after frames).
const EXCEPTION = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::(?: (.*))?)?$/;
const GROUP_MARGIN = /^( *)[|+](?: (.*))?$/;
const GROUP_SEPARATOR = /^ *\+-[-+]*(?: .*)?$/;
// Anything longer is data (a huge message), never structure.
const MAX_STRUCTURE_LINE = 4096;

interface Cursor {
  sections: TracebackSection[];
  current?: TracebackSection;
  /** The current section took its last line (a group separator closed it). */
  closed: boolean;
  pendingLink?: ChainLink;
  previous?: TracebackLine;
  /** Indentation of the last source line (caret columns are relative to it). */
  sourceIndent: number;
}

function openSection(c: Cursor, depth: number, group: boolean): TracebackSection {
  const section: TracebackSection = { frames: [], depth, group };
  if (c.pendingLink) section.link = c.pendingLink;
  c.pendingLink = undefined;
  c.sections.push(section);
  c.current = section;
  c.closed = false;
  return section;
}

function needsNewSection(c: Cursor): boolean {
  return !c.current || c.closed || c.current.exception !== undefined;
}

/** Classifies one line (group margin already removed) and updates the cursor. */
function classify(c: Cursor, text: string, depth: number, index: number): TracebackLine {
  if (text.trim() === '') return { kind: 'blank', text };
  if (text.length > MAX_STRUCTURE_LINE) return longLine(c, text);
  const header = HEADER.exec(text);
  if (header) {
    openSection(c, depth, header[1] !== undefined);
    return { kind: 'header', text };
  }
  const chain = CHAIN.find(([sentence]) => text.trim() === sentence);
  if (chain) {
    c.pendingLink = chain[1];
    c.closed = true;
    return { kind: 'chain', text };
  }
  const frameMatch = parseFrameLine(text);
  if (frameMatch) {
    const section = needsNewSection(c) ? openSection(c, depth, false) : (c.current as TracebackSection);
    const frame: TracebackFrame = {
      file: frameMatch.file,
      line: frameMatch.line,
      function: frameMatch.function ?? '',
      library: isLibraryFile(frameMatch.file),
      pseudo: isPseudoFile(frameMatch.file),
      textLine: index,
    };
    section.frames.push(frame);
    return { kind: 'frame', text, frame };
  }
  const previous = c.previous;
  if (previous?.kind === 'frame' && previous.frame && /^ {4,}\S/.test(text)) {
    c.sourceIndent = text.length - text.trimStart().length;
    previous.frame.source = text.trim();
    return { kind: 'source', text, frame: previous.frame };
  }
  if (previous?.kind === 'source' && previous.frame) {
    const caret = parseCaretLine(text, c.sourceIndent);
    if (caret) {
      previous.frame.column = caret.column;
      previous.frame.endColumn = caret.endColumn;
      return { kind: 'caret', text, frame: previous.frame };
    }
  }
  const exception = EXCEPTION.exec(text);
  const afterFrames = c.current !== undefined && !c.closed && c.current.exception === undefined && c.current.frames.length > 0;
  if (exception && (text.includes(':') || afterFrames)) {
    const section = needsNewSection(c) ? openSection(c, depth, false) : (c.current as TracebackSection);
    section.exception = { type: exception[1] as string, message: exception[2] ?? '', more: [] };
    return { kind: 'exception', text };
  }
  return continuation(c, text);
}

/** A huge line is a message (`Error: <200 kB repr>`) or data, never a frame or header. */
function longLine(c: Cursor, text: string): TracebackLine {
  const head = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*): /.exec(text.slice(0, 512));
  const open = c.current !== undefined && !c.closed && c.current.exception === undefined;
  if (head && open && c.current) {
    c.current.exception = { type: head[1] as string, message: text.slice(head[0].length), more: [] };
    return { kind: 'exception', text };
  }
  return continuation(c, text);
}

/** A line right after an exception (or its message) continues the message; otherwise it is text. */
function continuation(c: Cursor, text: string): TracebackLine {
  const kind = c.previous?.kind;
  if ((kind === 'exception' || kind === 'message') && c.current?.exception && !c.closed) {
    c.current.exception.more.push(text);
    return { kind: 'message', text };
  }
  return { kind: 'text', text };
}

function groupLine(raw: string): { text: string; depth: number } | 'separator' {
  if (GROUP_SEPARATOR.test(raw)) return 'separator';
  const m = GROUP_MARGIN.exec(raw);
  if (!m) return { text: raw, depth: 0 };
  // The outermost group's margin is at column 2, each nested level two further in.
  return { text: m[2] ?? '', depth: Math.max(0, ((m[1] ?? '').length - 2) >> 1) };
}

/** Parses `text`; every line of it appears once in the result's `lines`, in order. */
export function parseTraceback(text: string): ParsedTraceback {
  const c: Cursor = { sections: [], closed: false, sourceIndent: 4 };
  const lines: TracebackLine[] = [];
  if (typeof text !== 'string' || text === '') return { sections: [], lines };
  const rawLines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const grouped = text.includes('Exception Group Traceback (most recent call last):');
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i] as string;
    let line: TracebackLine;
    try {
      const g = grouped && raw.length <= MAX_STRUCTURE_LINE ? groupLine(raw) : { text: raw, depth: 0 };
      if (g === 'separator') {
        c.closed = true;
        line = { kind: 'group', text: raw };
      } else {
        line = classify(c, g.text, g.depth, i);
        line = { ...line, text: raw };
      }
    } catch {
      line = { kind: 'text', text: raw };
    }
    lines.push(line);
    c.previous = line;
  }
  return { sections: c.sections, lines };
}
