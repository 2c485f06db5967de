import * as vscode from 'vscode';
import { shortId } from '../../core/presentation/format';

export const TASK_DETAILS_SCHEME = 'celery-task';

/** `celery-task:/add 7d1021c7.md?c=<connection>&t=<task id>`: the title says what it is. */
export function taskDetailsUri(connectionId: string, taskId: string, name?: string): vscode.Uri {
  const label = (name?.split('.').pop() ?? 'task').replace(/[/\\?#]/g, '_');
  const query = new URLSearchParams({ c: connectionId, t: taskId }).toString();
  return vscode.Uri.from({ scheme: TASK_DETAILS_SCHEME, path: `/${label} ${shortId(taskId)}.md`, query });
}

export function parseTaskDetailsUri(uri: vscode.Uri): { connectionId: string; taskId: string } | undefined {
  const params = new URLSearchParams(uri.query);
  const connectionId = params.get('c');
  const taskId = params.get('t');
  return connectionId && taskId ? { connectionId, taskId } : undefined;
}
