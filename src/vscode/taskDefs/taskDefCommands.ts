/** "Go to Definition" from a task, and "show runs" from a task's CodeLens. */
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandContext';
import { taskDefinitionIndex } from './taskDefsFeature';

function taskNameOf(ctx: CommandContext, arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const a = arg as { connectionId?: unknown; taskId?: unknown; name?: unknown } | undefined;
  if (typeof a?.name === 'string') return a.name;
  if (typeof a?.connectionId === 'string' && typeof a.taskId === 'string') return ctx.manager.monitor(a.connectionId)?.state.tasks.get(a.taskId)?.name;
  return undefined;
}

/** Opens the function of a task (item, task name, or picked from the workspace's definitions). */
export async function goToTaskDefinition(ctx: CommandContext, arg?: unknown): Promise<vscode.TextEditor | undefined> {
  const index = taskDefinitionIndex();
  let name = taskNameOf(ctx, arg);
  if (!name) {
    const all = await index.all();
    const pick = await vscode.window.showQuickPick(all.map((d) => ({ label: d.name, description: vscode.workspace.asRelativePath(d.uri) })), { placeHolder: 'Go to which task definition?' });
    name = pick?.label;
    if (!name) return undefined;
  }
  const found = await index.find(name);
  if (!found) {
    void vscode.window.showInformationMessage(`Celery Lens: no definition of ${name} in this workspace.`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(found.uri);
  const position = new vscode.Position(found.definition.line - 1, Math.max(0, found.definition.column));
  return vscode.window.showTextDocument(doc, { selection: new vscode.Range(position, position.translate(0, found.definition.functionName.length)) });
}

/** Filters the Tasks view to one task name and shows it. */
export async function showTaskRuns(ctx: CommandContext, arg?: unknown): Promise<void> {
  const name = taskNameOf(ctx, arg);
  if (!name) return;
  ctx.tasks.setFilter({ names: [name] });
  await vscode.commands.executeCommand('celeryLens.tasks.focus');
}
