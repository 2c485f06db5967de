/**
 * The target of an action: taken from the command argument (a tree node or a small object, so menus,
 * scripts and tests need no UI), else picked by the user from what the live model knows.
 */
import * as vscode from 'vscode';
import { listTasks } from '../../core/state/selectors';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';

type Arg = Record<string, unknown> | undefined;

function field(arg: unknown, name: string): unknown {
  return typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>)[name] : undefined;
}

export function stringField(arg: unknown, name: string): string | undefined {
  const value = field(arg, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function numberField(arg: unknown, name: string): number | undefined {
  const value = field(arg, name);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function asArg(arg: unknown): Arg {
  return typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : undefined;
}

/** `{ connectionId, taskId }` from the argument, or a task the user picks (optionally of some states). */
export async function pickTask(ctx: CommandContext, arg: unknown, states?: readonly string[]): Promise<{ connectionId: string; taskId: string } | undefined> {
  const connectionId = stringField(arg, 'connectionId');
  const taskId = stringField(arg, 'taskId');
  if (connectionId && taskId) return { connectionId, taskId };
  const profile = await pickConnection(ctx.manager, connectionId);
  if (!profile) return undefined;
  const monitor = ctx.manager.monitor(profile.id);
  const tasks = monitor ? listTasks(monitor.state, { states: states ? [...states] : undefined }, 0, 500).tasks : [];
  if (!tasks.length) {
    const id = await vscode.window.showInputBox({ title: 'Task id', prompt: 'No matching task is known yet: enter its id', ignoreFocusOut: true });
    return id?.trim() ? { connectionId: profile.id, taskId: id.trim() } : undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tasks.map((t) => ({ label: t.name ?? '(unknown task)', description: `${t.state} · ${t.id}`, detail: t.args, taskId: t.id })),
    { title: 'Which task?', matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true },
  );
  return picked ? { connectionId: profile.id, taskId: picked.taskId } : undefined;
}

/** Worker node names from the argument (`hostname` or `workers`), else picked (several allowed). */
export async function pickWorkers(ctx: CommandContext, arg: unknown): Promise<{ connectionId: string; workers: string[] } | undefined> {
  const connectionId = stringField(arg, 'connectionId');
  const hostname = stringField(arg, 'hostname');
  const listed = field(arg, 'workers');
  if (connectionId && hostname) return { connectionId, workers: [hostname] };
  if (connectionId && Array.isArray(listed) && listed.every((w) => typeof w === 'string')) return { connectionId, workers: listed as string[] };
  const profile = await pickConnection(ctx.manager, connectionId);
  if (!profile) return undefined;
  const monitor = ctx.manager.monitor(profile.id);
  const names = monitor ? [...monitor.state.workers.keys()].sort() : [];
  if (!names.length) {
    void vscode.window.showInformationMessage(`No worker of "${profile.name}" is known yet.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(names.map((n) => ({ label: n, picked: names.length === 1 })), { title: 'Which workers?', canPickMany: true, ignoreFocusOut: true });
  return picked?.length ? { connectionId: profile.id, workers: picked.map((p) => p.label) } : undefined;
}

/** A queue name from the argument (a queue node's `name`, or `queue`), else picked. */
export async function pickQueue(ctx: CommandContext, arg: unknown): Promise<{ connectionId: string; queue: string } | undefined> {
  const connectionId = stringField(arg, 'connectionId');
  const queue = stringField(arg, 'queue') ?? (field(arg, 'kind') === 'queue' ? stringField(arg, 'name') : undefined);
  if (connectionId && queue) return { connectionId, queue };
  const profile = await pickConnection(ctx.manager, connectionId);
  if (!profile) return undefined;
  const names = (ctx.manager.monitor(profile.id)?.queues ?? []).map((q) => q.name).sort();
  const picked = names.length
    ? (await vscode.window.showQuickPick(names, { title: 'Which queue?', ignoreFocusOut: true }))
    : (await vscode.window.showInputBox({ title: 'Queue name', ignoreFocusOut: true }))?.trim();
  return picked ? { connectionId: profile.id, queue: picked } : undefined;
}
