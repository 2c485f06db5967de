/** The workflow diagram panels: open one per (connection, task), restored after a window reload. */
import * as vscode from 'vscode';
import type { FlowRestore } from '../../../shared/flowMessages';
import { PanelRegistry } from '../panelRegistry';
import { FlowController, type FlowDeps } from './flowController';

export const FLOW_VIEW_TYPE = 'celeryLens.flow';

export class FlowPanels implements vscode.Disposable {
  private readonly registry: PanelRegistry<FlowRestore>;
  private readonly controllers = new Map<vscode.WebviewPanel, FlowController>();

  constructor(deps: FlowDeps) {
    this.registry = new PanelRegistry<FlowRestore>({
      viewType: FLOW_VIEW_TYPE,
      title: (r) => `Workflow ${r.taskId.slice(0, 8)}`,
      key: (r) => `${r.connectionId}\n${r.taskId}`,
      parseRestore: (saved) => {
        const s = saved as Partial<FlowRestore> | undefined;
        return typeof s?.connectionId === 'string' && typeof s.taskId === 'string' ? { connectionId: s.connectionId, taskId: s.taskId } : undefined;
      },
      attach: (panel, restore) => {
        const controller = new FlowController(panel, restore, deps);
        this.controllers.set(panel, controller);
        return { dispose: () => { this.controllers.delete(panel); controller.dispose(); } };
      },
    }, deps.extensionUri);
  }

  open(connectionId: string, taskId: string): vscode.WebviewPanel {
    return this.registry.open({ connectionId, taskId });
  }

  /** Restores a panel from the state its webview saved, as after a window reload (see PanelRegistry.restore). */
  restore(panel: vscode.WebviewPanel, state: unknown): boolean {
    return this.registry.restore(panel, state);
  }

  /** Open diagrams with what their webview last reported drawing (for tests). */
  openDiagrams(): Array<{ panel: vscode.WebviewPanel; rendered: FlowController['lastRendered'] }> {
    return [...this.controllers].map(([panel, controller]) => ({ panel, rendered: controller.lastRendered }));
  }

  dispose(): void {
    this.registry.dispose();
  }
}
