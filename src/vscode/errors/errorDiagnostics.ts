/**
 * Failures in the Problems panel: one diagnostic per error group at the raising line of the
 * workspace file, updated live, dropped when the group has not recurred for
 * `celeryLens.diagnostics.expireMinutes` or its connection closes; off with
 * `celeryLens.diagnostics.enabled`.
 */
import * as vscode from 'vscode';
import { errorProblems, type ErrorProblem } from '../../core/tracebacks/errorProblems';
import { columnInLine } from '../../core/tracebacks/tracebackQueries';
import { CONFIG_SECTION } from '../config';
import type { ConnectionManager } from '../connections/connectionManager';
import type { SourceLocator } from '../tracebacks/sourceLocator';
import type { ErrorsModel } from './errorsModel';

/** The `source` of every diagnostic Celery Lens reports. */
export const DIAGNOSTIC_SOURCE = 'Celery Lens';
const UPDATE_DELAY_MS = 1000;

function settings(): { enabled: boolean; expireMinutes: number } {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const expire = config.get<number>('diagnostics.expireMinutes');
  return {
    enabled: config.get<boolean>('diagnostics.enabled') !== false,
    expireMinutes: typeof expire === 'number' && Number.isFinite(expire) ? expire : 60,
  };
}

export class ErrorDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('celeryLens');
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private running = false;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private again = false;

  constructor(private readonly manager: ConnectionManager, private readonly model: ErrorsModel, private readonly sources: SourceLocator) {
    this.subscriptions.push(
      model.onDidChange(() => this.scheduleUpdate()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(CONFIG_SECTION) && this.update()),
    );
    // Expiry happens without any event: look again every minute.
    this.timer = setInterval(() => this.update(), 60_000);
    this.update();
  }

  /** Live changes arrive several times a second: the Problems panel follows at most once a second. */
  private scheduleUpdate(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.update();
    }, UPDATE_DELAY_MS);
  }

  /** Recomputes the diagnostics (coalesced: one pass at a time, one more if asked meanwhile). */
  update(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.compute()
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.update();
        }
      });
  }

  private async compute(): Promise<void> {
    const { enabled, expireMinutes } = settings();
    const problems: ErrorProblem[] = [];
    if (enabled) {
      const now = Date.now() / 1000;
      for (const profile of this.manager.profiles()) {
        if (this.manager.monitor(profile.id)) problems.push(...errorProblems(this.model.groups(profile.id), now, expireMinutes));
      }
    }
    const byFile = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const problem of problems) {
      const uri = await this.sources.resolve(problem.file);
      if (!uri) continue;
      const range = await this.rangeOf(uri, problem);
      const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = problem.groupKey;
      const entry = byFile.get(uri.toString()) ?? { uri, diagnostics: [] };
      entry.diagnostics.push(diagnostic);
      byFile.set(uri.toString(), entry);
    }
    this.collection.clear();
    for (const { uri, diagnostics } of byFile.values()) this.collection.set(uri, diagnostics);
  }

  /** The raised expression when a caret marked it, else the line's code. */
  private async rangeOf(uri: vscode.Uri, problem: ErrorProblem): Promise<vscode.Range> {
    const line = Math.max(0, problem.line - 1);
    const text = (await this.sources.lines(uri))?.[line];
    if (text === undefined) return new vscode.Range(line, 0, line, 1000);
    const column = columnInLine(text, { column: problem.column, source: text.trim() });
    if (column !== undefined && problem.column !== undefined && problem.endColumn !== undefined) {
      return new vscode.Range(line, column, line, column + problem.endColumn - problem.column);
    }
    const indent = text.length - text.trimStart().length;
    return new vscode.Range(line, indent, line, Math.max(indent + 1, text.trimEnd().length));
  }

  dispose(): void {
    clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}
