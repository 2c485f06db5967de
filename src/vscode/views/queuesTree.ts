/**
 * Queues view: connection → queues (depth, per-priority breakdown, consumers, trend) → the first
 * messages, peeked — never consumed — and decoded, undecodable ones saying why.
 */
import * as vscode from 'vscode';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import { isUndecodable, type Undecodable } from '../../core/celery/rawMessage';
import type { TaskMessage } from '../../core/celery/types';
import { queueDescription } from '../../core/presentation/treeLabels';
import { oneLine, shortId } from '../../core/presentation/format';
import { redactSecretsInText } from '../../core/url/connectionUrl';
import { peekCount } from '../config';
import { CeleryTreeProvider } from './celeryTreeProvider';
import { contextValues } from './contextValues';
import type { CeleryNode } from './nodes';
import { pausedQueues } from '../actions/pausedQueues';

/** Peeked messages are reused this long, so refreshes do not read the broker 4 times a second. */
const PEEK_TTL_MS = 5000;

interface PeekEntry {
  at: number;
  messages?: Array<TaskMessage | Undecodable>;
  error?: string;
}

export class QueuesTreeProvider extends CeleryTreeProvider {
  private readonly peeks = new Map<string, PeekEntry>();

  protected async childrenOf(node: CeleryNode): Promise<CeleryNode[]> {
    const monitor = this.monitorOf(node);
    if (!monitor) return [];
    if (node.kind === 'connection') {
      return [...monitor.queues].sort((a, b) => a.name.localeCompare(b.name)).map((q) => ({ kind: 'queue', connectionId: node.connectionId, name: q.name }));
    }
    if (node.kind !== 'queue') return [];
    const entry = await this.peek(node.connectionId, node.name);
    if (entry.error) {
      return [{ kind: 'text', connectionId: node.connectionId, key: `q/${node.name}/error`, label: 'Messages cannot be shown', description: entry.error, tooltip: entry.error, icon: 'info' }];
    }
    const messages = entry.messages ?? [];
    if (!messages.length) return [{ kind: 'text', connectionId: node.connectionId, key: `q/${node.name}/empty`, label: 'No waiting messages', icon: 'check' }];
    return messages.map((message, index) => ({ kind: 'message', connectionId: node.connectionId, queue: node.name, index, message }));
  }

  private async peek(connectionId: string, queue: string): Promise<PeekEntry> {
    const key = `${connectionId}\n${queue}`;
    const cached = this.peeks.get(key);
    if (cached && Date.now() - cached.at < PEEK_TTL_MS) return cached;
    const broker = this.manager.monitor(connectionId)?.broker;
    let entry: PeekEntry;
    try {
      if (!broker) throw new Error('not connected');
      const raw = await broker.peek(queue, peekCount());
      entry = { at: Date.now(), messages: raw.map((m) => (isUndecodable(m) ? m : decodeTaskMessage(m, queue))) };
    } catch (err) {
      entry = { at: Date.now(), error: redactSecretsInText((err as Error).message) };
    }
    this.peeks.set(key, entry);
    return entry;
  }

  protected itemFor(node: CeleryNode): vscode.TreeItem {
    if (node.kind === 'text') return this.textItem(node);
    if (node.kind === 'queue') {
      const q = this.monitorOf(node)?.queues.find((x) => x.name === node.name);
      const item = new vscode.TreeItem(node.name, q && q.messages > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Collapsed);
      const paused = pausedQueues.isPaused(node.connectionId, node.name);
      item.description = `${paused ? 'paused · ' : ''}${q ? queueDescription(q) : ''}`;
      item.iconPath = new vscode.ThemeIcon(q && q.messages > 0 ? 'inbox' : 'circle-large-outline');
      item.contextValue = contextValues.queue(this.writable(node), pausedQueues.isPaused(node.connectionId, node.name));
      if (q) {
        const levels = Object.entries(q.byPriority).map(([p, n]) => `- priority ${p}: ${n}`).join('\n');
        item.tooltip = new vscode.MarkdownString(`**${q.name}**\n\n${item.description}${levels ? `\n\n${levels}` : ''}`);
      }
      return item;
    }
    if (node.kind === 'message') {
      const m = node.message;
      if (isUndecodable(m)) {
        const item = new vscode.TreeItem(m.taskName ?? 'Undecodable message', vscode.TreeItemCollapsibleState.None);
        item.description = `${m.taskId ? `${shortId(m.taskId)} · ` : ''}${oneLine(m.reason, 80)}`;
        item.tooltip = `${m.reason}\n${m.size} bytes${m.contentType ? `, ${m.contentType}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = contextValues.message(false, this.writable(node));
        return item;
      }
      const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.None);
      const extras = [m.priority ? `p${m.priority}` : '', m.eta ? `eta ${m.eta}` : '', m.retries ? `retry ${m.retries}` : ''].filter(Boolean);
      item.description = [`${node.index + 1}. ${shortId(m.id)}`, m.argsrepr ?? '', ...extras].filter(Boolean).join(' · ');
      item.tooltip = `${m.name}\nid: ${m.id}\nargs: ${m.argsrepr ?? JSON.stringify(m.args)}\nkwargs: ${m.kwargsrepr ?? JSON.stringify(m.kwargs)}`;
      item.iconPath = new vscode.ThemeIcon('mail');
      item.contextValue = contextValues.message(true, this.writable(node));
      return item;
    }
    return new vscode.TreeItem('');
  }
}
