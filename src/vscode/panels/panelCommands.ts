/**
 * Show Timeline / Show Trace / Show Dashboard, from the palette (picking the connection or task),
 * from tree items (a connection, a worker, a task node) or from a task details document.
 */
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';
import { pickTask, stringField } from '../actions/pickers';
import { parseTaskDetailsUri } from '../taskDetails/taskDetailsUri';

function panelsOf(ctx: CommandContext): NonNullable<CommandContext['panels']> {
  if (!ctx.panels) throw new Error('Panels are not available in this window.');
  return ctx.panels;
}

/** A connection node shows the whole cluster; a worker node (`hostname`) or `{ worker }` only that worker. */
export async function showTimeline(ctx: CommandContext, arg?: unknown): Promise<vscode.WebviewPanel | undefined> {
  const profile = await pickConnection(ctx.manager, arg);
  if (!profile) return undefined;
  return panelsOf(ctx).openTimeline(profile.id, stringField(arg, 'hostname') ?? stringField(arg, 'worker'));
}

/** The workflow trace of a task node, `{ connectionId, taskId }`, a task details document, or a picked task. */
export async function showTrace(ctx: CommandContext, arg?: unknown): Promise<vscode.WebviewPanel | undefined> {
  const fromDocument = arg instanceof vscode.Uri ? parseTaskDetailsUri(arg) : undefined;
  const target = fromDocument ?? (await pickTask(ctx, arg));
  if (!target) return undefined;
  return panelsOf(ctx).openTrace(target.connectionId, target.taskId);
}

export async function showDashboard(ctx: CommandContext, arg?: unknown): Promise<vscode.WebviewPanel | undefined> {
  const profile = await pickConnection(ctx.manager, arg);
  if (!profile) return undefined;
  return panelsOf(ctx).openDashboard(profile.id);
}
