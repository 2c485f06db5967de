/** Reading queue depths for the monitor, keeping the previous depth of each queue for a trend arrow. */
import type { Broker } from '../broker/broker';
import { discoverQueues } from '../queues/discoverQueues';
import type { MonitoredQueue } from './monitorTypes';

/**
 * Discover queues (broker bindings / management API plus what workers consume) and read their
 * depths. `previous` is the last poll's result; `now` is epoch seconds.
 */
export async function pollQueues(broker: Broker, activeQueues: Record<string, unknown>, previous: readonly MonitoredQueue[], now: number): Promise<MonitoredQueue[]> {
  const before = new Map(previous.map((q) => [q.name, q.messages]));
  const infos = await discoverQueues(broker, activeQueues);
  return infos.map((info) => ({ ...info, previousMessages: before.get(info.name), readAt: now }));
}
