/**
 * Messages between the dashboard panel's host (src/vscode/panels/dashboardPanel.ts) and its
 * webview (webview/dashboard/main.ts).
 */
import type { ChartId, DashboardData, DashboardWindow } from '../core/dashboard/dashboardTypes';

export type { ChartId, DashboardData, DashboardWindow } from '../core/dashboard/dashboardTypes';
export { CHART_IDS, CHART_TITLES, DASHBOARD_WINDOWS } from '../core/dashboard/dashboardTypes';

export interface DashboardRestore {
  connectionId: string;
  name: string;
}

export type ToDashboard = { type: 'dashboard'; data: DashboardData; title: string };

export type FromDashboard =
  | { type: 'setWindow'; window: DashboardWindow }
  /** Save the data behind one chart (the host asks where). */
  | { type: 'export'; chart: ChartId; format: 'csv' | 'json' }
  | { type: 'rendered'; charts: number };
