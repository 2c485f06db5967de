/**
 * Filling the model on (re)connect with what happened while we were not listening:
 * - results stored in the backend (tasks that finished before we started), by SCAN, bounded;
 * - the backend records of tasks we know but saw unfinished (their ending may have been missed
 *   while the connection was down);
 * - tasks waiting in queues (queued while no worker ran): peeked, never consumed. They stay
 *   PENDING, which is Celery's state for a task no worker has received yet;
 * - on Redis, messages delivered to a worker but not acked yet (kombu's `unacked` hash): they also
 *   stay PENDING until events or `inspect active/reserved` say more.
 */
import type { RedisResultBackend } from '../backend/redisResultBackend';
import type { Broker } from '../broker/broker';
import { isUndecodable, type RawMessage, type Undecodable } from '../celery/rawMessage';
import { decodeTaskMessage } from '../celery/taskMessage';
import { READY_STATES, type ClusterState } from '../state/index';
import type { HealthRecorder } from './healthRecorder';
import type { MonitoredQueue } from './monitorTypes';

/** Records read in parallel when refreshing known tasks. */
const PARALLEL_READS = 50;

/**
 * Refresh unfinished known tasks from the backend (at most `limit`), then merge up to `limit`
 * stored records found by SCAN. Returns how many records were merged.
 */
export async function backfillResults(backend: RedisResultBackend, state: ClusterState, limit: number, health: HealthRecorder): Promise<number> {
  if (limit <= 0) return 0;
  let merged = 0;
  const merge = (meta: Awaited<ReturnType<RedisResultBackend['getTaskMeta']>>): void => {
    if (meta === undefined) return;
    if (isUndecodable(meta)) health.undecodable(meta);
    else if (state.mergeTaskFromResult(meta)) merged++;
  };
  const unfinished: string[] = [];
  for (const task of state.tasks.values()) {
    if (unfinished.length >= limit) break;
    if (!READY_STATES.has(task.state)) unfinished.push(task.id);
  }
  for (let i = 0; i < unfinished.length; i += PARALLEL_READS) {
    const metas = await Promise.all(unfinished.slice(i, i + PARALLEL_READS).map((id) => backend.getTaskMeta(id)));
    metas.forEach(merge);
  }
  let read = 0;
  for await (const meta of backend.scanTaskMetas()) {
    merge(meta);
    if (++read >= limit) break;
  }
  return merged;
}

function mergeMessage(state: ClusterState, health: HealthRecorder, raw: RawMessage | Undecodable, where: string): boolean {
  if (isUndecodable(raw)) {
    health.undecodable(raw);
    return false;
  }
  const message = decodeTaskMessage(raw, where);
  if (isUndecodable(message)) {
    health.undecodable(message);
    return false;
  }
  state.mergeTaskFromMessage(message);
  return true;
}

/** Peek the first `perQueue` messages of each non-empty queue. Returns how many tasks were merged. */
export async function backfillQueued(broker: Broker, queues: readonly MonitoredQueue[], perQueue: number, state: ClusterState, health: HealthRecorder): Promise<number> {
  if (perQueue <= 0) return 0;
  let merged = 0;
  for (const queue of queues) {
    if (queue.messages <= 0) continue;
    const messages = await broker.peek(queue.name, Math.min(perQueue, queue.messages));
    for (const raw of messages) if (mergeMessage(state, health, raw, queue.name)) merged++;
  }
  return merged;
}

/** Redis only: tasks held unacked by workers. Returns how many were merged. */
export async function backfillUnacked(broker: Broker, state: ClusterState, health: HealthRecorder): Promise<number> {
  if (broker.kind !== 'redis') return 0;
  let merged = 0;
  for (const entry of await broker.listUnacked()) {
    if (mergeMessage(state, health, entry.message, `unacked ${entry.deliveryTag}`)) merged++;
  }
  return merged;
}
