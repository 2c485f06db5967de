/**
 * Actions on single queued messages: read the next window ("Show more"), open one as JSON (read
 * only), move one to another queue (Redis only, one atomic step), and put an unacked message of a
 * gone worker back in its queue (Redis only, atomically, like kombu's restore).
 */
import * as vscode from 'vscode';
import { displayListName, moveMessageConfirmation, restoreUnackedConfirmation } from '../../core/actions/confirmations';
import type { UnackedEntry } from '../../core/broker/broker';
import { messageDocumentText } from '../../core/presentation/messageDocument';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';
import type { CeleryNode } from '../views/nodes';
import { unackedHolder } from '../views/unackedItems';
import { connectedMonitor, refuseIfReadOnly, runAction, type ActionResult } from './actionRunner';
import { messageDocuments } from './messageDocuments';
import { stringField } from './pickers';

/** How deep a move looks for its message (the first N waiting, over all priority lists). */
const MOVE_SEARCH_LIMIT = 5000;

function nodeOf<K extends CeleryNode['kind']>(arg: unknown, kind: K): Extract<CeleryNode, { kind: K }> | undefined {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === kind ? (arg as Extract<CeleryNode, { kind: K }>) : undefined;
}

export function peekMoreMessages(ctx: CommandContext, connectionId?: unknown, queue?: unknown): void {
  if (typeof connectionId === 'string' && typeof queue === 'string') ctx.queues?.showMore(connectionId, queue);
}

