/**
 * One webview panel's plumbing, shared by every panel: its HTML (strict CSP with a per-render nonce),
 * the ready handshake, typed messages both ways, throttled updates and disposal with the panel.
 *
 * The webview is recreated whenever the panel is hidden and shown again (no retainContextWhenHidden:
 * getState/setState is cheaper), and each new page posts `ready` again: the host answers every
 * `ready` with the full state, and posts nothing while no page is listening.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { panelHtml } from '../../shared/panelHtml';
import { isPanelMessage, type CommonFromWebview, type PanelMessage, type PanelRestoreMessage } from '../../shared/webviewProtocol';
import { createThrottle, type Throttle } from '../../core/util/throttle';
import type { Logger } from '../../core/util/logger';

/** At most 4 updates a second reach a webview, however fast the cluster changes. */
export const UPDATE_INTERVAL_MS = 250;

export interface PanelHostOptions<To extends PanelMessage, From extends PanelMessage, Restore> {
  readonly extensionUri: vscode.Uri;
  /** The bundle's name: dist/webview/<bundle>.js and .css. */
  readonly bundle: string;
  /** What the serializer needs to recreate the panel after a reload (kept by the webview). */
  readonly restore: Restore;
  readonly logger: Logger;
  /** The messages answering each `ready`: the panel's complete current state. */
  onReady(): To[];
  /** The panel's own messages (`ready` and `webviewError` are handled here). */
  onMessage(message: From): void | Promise<void>;
}

/** The webview options every panel uses: scripts on, resources only from dist/webview and media. */
export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class PanelHost<To extends PanelMessage, From extends PanelMessage, Restore = unknown> implements vscode.Disposable {
  private listening = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly throttle: Throttle;
  private pendingUpdate: (() => To | undefined) | undefined;
  private disposed = false;
  private readonly onDidDisposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel is closed or the host disposed. */
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: PanelHostOptions<To, From, Restore>,
  ) {
    this.throttle = createThrottle(() => this.sendPendingUpdate(), UPDATE_INTERVAL_MS);
    panel.webview.options = panelWebviewOptions(options.extensionUri);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidChangeViewState(() => {
        // A hidden panel's page is destroyed; the next one announces itself with `ready`.
        if (!panel.visible) this.listening = false;
      }),
      panel.onDidDispose(() => this.dispose()),
      this.throttle,
      this.onDidDisposeEmitter,
    );
  }

  /** Posts now if a page is listening; otherwise dropped (the next `ready` gets the full state). */
  post(message: To): void {
    if (this.listening && !this.disposed) void this.panel.webview.postMessage(message);
  }

  /**
   * Asks for an update built by `build` when it is sent (so it carries the latest state): at most
   * one every {@link UPDATE_INTERVAL_MS}; newer requests replace older ones.
   */
  scheduleUpdate(build: () => To | undefined): void {
    this.pendingUpdate = build;
    if (this.listening) this.throttle.schedule();
  }

  private sendPendingUpdate(): void {
    const build = this.pendingUpdate;
    this.pendingUpdate = undefined;
    const message = build?.();
    if (message) this.post(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isPanelMessage(message)) {
      this.options.logger.warn(`${this.options.bundle} panel: ignored a malformed message from its webview`);
      return;
    }
    const common = message as CommonFromWebview;
    try {
      if (common.type === 'ready') {
        this.listening = true;
        this.pendingUpdate = undefined;
        const restore: PanelRestoreMessage<Restore> = { type: 'panelRestore', restore: this.options.restore };
        void this.panel.webview.postMessage(restore);
        for (const initial of this.options.onReady()) this.post(initial);
      } else if (common.type === 'webviewError') {
        this.options.logger.error(`${this.options.bundle} panel (webview): ${String(common.message).slice(0, 2000)}`);
      } else {
        await this.options.onMessage(message as From);
      }
    } catch (error) {
      this.options.logger.error(`${this.options.bundle} panel: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (ext: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, 'dist', 'webview', `${this.options.bundle}.${ext}`)).toString();
    return panelHtml({
      title: this.panel.title,
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('js'),
      styleUris: [asset('css')],
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listening = false;
    this.onDidDisposeEmitter.fire();
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
