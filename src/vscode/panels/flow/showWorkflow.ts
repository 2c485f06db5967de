/**
 * "Show Workflow": the diagram of the workflow a task belongs to. From a task item (tree context
 * menu), task details (editor title, the document's URI), `{ connectionId, taskId }`, or the palette
 * (pick a task).
 */
import * as vscode from 'vscode';
import { pickTask } from '../../actions/pickers';
import type { CommandContext } from '../../commands/commandContext';
import { parseTaskDetailsUri, TASK_DETAILS_SCHEME } from '../../taskDetails/taskDetailsUri';

export async function showWorkflow(ctx: CommandContext, arg?: unknown): Promise<vscode.WebviewPanel | undefined> {
  const fromDetails = arg instanceof vscode.Uri && arg.scheme === TASK_DETAILS_SCHEME ? parseTaskDetailsUri(arg) : undefined;
  const target = fromDetails ?? (await pickTask(ctx, arg instanceof vscode.Uri ? undefined : arg));
  if (!target) return undefined;
  return ctx.flows.open(target.connectionId, target.taskId);
}
