import * as vscode from 'vscode';
import type { MonitorSettings } from '../core/monitor/monitorTypes';

export const CONFIG_SECTION = 'celeryLens';

/** A workspace connection profile as written in settings (never with a password). */
export interface SettingsConnection {
  name?: unknown;
  brokerUrl?: unknown;
  backendUrl?: unknown;
  managementUrl?: unknown;
  readOnly?: unknown;
}

function num(config: vscode.WorkspaceConfiguration, key: string, fallback: number): number {
  const value = config.get<number>(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The monitor settings from the user's configuration. */
export function monitorSettings(): MonitorSettings {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return {
    maxTasks: num(config, 'maxTasks', 100_000),
    inspectIntervalMs: num(config, 'inspectInterval', 10) * 1000,
    queuePollIntervalMs: num(config, 'queuePollInterval', 5) * 1000,
    backfillLimit: num(config, 'backfillLimit', 2000),
    commandTimeoutMs: Math.round(num(config, 'commandTimeout', 5) * 1000),
  };
}

export function tasksPageSize(): number {
  return num(vscode.workspace.getConfiguration(CONFIG_SECTION), 'tasksPageSize', 200);
}

export function peekCount(): number {
  return num(vscode.workspace.getConfiguration(CONFIG_SECTION), 'peekCount', 10);
}

export function settingsConnections(): SettingsConnection[] {
  const value = vscode.workspace.getConfiguration(CONFIG_SECTION).get<unknown>('connections');
  return Array.isArray(value) ? (value as SettingsConnection[]) : [];
}
