/**
 * Applying `task-*` events to a {@link TaskRecord} with Celery's merge rules (see applyTaskEvent).
 */
import type { CeleryEvent } from '../celery/types';
import { typeCode } from './historyCodes';
import type { TaskRecord } from './taskRecord';
import { precedence, RETRY, TASK_EVENT_STATE } from './taskStates';
import { LAST_SEEN, RUNTIME, STARTED, SUBJECT_TIME_SLOT, TIMESTAMP, toTime as time } from './taskTimes';

/** Interns strings a task keeps (see StringPool); identity when none is given. */
export interface StringInterner {
  /** For names, hostnames, queues: few distinct values, each used by many tasks. */
  intern(text: string): string;
  /** For reprs, results, tracebacks: pooled only when long enough to be worth it. */
  internValue<T>(value: T): T;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strOrNull(value: unknown): string | null | undefined {
  return value === null ? null : typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

const NO_POOL: StringInterner = { intern: (text) => text, internValue: (value) => value };

/**
 * The fields a late-arriving "earlier" event may still contribute (Celery's RECEIVED merge rule,
 * plus the routing fields only `task-sent` carries). Values present on the event overwrite.
 */
function mergeEarlierFields(task: TaskRecord, e: CeleryEvent, pool: StringInterner): void {
  // Most events repeat what the task already holds: compare first, so the kept (pooled) copy
  // stays and the pool is only asked about new values.
  const name = str(e.name);
  if (name !== undefined && name !== task.name) task.name = pool.intern(name);
  const args = str(e.args);
  if (args !== undefined && args !== task.args) task.args = pool.internValue(args);
  const kwargs = str(e.kwargs);
  if (kwargs !== undefined && kwargs !== task.kwargs) task.kwargs = pool.internValue(kwargs);
  const retries = num(e.retries);
  if (retries !== undefined) task.retries = retries;
  const eta = strOrNull(e.eta);
  if (eta !== undefined && eta !== task.eta) task.eta = eta;
  const expires = strOrNull(e.expires);
  if (expires !== undefined && expires !== task.expires) task.expires = expires;
  const rootId = strOrNull(e.root_id);
  // The root is most often the task itself: share its id string.
  if (rootId !== undefined && rootId !== task.rootId) task.rootId = rootId === task.id ? task.id : rootId;
  const parentId = strOrNull(e.parent_id);
  // A retried task's message names itself as parent; keep the real parent instead of a self-loop.
  if (parentId !== undefined && parentId !== task.id && parentId !== task.parentId) task.parentId = parentId;
  const queue = str(e.queue);
  if (queue !== undefined && queue !== task.queue) task.queue = pool.intern(queue);
  const exchange = str(e.exchange);
  if (exchange !== undefined && exchange !== task.exchange) task.exchange = pool.intern(exchange);
  const routingKey = str(e.routing_key);
  if (routingKey !== undefined && routingKey !== task.routingKey) task.routingKey = pool.intern(routingKey);
}

/** The outcome fields of a state-setting event. */
function mergeOutcomeFields(task: TaskRecord, e: CeleryEvent, pool: StringInterner): void {
  const result = e.result;
  if (result !== undefined) task.result = pool.internValue(result);
  const runtime = num(e.runtime);
  if (runtime !== undefined) task.times[RUNTIME] = runtime;
  const exception = str(e.exception);
  if (exception !== undefined) task.exception = pool.internValue(exception);
  const traceback = str(e.traceback);
  if (traceback !== undefined) task.traceback = pool.internValue(traceback);
}

/**
 * Details only `task-revoked`/`task-rejected` carry; kept even when the event is late (Celery
 * keeps every field of a late event other than RECEIVED's), since nothing else could set them.
 */
function mergeEventDetails(task: TaskRecord, e: CeleryEvent): void {
  const terminated = bool(e.terminated);
  if (terminated !== undefined) task.terminated = terminated;
  if (e.signum !== undefined) task.signum = e.signum;
  const expired = bool(e.expired);
  if (expired !== undefined) task.expired = expired;
  const requeue = bool(e.requeue);
  if (requeue !== undefined) task.requeue = requeue;
}

/** What a `task-<subject>` event does, worked out once per subject (ClusterState caches it per type). */
export interface TaskEventKind {
  subject: string;
  /** The state it sets: Celery's for the 8 known subjects, else `SUBJECT` upper-cased. */
  state: string;
  precedence: number;
  /** Slot of its time in TaskRecord.times, or -1 for custom subjects. */
  timeSlot: number;
  isSent: boolean;
  /** History code part of `task-<subject>`. */
  typeCode: number;
}

export function taskEventKind(subject: string): TaskEventKind {
  const known = TASK_EVENT_STATE.get(subject);
  const state = known ?? subject.toUpperCase();
  return {
    subject, state, precedence: precedence(state), timeSlot: SUBJECT_TIME_SLOT.get(subject) ?? -1, isSent: subject === 'sent',
    typeCode: typeCode(`task-${subject}`),
  };
}

/**
 * Apply a `task-<subject>` event with Celery's merge rule: an event whose state comes *before*
 * the current one by PRECEDENCE (e.g. `task-received` arriving after `task-succeeded`) only
 * fills the descriptive fields; otherwise it sets the state, its timestamp and every field. RETRY
 * is special, as in Celery: a RETRY event always applies, and a task in RETRY accepts any event
 * (the retried task runs again). Unknown subjects set a custom state `SUBJECT` upper-cased.
 * Note Celery ranks REJECTED before RECEIVED and STARTED, so a task rejected after it was received
 * keeps its state (as in Celery and Flower); `rejected` and `requeue` still record the rejection.
 * Strings the task keeps go through `pool` (one copy for repeated values).
 */
export function applyTaskEvent(task: TaskRecord, subject: string, event: CeleryEvent, pool: StringInterner = NO_POOL): void {
  applyTaskEventOfKind(task, taskEventKind(subject), event, pool);
}

/**
 * {@link applyTaskEvent} with the subject already worked out. `worker` is the shared copy of the
 * event's hostname to keep (the WorkerRecord's), when the caller has it.
 */
export function applyTaskEventOfKind(
  task: TaskRecord, kind: TaskEventKind, event: CeleryEvent, pool: StringInterner = NO_POOL, worker?: string,
): void {
  const state = kind.state;
  const timestamp = time(event.timestamp);
  const times = task.times;
  if (kind.timeSlot >= 0) times[kind.timeSlot] = timestamp;
  // The pool process, for the timeline's per-process lanes (only `task-started` names it).
  if (kind.timeSlot === STARTED) {
    const pid = event.pid;
    if (typeof pid === 'number' && pid > 0 && pid <= 0x7fffffff) task.pid = pid | 0;
  }
  const hostname = event.hostname;
  // The kept (pooled) copy of the sender's name: it also keys the history code cheaply.
  let sender = hostname;
  if (kind.isSent) {
    if (hostname !== task.client) task.client = pool.intern(hostname);
    sender = task.client as string;
  } else if (hostname) {
    if (hostname !== task.worker) task.worker = worker === hostname ? worker : pool.intern(hostname);
    sender = task.worker as string;
  }

  const late = state !== RETRY && task.state !== RETRY && kind.precedence > precedence(task.state);
  mergeEarlierFields(task, event, pool);
  mergeEventDetails(task, event);
  if (!late) {
    mergeOutcomeFields(task, event, pool);
    task.state = state;
    times[TIMESTAMP] = timestamp;
    task.clock = event.clock;
  }
  times[LAST_SEEN] = time(event.local_received);
  task.pushHistory(kind.typeCode, timestamp, sender);
}
