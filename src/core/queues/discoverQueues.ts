/**
 * Which queues a cluster has, and how deep they are. Neither source alone is complete: Redis keeps
 * `_kombu.binding.*` sets that outlive workers, the management API sees every RabbitMQ queue, and
 * only the workers know which queues they consume. The union of both is shown, with consumers
 * counted from the workers' `active_queues` where the broker cannot count them itself.
 */
import type { Broker, QueueInfo } from '../broker/broker';

/** The part of kombu's `Queue.as_dict()` we read from `active_queues` replies. */
interface ActiveQueue {
  name?: unknown;
}

/** Worker name → queue names it consumes, from an `active_queues` reply. */
export function queuesByWorker(byWorker: Record<string, unknown>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [worker, reply] of Object.entries(byWorker)) {
    if (!Array.isArray(reply)) continue;
    const names = reply
      .map((q: ActiveQueue) => (typeof q === 'object' && q !== null && typeof q.name === 'string' ? q.name : undefined))
      .filter((n): n is string => n !== undefined);
    result.set(worker, names);
  }
  return result;
}

/**
 * Discover queues and read their depth. `activeQueues` is an `inspect active_queues` reply
 * (`{ worker: [queue dicts] }`); `extraNames` are always included (e.g. a queue the user named).
 */
export async function discoverQueues(broker: Broker, activeQueues: Record<string, unknown>, extraNames: string[] = []): Promise<QueueInfo[]> {
  const known = await broker.listQueues();
  const consumedBy = queuesByWorker(activeQueues);
  const names = new Set<string>([...known, ...extraNames]);
  for (const list of consumedBy.values()) list.forEach((n) => names.add(n));
  const infos = await broker.queueInfo([...names].sort());
  const consumerCounts = new Map<string, number>();
  for (const list of consumedBy.values()) for (const n of list) consumerCounts.set(n, (consumerCounts.get(n) ?? 0) + 1);
  return infos
    .filter((q) => q.exists || consumerCounts.has(q.name) || extraNames.includes(q.name))
    .map((q) => (q.consumers === undefined ? { ...q, consumers: consumerCounts.get(q.name) ?? 0 } : q));
}
