/**
 * The webview's side of the panel protocol (src/shared/webviewProtocol.ts): `acquireVsCodeApi()` is
 * called here and only here (VS Code allows one call per page), messages are typed, and the
 * `ready` handshake is posted once the listener is installed.
 */
import {
  isPanelMessage,
  type CommonFromWebview,
  type CommonToWebview,
  type PanelMessage,
  type PersistedPanelState,
} from '../../src/shared/webviewProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What a panel's main.ts gets from {@link connectToHost}. */
export interface HostConnection<From extends PanelMessage, View> {
  post(message: From | CommonFromWebview): void;
  /** The view state saved before a reload or while the panel was hidden (zoom, scroll, toggles). */
  viewState(): View | undefined;
  /** Saves the view state (kept by VS Code, together with the host's restore key). */
  saveViewState(view: View): void;
}

let api: VsCodeApi | undefined;

/**
 * Listens for the host's messages, then posts `ready`. `onMessage` receives only the panel's own
 * messages; a handler that throws is reported to the host's log instead of dying silently.
 */
export function connectToHost<To extends PanelMessage, From extends PanelMessage, View = unknown>(
  onMessage: (message: To) => void,
): HostConnection<From, View> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  const saved = (): Partial<PersistedPanelState<unknown, View>> => (vscode.getState() as PersistedPanelState<unknown, View> | undefined) ?? {};
  const post = (message: From | CommonFromWebview) => vscode.postMessage(message);
  const report = (error: unknown) => post({ type: 'webviewError', message: String((error as Error)?.stack ?? error) });

  window.addEventListener('message', (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isPanelMessage(message)) return;
    try {
      if ((message as CommonToWebview).type === 'panelRestore') {
        vscode.setState({ ...saved(), restore: (message as CommonToWebview).restore });
        return;
      }
      onMessage(message as To);
    } catch (error) {
      report(error);
    }
  });
  window.addEventListener('error', (event) => report(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => report(event.reason));
  post({ type: 'ready' });

  return {
    post,
    viewState: () => saved().view,
    saveViewState: (view) => vscode.setState({ ...saved(), view }),
  };
}
