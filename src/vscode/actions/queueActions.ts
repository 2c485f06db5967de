/**
 * Queue actions: purge (the confirmation states the exact count and every list it empties), and
 * pause/resume consuming a queue across the cluster (cancel_consumer / add_consumer on each worker
 * that consumes it; the workers are remembered so resume gives the queue back to the same ones).
 */
import { purgeConfirmation, cancelConsumerConfirmation } from '../../core/actions/confirmations';
import { describeReplies, summarizeReplies } from '../../core/actions/controlReplies';
import { queueKeys } from '../../core/broker/redis/kombuKeys';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import type { CommandContext } from '../commands/commandContext';
import { connectedMonitor, refuseIfReadOnly, runAction, type ActionResult } from './actionRunner';
import { pausedQueues } from './pausedQueues';
import { pickQueue } from './pickers';

const CONTROL_TIMEOUT_MS = 3000;

/** Purge a queue after confirming the exact count; `value` is the number removed. */
export async function purgeQueue(ctx: CommandContext, arg?: unknown): Promise<ActionResult<number> | undefined> {
  const target = await pickQueue(ctx, arg);
  if (!target) return undefined;
  const spec = { action: 'queue.purge', title: 'Purge', target: target.queue };
  if (await refuseIfReadOnly(ctx, target.connectionId, spec)) return { outcome: 'refused' };
  const monitor = await connectedMonitor(ctx, target.connectionId);
  const broker = monitor.broker!;
  const [info] = await broker.queueInfo([target.queue]);
  const count = info?.messages ?? 0;
  const lists = broker.kind === 'redis' ? queueKeys(target.queue) : [target.queue];
  const connection = ctx.manager.profile(target.connectionId)?.name ?? target.connectionId;
  return runAction(ctx, {
    ...spec, connectionId: target.connectionId, parameters: { counted: count, lists },
    confirm: { kind: 'purge', text: purgeConfirmation({ connection, queue: target.queue, count, lists }) },
    run: async (m) => {
      const removed = await m.broker!.purge(target.queue);
      const extra = removed === count ? '' : ` (${count} counted: ${removed > count ? 'more arrived' : 'some were taken'} meanwhile)`;
      return { detail: `removed ${removed} message${removed === 1 ? '' : 's'}${extra}`, value: removed };
    },
  });
}

function consumersOf(monitor: ClusterMonitor, queue: string): string[] {
  return [...monitor.state.workers.values()]
    .filter((w) => monitor.isWorkerOnline(w.hostname) && (w.queues ?? []).includes(queue))
    .map((w) => w.hostname)
    .sort();
}

/** Stop every worker consuming the queue (messages wait); `value` is the workers paused. */
export async function pauseQueue(ctx: CommandContext, arg?: unknown): Promise<ActionResult<string[]> | undefined> {
  const target = await pickQueue(ctx, arg);
  if (!target) return undefined;
  const spec = { action: 'queue.pause', title: 'Pause', target: target.queue };
  if (await refuseIfReadOnly(ctx, target.connectionId, spec)) return { outcome: 'refused' };
  const monitor = await connectedMonitor(ctx, target.connectionId);
  const workers = consumersOf(monitor, target.queue);
  if (!workers.length) throw new Error(`no online worker consumes "${target.queue}"`);
  const connection = ctx.manager.profile(target.connectionId)?.name ?? target.connectionId;
  return runAction(ctx, {
    ...spec, connectionId: target.connectionId, parameters: { workers },
    confirm: { kind: 'cancelConsumer', text: cancelConsumerConfirmation({ connection, queue: target.queue, workers }) },
    run: async (m) => {
      const result = await m.control!.call('cancel_consumer', { queue: target.queue }, { destination: workers, timeoutMs: CONTROL_TIMEOUT_MS });
      const summary = summarizeReplies(result.byWorker, workers);
      if (summary.ok.length) pausedQueues.set(target.connectionId, target.queue, summary.ok);
      const described = describeReplies(summary);
      if (described.failed) throw new Error(described.text);
      return { detail: described.text, value: summary.ok };
    },
  });
}

/** Give the queue back to the workers that consumed it before the pause (or to every online worker). */
export async function resumeQueue(ctx: CommandContext, arg?: unknown): Promise<ActionResult<string[]> | undefined> {
  const target = await pickQueue(ctx, arg);
  if (!target) return undefined;
  const spec = { action: 'queue.resume', title: 'Resume', target: target.queue };
  if (await refuseIfReadOnly(ctx, target.connectionId, spec)) return { outcome: 'refused' };
  const monitor = await connectedMonitor(ctx, target.connectionId);
  const workers = pausedQueues.workers(target.connectionId, target.queue)
    ?? [...monitor.state.workers.keys()].filter((w) => monitor.isWorkerOnline(w)).sort();
  if (!workers.length) throw new Error('no online worker to give the queue to');
  return runAction(ctx, {
    ...spec, connectionId: target.connectionId, parameters: { workers },
    run: async (m) => {
      const result = await m.control!.call('add_consumer', { queue: target.queue, exchange: null, exchange_type: 'direct', routing_key: null }, { destination: workers, timeoutMs: CONTROL_TIMEOUT_MS });
      const summary = summarizeReplies(result.byWorker, workers);
      const described = describeReplies(summary);
      if (described.failed) throw new Error(described.text);
      pausedQueues.set(target.connectionId, target.queue, undefined);
      return { detail: described.text, value: summary.ok };
    },
  });
}
