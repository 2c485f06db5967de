/**
 * Gathers what the cluster knows of a task for a replay: the live record, the result backend's
 * record, and on Redis the task's message if it is still waiting in its queue or held unacked by a
 * worker (read with LRANGE / HSCAN: nothing is consumed, moved or acked).
 */
import type { TaskMeta } from '../../core/backend/taskMeta';
import type { Broker } from '../../core/broker/broker';
import { isUndecodable } from '../../core/celery/rawMessage';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import type { TaskMessage } from '../../core/celery/types';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import type { OriginalFacts } from '../../core/replay/replayReport';
import type { ReplayInputs } from '../../core/replay/replayArguments';

/** How deep into a queue to look for a waiting task's message. */
const QUEUED_SEARCH_LIMIT = 500;
const FINISHED = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED']);

export interface GatheredTask {
  inputs: ReplayInputs;
  meta?: TaskMeta;
  original: OriginalFacts;
}

async function queuedMessage(broker: Broker, queue: string, taskId: string): Promise<TaskMessage | undefined> {
  for (const raw of await broker.peek(queue, QUEUED_SEARCH_LIMIT)) {
    if (isUndecodable(raw)) continue;
    const message = decodeTaskMessage(raw, queue);
    if (!isUndecodable(message) && message.id === taskId) return message;
  }
  return undefined;
}

async function unackedMessage(broker: Broker, taskId: string): Promise<{ message: TaskMessage; deliveryTag: string } | undefined> {
  for (const entry of await broker.listUnacked()) {
    if (isUndecodable(entry.message)) continue;
    const message = decodeTaskMessage(entry.message, entry.routingKey);
    if (!isUndecodable(message) && message.id === taskId) return { message, deliveryTag: entry.deliveryTag };
  }
  return undefined;
}

export async function gatherTask(monitor: ClusterMonitor, taskId: string): Promise<GatheredTask> {
  const record = monitor.state.tasks.get(taskId);
  let meta: TaskMeta | undefined;
  try {
    const read = await monitor.backend?.getTaskMeta(taskId);
    meta = read && !isUndecodable(read) ? read : undefined;
  } catch {
    meta = undefined;
  }
  const inputs: ReplayInputs = {
    task: {
      id: taskId, name: record?.name, args: record?.args, kwargs: record?.kwargs, retries: record?.retries,
      rootId: record?.rootId ?? undefined, parentId: record?.parentId ?? undefined, groupId: record?.groupId ?? undefined,
      queue: record?.queue, routingKey: record?.routingKey,
    },
    meta,
  };
  const state = meta?.status ?? record?.state ?? 'PENDING';
  const broker = monitor.broker;
  if (broker?.kind === 'redis' && !FINISHED.has(state)) {
    // A message that is still there is the most faithful source: every header, exact values.
    const queue = record?.queue ?? record?.routingKey ?? 'celery';
    const queued = await queuedMessage(broker, queue, taskId).catch(() => undefined);
    if (queued) inputs.queued = { message: queued, queue };
    else inputs.unacked = await unackedMessage(broker, taskId).catch(() => undefined);
  }
  const original: OriginalFacts = {
    state: record?.state ?? meta?.status ?? 'PENDING', worker: record?.worker ?? meta?.worker,
    result: typeof record?.result === 'string' ? record.result : undefined,
    exception: record?.exception, traceback: record?.traceback, runtime: record?.runtime,
  };
  return { inputs, meta, original };
}
