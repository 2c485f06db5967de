/** The failed tasks a ClusterState holds, as {@link FailureInput}s for grouping. */
import type { ClusterState } from '../state/clusterState';
import { listTasks } from '../state/selectors';
import type { FailureInput } from './errorGroups';

/** Up to `limit` failed tasks, newest first. */
export function failedTasks(state: ClusterState, limit = 5000): FailureInput[] {
  return listTasks(state, { state: 'FAILURE' }, 0, limit).tasks.map((t) => ({
    id: t.id,
    name: t.name,
    worker: t.worker,
    exception: t.exception,
    traceback: t.traceback,
    time: t.failed ?? t.timestamp ?? t.lastSeen,
  }));
}
