/**
 * A task Celery Lens just published is known to the live model at once (PENDING, with its complete
 * arguments' repr), so its row exists before any worker event arrives — clients do not send
 * `task-sent` unless `task_send_sent_event` is on.
 */
import { isUndecodable } from '../../core/celery/rawMessage';
import type { OutgoingMessage } from '../../core/celery/rawMessage';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';

export function knowSentTask(monitor: ClusterMonitor, message: OutgoingMessage): void {
  const decoded = decodeTaskMessage({
    body: message.body, contentType: message.contentType, contentEncoding: message.contentEncoding,
    headers: message.headers, properties: { ...message.properties },
    deliveryInfo: { exchange: message.exchange, routingKey: message.routingKey }, size: message.body.length,
  }, message.routingKey);
  if (!isUndecodable(decoded)) monitor.state.mergeTaskFromMessage(decoded);
}
