/** Task actions: revoke, terminate, retry, copy id, copy as `celery call`, open the stored result. */
import * as vscode from 'vscode';
import { celeryCallLine } from '../../core/actions/celeryCallLine';
import { terminateConfirmation } from '../../core/actions/confirmations';
import { describeReplies, summarizeReplies } from '../../core/actions/controlReplies';
import { jsonFromPythonRepr, parseArgsJson, parseKwargsJson } from '../../core/actions/jsonArguments';
import { notRetryable, planRetry, RETRYABLE_STATES, retryBlocker, retrySendOptions, type RetryPlan } from '../../core/actions/retryPlan';
import type { TaskMeta } from '../../core/backend/taskMeta';
import { isUndecodable } from '../../core/celery/rawMessage';
import { encodeTaskMessage } from '../../core/celery/taskEncoder';
import { TERMINATE_SIGNALS, normaliseSignal } from '../../core/control/methods';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import type { CommandContext } from '../commands/commandContext';
import { CONFIG_SECTION } from '../config';
import { onlineCount, refuseIfReadOnly, runAction, type ActionResult } from './actionRunner';
import { pickTask, stringField } from './pickers';
import { retryLinks } from './retryLinks';

const CONTROL_TIMEOUT_MS = 3000;

async function storedMeta(monitor: ClusterMonitor | undefined, taskId: string): Promise<TaskMeta | undefined> {
  const meta = await monitor?.backend?.getTaskMeta(taskId).catch(() => undefined);
  return meta && !isUndecodable(meta) ? meta : undefined;
}

/** Revoke a task on every worker: a queued one will not run (it ends REVOKED when a worker sees it). */
export async function revokeTask(ctx: CommandContext, arg?: unknown): Promise<ActionResult | undefined> {
  const target = await pickTask(ctx, arg, ['PENDING', 'RECEIVED', 'STARTED', 'RETRY']);
  if (!target) return undefined;
  return runAction(ctx, {
    connectionId: target.connectionId, action: 'task.revoke', title: 'Revoke', target: target.taskId,
    run: async (monitor) => {
      const result = await monitor.control!.revoke([target.taskId], {}, { timeoutMs: CONTROL_TIMEOUT_MS, limit: onlineCount(monitor) });
      return { detail: describeReplies(summarizeReplies(result.byWorker)).text };
    },
  });
}

/** Revoke and kill the running task with a signal (picked, or `signal` in the argument). */
export async function terminateTask(ctx: CommandContext, arg?: unknown): Promise<ActionResult | undefined> {
  const target = await pickTask(ctx, arg, ['STARTED', 'RECEIVED']);
  if (!target) return undefined;
  const spec = { action: 'task.terminate', title: 'Terminate', target: target.taskId };
  if (await refuseIfReadOnly(ctx, target.connectionId, spec)) return { outcome: 'refused' };
  const signal = stringField(arg, 'signal') ?? (await vscode.window.showQuickPick([...TERMINATE_SIGNALS], { title: `Terminate ${target.taskId} with which signal?`, ignoreFocusOut: true }));
  if (!signal) return undefined;
  const normalised = normaliseSignal(signal);
  const task = ctx.manager.monitor(target.connectionId)?.state.tasks.get(target.taskId);
  const profile = ctx.manager.profile(target.connectionId);
  return runAction(ctx, {
    ...spec, connectionId: target.connectionId, parameters: { signal: normalised },
    confirm: { kind: 'terminate', text: terminateConfirmation({ connection: profile?.name ?? target.connectionId, taskId: target.taskId, name: task?.name, signal: normalised, worker: task?.worker }) },
    run: async (monitor) => {
      const result = await monitor.control!.revoke([target.taskId], { terminate: true, signal: normalised }, { timeoutMs: CONTROL_TIMEOUT_MS, limit: onlineCount(monitor) });
      return { detail: describeReplies(summarizeReplies(result.byWorker)).text };
    },
  });
}

/** Ask for the arguments as JSON, starting from `args`/`kwargs` text; undefined when cancelled. */
async function editArguments(title: string, why: string, args: string, kwargs: string): Promise<{ args: unknown[]; kwargs: Record<string, unknown> } | undefined> {
  const argsText = await vscode.window.showInputBox({
    title, prompt: `${why} — positional arguments (JSON array)`, value: args, ignoreFocusOut: true,
    validateInput: (v) => { const p = parseArgsJson(v); return p.ok ? undefined : p.error; },
  });
  if (argsText === undefined) return undefined;
  const kwargsText = await vscode.window.showInputBox({
    title, prompt: 'Keyword arguments (JSON object)', value: kwargs, ignoreFocusOut: true,
    validateInput: (v) => { const p = parseKwargsJson(v); return p.ok ? undefined : p.error; },
  });
  if (kwargsText === undefined) return undefined;
  const a = parseArgsJson(argsText);
  const k = parseKwargsJson(kwargsText);
  return a.ok && k.ok ? { args: a.value, kwargs: k.value } : undefined;
}

