/**
 * The one place that touches @vscode/webview-ui-toolkit's registration. The toolkit is unmaintained
 * upstream, so only webview/components/ imports it: swapping it for another set of themed controls
 * means rewriting these wrappers, not the panels.
 */
import { provideVSCodeDesignSystem } from '@vscode/webview-ui-toolkit';

type Registrable = Parameters<ReturnType<typeof provideVSCodeDesignSystem>['register']>[0];

const registered = new Set<string>();

/** Registers a toolkit element once per page (registering twice throws). */
export function ensureRegistered(tag: string, component: () => Registrable): void {
  if (registered.has(tag)) return;
  registered.add(tag);
  provideVSCodeDesignSystem().register(component());
}
