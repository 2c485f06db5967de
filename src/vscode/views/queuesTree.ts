/**
 * Queues view: connection → queues (depth, per-priority breakdown, consumers, trend) → the first
 * messages, peeked — never consumed — and decoded, undecodable ones saying why, with "Show more"
 * reading the next window; on Redis, the unacked (reserved) messages as a last group.
 */
import * as vscode from 'vscode';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import { isUndecodable, type RawMessage, type Undecodable } from '../../core/celery/rawMessage';
import { AMQP_PEEK_MAX_DEPTH, type UnackedEntry } from '../../core/broker/broker';
import type { TaskMessage } from '../../core/celery/types';
import { queueDescription } from '../../core/presentation/treeLabels';
import { oneLine, shortId } from '../../core/presentation/format';
import { redactSecretsInText } from '../../core/url/connectionUrl';
import { peekCount } from '../config';
import { CommandId } from '../commands/commandIds';
import { CeleryTreeProvider } from './celeryTreeProvider';
import { contextValues } from './contextValues';
import type { CeleryNode } from './nodes';
import { pausedQueues } from '../actions/pausedQueues';
import { unackedGroupItem, unackedItem } from './unackedItems';
import { showMoreItem } from './showMoreItem';

/** Peeked messages are reused this long, so refreshes do not read the broker 4 times a second. */
const PEEK_TTL_MS = 5000;

interface PeekEntry {
  at: number;
  messages?: Array<{ message: TaskMessage | Undecodable; raw?: RawMessage }>;
  /** Ready messages in the queue when it was read (all priority levels). */
  total?: number;
  error?: string;
}

export class QueuesTreeProvider extends CeleryTreeProvider {
  private readonly peeks = new Map<string, PeekEntry>();
  /** Windows shown per queue ("Show more" adds one). */
  private readonly windows = new Map<string, number>();
  private readonly unacked = new Map<string, { at: number; entries?: UnackedEntry[]; error?: string }>();

  /** Show the next window of a queue's messages. */
  showMore(connectionId: string, queue: string): void {
    const key = `${connectionId}\n${queue}`;
    this.windows.set(key, (this.windows.get(key) ?? 1) + 1);
    this.peeks.delete(key);
    this.changed.fire(undefined);
  }

  /** Forget what was read (after an action changed the broker), so the next render reads again. */
  invalidate(connectionId: string): void {
    for (const key of [...this.peeks.keys()]) if (key.startsWith(`${connectionId}\n`)) this.peeks.delete(key);
    this.unacked.delete(connectionId);
    this.changed.fire(undefined);
  }

  /** The unacked entries last read for a connection (read now when none are cached). */
  async unackedEntries(connectionId: string): Promise<{ entries?: UnackedEntry[]; error?: string }> {
    const cached = this.unacked.get(connectionId);
    if (cached && Date.now() - cached.at < PEEK_TTL_MS) return cached;
    const broker = this.manager.monitor(connectionId)?.broker;
    let entry: { at: number; entries?: UnackedEntry[]; error?: string };
    try {
      if (!broker) throw new Error('not connected');
      entry = { at: Date.now(), entries: await broker.listUnacked() };
    } catch (err) {
      entry = { at: Date.now(), error: redactSecretsInText((err as Error).message) };
    }
    this.unacked.set(connectionId, entry);
    return entry;
  }

