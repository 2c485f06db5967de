/**
 * The Errors view: per connection, failures grouped by cause; a group expands to its tasks and a
 * click opens its failing line.
 */
import * as vscode from 'vscode';
import { errorGroupDescription, errorGroupLabel, errorGroupTooltip } from '../../core/presentation/errorLabels';
import { plural } from '../../core/presentation/format';
import { CommandId } from '../commands/commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import { contextValues } from '../views/contextValues';
import { taskTreeItem } from '../views/taskItem';
import type { ErrorsModel } from './errorsModel';

/** Rows of the Errors view (plain data, looked up again when VS Code asks for the item). */
export type ErrorNode =
  | { kind: 'connection'; connectionId: string }
  | { kind: 'group'; connectionId: string; key: string }
  | { kind: 'task'; connectionId: string; key: string; taskId: string }
  | { kind: 'empty'; connectionId: string };

// A group of thousands lists its newest tasks only.
const MAX_TASKS_PER_GROUP = 100;

export class ErrorsTreeProvider implements vscode.TreeDataProvider<ErrorNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ErrorNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager, private readonly model: ErrorsModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: ErrorNode): ErrorNode[] {
    if (!node) return this.manager.profiles().map((p) => ({ kind: 'connection', connectionId: p.id }));
    const { connectionId } = node;
    if (node.kind === 'connection') {
      const groups = this.model.groups(connectionId);
      return groups.length ? groups.map((g) => ({ kind: 'group', connectionId, key: g.key })) : [{ kind: 'empty', connectionId }];
    }
    if (node.kind === 'group') {
      const ids = this.model.group(connectionId, node.key)?.taskIds ?? [];
      return ids.slice(0, MAX_TASKS_PER_GROUP).map((taskId) => ({ kind: 'task', connectionId, key: node.key, taskId }));
    }
    return [];
  }

  getTreeItem(node: ErrorNode): vscode.TreeItem {
    const item = this.itemFor(node);
    item.id = `c/${node.connectionId}/e/${node.kind === 'connection' || node.kind === 'empty' ? node.kind : node.key}${node.kind === 'task' ? `/${node.taskId}` : ''}`;
    // Made on hover, as in the other Celery views (CeleryTreeProvider.getTreeItem).
    item.tooltip = undefined;
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ErrorNode): vscode.TreeItem {
    item.tooltip = this.itemFor(node).tooltip;
    return item;
  }

  private itemFor(node: ErrorNode): vscode.TreeItem {
    const now = Date.now() / 1000;
    switch (node.kind) {
      case 'connection': {
        const item = new vscode.TreeItem(this.manager.profile(node.connectionId)?.name ?? node.connectionId, vscode.TreeItemCollapsibleState.Expanded);
        const groups = this.model.groups(node.connectionId);
        item.description = this.manager.monitor(node.connectionId) ? plural(groups.length, 'error') : 'not connected';
        item.iconPath = new vscode.ThemeIcon('server-environment');
        return item;
      }
      case 'empty': {
        const item = new vscode.TreeItem(this.manager.monitor(node.connectionId) ? 'No failures' : 'Not connected');
        item.iconPath = new vscode.ThemeIcon('pass');
        return item;
      }
      case 'group': {
        const group = this.model.group(node.connectionId, node.key);
        if (!group) return new vscode.TreeItem('(gone)');
        const item = new vscode.TreeItem(errorGroupLabel(group), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = errorGroupDescription(group, now);
        item.tooltip = new vscode.MarkdownString(errorGroupTooltip(group));
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.contextValue = contextValues.errorGroup();
        const newest = group.taskIds[0];
        if (newest && group.frame) {
          item.command = { command: CommandId.GoToFailingLine, title: 'Go to Failing Line', arguments: [{ connectionId: node.connectionId, taskId: newest }] };
        }
        return item;
      }
      case 'task': {
        const task = this.manager.monitor(node.connectionId)?.state.tasks.get(node.taskId);
        return task ? taskTreeItem(node.connectionId, task, now) : new vscode.TreeItem(node.taskId);
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
