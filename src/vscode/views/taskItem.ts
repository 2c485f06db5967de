import * as vscode from 'vscode';
import { taskDescription, taskLabel, taskTooltip, type TaskLike } from '../../core/presentation/treeLabels';
import { CommandId } from '../commands/commandIds';
import { contextValues } from './contextValues';
import { taskStateIcon } from './icons';
import { retryLinks } from '../actions/retryLinks';

/** One task row: name, `short id · runtime · age` (and a retry link), state icon; a click opens its details. */
export function taskTreeItem(connectionId: string, task: TaskLike, now: number, writable = false): vscode.TreeItem {
  const item = new vscode.TreeItem(taskLabel(task), vscode.TreeItemCollapsibleState.None);
  const link = retryLinks.describe(connectionId, task.id);
  item.description = link ? `${taskDescription(task, now)} · ${link}` : taskDescription(task, now);
  item.tooltip = taskTooltip(task, now);
  item.iconPath = taskStateIcon(task.state);
  item.contextValue = contextValues.task(task.state, writable);
  item.command = { command: CommandId.OpenTaskDetails, title: 'Open Task Details', arguments: [{ connectionId, taskId: task.id }] };
  return item;
}
