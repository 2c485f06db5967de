/** Workers view: connection → workers → running tasks, consumed queues, registered task names. */
import * as vscode from 'vscode';
import { workerDescription } from '../../core/presentation/treeLabels';
import { formatDuration, plural, relativeTime } from '../../core/presentation/format';
import type { WorkerRecord } from '../../core/state/workerRecord';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import { runningByWorker } from '../../core/state/selectors';
import type { ConnectionManager } from '../connections/connectionManager';
import { CeleryTreeProvider } from './celeryTreeProvider';
import { contextValues } from './contextValues';
import { workerIcon } from './icons';
import type { CeleryNode } from './nodes';
import { taskTreeItem } from './taskItem';
import { localWorkers } from '../actions/localWorker';

export class WorkersTreeProvider extends CeleryTreeProvider {
  /** Ids of the running tasks by worker, per monitor, for one refresh: forgotten whenever the view is told to refresh. */
  private runningNow = new WeakMap<ClusterMonitor, Map<string, string[]>>();

  constructor(manager: ConnectionManager) {
    super(manager);
    this.changed.event(() => (this.runningNow = new WeakMap()));
  }

  private running(monitor: ClusterMonitor, worker: WorkerRecord): string[] {
    if (worker.activeTasks) return worker.activeTasks;
    let byWorker = this.runningNow.get(monitor);
    if (!byWorker) {
      byWorker = new Map([...runningByWorker(monitor.state)].map(([hostname, tasks]) => [hostname, tasks.map((t) => t.id)]));
      this.runningNow.set(monitor, byWorker);
    }
    return byWorker.get(worker.hostname) ?? [];
  }

  protected childrenOf(node: CeleryNode): CeleryNode[] {
    const monitor = this.monitorOf(node);
    if (!monitor) return [];
    const state = monitor.state;
    switch (node.kind) {
      case 'connection':
        return [...state.workers.values()]
          .sort((a, b) => a.hostname.localeCompare(b.hostname))
          .map((w) => ({ kind: 'worker', connectionId: node.connectionId, hostname: w.hostname }));
      case 'worker':
        return (['running', 'queues', 'registered'] as const).map((group) => ({ kind: 'workerGroup', connectionId: node.connectionId, hostname: node.hostname, group }));
      case 'workerGroup': {
        const worker = state.workers.get(node.hostname);
        if (!worker) return [];
        if (node.group === 'running') {
          return this.running(monitor, worker).map((taskId) => ({ kind: 'task', connectionId: node.connectionId, taskId, parentKey: `w/${node.hostname}` }));
        }
        const names = node.group === 'queues' ? worker.queues ?? [] : worker.registered ?? [];
        return names.map((name) => ({ kind: 'text', connectionId: node.connectionId, key: `w/${node.hostname}/${node.group}/${name}`, label: name, icon: node.group === 'queues' ? 'inbox' : 'symbol-method' }));
      }
      default:
        return [];
    }
  }

  protected itemFor(node: CeleryNode): vscode.TreeItem {
    const monitor = this.monitorOf(node);
    const now = this.now();
    if (node.kind === 'text') return this.textItem(node);
    if (node.kind === 'task') {
      const task = monitor?.state.tasks.get(node.taskId);
      return taskTreeItem(node.connectionId, task ?? { id: node.taskId, state: 'STARTED' }, now, this.writable(node));
    }
    const worker = monitor && 'hostname' in node ? monitor.state.workers.get(node.hostname) : undefined;
    if (node.kind === 'worker') {
      const online = worker ? worker.isAlive(now) : false;
      const item = new vscode.TreeItem(node.hostname, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = worker && monitor
        ? workerDescription({ hostname: node.hostname, online, pool: worker.pool, concurrency: worker.concurrency, processed: worker.processed, activeCount: this.running(monitor, worker).length, loadavg: worker.loadavg })
        : '';
      item.iconPath = workerIcon(online);
      const local = localWorkers.isLocal(node.connectionId, node.hostname);
      if (local) item.description = `local · ${String(item.description ?? '')}`;
      item.contextValue = contextValues.worker(online, this.writable(node), local);
      item.tooltip = worker ? workerTooltip(worker, online, now) : undefined;
      return item;
    }
    if (node.kind === 'workerGroup') {
      const count = !worker || !monitor ? 0
        : node.group === 'running' ? this.running(monitor, worker).length
          : node.group === 'queues' ? worker.queues?.length ?? 0 : worker.registered?.length ?? 0;
      const label = { running: 'Running', queues: 'Queues', registered: 'Registered tasks' }[node.group];
      const item = new vscode.TreeItem(label, count ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.description = String(count);
      item.iconPath = new vscode.ThemeIcon({ running: 'play', queues: 'inbox', registered: 'symbol-method' }[node.group]);
      item.contextValue = contextValues.workerGroup(node.group);
      return item;
    }
    return new vscode.TreeItem('');
  }
}

function workerTooltip(worker: WorkerRecord, online: boolean, now: number): vscode.MarkdownString {
  const stats = worker.stats ?? {};
  const pool = (stats.pool ?? {}) as Record<string, unknown>;
  const broker = (stats.broker ?? {}) as Record<string, unknown>;
  const rusage = (stats.rusage ?? {}) as Record<string, unknown>;
  const rows: Array<[string, unknown]> = [
    ['status', online ? 'online' : worker.offline ? 'offline (said goodbye)' : 'offline (no heartbeat)'],
    ['last heartbeat', worker.lastHeartbeat ? relativeTime(worker.lastHeartbeat, now) : 'never'],
    ['heartbeat every', `${worker.freq}s`],
    ['pid', worker.pid],
    ['Celery', worker.swVer],
    ['pool', worker.pool ? `${worker.pool} ×${worker.concurrency ?? '?'}` : worker.concurrency],
    ['pool processes', Array.isArray(pool.processes) ? (pool.processes as unknown[]).join(', ') : undefined],
    ['processed', worker.processed],
    ['prefetch', stats.prefetch_count],
    ['uptime', typeof stats.uptime === 'number' ? formatDuration(stats.uptime) : undefined],
    ['load', worker.loadavg?.map((l) => l.toFixed(2)).join(' ')],
    ['max RSS', typeof rusage.maxrss === 'number' ? `${Math.round(rusage.maxrss / 1024)} MiB` : undefined],
    ['transport', broker.transport],
    ['clock drift', worker.drift !== undefined ? `${worker.drift.toFixed(2)} s` : undefined],
  ];
  const md = new vscode.MarkdownString(`**${worker.hostname}**\n\n| | |\n|---|---|\n${rows
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `| ${k} | ${String(v)} |`).join('\n')}`);
  const totals = stats.total as Record<string, number> | undefined;
  if (totals && Object.keys(totals).length) {
    md.appendMarkdown(`\n\n${plural(Object.values(totals).reduce((a, b) => a + b, 0), 'task')} run since start:\n\n`);
    md.appendMarkdown(Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `- ${k}: ${v}`).join('\n'));
  }
  return md;
}
