/**
 * Tasks view: connection → state groups with counts → tasks, newest first, in pages ("Show more").
 * A filter (text, names, states, workers) narrows every level; counts follow it.
 */
import * as vscode from 'vscode';
import { countByState, listTasks, type TaskFilter } from '../../core/state/selectors';
import { STATE_DISPLAY_ORDER } from '../../core/presentation/treeLabels';
import { tasksPageSize } from '../config';
import { ContextKey, setContext } from '../contextKeys';
import { CommandId } from '../commands/commandIds';
import { CeleryTreeProvider } from './celeryTreeProvider';
import { contextValues } from './contextValues';
import { stateGroupIcon } from './icons';
import type { CeleryNode } from './nodes';
import { taskTreeItem } from './taskItem';
import { showMoreItem } from './showMoreItem';

export class TasksTreeProvider extends CeleryTreeProvider {
  private filterValue: TaskFilter = {};
  /** Pages shown per connection and state. */
  private readonly pages = new Map<string, number>();
  view?: vscode.TreeView<CeleryNode>;

  get filter(): TaskFilter {
    return this.filterValue;
  }

  /** Replace the filter; an empty one clears it. */
  setFilter(filter: TaskFilter): void {
    const clean: TaskFilter = {};
    if (filter.text?.trim()) clean.text = filter.text.trim();
    if (filter.names?.length) clean.names = [...filter.names];
    if (filter.states?.length) clean.states = [...filter.states];
    if (filter.workers?.length) clean.workers = [...filter.workers];
    this.filterValue = clean;
    this.pages.clear();
    const active = Object.keys(clean).length > 0;
    void setContext(ContextKey.TasksFiltered, active);
    if (this.view) this.view.description = active ? describeFilter(clean) : undefined;
    this.changed.fire(undefined);
  }

  /** The parent of a node, so TreeView.reveal can open the way down to a task. */
  getParent(node: CeleryNode): CeleryNode | undefined {
    if (node.kind === 'task' && node.parentKey.startsWith('s/')) return { kind: 'stateGroup', connectionId: node.connectionId, state: node.parentKey.slice(2) };
    if (node.kind === 'showMore') return { kind: 'stateGroup', connectionId: node.connectionId, state: node.state };
    if (node.kind === 'stateGroup') return { kind: 'connection', connectionId: node.connectionId };
    return undefined;
  }

  /**
   * The row of a task as the tree lists it, showing more pages when it is further down (up to
   * `maxShown` rows); a reason instead when the task is unknown, filtered out or too far down.
   */
  taskNode(connectionId: string, taskId: string, maxShown = 5000): { node: CeleryNode } | { reason: string } {
    const monitor = this.manager.monitor(connectionId);
    const task = monitor?.state.tasks.get(taskId);
    if (!monitor || !task) return { reason: monitor ? 'Celery Lens does not know this task (yet)' : 'the connection is not started' };
    const pageSize = tasksPageSize();
    const key = `${connectionId}\n${task.state}`;
    for (let pages = this.pages.get(key) ?? 1; pages * pageSize <= Math.max(maxShown, pageSize); pages++) {
      const { tasks, total } = listTasks(monitor.state, { ...this.filterValue, state: task.state }, 0, pages * pageSize);
      if (tasks.some((t) => t.id === taskId)) {
        this.pages.set(key, pages);
        // A row this new may not be in what the view last fetched: refresh before revealing.
        this.changed.fire(undefined);
        return { node: { kind: 'task', connectionId, taskId, parentKey: `s/${task.state}` } };
      }
      if (tasks.length >= total) {
        return { reason: Object.keys(this.filterValue).length ? `the tasks filter hides it (${describeFilter(this.filterValue)})` : `it is not listed under ${task.state}` };
      }
    }
    return { reason: `it is more than ${maxShown.toLocaleString('en-US')} rows down its state group` };
  }

  showMore(connectionId: string, state: string): void {
    const key = `${connectionId}\n${state}`;
    this.pages.set(key, (this.pages.get(key) ?? 1) + 1);
    this.changed.fire(undefined);
  }

  protected childrenOf(node: CeleryNode): CeleryNode[] {
    const monitor = this.monitorOf(node);
    if (!monitor) return [];
    if (node.kind === 'connection') {
      const counts = countByState(monitor.state, this.filterValue);
      const states = this.filterValue.states?.length ? STATE_DISPLAY_ORDER.filter((s) => this.filterValue.states?.includes(s)) : STATE_DISPLAY_ORDER;
      return states.filter((s) => (counts.get(s) ?? 0) > 0 || !this.filterValue.states).map((state) => ({ kind: 'stateGroup', connectionId: node.connectionId, state }));
    }
    if (node.kind !== 'stateGroup') return [];
    const pageSize = tasksPageSize();
    const shown = pageSize * (this.pages.get(`${node.connectionId}\n${node.state}`) ?? 1);
    const { tasks, total } = listTasks(monitor.state, { ...this.filterValue, state: node.state }, 0, shown);
    const children: CeleryNode[] = tasks.map((t) => ({ kind: 'task', connectionId: node.connectionId, taskId: t.id, parentKey: `s/${node.state}` }));
    if (total > tasks.length) children.push({ kind: 'showMore', connectionId: node.connectionId, state: node.state, shown: tasks.length, total });
    return children;
  }

  protected itemFor(node: CeleryNode): vscode.TreeItem {
    const monitor = this.monitorOf(node);
    if (node.kind === 'stateGroup') {
      const count = monitor ? countByState(monitor.state, this.filterValue).get(node.state) ?? 0 : 0;
      const item = new vscode.TreeItem(node.state, count ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.description = count.toLocaleString('en-US');
      item.iconPath = stateGroupIcon(node.state);
      item.contextValue = contextValues.stateGroup(node.state);
      return item;
    }
    if (node.kind === 'task') {
      const task = monitor?.state.tasks.get(node.taskId);
      return taskTreeItem(node.connectionId, task ?? { id: node.taskId, state: node.parentKey.slice(2) }, this.now(), this.writable(node));
    }
    if (node.kind === 'showMore') {
      return showMoreItem({ ...node, pageSize: tasksPageSize() }, { command: CommandId.ShowMoreTasks, arguments: [node.connectionId, node.state] });
    }
    return new vscode.TreeItem('');
  }
}

/** `text "foo" · 2 names · FAILURE` for the view's description. */
export function describeFilter(filter: TaskFilter): string {
  const parts: string[] = [];
  if (filter.text) parts.push(`"${filter.text}"`);
  if (filter.names?.length) parts.push(filter.names.length === 1 ? filter.names[0].split('.').pop() ?? '' : `${filter.names.length} names`);
  if (filter.states?.length) parts.push(filter.states.join(','));
  if (filter.workers?.length) parts.push(filter.workers.length === 1 ? filter.workers[0] : `${filter.workers.length} workers`);
  return `filter: ${parts.join(' · ')}`;
}