/** A message item as a read-only JSON document (decoded body, headers, properties). */
export async function openMessage(_ctx: CommandContext, arg?: unknown): Promise<vscode.TextDocument | undefined> {
  const node = nodeOf(arg, 'message');
  if (!node) {
    void vscode.window.showInformationMessage('Open a message from its item in the Queues view (expand a queue to see its first messages).');
    return undefined;
  }
  const text = messageDocumentText({ queue: node.queue, position: node.index, message: node.message, raw: node.raw });
  const id = node.message.kind === 'undecodable' ? node.message.taskId : node.message.id;
  const uri = messageDocuments.add(node.queue, `${node.index + 1}-${id ?? 'message'}`, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

async function pickTargetQueue(ctx: CommandContext, connectionId: string, source: string): Promise<string | undefined> {
  const names = (ctx.manager.monitor(connectionId)?.queues ?? []).map((q) => q.name).filter((n) => n !== source).sort();
  const other = 'Another queue…';
  const picked = names.length ? await vscode.window.showQuickPick([...names, other], { title: `Move to which queue? (from "${source}")`, ignoreFocusOut: true }) : other;
  if (picked !== other) return picked;
  return (await vscode.window.showInputBox({ title: 'Queue name', prompt: 'The message joins the back of this queue', ignoreFocusOut: true }))?.trim() || undefined;
}

/** Move a waiting message to another queue: `{ connectionId, queue, taskId, target? }` or a message item. */
export async function moveMessage(ctx: CommandContext, arg?: unknown): Promise<ActionResult<{ from: string; to: string }> | undefined> {
  const node = nodeOf(arg, 'message');
  const connectionId = stringField(arg, 'connectionId');
  const queue = stringField(arg, 'queue');
  const taskId = stringField(arg, 'taskId') ?? (node ? (node.message.kind === 'undecodable' ? node.message.taskId : node.message.id) : undefined);
  if (!connectionId || !queue || !taskId) throw new Error('move a message from its item in the Queues view (a message without a task id cannot be moved)');
  const spec = { action: 'queue.moveMessage', title: 'Move message', target: taskId };
  if (await refuseIfReadOnly(ctx, connectionId, spec)) return { outcome: 'refused' };
  const monitor = await connectedMonitor(ctx, connectionId);
  const givenTarget = stringField(arg, 'target');
  if (monitor.broker?.kind !== 'redis') {
    // Refused by the broker itself (a clear reason), audited as failed.
    return runAction(ctx, { ...spec, connectionId, parameters: { queue, to: givenTarget }, run: async (m) => ({ value: await m.broker!.moveMessage(queue, taskId, givenTarget ?? '', MOVE_SEARCH_LIMIT) }) });
  }
  const target = givenTarget ?? (await pickTargetQueue(ctx, connectionId, queue));
  if (!target) return undefined;
  const connection = ctx.manager.profile(connectionId)?.name ?? connectionId;
  const name = node && node.message.kind !== 'undecodable' ? node.message.name : ctx.manager.monitor(connectionId)?.state.tasks.get(taskId)?.name;
  const result = await runAction(ctx, {
    ...spec, connectionId, parameters: { queue, to: target },
    confirm: { kind: 'moveMessage', text: moveMessageConfirmation({ connection, taskId, name, queue, target }) },
    run: async (m) => {
      const moved = await m.broker!.moveMessage(queue, taskId, target, MOVE_SEARCH_LIMIT);
      return { detail: `moved from ${displayListName(moved.from)} to ${displayListName(moved.to)}`, value: moved };
    },
  });
  ctx.queues?.invalidate(connectionId);
  return result;
}

async function pickUnacked(ctx: CommandContext, connectionId: string, entries: UnackedEntry[]): Promise<UnackedEntry | undefined> {
  const monitor = ctx.manager.monitor(connectionId);
  if (!entries.length) {
    void vscode.window.showInformationMessage('No message is waiting unacknowledged.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(entries.map((entry) => {
    const h = unackedHolder(monitor, entry);
    return { label: h.name ?? 'Unknown message', description: `${h.taskId ?? entry.deliveryTag} · ${h.worker ? `${h.worker} ${h.gone ? '(gone)' : '(online)'}` : 'worker unknown'}`, entry };
  }), { title: 'Restore which unacked message?', ignoreFocusOut: true });
  return picked?.entry;
}

/** Put an unacked message back in its queue when its worker is gone: `{ connectionId, deliveryTag }` or an unacked item. */
export async function restoreUnacked(ctx: CommandContext, arg?: unknown): Promise<ActionResult<string[]> | undefined> {
  const node = nodeOf(arg, 'unacked');
  const profile = await pickConnection(ctx.manager, stringField(arg, 'connectionId'));
  if (!profile) return undefined;
  const givenTag = stringField(arg, 'deliveryTag') ?? node?.entry.deliveryTag;
  const spec = { action: 'queue.restoreUnacked', title: 'Restore unacked message', target: givenTag ?? 'an unacked message' };
  if (await refuseIfReadOnly(ctx, profile.id, spec)) return { outcome: 'refused' };
  const monitor = await connectedMonitor(ctx, profile.id);
  if (monitor.broker?.kind !== 'redis') throw new Error('RabbitMQ puts unacknowledged messages back in their queue by itself when the worker\'s connection closes.');
  const entries = await monitor.broker.listUnacked();
  const entry = givenTag ? entries.find((e) => e.deliveryTag === givenTag) : await pickUnacked(ctx, profile.id, entries);
  if (!entry) {
    if (givenTag) throw new Error(`unacked message ${givenTag} is gone (acked or restored meanwhile)`);
    return undefined;
  }
  const holder = unackedHolder(monitor, entry);
  if (holder.worker && !holder.gone) {
    throw new Error(`worker ${holder.worker} is online and still holds ${holder.taskId ?? entry.deliveryTag}: restoring it now would run it twice. Restore it once the worker is gone.`);
  }
  // kombu restores to the queues bound to (exchange, routing key); Celery's routing key is the queue name.
  const queues = [entry.routingKey || '?'];
  const result = await runAction(ctx, {
    ...spec, target: entry.deliveryTag, connectionId: profile.id,
    parameters: { taskId: holder.taskId, task: holder.name, worker: holder.worker ?? 'unknown', exchange: entry.exchange, routingKey: entry.routingKey },
    confirm: { kind: 'restoreUnacked', text: restoreUnackedConfirmation({ connection: profile.name, taskId: holder.taskId, name: holder.name, worker: holder.worker, queues }) },
    run: async (m) => {
      const restored = await m.broker!.restoreUnacked(entry.deliveryTag);
      return { detail: `restored to ${restored.join(', ')}`, value: restored };
    },
  });
  ctx.queues?.invalidate(profile.id);
  return result;
}
