/**
 * The contract every panel shares between the extension host and its webview bundle.
 *
 * Each panel declares its own discriminated unions in `src/shared/<panel>Messages.ts`: the messages
 * the host posts (`To<Panel>`) and the ones the webview posts (`From<Panel>`). Both sides start the
 * same way: the webview posts `ready` once its message listener is installed, and the host sends
 * nothing before that (a message posted earlier is lost), then answers with the panel's initial state.
 *
 * Imported by the host (tsconfig.json) and by the webview bundles (webview/tsconfig.json): no
 * 'vscode', no Node, no DOM here.
 */

/** Every message carries a `type` discriminator. */
export interface PanelMessage {
  readonly type: string;
}

/** Webview → host: the webview's listener is installed; the host may now post. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Webview → host: something failed inside the webview; the host writes it to the log channel. */
export interface WebviewErrorMessage {
  readonly type: 'webviewError';
  readonly message: string;
}

/** The messages every webview may post, whatever its panel. */
export type CommonFromWebview = ReadyMessage | WebviewErrorMessage;

/** True for any object with a string `type`: the first check on whatever arrives over postMessage. */
export function isPanelMessage(value: unknown): value is PanelMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** For the `default` branch of a switch over a message union: a new, unhandled type fails type-checking. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}

/**
 * Host → webview, sent by the panel host before anything else after each `ready`: what the host needs
 * to recreate the panel after a window reload. The webview keeps it with `setState`, and VS Code hands
 * it back to the panel's `WebviewPanelSerializer`. Panels never see it (webview/shared/vscodeHost.ts
 * consumes it).
 */
export interface PanelRestoreMessage<Restore = unknown> {
  readonly type: 'panelRestore';
  readonly restore: Restore;
}

/** The messages the panel host posts to every webview, whatever its panel. */
export type CommonToWebview = PanelRestoreMessage;

/** What a webview saves with `setState`: the host's restore key plus the panel's own view state. */
export interface PersistedPanelState<Restore = unknown, View = unknown> {
  readonly restore: Restore;
  readonly view?: View;
}
