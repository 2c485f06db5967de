/**
 * The timeline, trace and dashboard panels of every connection: their registries (open, reveal,
 * restore after a reload) and what the panels reach back to (task details, each other). The last
 * `rendered` report of each panel is kept, so tests can see a real webview drew what it was sent.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/util/logger';
import { rootIdOf } from '../../core/trace/traceModel';
import type { ConnectionManager } from '../connections/connectionManager';
import { CommandId } from '../commands/commandIds';
import { PanelRegistry } from './panelRegistry';
import { timelinePanelKind } from './timelinePanel';
import { tracePanelKind } from './tracePanel';
import { dashboardPanelKind } from './dashboardPanel';
import type { TimelineRestore } from '../../shared/timelineMessages';
import type { TraceRestore } from '../../shared/traceMessages';
import type { DashboardRestore } from '../../shared/dashboardMessages';

export type InsightPanelName = 'timeline' | 'trace' | 'dashboard';

/** What a panel controller needs from the rest of the extension. */
export interface InsightPanelDeps {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  logger: Logger;
  openTaskDetails(connectionId: string, taskId: string): Promise<void>;
  openTrace(connectionId: string, taskId: string): void;
  reportRendered(panel: InsightPanelName, connectionId: string, report: unknown): void;
}

export class InsightPanels implements vscode.Disposable {
  private readonly timeline: PanelRegistry<TimelineRestore>;
  private readonly trace: PanelRegistry<TraceRestore>;
  private readonly dashboard: PanelRegistry<DashboardRestore>;
  /** `<panel> <connectionId>` -> the webview's last `rendered` message (tests read it). */
  readonly rendered = new Map<string, unknown>();

  constructor(extensionUri: vscode.Uri, private readonly manager: ConnectionManager, logger: Logger) {
    const deps: InsightPanelDeps = {
      extensionUri, manager, logger,
      openTaskDetails: async (connectionId, taskId) => {
        await vscode.commands.executeCommand(CommandId.OpenTaskDetails, { connectionId, taskId });
      },
      openTrace: (connectionId, taskId) => this.openTrace(connectionId, taskId),
      reportRendered: (panel, connectionId, report) => this.rendered.set(`${panel} ${connectionId}`, report),
    };
    this.timeline = new PanelRegistry(timelinePanelKind(deps), extensionUri);
    this.trace = new PanelRegistry(tracePanelKind(deps), extensionUri);
    this.dashboard = new PanelRegistry(dashboardPanelKind(deps), extensionUri);
  }

  private name(connectionId: string): string {
    return this.manager.profile(connectionId)?.name ?? connectionId;
  }

  openTimeline(connectionId: string, worker?: string): vscode.WebviewPanel {
    return this.timeline.open({ connectionId, name: this.name(connectionId), worker });
  }

  /** The trace of the workflow `taskId` belongs to. */
  openTrace(connectionId: string, taskId: string): vscode.WebviewPanel {
    const state = this.manager.monitor(connectionId)?.state;
    const rootId = state ? rootIdOf(state, taskId) : taskId;
    return this.trace.open({ connectionId, rootId, name: state?.tasks.get(rootId)?.name ?? state?.tasks.get(taskId)?.name });
  }

  openDashboard(connectionId: string): vscode.WebviewPanel {
    return this.dashboard.open({ connectionId, name: this.name(connectionId) });
  }

  /** What the serializer does after a reload (tests restore without reloading); false when the state does not parse. */
  restore(name: InsightPanelName, panel: vscode.WebviewPanel, state: unknown): boolean {
    return this[name].restore(panel, state);
  }

  /** Open panels per kind (tests). */
  openPanels(): Record<InsightPanelName, vscode.WebviewPanel[]> {
    return { timeline: this.timeline.panels(), trace: this.trace.panels(), dashboard: this.dashboard.panels() };
  }

  dispose(): void {
    this.timeline.dispose();
    this.trace.dispose();
    this.dashboard.dispose();
  }
}
