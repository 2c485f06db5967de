import type * as vscode from 'vscode';
import type { Logger } from '../../core/util/logger';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ProfileStore } from '../connections/profileStore';
import type { TasksTreeProvider } from '../views/tasksTree';
import type { QueuesTreeProvider } from '../views/queuesTree';
import type { TaskDetailsProvider } from '../taskDetails/taskDetailsProvider';
import type { AuditLog } from '../actions/auditLog';
import type { InsightPanels } from '../panels/insightPanels';
import type { FlowPanels } from '../panels/flow/flowPanels';

/** What command implementations receive: the object graph built in activate(). */
export interface CommandContext {
  store: ProfileStore;
  manager: ConnectionManager;
  tasks: TasksTreeProvider;
  /** The Queues view (peek windows, unacked messages). */
  queues?: QueuesTreeProvider;
  details: TaskDetailsProvider;
  log: vscode.LogOutputChannel;
  logger: Logger;
  /** Where write actions are recorded. */
  audit: AuditLog;
  /** Per-workspace memory (e.g. the last arguments sent to each task). */
  workspaceState: vscode.Memento;
  /** The timeline, trace and dashboard panels. */
  panels?: InsightPanels;
  /** The workflow diagram panels. */
  flows: FlowPanels;
}

/** A tree node or a plain id: commands accept both, so they work from menus, the palette and tests. */
export function connectionIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { connectionId?: unknown }).connectionId === 'string') {
    return (arg as { connectionId: string }).connectionId;
  }
  return undefined;
}
