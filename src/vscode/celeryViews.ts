/** Creates the three tree views and tells the connection manager when any of them is visible. */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connections/connectionManager';
import { QueuesTreeProvider } from './views/queuesTree';
import { TasksTreeProvider } from './views/tasksTree';
import { WorkersTreeProvider } from './views/workersTree';
import type { CeleryNode } from './views/nodes';

export interface CeleryViews extends vscode.Disposable {
  workers: WorkersTreeProvider;
  queues: QueuesTreeProvider;
  tasks: TasksTreeProvider;
  treeViews: Array<vscode.TreeView<CeleryNode>>;
}

export function createCeleryViews(manager: ConnectionManager): CeleryViews {
  const workers = new WorkersTreeProvider(manager);
  const queues = new QueuesTreeProvider(manager);
  const tasks = new TasksTreeProvider(manager);
  const treeViews = [
    vscode.window.createTreeView('celeryLens.workers', { treeDataProvider: workers, showCollapseAll: true }),
    vscode.window.createTreeView('celeryLens.queues', { treeDataProvider: queues, showCollapseAll: true }),
    vscode.window.createTreeView('celeryLens.tasks', { treeDataProvider: tasks, showCollapseAll: true }),
  ];
  tasks.view = treeViews[2];
  const updateVisibility = () => manager.setViewsVisible(treeViews.some((v) => v.visible));
  const subscriptions = treeViews.map((v) => v.onDidChangeVisibility(updateVisibility));
  updateVisibility();
  return {
    workers,
    queues,
    tasks,
    treeViews,
    dispose() {
      subscriptions.forEach((s) => s.dispose());
      treeViews.forEach((v) => v.dispose());
      [workers, queues, tasks].forEach((p) => p.dispose());
    },
  };
}
