/**
 * The core's own disposable shape. It is structurally compatible with `vscode.Disposable`, so the
 * adapter can push core disposables into `context.subscriptions` without core importing vscode.
 */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        dispose();
      }
    },
  };
}
