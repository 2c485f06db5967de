/**
 * Worker actions over the pidbox: shutdown (confirmed; workers never reply), pool restart (confirmed),
 * grow/shrink, autoscale, add/cancel a consumer, enable/disable events. Each targets the worker node
 * it is invoked on, or workers picked from the palette; arguments may carry the numbers and queue.
 */
import * as vscode from 'vscode';
import { cancelConsumerConfirmation, poolRestartConfirmation, shutdownConfirmation, type ConfirmationText, type ConfirmKind } from '../../core/actions/confirmations';
import { describeReplies, summarizeReplies } from '../../core/actions/controlReplies';
import { CONTROL_METHODS } from '../../core/control/methods';
import type { CommandContext } from '../commands/commandContext';
import { refuseIfReadOnly, runAction, type ActionResult } from './actionRunner';
import { numberField, pickWorkers, stringField } from './pickers';

const CONTROL_TIMEOUT_MS = 3000;

interface WorkerActionDef {
  method: string;
  title: string;
  /** Positional arguments for the method, from the command argument or asked (`queues`: names to offer). */
  positionals?(arg: unknown, queues: QueueChoices): Promise<string[] | undefined>;
  confirm?(connection: string, workers: string[], positionals: string[]): { kind: ConfirmKind; text: ConfirmationText };
}

async function askNumber(arg: unknown, field: string, prompt: string, value?: string): Promise<string | undefined> {
  const given = numberField(arg, field);
  if (given !== undefined) return String(given);
  return (await vscode.window.showInputBox({ prompt, value, ignoreFocusOut: true, validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number') }))?.trim();
}

/** Queue names worth offering: those the chosen workers consume, and every queue the cluster knows. */
interface QueueChoices {
  consumed: string[];
  known: string[];
}

async function askQueue(arg: unknown, prompt: string, names: string[]): Promise<string | undefined> {
  const given = stringField(arg, 'queue');
  if (given) return given;
  if (!names.length) return (await vscode.window.showInputBox({ prompt, ignoreFocusOut: true }))?.trim() || undefined;
  const other = '$(edit) Another queue…';
  const picked = await vscode.window.showQuickPick([...names, other], { title: prompt, ignoreFocusOut: true });
  if (picked !== other) return picked;
  return (await vscode.window.showInputBox({ prompt, ignoreFocusOut: true }))?.trim() || undefined;
}

const DEFS = {
  shutdown: { method: 'shutdown', title: 'Shut down', confirm: (connection, workers) => ({ kind: 'shutdown', text: shutdownConfirmation({ connection, workers }) }) },
  poolRestart: { method: 'pool_restart', title: 'Restart pool', confirm: (connection, workers) => ({ kind: 'poolRestart', text: poolRestartConfirmation({ connection, workers }) }) },
  poolGrow: { method: 'pool_grow', title: 'Grow pool', positionals: async (arg) => { const n = await askNumber(arg, 'n', 'Add how many pool processes?', '1'); return n ? [n] : undefined; } },
  poolShrink: { method: 'pool_shrink', title: 'Shrink pool', positionals: async (arg) => { const n = await askNumber(arg, 'n', 'Remove how many pool processes?', '1'); return n ? [n] : undefined; } },
  autoscale: {
    method: 'autoscale', title: 'Autoscale',
    positionals: async (arg) => {
      const max = await askNumber(arg, 'max', 'Autoscale: most pool processes');
      const min = max === undefined ? undefined : await askNumber(arg, 'min', 'Autoscale: fewest pool processes', '0');
      return max !== undefined && min !== undefined ? [max, min] : undefined;
    },
  },
  addConsumer: {
    method: 'add_consumer', title: 'Add consumer',
    positionals: async (arg, queues) => {
      const q = await askQueue(arg, 'Start consuming which queue?', queues.known.filter((n) => !queues.consumed.includes(n)));
      return q ? [q] : undefined;
    },
  },
  cancelConsumer: {
    method: 'cancel_consumer', title: 'Cancel consumer',
    positionals: async (arg, queues) => { const q = await askQueue(arg, 'Stop consuming which queue?', queues.consumed); return q ? [q] : undefined; },
    confirm: (connection, workers, p) => ({ kind: 'cancelConsumer', text: cancelConsumerConfirmation({ connection, queue: p[0], workers }) }),
  },
  enableEvents: { method: 'enable_events', title: 'Enable events' },
  disableEvents: { method: 'disable_events', title: 'Disable events' },
} satisfies Record<string, WorkerActionDef>;

export type WorkerAction = keyof typeof DEFS;

/** The command handler for one worker action. */
export function workerAction(name: WorkerAction): (ctx: CommandContext, arg?: unknown) => Promise<ActionResult | undefined> {
  const def: WorkerActionDef = DEFS[name];
  return async (ctx, arg) => {
    const target = await pickWorkers(ctx, arg);
    if (!target) return undefined;
    const spec = { action: `worker.${name}`, title: def.title, target: target.workers.join(', ') };
    if (await refuseIfReadOnly(ctx, target.connectionId, spec)) return { outcome: 'refused' };
    const monitor = ctx.manager.monitor(target.connectionId);
    const consumed = [...new Set(target.workers.flatMap((w) => monitor?.state.workers.get(w)?.queues ?? []))].sort();
    const known = (monitor?.queues ?? []).map((q) => q.name).sort();
    const positionals = def.positionals ? await def.positionals(arg, { consumed, known }) : [];
    if (!positionals) return undefined;
    const methodArgs = CONTROL_METHODS[def.method].build(positionals);
    const connection = ctx.manager.profile(target.connectionId)?.name ?? target.connectionId;
    return runAction(ctx, {
      ...spec, connectionId: target.connectionId, parameters: methodArgs,
      confirm: def.confirm?.(connection, target.workers, positionals),
      run: async (monitor) => {
        if (!CONTROL_METHODS[def.method].replies) {
          await monitor.control!.cast(def.method, methodArgs, target.workers);
          return { detail: 'sent (workers do not reply to it)' };
        }
        const result = await monitor.control!.call(def.method, methodArgs, { destination: target.workers, timeoutMs: CONTROL_TIMEOUT_MS });
        const summary = describeReplies(summarizeReplies(result.byWorker, target.workers));
        if (summary.failed) throw new Error(summary.text);
        return { detail: summary.text };
      },
    });
  };
}
