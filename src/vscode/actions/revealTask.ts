/**
 * Reveal a task's row in the Tasks view (`celeryLens.revealTaskInTree`): from "Send a task", from
 * other panels (called by name with `connectionId, taskId` or `{ connectionId, taskId }`), or from the
 * palette (the task is picked). Says why when the row cannot be shown (unknown task, filtered out).
 */
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandContext';
import { CommandId } from '../commands/commandIds';
import type { CeleryNode } from '../views/nodes';
import { pickTask } from './pickers';

/** What the command resolves to (tests read it): `revealed`, or why not. */
export interface RevealResult {
  revealed: boolean;
  reason?: string;
}

/** Tries while the view catches up with a row that did not exist when it last refreshed. */
const REVEAL_ATTEMPTS = 8;
const REVEAL_RETRY_MS = 250;

const SELECTION_WAIT_MS = 1000;

async function selected(view: vscode.TreeView<CeleryNode>, taskId: string): Promise<boolean> {
  const deadline = Date.now() + SELECTION_WAIT_MS;
  for (;;) {
    if (view.selection.some((n) => n.kind === 'task' && n.taskId === taskId)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reveal without asking anything; the reason is returned, not shown. */
export async function revealTaskRow(ctx: CommandContext, connectionId: string, taskId: string, focus = false): Promise<RevealResult> {
  const view = ctx.tasks.view;
  if (!view) return { revealed: false, reason: 'the Tasks view is not created' };
  let lastError = '';
  for (let attempt = 0; attempt < REVEAL_ATTEMPTS; attempt++) {
    // Looked up each time: the task may have moved to another state group meanwhile.
    const found = ctx.tasks.taskNode(connectionId, taskId);
    if ('reason' in found) return { revealed: false, reason: found.reason };
    try {
      await view.reveal(found.node, { select: true, focus, expand: false });
      // reveal() can resolve while the view is still refreshing and the row is not selected: check.
      if (await selected(view, taskId)) return { revealed: true };
      lastError = 'the row was not selected';
    } catch (err) {
      // The view refreshes on a debounce; a brand-new row (or its group) is not resolvable until then.
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, REVEAL_RETRY_MS));
    }
  }
  return { revealed: false, reason: `the Tasks view did not show it (${lastError})` };
}

export async function revealTaskInTree(ctx: CommandContext, first?: unknown, second?: unknown): Promise<RevealResult | undefined> {
  const target = typeof first === 'string' && typeof second === 'string'
    ? { connectionId: first, taskId: second }
    : await pickTask(ctx, first);
  if (!target) return undefined;
  const result = await revealTaskRow(ctx, target.connectionId, target.taskId, true);
  if (!result.revealed) {
    const clear = result.reason?.includes('filter') ? 'Clear Filter' : undefined;
    void vscode.window.showInformationMessage(`Task ${target.taskId} is not shown in the Tasks view: ${result.reason}.`, ...(clear ? [clear] : []))
      .then(async (choice) => {
        if (choice !== clear || !clear) return;
        await vscode.commands.executeCommand(CommandId.ClearTaskFilter);
        await revealTaskRow(ctx, target.connectionId, target.taskId, true);
      });
  }
  return result;
}
