/**
 * One task as the event stream (and, merged in, inspect replies and the result backend) describe
 * it. A plain class with every field declared up front, so 100k of them share one shape and no
 * closure is made per task. Times are epoch seconds (the sender's clock, adjusted to our zone).
 */
import type { CeleryEvent } from '../celery/types';
import { PENDING, precedence, RETRY, TASK_EVENT_STATE } from './taskStates';

/** One step of a task's history, for a timeline view. */
export interface TaskHistoryEntry {
  /** Event type, e.g. `task-started`. */
  type: string;
  timestamp: number;
  /** Who sent it: the worker node, or `gen<pid>@host` for `task-sent`. */
  hostname: string;
}

/** The most history entries kept per task (a task retried forever must not grow without bound). */
export const MAX_TASK_HISTORY = 32;

export class TaskRecord {
  name: string | undefined = undefined;
  /** Celery state name (PENDING ... REJECTED, or a custom state from a `task-<custom>` event). */
  state: string = PENDING;
  /** Worker node that reported it (the last non-`task-sent` event). */
  worker: string | undefined = undefined;
  /** The client (`gen<pid>@host`) that sent it, from `task-sent`. */
  client: string | undefined = undefined;
  /** Python repr strings (truncated by Celery), as events carry them. */
  args: string | undefined = undefined;
  kwargs: string | undefined = undefined;
  /** Repr string from `task-succeeded`, or the real JSON value from the result backend. */
  result: unknown = undefined;
  exception: string | undefined = undefined;
  traceback: string | undefined = undefined;
  parentId: string | null | undefined = undefined;
  rootId: string | null | undefined = undefined;
  groupId: string | null | undefined = undefined;
  /** Ids of known child tasks; undefined until there is one. */
  children: string[] | undefined = undefined;
  retries: number | undefined = undefined;
  eta: string | null | undefined = undefined;
  expires: string | null | undefined = undefined;
  queue: string | undefined = undefined;
  exchange: string | undefined = undefined;
  routingKey: string | undefined = undefined;
  sent: number | undefined = undefined;
  received: number | undefined = undefined;
  started: number | undefined = undefined;
  succeeded: number | undefined = undefined;
  failed: number | undefined = undefined;
  retried: number | undefined = undefined;
  revoked: number | undefined = undefined;
  rejected: number | undefined = undefined;
  /** Time of the event that set the current state. */
  timestamp: number | undefined = undefined;
  runtime: number | undefined = undefined;
  /** `task-revoked` details. */
  terminated: boolean | undefined = undefined;
  signum: unknown = undefined;
  expired: boolean | undefined = undefined;
  /** `task-rejected` detail. */
  requeue: boolean | undefined = undefined;
  /** Lamport clock of the state-setting event. */
  clock = 0;
  /** Our receive time of the last event about this task (epoch seconds). */
  lastSeen: number | undefined = undefined;
  history: TaskHistoryEntry[] = [];

  constructor(readonly id: string) {}

  /** Add a child id once. */
  addChild(childId: string): void {
    if (childId === this.id) return;
    if (this.children === undefined) this.children = [childId];
    else if (!this.children.includes(childId)) this.children.push(childId);
  }
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

/**
 * The fields a late-arriving "earlier" event may still contribute (Celery's RECEIVED merge rule,
 * plus the routing fields only `task-sent` carries). Values present on the event overwrite.
 */
function mergeEarlierFields(task: TaskRecord, e: CeleryEvent): void {
  const name = str(e.name);
  if (name !== undefined) task.name = name;
  const args = str(e.args);
  if (args !== undefined) task.args = args;
  const kwargs = str(e.kwargs);
  if (kwargs !== undefined) task.kwargs = kwargs;
  const retries = num(e.retries);
  if (retries !== undefined) task.retries = retries;
  const eta = strOrNull(e.eta);
  if (eta !== undefined) task.eta = eta;
  const expires = strOrNull(e.expires);
  if (expires !== undefined) task.expires = expires;
  const rootId = strOrNull(e.root_id);
  if (rootId !== undefined) task.rootId = rootId;
  const parentId = strOrNull(e.parent_id);
  // A retried task's message names itself as parent; keep the real parent instead of a self-loop.
  if (parentId !== undefined && parentId !== task.id) task.parentId = parentId;
  const queue = str(e.queue);
  if (queue !== undefined) task.queue = queue;
  const exchange = str(e.exchange);
  if (exchange !== undefined) task.exchange = exchange;
  const routingKey = str(e.routing_key);
  if (routingKey !== undefined) task.routingKey = routingKey;
}

/** The outcome fields of a state-setting event. */
function mergeOutcomeFields(task: TaskRecord, e: CeleryEvent): void {
  if (e.result !== undefined) task.result = e.result;
  const runtime = num(e.runtime);
  if (runtime !== undefined) task.runtime = runtime;
  const exception = str(e.exception);
  if (exception !== undefined) task.exception = exception;
  const traceback = str(e.traceback);
  if (traceback !== undefined) task.traceback = traceback;
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

function setEventTime(task: TaskRecord, subject: string, timestamp: number): void {
  switch (subject) {
    case 'sent': task.sent = timestamp; break;
    case 'received': task.received = timestamp; break;
    case 'started': task.started = timestamp; break;
    case 'succeeded': task.succeeded = timestamp; break;
    case 'failed': task.failed = timestamp; break;
    case 'retried': task.retried = timestamp; break;
    case 'revoked': task.revoked = timestamp; break;
    case 'rejected': task.rejected = timestamp; break;
  }
}

/**
 * Apply a `task-<subject>` event with Celery's merge rule: an event whose state comes *before*
 * the current one by PRECEDENCE (e.g. `task-received` arriving after `task-succeeded`) only
 * fills the descriptive fields; otherwise it sets the state, its timestamp and every field. RETRY
 * is special, as in Celery: a RETRY event always applies, and a task in RETRY accepts any event
 * (the retried task runs again). Unknown subjects set a custom state `SUBJECT` upper-cased.
 * Note Celery ranks REJECTED before RECEIVED and STARTED, so a task rejected after it was received
 * keeps its state (as in Celery and Flower); `rejected` and `requeue` still record the rejection.
 */
export function applyTaskEvent(task: TaskRecord, subject: string, event: CeleryEvent): void {
  const known = TASK_EVENT_STATE.get(subject);
  const state = known ?? subject.toUpperCase();
  const timestamp = event.timestamp;
  if (known !== undefined) setEventTime(task, subject, timestamp);
  if (subject === 'sent') task.client = event.hostname;
  else if (event.hostname) task.worker = event.hostname;

  const late = state !== RETRY && task.state !== RETRY && precedence(state) > precedence(task.state);
  mergeEarlierFields(task, event);
  mergeEventDetails(task, event);
  if (!late) {
    mergeOutcomeFields(task, event);
    task.state = state;
    task.timestamp = timestamp;
    task.clock = event.clock;
  }
  task.lastSeen = event.local_received;
  const history = task.history;
  if (history.length >= MAX_TASK_HISTORY) history.shift();
  history.push({ type: event.type, timestamp, hostname: event.hostname });
}
