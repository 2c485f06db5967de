/**
 * Tasks lost with their worker. A worker killed outright (SIGKILL, the OOM killer, a lost machine)
 * sends nothing: it just stops sending heartbeats. Celery's own State then shows the worker
 * offline but leaves its tasks STARTED forever. When Celery's worker sees one of its pool
 * processes die under a task it fails that task with `WorkerLostError('Worker exited
 * prematurely: signal 9 (SIGKILL).')`; we infer the same end for the tasks of a worker whose
 * heartbeats expired, and say in the exception that it is inferred.
 *
 * Only when the inference is sound: the worker expired (it did not say goodbye with
 * `worker-offline`), and we were connected since before its last heartbeat, so the heartbeats it
 * would have sent could not have been lost on our side (after a reconnect every worker looks
 * expired until it beats again).
 */
import type { CeleryEvent } from '../celery/types';
import type { ClusterState, WorkerRecord } from '../state/index';

/** The exception text of an inferred loss (Celery's class name, so filters and groups match). */
export function lostTaskException(hostname: string, silentForS: number): string {
  return `WorkerLostError('Worker ${hostname} went offline while running the task (no heartbeat for ${Math.round(silentForS)} s): ` +
    `inferred by Celery Lens, the worker never reported an outcome')`;
}

/** A task-failed event for `taskId`, without a hostname so that it does not count as a heartbeat of the dead worker. */
function lostEvent(taskId: string, exception: string, now: number): CeleryEvent {
  return {
    type: 'task-failed', uuid: taskId, hostname: '', timestamp: now, local_received: now, clock: 0, utcoffset: 0, pid: 0,
    exception, traceback: '', inferred: true,
  };
}

/** Fail the STARTED tasks of `worker` as lost; returns their ids. */
export function markTasksLost(state: ClusterState, worker: WorkerRecord, now: number): string[] {
  const lost: string[] = [];
  for (const task of state.tasks.values()) {
    if (task.worker === worker.hostname && task.state === 'STARTED') lost.push(task.id);
  }
  const exception = lostTaskException(worker.hostname, now - (worker.lastHeartbeat ?? now));
  for (const id of lost) state.apply(lostEvent(id, exception, now));
  return lost;
}

/**
 * For workers that just went from online to offline: those that expired while we were connected
 * (since `connectedSinceS`, epoch seconds; undefined when not connected) have their STARTED tasks
 * failed as lost. Returns what was marked, per worker.
 */
export function inferLostTasks(
  state: ClusterState,
  wentOffline: readonly string[],
  connectedSinceS: number | undefined,
  now: number,
): Array<{ hostname: string; taskIds: string[] }> {
  if (connectedSinceS === undefined) return [];
  const marked: Array<{ hostname: string; taskIds: string[] }> = [];
  for (const hostname of wentOffline) {
    const worker = state.workers.get(hostname);
    const last = worker?.lastHeartbeat;
    if (!worker || worker.offline || last === undefined || last < connectedSinceS) continue;
    const taskIds = markTasksLost(state, worker, now);
    if (taskIds.length) marked.push({ hostname, taskIds });
  }
  return marked;
}
