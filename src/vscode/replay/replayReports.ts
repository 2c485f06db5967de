/** The replay reports (original run beside the local one) as read-only Markdown documents. */
import * as vscode from 'vscode';
import { shortId } from '../../core/presentation/format';

export const REPLAY_REPORT_SCHEME = 'celery-replay';

export class ReplayReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private serial = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This replay report is no longer available.';
  }

  /** Show a report beside the current editor; returns its document. */
  async show(name: string, taskId: string, text: string): Promise<vscode.TextDocument> {
    const label = (name.split('.').pop() ?? 'task').replace(/[/\\?#]/g, '_');
    const uri = vscode.Uri.from({ scheme: REPLAY_REPORT_SCHEME, path: `/replay ${label} ${shortId(taskId)} #${++this.serial}.md` });
    this.texts.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return doc;
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
