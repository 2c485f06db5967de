import * as vscode from 'vscode';
import { taskDescription, taskLabel, taskTooltip, type TaskLike } from '../../core/presentation/treeLabels';
import { CommandId } from '../commands/commandIds';
import { contextValues } from './contextValues';
import { taskStateIcon } from './icons';

/** One task row: name, `short id · runtime · age`, state icon; a click opens its details. */
export function taskTreeItem(connectionId: string, task: TaskLike, now: number, writable = false): vscode.TreeItem {
  const item = new vscode.TreeItem(taskLabel(task), vscode.TreeItemCollapsibleState.None);
  item.description = taskDescription(task, now);
  item.tooltip = taskTooltip(task, now);
  item.iconPath = taskStateIcon(task.state);
  item.contextValue = contextValues.task(task.state, writable);
  item.command = { command: CommandId.OpenTaskDetails, title: 'Open Task Details', arguments: [{ connectionId, taskId: task.id }] };
  return item;
}
