import * as vscode from 'vscode';
import type { ConnectionStatus } from '../../core/monitor/monitorTypes';

const color = (id: string) => new vscode.ThemeColor(id);

/** Icon and theme colour per Celery task state (theme colours only, so every theme reads well). */
const TASK_ICONS: Record<string, [string, string | undefined]> = {
  PENDING: ['clock', 'disabledForeground'],
  RECEIVED: ['inbox', 'charts.blue'],
  STARTED: ['sync~spin', 'charts.blue'],
  SUCCESS: ['pass', 'testing.iconPassed'],
  FAILURE: ['error', 'testing.iconFailed'],
  RETRY: ['debug-restart', 'charts.yellow'],
  REVOKED: ['circle-slash', 'charts.orange'],
  REJECTED: ['close', 'charts.purple'],
};

export function taskStateIcon(state: string): vscode.ThemeIcon {
  const [id, colour] = TASK_ICONS[state] ?? ['question', undefined];
  // A group header must not spin: it would animate forever while anything runs.
  return new vscode.ThemeIcon(id, colour ? color(colour) : undefined);
}

export function stateGroupIcon(state: string): vscode.ThemeIcon {
  const [id, colour] = TASK_ICONS[state] ?? ['question', undefined];
  return new vscode.ThemeIcon(id === 'sync~spin' ? 'play-circle' : id, colour ? color(colour) : undefined);
}

export function workerIcon(online: boolean): vscode.ThemeIcon {
  return online ? new vscode.ThemeIcon('server-process', color('charts.green')) : new vscode.ThemeIcon('server-process', color('disabledForeground'));
}

export function connectionIcon(status: ConnectionStatus): vscode.ThemeIcon {
  switch (status.kind) {
    case 'connected': return new vscode.ThemeIcon('plug', color('charts.green'));
    case 'connecting': return new vscode.ThemeIcon('loading~spin');
    case 'reconnecting': return new vscode.ThemeIcon('sync~spin', color('list.warningForeground'));
    case 'error': return new vscode.ThemeIcon('error', color('list.errorForeground'));
    case 'idle': return new vscode.ThemeIcon('debug-disconnect');
  }
}
