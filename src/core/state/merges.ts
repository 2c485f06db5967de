/**
 * Merging what is not an event into a {@link ClusterState}: inspect replies (stats, active,
 * reserved, registered, active_queues), result-backend metadata and task messages. The wire is
 * loose, so everything is `unknown` in and checked field by field; malformed parts are skipped.
 *
 * Every merge ends with `state.touch(task)`, so indexes and statistics follow the change.
 *
 * Events stay authoritative for what they know best: a merge never moves a task's state
 * backwards by Celery's PRECEDENCE, and the backend's STARTED never hides an event-reported
 * REJECTED (Celery leaves the backend at STARTED after a Reject).
 */
import type { TaskMessage } from '../celery/types';
import { argsRepr, kwargsRepr, pyRepr } from '../celery/pythonRepr';
import type { ClusterState } from './clusterState';
import type { TaskRecord } from './taskRecord';
import type { WorkerRecord } from './workerRecord';
import { parseIsoSeconds } from './isoTime';
import type { StringPool } from './stringPool';
import { FAILURE, PENDING, precedence, RECEIVED, REJECTED, RETRY, REVOKED, STARTED, SUCCESS } from './taskStates';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function internOrUndefined(pool: StringPool, text: string | undefined): string | undefined {
  return text === undefined ? undefined : pool.intern(text);
}

/** A traceparent is 55 characters in version 00: more of a longer (invalid) value is not kept. */
const MAX_TRACEPARENT_LENGTH = 256;

/** Whether a state from a non-event source should replace the task's current one. */
function supersedes(next: string, current: string): boolean {
  if (next === current) return false;
  if (current === PENDING || current === RETRY) return true;
  if (current === REJECTED && next === STARTED) return false;
  return precedence(next) < precedence(current);
}

/** Python's repr of an exception rebuilt from Celery's `{exc_type, exc_message, exc_module}`. */
export function exceptionRepr(exc: unknown): string | undefined {
  if (!isRecord(exc) || typeof exc.exc_type !== 'string') return undefined;
  const message = exc.exc_message;
  const args = Array.isArray(message) ? message : message === undefined || message === null ? [] : [message];
  return `${exc.exc_type}(${args.map((a) => pyRepr(a)).join(', ')})`;
}

/** Ids from Celery's `children` encoding (`[[id, null], null]` per child, or plain ids). */
function childIds(children: unknown): string[] {
  if (!Array.isArray(children)) return [];
  const ids: string[] = [];
  for (const child of children) {
    let node: unknown = child;
    // Unwrap ((id, parent), subtasks) tuples down to the id string.
    for (let depth = 0; Array.isArray(node) && depth < 3; depth++) node = node[0];
    if (typeof node === 'string') ids.push(node);
  }
  return ids;
}

function setFinishTime(task: TaskRecord, status: string, at: number | undefined): void {
  if (at === undefined) return;
  if (status === SUCCESS) task.succeeded ??= at;
  else if (status === FAILURE) task.failed ??= at;
  else if (status === REVOKED) task.revoked ??= at;
  else if (status === RETRY) task.retried ??= at;
}

/**
 * Merge a result record. Accepts Celery's stored JSON as is (`task_id`, `date_done`, `parent_id`,
 * `group_id`, children as tuples) and the result backend's parsed `TaskMeta` (`taskId`,
 * `dateDone` in epoch seconds, `parentId`, `groupId`, children as ids).
 */
/**
 * Celery 5.2 does not name the pool in `stats`; each pool's `info` has its own keys, so the keys
 * tell: prefork lists its processes, eventlet/gevent report free threads.
 */
/** `celery.concurrency.prefork:TaskPool` → `prefork`, as users name pools (`-P prefork`). */
function poolName(implementation: string | undefined): string | undefined {
  if (!implementation) return undefined;
  const module = implementation.split(':')[0];
  return module.slice(module.lastIndexOf('.') + 1) || implementation;
}

function inferPool(pool: Record<string, unknown>): string | undefined {
  if (Array.isArray(pool.processes)) return 'prefork';
  if ('free-threads' in pool || 'running-threads' in pool) return 'greenlet';
  return undefined;
}

export function mergeTaskFromResult(state: ClusterState, meta: unknown): TaskRecord | undefined {
  if (!isRecord(meta)) return undefined;
  const id = str(meta.task_id) ?? str(meta.taskId);
  const status = str(meta.status);
  if (!id || !status) return undefined;
  const task = state.getOrCreateTask(id);
  const pool = state.strings;
  const newer = supersedes(status, task.state);
  if (newer) task.state = status;
  const doneAt = parseIsoSeconds(meta.date_done) ?? num(meta.dateDone);
  setFinishTime(task, status, doneAt);
  const result = meta.result;
  if (status === SUCCESS) {
    if (newer || task.state === SUCCESS) task.result = pool.internValue(result);
  } else if (status === STARTED) {
    if (isRecord(result)) task.worker ??= internOrUndefined(pool, str(result.hostname));
  } else {
    const exception = exceptionRepr(result);
    if (exception !== undefined && (newer || task.exception === undefined)) task.exception = pool.internValue(exception);
    const traceback = str(meta.traceback);
    if (traceback !== undefined && (newer || task.traceback === undefined)) task.traceback = pool.internValue(traceback);
  }
  for (const child of childIds(meta.children)) task.addChild(child);
  const parentId = str(meta.parent_id) ?? str(meta.parentId);
  if (parentId && parentId !== id && !task.parentId) {
    task.parentId = parentId;
    state.linkParent(task);
  }
  const groupId = str(meta.group_id) ?? str(meta.groupId);
  if (groupId !== undefined) task.groupId = groupId;
  // result_extended adds these; events (repr strings) win when both exist.
  task.name ??= internOrUndefined(pool, str(meta.name));
  if (task.args === undefined && Array.isArray(meta.args)) task.args = pool.internValue(argsRepr(meta.args));
  if (task.kwargs === undefined && isRecord(meta.kwargs)) task.kwargs = pool.internValue(kwargsRepr(meta.kwargs));
  task.worker ??= internOrUndefined(pool, str(meta.worker));
  task.retries ??= num(meta.retries);
  task.queue ??= internOrUndefined(pool, str(meta.queue));
  // A backfilled result counts in the rolling windows when it finished, not when we read it.
  state.touch(task, newer ? doneAt : undefined);
  return task;
}

