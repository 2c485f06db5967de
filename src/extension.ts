import type * as vscode from 'vscode';

/** Activation stays cheap: nothing connects until a Celery view or command needs it. */
export function activate(_context: vscode.ExtensionContext): void {
  // The sidebar, connections and commands arrive with the extension issue.
}

export function deactivate(): void {}
