/**
 * Links on the traceback of a task details document: each `File "...", line N` opens that file at
 * that line (and column, when a caret line marked one) once the path resolves to a local file.
 */
import * as vscode from 'vscode';
import { isLibraryFile, parseFrameLine } from '../../core/tracebacks/frameLine';
import { parseTraceback } from '../../core/tracebacks/parseTraceback';
import { columnInLine } from '../../core/tracebacks/tracebackQueries';
import type { TracebackFrame } from '../../core/tracebacks/tracebackTypes';
import type { SourceLocator } from './sourceLocator';

/** The lines of the document's traceback fence: [first, end) document line numbers. */
export function tracebackBlock(document: vscode.TextDocument): { start: number; end: number } | undefined {
  let line = 0;
  while (line < document.lineCount && document.lineAt(line).text !== '## Traceback') line++;
  while (line < document.lineCount && !document.lineAt(line).text.startsWith('```')) line++;
  if (line >= document.lineCount) return undefined;
  const fence = /^`+/.exec(document.lineAt(line).text)?.[0] ?? '```';
  const start = line + 1;
  let end = start;
  while (end < document.lineCount && document.lineAt(end).text !== fence) end++;
  return { start, end };
}

/** A file URI whose fragment selects `line` (1-based) and, if given, `column` (0-based). */
export function locationUri(uri: vscode.Uri, line: number, column?: number): vscode.Uri {
  return uri.with({ fragment: column !== undefined ? `L${line},${column + 1}` : `L${line}` });
}

/** The local target of a frame: line, plus the caret's column on the file's real line. */
export async function frameTarget(frame: Pick<TracebackFrame, 'file' | 'line' | 'column' | 'source' | 'library'>, sources: SourceLocator): Promise<vscode.Uri | undefined> {
  const uri = await sources.resolve(frame.file, frame.library);
  if (!uri) return undefined;
  const column = frame.column !== undefined ? columnInLine((await sources.lines(uri))?.[frame.line - 1], frame) : undefined;
  return locationUri(uri, frame.line, column);
}

/** Links for every frame line of the document's traceback that resolves to a local file. */
export async function frameLinks(document: vscode.TextDocument, sources: SourceLocator): Promise<vscode.DocumentLink[]> {
  const block = tracebackBlock(document);
  if (!block) return [];
  const texts: string[] = [];
  for (let line = block.start; line < block.end; line++) texts.push(document.lineAt(line).text);
  const parsed = parseTraceback(texts.join('\n'));
  const pending = parsed.lines.map(async (entry, index) => {
    const match = entry.kind === 'frame' ? parseFrameLine(entry.text) : undefined;
    if (!match || !entry.frame) return undefined;
    const target = await frameTarget({ ...entry.frame, library: isLibraryFile(match.file) }, sources);
    if (!target) return undefined;
    const line = block.start + index;
    const link = new vscode.DocumentLink(new vscode.Range(line, match.fileStart, line, match.fileEnd), target);
    link.tooltip = `Open ${vscode.workspace.asRelativePath(target)}:${match.line}`;
    return link;
  });
  return (await Promise.all(pending)).filter((l): l is vscode.DocumentLink => l !== undefined);
}