export function mergeTaskFromMessage(state: ClusterState, m: TaskMessage): TaskRecord {
  const task = state.getOrCreateTask(m.id);
  const pool = state.strings;
  task.name ??= pool.intern(m.name);
  task.args ??= pool.internValue(m.argsrepr ?? argsRepr(m.args));
  task.kwargs ??= pool.internValue(m.kwargsrepr ?? kwargsRepr(m.kwargs));
  if (task.rootId === undefined && m.rootId !== undefined) task.rootId = m.rootId;
  if (task.groupId === undefined && m.group !== undefined) task.groupId = m.group;
  task.retries ??= m.retries;
  if (task.eta === undefined && m.eta !== undefined) task.eta = m.eta;
  if (task.expires === undefined && m.expires !== undefined) task.expires = m.expires;
  task.routingKey ??= m.routingKey;
  task.exchange ??= m.exchange;
  // Only a message has headers: remember whether it carried a trace context (trace view).
  const traceparent = m.headers.traceparent;
  if (traceparent !== undefined && traceparent !== null) {
    const text = typeof traceparent === 'string' ? traceparent : String(JSON.stringify(traceparent));
    task.traceparent = text.slice(0, MAX_TRACEPARENT_LENGTH); // kept as read; an odd one shows as invalid
  } else if (task.traceparent === undefined) {
    task.traceparent = null;
  }
  if (!task.parentId && m.parentId && m.parentId !== m.id) {
    task.parentId = m.parentId;
    state.linkParent(task);
  }
  state.touch(task);
  return task;
}

export function mergeWorkerStats(state: ClusterState, hostname: string, stats: unknown): WorkerRecord {
  const worker = state.getOrCreateWorker(hostname);
  if (!isRecord(stats)) return worker;
  worker.stats = stats;
  const pid = num(stats.pid);
  if (pid) worker.pid = pid;
  const pool = stats.pool;
  if (isRecord(pool)) {
    worker.pool = poolName(str(pool.implementation)) ?? inferPool(pool) ?? worker.pool;
    worker.concurrency = num(pool['max-concurrency']) ?? worker.concurrency;
  }
  return worker;
}

/** `inspect active` / `inspect reserved`: request dicts with real JSON args. */
export function mergeRequests(state: ClusterState, hostname: string, requests: unknown, kind: 'active' | 'reserved'): WorkerRecord {
  const worker = state.getOrCreateWorker(hostname);
  if (!Array.isArray(requests)) return worker;
  const ids: string[] = [];
  const target = kind === 'active' ? STARTED : RECEIVED;
  for (const request of requests) {
    if (!isRecord(request)) continue;
    const id = str(request.id);
    if (!id) continue;
    ids.push(id);
    const task = state.getOrCreateTask(id);
    const pool = state.strings;
    task.name ??= internOrUndefined(pool, str(request.name) ?? str(request.type));
    if (task.args === undefined && Array.isArray(request.args)) task.args = pool.internValue(argsRepr(request.args));
    if (task.kwargs === undefined && isRecord(request.kwargs)) task.kwargs = pool.internValue(kwargsRepr(request.kwargs));
    task.worker = pool.intern(str(request.hostname) ?? hostname);
    if (supersedes(target, task.state)) task.state = target;
    if (kind === 'active') task.started ??= num(request.time_start);
    const info = request.delivery_info;
    if (isRecord(info)) task.routingKey ??= internOrUndefined(pool, str(info.routing_key));
    state.touch(task);
  }
  if (kind === 'active') worker.activeTasks = ids;
  else worker.reservedTasks = ids;
  return worker;
}

export function mergeRegistered(state: ClusterState, hostname: string, names: unknown): WorkerRecord {
  const worker = state.getOrCreateWorker(hostname);
  if (!Array.isArray(names)) return worker;
  // "proj.tasks.limited [rate_limit=6/m]" -> "proj.tasks.limited"
  worker.registered = names.filter((n): n is string => typeof n === 'string').map((n) => n.replace(/\s+\[.*\]$/, ''));
  return worker;
}

export function mergeActiveQueues(state: ClusterState, hostname: string, queues: unknown): WorkerRecord {
  const worker = state.getOrCreateWorker(hostname);
  if (!Array.isArray(queues)) return worker;
  worker.queues = queues.map((q) => (isRecord(q) ? str(q.name) : str(q))).filter((n): n is string => n !== undefined);
  return worker;
}
