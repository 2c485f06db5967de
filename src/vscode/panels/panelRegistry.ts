/**
 * Opens, reveals and restores the panels of one kind. Each kind registers a WebviewPanelSerializer
 * (with the `onWebviewPanel:<viewType>` activation event in package.json), so its panels come back
 * after a window reload from the restore key their webview saved (webview/shared/vscodeHost.ts).
 */
import * as vscode from 'vscode';
import type { PersistedPanelState } from '../../shared/webviewProtocol';
import { panelWebviewOptions } from './panelHost';

/** What a panel kind provides; `Restore` is the small JSON value that recreates one panel. */
export interface PanelKind<Restore> {
  readonly viewType: string;
  /** The editor tab's title. */
  title(restore: Restore): string;
  /** Identity: opening a panel whose key is already open reveals that one. */
  key(restore: Restore): string;
  /** Checks the value VS Code hands back after a reload (saved by the webview, so untrusted). */
  parseRestore(saved: unknown): Restore | undefined;
  /** Builds the panel's controller (usually around a PanelHost) for a new or restored panel. */
  attach(panel: vscode.WebviewPanel, restore: Restore): vscode.Disposable;
}

export class PanelRegistry<Restore> implements vscode.Disposable {
  private readonly open_ = new Map<string, vscode.WebviewPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly kind: PanelKind<Restore>,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(kind.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        this.restore(panel, state);
      },
    });
  }

  /**
   * What the serializer does after a reload: `state` is what the webview saved (untrusted). A panel
   * whose state does not parse is closed. Public so tests can restore without reloading the window.
   */
  restore(panel: vscode.WebviewPanel, state: unknown): boolean {
    const restore = this.kind.parseRestore((state as Partial<PersistedPanelState> | undefined)?.restore);
    if (restore === undefined) {
      panel.dispose();
      return false;
    }
    this.track(panel, restore);
    return true;
  }

  /** Opens the panel for `restore`, or reveals it when it is already open. */
  open(restore: Restore, column: vscode.ViewColumn = vscode.ViewColumn.Active): vscode.WebviewPanel {
    const existing = this.open_.get(this.kind.key(restore));
    if (existing) {
      existing.reveal(column);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title(restore), column, panelWebviewOptions(this.extensionUri));
    this.track(panel, restore);
    return panel;
  }

  /** The open panels of this kind (for tests and for commands acting on the active one). */
  panels(): vscode.WebviewPanel[] {
    return [...this.open_.values()];
  }

  private track(panel: vscode.WebviewPanel, restore: Restore): void {
    const key = this.kind.key(restore);
    this.open_.set(key, panel);
    const controller = this.kind.attach(panel, restore);
    panel.onDidDispose(() => {
      if (this.open_.get(key) === panel) this.open_.delete(key);
      controller.dispose();
    });
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of [...this.open_.values()]) panel.dispose();
    this.open_.clear();
  }
}
