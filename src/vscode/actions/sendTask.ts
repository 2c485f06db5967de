/**
 * Send a task by name (from those the workers registered) with JSON arguments, remembered per task
 * name in workspace state; and set a task type's rate limit or time limits on its workers.
 */
import * as vscode from 'vscode';
import { describeReplies, summarizeReplies } from '../../core/actions/controlReplies';
import { parseArgsJson, parseKwargsJson } from '../../core/actions/jsonArguments';
import { formatSendExtras, parseSendExtras, type SendExtras } from '../../core/actions/sendOptions';
import { encodeTaskMessage } from '../../core/celery/taskEncoder';
import { knowSentTask } from './sentTasks';
import { revealTaskRow } from './revealTask';
import { CONTROL_METHODS } from '../../core/control/methods';
import { taskNames } from '../../core/state/selectors';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';
import { onlineCount, refuseIfReadOnly, runAction, type ActionResult } from './actionRunner';
import { numberField, stringField } from './pickers';

const CONTROL_TIMEOUT_MS = 3000;

/** What "Send a task" remembers per task name. */
interface LastSend {
  args: string;
  kwargs: string;
  extras: string;
}

const lastKey = (name: string): string => `celeryLens.sendTask.last.${name}`;

async function pickTaskName(ctx: CommandContext, connectionId: string, title: string): Promise<string | undefined> {
  const monitor = ctx.manager.monitor(connectionId);
  const names = monitor ? taskNames(monitor.state).filter((n) => !n.startsWith('celery.')) : [];
  if (!names.length) return (await vscode.window.showInputBox({ title, prompt: 'Task name (no worker has reported its registered tasks yet)', ignoreFocusOut: true }))?.trim() || undefined;
  return vscode.window.showQuickPick(names, { title, placeHolder: 'Task name (registered by the workers)', ignoreFocusOut: true });
}

interface SendInput {
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  extras: SendExtras;
}

async function askSend(ctx: CommandContext, connectionId: string): Promise<SendInput | undefined> {
  const name = await pickTaskName(ctx, connectionId, 'Send a task (1/4)');
  if (!name) return undefined;
  const last = ctx.workspaceState.get<LastSend>(lastKey(name)) ?? { args: '[]', kwargs: '{}', extras: '' };
  const args = await vscode.window.showInputBox({
    title: `Send ${name} (2/4)`, prompt: 'Positional arguments (JSON array)', value: last.args, ignoreFocusOut: true,
    validateInput: (v) => { const p = parseArgsJson(v); return p.ok ? undefined : p.error; },
  });
  if (args === undefined) return undefined;
  const kwargs = await vscode.window.showInputBox({
    title: `Send ${name} (3/4)`, prompt: 'Keyword arguments (JSON object)', value: last.kwargs, ignoreFocusOut: true,
    validateInput: (v) => { const p = parseKwargsJson(v); return p.ok ? undefined : p.error; },
  });
  if (kwargs === undefined) return undefined;
  const extras = await vscode.window.showInputBox({
    title: `Send ${name} (4/4)`, prompt: 'Options, all optional: queue=… countdown=<s> expires=<s> priority=<0-255>', value: last.extras, ignoreFocusOut: true,
    validateInput: (v) => { const p = parseSendExtras(v); return p.ok ? undefined : p.error; },
  });
  if (extras === undefined) return undefined;
  const a = parseArgsJson(args);
  const k = parseKwargsJson(kwargs);
  const e = parseSendExtras(extras);
  if (!a.ok || !k.ok || !e.ok) return undefined;
  await ctx.workspaceState.update(lastKey(name), { args, kwargs, extras } satisfies LastSend);
  return { name, args: a.value, kwargs: k.value, extras: e.value };
}

function sendInputFrom(arg: unknown): SendInput | undefined {
  const a = arg as { name?: unknown; args?: unknown; kwargs?: unknown } | undefined;
  if (typeof a?.name !== 'string' || !Array.isArray(a.args)) return undefined;
  const kwargs = typeof a.kwargs === 'object' && a.kwargs !== null && !Array.isArray(a.kwargs) ? (a.kwargs as Record<string, unknown>) : {};
  return {
    name: a.name, args: a.args, kwargs,
    extras: { queue: stringField(arg, 'queue'), countdown: numberField(arg, 'countdown'), expires: numberField(arg, 'expires'), priority: numberField(arg, 'priority') },
  };
}

/** Send a task; scripts and tests pass `{ connectionId, name, args, kwargs?, queue?, countdown?, expires?, priority? }`. */
export async function sendTask(ctx: CommandContext, arg?: unknown): Promise<ActionResult<string> | undefined> {
  const profile = await pickConnection(ctx.manager, stringField(arg, 'connectionId'));
  if (!profile) return undefined;
  const spec = { action: 'task.send', title: 'Send', target: stringField(arg, 'name') ?? 'a task' };
  if (await refuseIfReadOnly(ctx, profile.id, spec)) return { outcome: 'refused' };
  const input = sendInputFrom(arg) ?? (await askSend(ctx, profile.id));
  if (!input) return undefined;
  const { queue, countdown, expires, priority } = input.extras;
  const message = encodeTaskMessage({ name: input.name, args: input.args, kwargs: input.kwargs, queue, countdown, expires, priority });
  const id = String(message.headers.id);
  const result = await runAction(ctx, {
    ...spec, connectionId: profile.id, target: input.name,
    parameters: { id, args: input.args, kwargs: input.kwargs, ...(formatSendExtras(input.extras) ? { options: formatSendExtras(input.extras) } : {}) },
    run: async (monitor) => {
      await monitor.broker!.publish(message);
      knowSentTask(monitor, message);
      return { detail: `sent as ${id}`, value: id };
    },
  });
  // The new task's row, selected: it is PENDING until a worker receives it.
  // Not awaited: the send is done; the view catches up on its own time.
  if (result.outcome === 'done') {
    void revealTaskRow(ctx, profile.id, id).then((revealed) => {
      if (!revealed.revealed) ctx.logger.warn(`the sent task ${id} is not revealed: ${revealed.reason}`);
    });
  }
  return result;
}

