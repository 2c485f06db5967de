/**
 * Read-only documents (`celery-message:` URIs) showing a peeked message as JSON. The text is built
 * when the message is opened (a snapshot of what was peeked), so reopening shows the same bytes.
 */
import * as vscode from 'vscode';

export const MESSAGE_SCHEME = 'celery-message';

class MessageDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private serial = 0;

  /** Store a text and return the URI that shows it (`…/<queue>/<position>-<id>.json`, so the tab says what it is). */
  add(queue: string, label: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: MESSAGE_SCHEME, path: `/${queue}/${label.replace(/[^\w.-]+/g, '_')}.json`, query: String(++this.serial) });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '{ "error": "this message is no longer held: open it again from the Queues view" }\n';
  }
}

export const messageDocuments = new MessageDocuments();
