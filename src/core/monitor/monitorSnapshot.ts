/**
 * A ClusterMonitor's model as a plain {@link Snapshot} (what `celery-lens watch` prints), and its
 * connection status in words.
 */
import { snapshotTasks, snapshotWorkers } from '../state/index';
import type { Snapshot } from '../state/snapshotTypes';
import type { ClusterMonitor } from './clusterMonitor';
import type { ConnectionStatus } from './monitorTypes';

/** Workers (online by the monitor's rule), queues as last polled, the `taskLimit` most recent tasks, recent problems. */
export function monitorSnapshot(monitor: ClusterMonitor, taskLimit?: number): Snapshot {
  const workers = snapshotWorkers(monitor.state).map((w) => ({ ...w, online: monitor.isWorkerOnline(w.hostname) }));
  const queues = monitor.queues.map((q) => ({ name: q.name, messages: q.messages, consumers: q.consumers ?? null, byPriority: q.byPriority }));
  return { workers, queues, tasks: snapshotTasks(monitor.state, taskLimit), errors: [...monitor.health.recentErrors] };
}

/** One line for a status that is not `connected` (undefined when connected or idle). `now` is epoch ms. */
export function describeConnectionStatus(status: ConnectionStatus, now: number): string | undefined {
  switch (status.kind) {
    case 'connected':
    case 'idle':
      return undefined;
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
    case 'error': {
      const retry = status.retryAt !== undefined ? `, next try in ${Math.max(0, Math.ceil((status.retryAt - now) / 1000))} s` : '';
      const attempt = status.attempt !== undefined ? ` (attempt ${status.attempt}${retry})` : '';
      return `${status.kind}${attempt}: ${status.reason}`;
    }
  }
}
