import * as vscode from 'vscode';

/** Every context key Celery Lens sets, in one place (menus and welcome views read them). */
export const ContextKey = {
  /** At least one connection profile exists. */
  HasConnections: 'celeryLens.hasConnections',
  /** The Tasks view has an active filter. */
  TasksFiltered: 'celeryLens.tasksFiltered',
} as const;

export function setContext(key: (typeof ContextKey)[keyof typeof ContextKey], value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