async function retryPlanFor(ctx: CommandContext, connectionId: string, taskId: string): Promise<RetryPlan & { state?: string }> {
  const monitor = ctx.manager.monitor(connectionId);
  const record = monitor?.state.tasks.get(taskId);
  const meta = await storedMeta(monitor, taskId);
  const plan = planRetry({ task: { id: taskId, name: record?.name, state: record?.state, args: record?.args, kwargs: record?.kwargs, queue: record?.queue, routingKey: record?.routingKey }, meta });
  return { ...plan, state: meta?.status ?? record?.state };
}

/**
 * Send a failed, revoked or rejected task again under a new id (same name, arguments, queue and
 * priority). Arguments come from the extended result when stored; when only a repr is known the user
 * checks them as JSON first (tests may pass `args`/`kwargs`). Returns the new task id as `value`.
 */
export async function retryTask(ctx: CommandContext, arg?: unknown): Promise<ActionResult<string> | undefined> {
  const target = await pickTask(ctx, arg, RETRYABLE_STATES);
  if (!target) return undefined;
  const spec = { action: 'task.retry', title: 'Retry', target: target.taskId };
  if (await refuseIfReadOnly(ctx, target.connectionId, spec)) return { outcome: 'refused' };
  const plan = await retryPlanFor(ctx, target.connectionId, target.taskId);
  const refusal = notRetryable(plan.state);
  if (refusal) throw new Error(refusal);
  if (!plan.name) throw new Error(retryBlocker(plan));
  let args = plan.args;
  let kwargs = plan.kwargs;
  const given = typeof arg === 'object' && arg !== null ? (arg as { args?: unknown; kwargs?: unknown }) : {};
  if (Array.isArray(given.args)) {
    args = given.args;
    kwargs = typeof given.kwargs === 'object' && given.kwargs !== null ? (given.kwargs as Record<string, unknown>) : {};
  } else if (args === undefined || kwargs === undefined) {
    const edited = await editArguments(`Retry ${plan.name}`, retryBlocker(plan) ?? 'Check the arguments',
      jsonFromPythonRepr(plan.argsRepr) ?? '[]', jsonFromPythonRepr(plan.kwargsRepr) ?? '{}');
    if (!edited) return undefined;
    ({ args, kwargs } = edited);
  }
  const options = retrySendOptions(plan, args ?? [], kwargs ?? {});
  const message = encodeTaskMessage(options);
  const newId = String(message.headers.id);
  return runAction(ctx, {
    ...spec, connectionId: target.connectionId,
    parameters: { name: plan.name, newId, args, kwargs, queue: options.queue, priority: options.priority, argumentsFrom: Array.isArray(given.args) ? 'argument' : plan.source },
    run: async (monitor) => {
      await monitor.broker!.publish(message);
      retryLinks.link(target.connectionId, newId, target.taskId);
      return { detail: `sent as ${newId}`, value: newId };
    },
  });
}

export async function copyTaskId(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const target = await pickTask(ctx, arg);
  if (target) await vscode.env.clipboard.writeText(target.taskId);
  return target?.taskId;
}

/** Copy the `celery call` line that sends the same task; says so when the arguments are a guess. */
export async function copyCeleryCall(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const target = await pickTask(ctx, arg);
  if (!target) return undefined;
  const plan = await retryPlanFor(ctx, target.connectionId, target.taskId);
  if (!plan.name) throw new Error(retryBlocker(plan));
  let args = plan.args;
  let kwargs = plan.kwargs;
  if (args === undefined) {
    const guessArgs = jsonFromPythonRepr(plan.argsRepr);
    const guessKwargs = jsonFromPythonRepr(plan.kwargsRepr);
    args = guessArgs ? (JSON.parse(guessArgs) as unknown[]) : undefined;
    kwargs = guessKwargs ? (JSON.parse(guessKwargs) as Record<string, unknown>) : undefined;
    void vscode.window.showWarningMessage(`Only the repr of the arguments of ${target.taskId} is known: check the copied command line${args === undefined ? ' (it has no arguments)' : ''}.`);
  }
  const app = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('app') || undefined;
  const line = celeryCallLine({ app, name: plan.name, args, kwargs, queue: plan.queue });
  await vscode.env.clipboard.writeText(line);
  return line;
}

/** The result backend's record of a task as a JSON document (as Celery stored it). */
export async function openTaskResult(ctx: CommandContext, arg?: unknown): Promise<vscode.TextDocument | undefined> {
  const target = await pickTask(ctx, arg);
  if (!target) return undefined;
  const monitor = ctx.manager.monitor(target.connectionId);
  if (!monitor?.backend) throw new Error('no result backend is connected for this connection');
  const meta = await monitor.backend.getTaskMeta(target.taskId);
  let record: unknown;
  if (!meta) record = { task_id: target.taskId, status: 'PENDING', note: 'no result stored: pending, unknown, or expired' };
  else if (isUndecodable(meta)) throw new Error(`the stored result of ${target.taskId} cannot be read: ${meta.reason}`);
  else {
    const { kind: _kind, size: _size, ...rest } = meta;
    record = rest;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(record, null, 2)}\n` });
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}
