/**
 * The dashboard panel's host: the connection's rolling charts (core/dashboard) for the window the
 * webview picks, re-sent as the cluster changes (at most 4 a second) and every 5 seconds (time
 * moves even when nothing happens); "Export" writes one chart's data as CSV or JSON where the user
 * chooses.
 */
import * as vscode from 'vscode';
import { buildDashboard, DASHBOARD_WINDOWS, type DashboardData, type DashboardWindow } from '../../core/dashboard/dashboardData';
import { CHART_IDS, type ChartId, chartTable, exportFileName, tableToCsv, tableToJson } from '../../core/dashboard/chartExport';
import { ClusterState } from '../../core/state/clusterState';
import { DashboardMetrics } from '../../core/dashboard/dashboardMetrics';
import type { DashboardRestore, FromDashboard, ToDashboard } from '../../shared/dashboardMessages';
import { PanelHost } from './panelHost';
import type { PanelKind } from './panelRegistry';
import type { InsightPanelDeps } from './insightPanels';

const TICK_MS = 5000;

class DashboardController implements vscode.Disposable {
  private window: DashboardWindow = '1h';
  private readonly host: PanelHost<ToDashboard, FromDashboard, DashboardRestore>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(panel: vscode.WebviewPanel, private readonly restore: DashboardRestore, private readonly deps: InsightPanelDeps) {
    this.host = new PanelHost(panel, {
      extensionUri: deps.extensionUri, bundle: 'dashboard', restore, logger: deps.logger,
      onReady: () => [this.message()],
      onMessage: (message) => this.receive(message),
    });
    void deps.manager.connect(restore.connectionId);
    const tick = setInterval(() => {
      if (panel.visible) this.host.scheduleUpdate(() => this.message());
    }, TICK_MS);
    this.subscriptions.push(deps.manager.onDidChange(() => this.host.scheduleUpdate(() => this.message())), { dispose: () => clearInterval(tick) });
  }

  private data(): DashboardData {
    const monitor = this.deps.manager.monitor(this.restore.connectionId);
    if (!monitor) return buildDashboard(new ClusterState().stats, new DashboardMetrics(), this.window, Date.now() / 1000);
    return buildDashboard(monitor.state.stats, monitor.metrics, this.window, monitor.state.now());
  }

  private message(): ToDashboard {
    return { type: 'dashboard', data: this.data(), title: this.restore.name };
  }

  private async receive(message: FromDashboard): Promise<void> {
    switch (message.type) {
      case 'setWindow':
        if (!DASHBOARD_WINDOWS.includes(message.window)) return;
        this.window = message.window;
        this.host.post(this.message());
        return;
      case 'export':
        await this.export(message.chart, message.format);
        return;
      case 'rendered':
        this.deps.reportRendered('dashboard', this.restore.connectionId, message);
        return;
    }
  }

  private async export(chart: ChartId, format: 'csv' | 'json'): Promise<void> {
    if (!CHART_IDS.includes(chart) || (format !== 'csv' && format !== 'json')) return;
    const data = this.data();
    const table = chartTable(data, chart);
    const text = format === 'csv' ? tableToCsv(table) : tableToJson(table, data);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = exportFileName(chart, data.window, format);
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      title: `Export ${chart} (${data.window}) as ${format.toUpperCase()}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    this.deps.logger.info(`dashboard: exported ${chart} (${data.window}) to ${target.fsPath || target.toString()}`);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.host.dispose();
  }
}

export function dashboardPanelKind(deps: InsightPanelDeps): PanelKind<DashboardRestore> {
  return {
    viewType: 'celeryLens.dashboard',
    title: (r) => `Dashboard: ${r.name}`,
    key: (r) => r.connectionId,
    parseRestore: (saved) => {
      const s = saved as Partial<DashboardRestore> | undefined;
      return typeof s?.connectionId === 'string' && typeof s.name === 'string' ? { connectionId: s.connectionId, name: s.name } : undefined;
    },
    attach: (panel, restore) => new DashboardController(panel, restore, deps),
  };
}
