/**
 * A Python traceback as Celery stores it (the text of `traceback.format_exception`), parsed into
 * frames and exceptions while every input line is kept, classified, so nothing is lost when the
 * parser does not understand a line.
 */

/** One `File "...", line N, in f` entry. */
export interface TracebackFrame {
  /** The path exactly as the worker printed it (POSIX, Windows, or a pseudo file like `<string>`). */
  file: string;
  /** 1-based line number. */
  line: number;
  /**
   * 0-based column where the highlighted expression starts, counted in {@link source} (which
   * Python prints stripped of its indentation); known only when a caret line (3.11+) follows.
   */
  column?: number;
  /** 0-based column just after the highlighted expression, in {@link source}. */
  endColumn?: number;
  /** The function (`<module>`, `<lambda>`...); empty for a SyntaxError's location line. */
  function: string;
  /** The source line as printed, without its indentation. */
  source?: string;
  /** Third-party or standard library code (site-packages, dist-packages, lib/python3.X, `<frozen ...>`). */
  library: boolean;
  /** Not a file on disk: `<string>`, `<frozen ...>`, `<stdin>`... */
  pseudo: boolean;
  /** Index of the `File` line in the input. */
  textLine: number;
}

/** The `Type: message` line that ends a traceback section. */
export interface TracebackException {
  /** As printed: dotted for non-builtins, e.g. `lens_testapp.errors.LensTestError`. */
  type: string;
  /** The first line of the message ('' when the exception has none). */
  message: string;
  /** Further message lines (multi-line messages, notes). */
  more: string[];
}

/** How a section relates to the one printed before it. */
export type ChainLink = 'cause' | 'context';

/** One `Traceback (most recent call last):` block and its exception. */
export interface TracebackSection {
  frames: TracebackFrame[];
  exception?: TracebackException;
  /** `cause`: "The above exception was the direct cause..."; `context`: "During handling...". */
  link?: ChainLink;
  /** 0 outside exception groups; 1 for a group's sub-exceptions, 2 for theirs... */
  depth: number;
  /** The section is an exception group (`Exception Group Traceback`). */
  group: boolean;
}

/** What a line of the input was understood as. */
export type TracebackLineKind =
  | 'header' | 'frame' | 'source' | 'caret' | 'exception' | 'message' | 'chain' | 'group' | 'blank' | 'text';

/** Every input line, classified; `frame` points at the parsed frame for `File` lines. */
export interface TracebackLine {
  kind: TracebackLineKind;
  text: string;
  frame?: TracebackFrame;
}

/** The whole traceback. */
export interface ParsedTraceback {
  sections: TracebackSection[];
  lines: TracebackLine[];
}
