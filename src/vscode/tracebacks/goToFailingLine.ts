/**
 * "Go to failing line": opens the deepest frame of the user's own code in a failed (or retried)
 * task's traceback. From a task item, the task details document, or the palette (a pick of recent
 * failures).
 */
import * as vscode from 'vscode';
import { isUndecodable } from '../../core/celery/rawMessage';
import { shortId } from '../../core/presentation/format';
import { listTasks } from '../../core/state/selectors';
import { parseTraceback } from '../../core/tracebacks/parseTraceback';
import { columnInLine, deepestUserFrame, finalException } from '../../core/tracebacks/tracebackQueries';
import type { CommandContext } from '../commands/commandContext';
import { CONFIG_SECTION } from '../config';
import { parseTaskDetailsUri, TASK_DETAILS_SCHEME } from '../taskDetails/taskDetailsUri';

interface TaskTarget {
  connectionId: string;
  taskId: string;
}

function targetOf(arg: unknown): TaskTarget | undefined {
  const a = arg as { connectionId?: unknown; taskId?: unknown } | undefined;
  if (typeof a?.connectionId === 'string' && typeof a.taskId === 'string') return { connectionId: a.connectionId, taskId: a.taskId };
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.uri.scheme === TASK_DETAILS_SCHEME ? parseTaskDetailsUri(doc.uri) : undefined;
}

async function pickFailure(ctx: CommandContext): Promise<TaskTarget | undefined> {
  const items: Array<vscode.QuickPickItem & TaskTarget> = [];
  for (const profile of ctx.manager.profiles()) {
    const state = ctx.manager.monitor(profile.id)?.state;
    if (!state) continue;
    for (const task of listTasks(state, { states: ['FAILURE', 'RETRY'] }, 0, 50).tasks) {
      items.push({ label: task.name ?? task.id, description: `${shortId(task.id)} · ${task.state} · ${profile.name}`, detail: task.exception, connectionId: profile.id, taskId: task.id });
    }
  }
  if (!items.length) {
    void vscode.window.showInformationMessage('Celery Lens: no failed or retried task is known.');
    return undefined;
  }
  return vscode.window.showQuickPick(items, { placeHolder: 'Go to the failing line of which task?', matchOnDescription: true, matchOnDetail: true });
}

async function tracebackOf(ctx: CommandContext, target: TaskTarget): Promise<string | undefined> {
  const monitor = ctx.manager.monitor(target.connectionId);
  const known = monitor?.state.tasks.get(target.taskId)?.traceback;
  if (known) return known;
  try {
    const meta = await monitor?.backend?.getTaskMeta(target.taskId);
    return meta && !isUndecodable(meta) && typeof meta.traceback === 'string' ? meta.traceback : undefined;
  } catch {
    return undefined;
  }
}

/** Opens the failing line; resolves to the editor shown, or undefined (with a message) when it cannot. */
export async function goToFailingLine(ctx: CommandContext, arg?: unknown): Promise<vscode.TextEditor | undefined> {
  const target = targetOf(arg) ?? (await pickFailure(ctx));
  if (!target) return undefined;
  const traceback = await tracebackOf(ctx, target);
  if (!traceback) {
    void vscode.window.showInformationMessage('Celery Lens: this task has no traceback.');
    return undefined;
  }
  const parsed = parseTraceback(traceback);
  const frame = deepestUserFrame(parsed);
  if (!frame) {
    void vscode.window.showInformationMessage(`Celery Lens: no frame of your own code in the traceback of ${finalException(parsed)?.type ?? 'this failure'}.`);
    return undefined;
  }
  const uri = await ctx.details.sources.resolve(frame.file);
  if (!uri) {
    const choice = await vscode.window.showWarningMessage(
      `Celery Lens: ${frame.file} is not in this workspace. Map the worker's folder to yours with celeryLens.pathMappings.`, 'Open Settings');
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.pathMappings`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = Math.min(Math.max(frame.line - 1, 0), Math.max(doc.lineCount - 1, 0));
  const text = doc.lineAt(line).text;
  const column = columnInLine(text, frame);
  const start = new vscode.Position(line, column ?? text.length - text.trimStart().length);
  const end = column !== undefined && frame.endColumn !== undefined && frame.column !== undefined
    ? start.translate(0, frame.endColumn - frame.column) : start;
  return vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end) });
}
