/**
 * Task details as a read-only Markdown document. It re-renders when the task changes (at the
 * views' throttled pace) and reads the backend's record — complete arguments with
 * `result_extended`, the real result — once per state the task reaches.
 */
import * as vscode from 'vscode';
import type { TaskMeta } from '../../core/backend/taskMeta';
import { isUndecodable } from '../../core/celery/rawMessage';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import { renderTaskDetails, type QueuedArguments, WORKFLOW_LINK_PREFIXES } from '../../core/presentation/taskDetails';
import type { ConnectionManager } from '../connections/connectionManager';
import { retryLinks } from '../actions/retryLinks';
import { frameLinks } from '../tracebacks/frameLinks';
import { SourceLocator } from '../tracebacks/sourceLocator';
import { parseTaskDetailsUri, TASK_DETAILS_SCHEME, taskDetailsUri } from './taskDetailsUri';

interface StoredEntry {
  /** The task state when the record was read (read again when the state moves on). */
  forState: string;
  meta?: TaskMeta;
  /** The waiting message's complete arguments, for a task still in its queue. */
  queued?: QueuedArguments;
}

/** How deep into a queue the details look for a waiting task's message. */
const QUEUED_SEARCH_LIMIT = 500;

export class TaskDetailsProvider implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly stored = new Map<string, StoredEntry>();
  private readonly rendered = new Map<string, string>();
  private readonly subscription: { dispose(): void };
  /** Resolves traceback paths to local files (shared with "Go to failing line"). */
  readonly sources = new SourceLocator();

  constructor(private readonly manager: ConnectionManager) {
    this.subscription = manager.onDidChange(() => this.refreshOpenDocuments());
  }

  async open(connectionId: string, taskId: string): Promise<vscode.TextEditor> {
    const name = this.manager.monitor(connectionId)?.state.tasks.get(taskId)?.name;
    const doc = await vscode.workspace.openTextDocument(taskDetailsUri(connectionId, taskId, name));
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  private key(connectionId: string, taskId: string): string {
    return `${connectionId}\n${taskId}`;
  }

  private async readStored(connectionId: string, taskId: string, state: string): Promise<TaskMeta | undefined> {
    const key = this.key(connectionId, taskId);
    const entry = this.stored.get(key);
    if (entry && entry.forState === state) return entry.meta;
    const backend = this.manager.monitor(connectionId)?.backend;
    let meta: TaskMeta | undefined;
    try {
      const read = backend ? await backend.getTaskMeta(taskId) : undefined;
      meta = read && !isUndecodable(read) ? read : undefined;
    } catch {
      meta = entry?.meta;
    }
    const queued = meta?.args === undefined && state === 'PENDING' ? await this.readQueued(connectionId, taskId) : undefined;
    this.stored.set(key, { forState: state, meta, queued });
    return meta;
  }

  /** A task still waiting in its queue: its message holds the complete arguments. Redis only (LRANGE reads nothing away). */
  private async readQueued(connectionId: string, taskId: string): Promise<QueuedArguments | undefined> {
    const monitor = this.manager.monitor(connectionId);
    const task = monitor?.state.tasks.get(taskId);
    const queue = task?.queue ?? task?.routingKey;
    if (!monitor?.broker || monitor.broker.kind !== 'redis' || !queue) return undefined;
    try {
      for (const raw of await monitor.broker.peek(queue, QUEUED_SEARCH_LIMIT)) {
        if (isUndecodable(raw)) continue;
        const message = decodeTaskMessage(raw, queue);
        if (!isUndecodable(message) && message.id === taskId) return { args: message.args, kwargs: message.kwargs, queue };
      }
    } catch {
      // Not found or not readable: the repr from events stays.
    }
    return undefined;
  }

  private render(connectionId: string, taskId: string, meta: TaskMeta | undefined): string {
    const monitor = this.manager.monitor(connectionId);
    const task = monitor?.state.tasks.get(taskId);
    if (!task && !meta) {
      return `# Task ${taskId}\n\n${monitor ? 'Celery Lens has not seen this task: it is unknown, forgotten, or its result expired.' : 'Not connected to this cluster.'}\n`;
    }
    const retry = { retryOf: retryLinks.retryOf(connectionId, taskId), retriedAs: retryLinks.retriedAs(connectionId, taskId) };
    const input = task ?? { id: taskId, state: meta?.status ?? 'PENDING', name: meta?.name, worker: meta?.worker };
    return renderTaskDetails(input, meta, this.stored.get(this.key(connectionId, taskId))?.queued, retry);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const target = parseTaskDetailsUri(uri);
    if (!target) return 'Not a Celery task.';
    const task = this.manager.monitor(target.connectionId)?.state.tasks.get(target.taskId);
    const meta = await this.readStored(target.connectionId, target.taskId, task?.state ?? 'PENDING');
    const text = this.render(target.connectionId, target.taskId, meta);
    this.rendered.set(uri.toString(), text);
    return text;
  }

  /** Re-render open documents; only those whose text would change are reloaded (no flicker). */
  private refreshOpenDocuments(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== TASK_DETAILS_SCHEME || doc.isClosed) continue;
      const target = parseTaskDetailsUri(doc.uri);
      if (!target) continue;
      const task = this.manager.monitor(target.connectionId)?.state.tasks.get(target.taskId);
      const entry = this.stored.get(this.key(target.connectionId, target.taskId));
      const stale = task !== undefined && entry !== undefined && entry.forState !== task.state;
      const text = this.render(target.connectionId, target.taskId, entry?.meta);
      if (stale || text !== this.rendered.get(doc.uri.toString())) this.changed.fire(doc.uri);
    }
  }

  /**
   * Parent, root, child and retry ids in the Workflow section open those tasks' details; traceback
   * frames open their file and line.
   */
  async provideDocumentLinks(document: vscode.TextDocument): Promise<vscode.DocumentLink[]> {
    const target = parseTaskDetailsUri(document.uri);
    if (!target) return [];
    const frames = frameLinks(document, this.sources);
    const links: vscode.DocumentLink[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      const prefix = WORKFLOW_LINK_PREFIXES.find((p) => text.startsWith(p));
      if (!prefix) continue;
      const id = text.slice(prefix.length).trim();
      const name = this.manager.monitor(target.connectionId)?.state.tasks.get(id)?.name;
      const link = new vscode.DocumentLink(new vscode.Range(line, prefix.length, line, prefix.length + id.length), taskDetailsUri(target.connectionId, id, name));
      link.tooltip = 'Open this task';
      links.push(link);
    }
    return [...links, ...(await frames)];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.sources.dispose();
  }
}
