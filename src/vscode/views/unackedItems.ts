/**
 * Redis unacked (reserved) messages in the Queues view: kombu keeps each message a worker took but
 * has not acked in the `unacked` hash (with its delivery time in `unacked_index`). A message whose
 * worker is gone stays there until a worker restores it after the visibility timeout (1 h by
 * default); Celery Lens can restore it now.
 */
import * as vscode from 'vscode';
import type { UnackedEntry } from '../../core/broker/broker';
import { isUndecodable } from '../../core/celery/rawMessage';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import { oneLine, relativeTime, shortId } from '../../core/presentation/format';
import { contextValues } from './contextValues';

/** The worker holding an unacked message (from the live model) and whether it is gone. */
export function unackedHolder(monitor: ClusterMonitor | undefined, entry: UnackedEntry): { taskId?: string; name?: string; worker?: string; gone: boolean } {
  const message = entry.message;
  const taskId = isUndecodable(message) ? message.taskId : typeof message.headers.id === 'string' ? message.headers.id : undefined;
  const name = isUndecodable(message) ? message.taskName : typeof message.headers.task === 'string' ? message.headers.task : undefined;
  const worker = taskId ? monitor?.state.tasks.get(taskId)?.worker ?? undefined : undefined;
  return { taskId, name, worker, gone: worker !== undefined && monitor !== undefined && !monitor.isWorkerOnline(worker) };
}

export function unackedGroupItem(count: number | undefined, error?: string): vscode.TreeItem {
  const item = new vscode.TreeItem('Unacked (delivered, not acknowledged)', count !== 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.description = error ? `cannot be read: ${error}` : count === undefined ? '' : String(count);
  item.tooltip = 'Messages Redis workers took but have not acknowledged yet (kombu\'s "unacked" hash). When their worker is gone, they wait for the visibility timeout unless restored.';
  item.iconPath = new vscode.ThemeIcon('mail-read');
  item.contextValue = 'celeryLens.unackedGroup';
  return item;
}

export function unackedItem(monitor: ClusterMonitor | undefined, entry: UnackedEntry, writable: boolean, now: number): vscode.TreeItem {
  const holder = unackedHolder(monitor, entry);
  const item = new vscode.TreeItem(holder.name ?? 'Unknown message', vscode.TreeItemCollapsibleState.None);
  const where = holder.worker ? `${holder.worker} ${holder.gone ? '(gone)' : '(online)'}` : 'worker unknown';
  const parts = [holder.taskId ? shortId(holder.taskId) : '', where, entry.deliveredAt ? `taken ${relativeTime(entry.deliveredAt, now)}` : ''];
  if (isUndecodable(entry.message)) parts.push(oneLine(entry.message.reason, 60));
  item.description = parts.filter(Boolean).join(' · ');
  item.tooltip = `delivery tag ${entry.deliveryTag}\nqueue: ${entry.routingKey || '?'}${entry.exchange ? ` (exchange ${entry.exchange})` : ''}\n${holder.taskId ? `task ${holder.taskId}\n` : ''}${where}`;
  item.iconPath = new vscode.ThemeIcon(holder.gone ? 'warning' : 'mail-read');
  item.contextValue = contextValues.unacked(holder.gone, writable);
  return item;
}
