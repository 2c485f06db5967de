/**
 * Turn {@link ClusterState} records into the plain snapshot shapes (snapshotTypes.ts).
 */
import type { Undecodable } from '../celery/rawMessage';
import type { ClusterState } from './clusterState';
import type { TaskRecord } from './taskRecord';
import type { WorkerRecord } from './workerRecord';
import type { SnapshotError, SnapshotTask, SnapshotWorker } from './snapshotTypes';
import { NONE } from './slotLists';
import { FAILURE, REJECTED, REVOKED, STARTED, SUCCESS } from './taskStates';

/** When the task reached its final state, or null while it is not final. */
export function finishedAt(task: TaskRecord): number | null {
  switch (task.state) {
    case SUCCESS: return task.succeeded ?? null;
    case FAILURE: return task.failed ?? null;
    case REVOKED: return task.revoked ?? null;
    case REJECTED: return task.rejected ?? null;
    default: return null;
  }
}

export function toSnapshotTask(task: TaskRecord): SnapshotTask {
  return {
    id: task.id,
    name: task.name ?? null,
    state: task.state,
    worker: task.worker ?? null,
    args: task.args ?? null,
    kwargs: task.kwargs ?? null,
    result: task.result === undefined ? null : task.result,
    exception: task.exception ?? null,
    traceback: task.traceback ?? null,
    parentId: task.parentId ?? null,
    rootId: task.rootId ?? null,
    groupId: task.groupId ?? null,
    children: task.children ? [...task.children] : [],
    retries: task.retries ?? null,
    sent: task.sent ?? null,
    received: task.received ?? null,
    started: task.started ?? null,
    finished: finishedAt(task),
    runtime: task.runtime ?? null,
    eta: task.eta ?? null,
    expires: task.expires ?? null,
    queue: task.queue ?? task.routingKey ?? null,
  };
}

/**
 * `activeFromEvents` lists the ids of tasks the events show STARTED on this worker; it is used
 * only when no `inspect active` reply was merged.
 */
export function toSnapshotWorker(worker: WorkerRecord, now: number, activeFromEvents: string[] = []): SnapshotWorker {
  const snapshot: SnapshotWorker = {
    hostname: worker.hostname,
    online: worker.isAlive(now),
    processed: worker.processed ?? null,
    active: worker.activeTasks ? [...worker.activeTasks] : activeFromEvents,
    queues: worker.queues ? [...worker.queues] : [],
    registered: worker.registered ? [...worker.registered] : [],
    heartbeat: worker.lastHeartbeat ?? null,
    freq: worker.freq,
  };
  if (worker.pool !== undefined) snapshot.pool = worker.pool;
  if (worker.concurrency !== undefined) snapshot.concurrency = worker.concurrency;
  if (worker.pid !== undefined) snapshot.pid = worker.pid;
  if (worker.swVer !== undefined) snapshot.version = worker.swVer;
  if (worker.loadavg !== undefined) snapshot.loadavg = [...worker.loadavg];
  if (worker.offline) snapshot.offline = true;
  return snapshot;
}

/** Every worker, sorted by hostname. One pass over the STARTED tasks collects event-derived active ids. */
export function snapshotWorkers(state: ClusterState, now: number = state.now()): SnapshotWorker[] {
  const started = new Map<string, string[]>();
  const byState = state.index.byState;
  const bucket = byState.find(STARTED);
  for (let slot = bucket === NONE ? NONE : byState.head[bucket]; slot !== NONE; slot = byState.next(slot)) {
    const task = state.index.records[slot] as TaskRecord;
    if (!task.worker) continue;
    const list = started.get(task.worker);
    if (list) list.push(task.id);
    else started.set(task.worker, [task.id]);
  }
  return [...state.workers.values()]
    .sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0))
    .map((w) => toSnapshotWorker(w, now, started.get(w.hostname)));
}

/** Tasks, most recently seen first; `limit` caps how many. */
export function snapshotTasks(state: ClusterState, limit?: number): SnapshotTask[] {
  const tasks = [...state.tasks.values()];
  const seen = (t: TaskRecord): number => t.lastSeen ?? t.timestamp ?? t.sent ?? 0;
  tasks.sort((a, b) => seen(b) - seen(a));
  return (limit === undefined ? tasks : tasks.slice(0, limit)).map(toSnapshotTask);
}

/** An Undecodable as a snapshot error. */
export function snapshotErrorOf(u: Undecodable): SnapshotError {
  const error: SnapshotError = { kind: 'undecodable', source: u.source, where: u.where, message: u.reason };
  if (u.taskId !== undefined) error.taskId = u.taskId;
  if (u.taskName !== undefined) error.taskName = u.taskName;
  return error;
}