/** Workers to apply a task-type setting to: `workers` in the argument, else all (or some, picked). */
async function pickScope(ctx: CommandContext, connectionId: string, arg: unknown): Promise<string[] | undefined> {
  const given = (arg as { workers?: unknown } | undefined)?.workers;
  if (Array.isArray(given)) return given.filter((w): w is string => typeof w === 'string');
  // Scripts and tests name the task type: all workers unless they list some.
  if (stringField(arg, 'taskName')) return [];
  const names = [...(ctx.manager.monitor(connectionId)?.state.workers.keys() ?? [])].sort();
  const picked = await vscode.window.showQuickPick(
    [{ label: 'All workers', all: true }, ...names.map((n) => ({ label: n, all: false }))],
    { title: 'On which workers?', canPickMany: true, ignoreFocusOut: true },
  );
  if (!picked?.length) return undefined;
  return picked.some((p) => p.all) ? [] : picked.map((p) => p.label);
}

async function taskTypeControl(ctx: CommandContext, arg: unknown, kind: 'rate_limit' | 'time_limit'): Promise<ActionResult | undefined> {
  const profile = await pickConnection(ctx.manager, stringField(arg, 'connectionId'));
  if (!profile) return undefined;
  const title = kind === 'rate_limit' ? 'Set rate limit' : 'Set time limits';
  // From a task item: the type of that task.
  const itemTaskId = stringField(arg, 'taskId');
  const given = stringField(arg, 'taskName') ?? (itemTaskId ? ctx.manager.monitor(profile.id)?.state.tasks.get(itemTaskId)?.name : undefined);
  if (await refuseIfReadOnly(ctx, profile.id, { action: `taskType.${kind}`, title, target: given ?? 'a task type' })) return { outcome: 'refused' };
  const taskName = given ?? (await pickTaskName(ctx, profile.id, title));
  if (!taskName) return undefined;
  let positionals: string[];
  if (kind === 'rate_limit') {
    const rate = stringField(arg, 'rateLimit') ?? (await vscode.window.showInputBox({
      title: `${title}: ${taskName}`, prompt: 'Rate limit, e.g. 10/s, 100/m, 1000/h (0 removes it)', ignoreFocusOut: true,
      validateInput: (v) => { try { CONTROL_METHODS.rate_limit.build([taskName, v.trim()]); return undefined; } catch (e) { return (e as Error).message; } },
    }))?.trim();
    if (!rate) return undefined;
    positionals = [taskName, rate];
  } else {
    const soft = stringField(arg, 'soft') ?? (numberField(arg, 'soft') !== undefined ? String(numberField(arg, 'soft')) : undefined);
    const hard = stringField(arg, 'hard') ?? (numberField(arg, 'hard') !== undefined ? String(numberField(arg, 'hard')) : undefined);
    const text = soft !== undefined ? `${soft} ${hard ?? 'none'}` : await vscode.window.showInputBox({
      title: `${title}: ${taskName}`, prompt: 'Soft and hard limits in seconds, e.g. "30 60" ("none" for no limit)', ignoreFocusOut: true,
      validateInput: (v) => { try { CONTROL_METHODS.time_limit.build([taskName, ...v.trim().split(/\s+/)]); return undefined; } catch (e) { return (e as Error).message; } },
    });
    if (!text?.trim()) return undefined;
    positionals = [taskName, ...text.trim().split(/\s+/)];
  }
  const methodArgs = CONTROL_METHODS[kind].build(positionals);
  const workers = await pickScope(ctx, profile.id, arg);
  if (!workers) return undefined;
  return runAction(ctx, {
    connectionId: profile.id, action: `taskType.${kind}`, title, target: taskName,
    parameters: { ...methodArgs, workers: workers.length ? workers : 'all' },
    run: async (monitor) => {
      const result = await monitor.control!.call(kind, methodArgs, { destination: workers, timeoutMs: CONTROL_TIMEOUT_MS, limit: workers.length || onlineCount(monitor) });
      const summary = describeReplies(summarizeReplies(result.byWorker, workers));
      if (summary.failed) throw new Error(summary.text);
      return { detail: summary.text };
    },
  });
}

export const setRateLimit = (ctx: CommandContext, arg?: unknown) => taskTypeControl(ctx, arg, 'rate_limit');
export const setTimeLimit = (ctx: CommandContext, arg?: unknown) => taskTypeControl(ctx, arg, 'time_limit');