  protected async childrenOf(node: CeleryNode): Promise<CeleryNode[]> {
    const monitor = this.monitorOf(node);
    if (!monitor) return [];
    if (node.kind === 'connection') {
      const queues: CeleryNode[] = [...monitor.queues].sort((a, b) => a.name.localeCompare(b.name)).map((q) => ({ kind: 'queue', connectionId: node.connectionId, name: q.name }));
      if (monitor.broker?.kind !== 'redis') return queues;
      await this.unackedEntries(node.connectionId); // so the group shows its count
      return [...queues, { kind: 'unackedGroup', connectionId: node.connectionId }];
    }
    if (node.kind === 'unackedGroup') {
      const { entries } = await this.unackedEntries(node.connectionId);
      return (entries ?? []).map((entry) => ({ kind: 'unacked', connectionId: node.connectionId, entry }));
    }
    if (node.kind !== 'queue') return [];
    const entry = await this.peek(node.connectionId, node.name);
    if (entry.error) {
      return [{ kind: 'text', connectionId: node.connectionId, key: `q/${node.name}/error`, label: 'Messages cannot be shown', description: entry.error, tooltip: entry.error, icon: 'info' }];
    }
    const messages = entry.messages ?? [];
    if (!messages.length) return [{ kind: 'text', connectionId: node.connectionId, key: `q/${node.name}/empty`, label: 'No waiting messages', icon: 'check' }];
    const children: CeleryNode[] = messages.map(({ message, raw }, index) => ({ kind: 'message', connectionId: node.connectionId, queue: node.name, index, message, raw }));
    const total = entry.total ?? 0;
    if (messages.length >= this.shownLimit(node.connectionId, node.name) && total > messages.length) {
      if (monitor.broker?.kind === 'amqp' && messages.length >= AMQP_PEEK_MAX_DEPTH) {
        children.push({ kind: 'text', connectionId: node.connectionId, key: `q/${node.name}/deep`, label: `RabbitMQ can only be peeked in its first ${AMQP_PEEK_MAX_DEPTH} messages`, icon: 'info',
          tooltip: 'The management API reads from the head of the queue, taking and requeueing every message up to the window.' });
      } else {
        children.push({ kind: 'peekMore', connectionId: node.connectionId, queue: node.name, shown: messages.length, total });
      }
    }
    return children;
  }

  private shownLimit(connectionId: string, queue: string): number {
    return peekCount() * (this.windows.get(`${connectionId}\n${queue}`) ?? 1);
  }

  private async peek(connectionId: string, queue: string): Promise<PeekEntry> {
    const key = `${connectionId}\n${queue}`;
    const cached = this.peeks.get(key);
    if (cached && Date.now() - cached.at < PEEK_TTL_MS) return cached;
    const broker = this.manager.monitor(connectionId)?.broker;
    let entry: PeekEntry;
    try {
      if (!broker) throw new Error('not connected');
      // One window at a time, from the head: what "Show more" reads is exactly the next window.
      const shown = this.shownLimit(connectionId, queue);
      const read: Array<RawMessage | Undecodable> = [];
      for (let offset = 0; offset < shown; offset += peekCount()) {
        const window = await broker.peek(queue, Math.min(peekCount(), shown - offset), offset);
        read.push(...window);
        if (window.length < peekCount()) break;
      }
      const [info] = await broker.queueInfo([queue]);
      entry = { at: Date.now(), total: info?.messages, messages: read.map((m) => (isUndecodable(m) ? { message: m } : { message: decodeTaskMessage(m, queue), raw: m })) };
    } catch (err) {
      entry = { at: Date.now(), error: redactSecretsInText((err as Error).message) };
    }
    this.peeks.set(key, entry);
    return entry;
  }

  protected itemFor(node: CeleryNode): vscode.TreeItem {
    if (node.kind === 'text') return this.textItem(node);
    if (node.kind === 'peekMore') {
      return showMoreItem({ ...node, pageSize: peekCount() }, { command: CommandId.PeekMoreMessages, arguments: [node.connectionId, node.queue] });
    }
    if (node.kind === 'unackedGroup') {
      const cached = this.unacked.get(node.connectionId);
      return unackedGroupItem(cached?.entries?.length, cached?.error);
    }
    if (node.kind === 'unacked') return unackedItem(this.monitorOf(node), node.entry, this.writable(node), this.now());
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
        item.contextValue = contextValues.message(false, this.writable(node), this.monitorOf(node)?.broker?.kind);
        item.command = { command: CommandId.OpenMessage, title: 'Open Message as JSON', arguments: [node] };
        return item;
      }
      const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.None);
      const extras = [m.priority ? `p${m.priority}` : '', m.eta ? `eta ${m.eta}` : '', m.retries ? `retry ${m.retries}` : ''].filter(Boolean);
      item.description = [`${node.index + 1}. ${shortId(m.id)}`, m.argsrepr ?? '', ...extras].filter(Boolean).join(' · ');
      item.tooltip = `${m.name}\nid: ${m.id}\nargs: ${m.argsrepr ?? JSON.stringify(m.args)}\nkwargs: ${m.kwargsrepr ?? JSON.stringify(m.kwargs)}`;
      item.iconPath = new vscode.ThemeIcon('mail');
      item.contextValue = contextValues.message(true, this.writable(node), this.monitorOf(node)?.broker?.kind);
      item.command = { command: CommandId.OpenMessage, title: 'Open Message as JSON', arguments: [node] };
      return item;
    }
    return new vscode.TreeItem('');
  }
}
