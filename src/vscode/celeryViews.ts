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

/** Tell the manager whenever a Celery view shows or hides (any visible view keeps the clusters connected). */
let trackedViews = 0;

export function trackVisibility(manager: ConnectionManager, view: vscode.TreeView<unknown>): vscode.Disposable {
  const viewId = `view-${++trackedViews}`;
  const update = () => manager.setViewVisible(viewId, view.visible);
  update();
  const subscription = view.onDidChangeVisibility(update);
  return { dispose: () => { subscription.dispose(); manager.setViewVisible(viewId, false); } };
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
  const subscriptions = treeViews.map((v) => trackVisibility(manager, v));
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
