/**
 * One task as the event stream (and, merged in, inspect replies and the result backend) describe
 * it. Built to be small, since 100k of them stay in memory: one class shape, no closure per task,
 * every time and the event history packed in one array of doubles (`NaN` = unknown), and the
 * fields few tasks use (revoke/reject details, group id) in a side object made on first use.
 * The accessors keep the plain-field API (`task.sent`, `task.history`, ...).
 *
 * Times are epoch seconds (the sender's clock, adjusted to our zone).
 */
import type { CeleryEvent } from '../celery/types';
import { historyCode, historyHostname, historyType, typeCode } from './historyCodes';
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

/** Interns strings a task keeps (see StringPool); identity when none is given. */
export interface StringInterner {
  /** For names, hostnames, queues: few distinct values, each used by many tasks. */
  intern(text: string): string;
  /** For reprs, results, tracebacks: pooled only when long enough to be worth it. */
  internValue<T>(value: T): T;
}

// Layout of TaskRecord.times: one slot per time, then the history count and (timestamp, code) pairs.
const SENT = 0;
const RECEIVED = 1;
const STARTED = 2;
const SUCCEEDED = 3;
const FAILED = 4;
const RETRIED = 5;
const REVOKED = 6;
const REJECTED = 7;
const TIMESTAMP = 8;
const RUNTIME = 9;
const LAST_SEEN = 10;
const HISTORY_COUNT = 11;
const HISTORY_START = 12;

/** Slot of each event subject's time in TaskRecord.times. */
const SUBJECT_TIME_SLOT: ReadonlyMap<string, number> = new Map([
  ['sent', SENT], ['received', RECEIVED], ['started', STARTED], ['succeeded', SUCCEEDED],
  ['failed', FAILED], ['retried', RETRIED], ['revoked', REVOKED], ['rejected', REJECTED],
]);

function opt(value: number): number | undefined {
  return value === value ? value : undefined; // NaN marks "unknown"
}

/** Rarely-set fields, kept out of the main record until one is set. */
class TaskExtras {
  groupId: string | null | undefined = undefined;
  terminated: boolean | undefined = undefined;
  signum: unknown = undefined;
  expired: boolean | undefined = undefined;
  requeue: boolean | undefined = undefined;
}

export class TaskRecord {
  // Fields every event reads come first: V8 lays them out in this order, so they share a cache line.
  readonly id: string;
  /** Celery state name (PENDING ... REJECTED, or a custom state from a `task-<custom>` event). */
  state: string = PENDING;
  /**
   * @internal Times (see the accessors), then the history: its length and (timestamp, code)
   * pairs. Room for 4 history entries up front, the common lifecycle.
   */
  times: number[] = [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 0, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN];
  /** @internal Position in the state's task index; -1 once evicted (or never indexed). */
  slot = -1;
  /** Worker node that reported it (the last non-`task-sent` event). */
  worker: string | undefined = undefined;
  /** Lamport clock of the state-setting event. */
  clock = 0;
  parentId: string | null | undefined = undefined;
  name: string | undefined = undefined;
  rootId: string | null | undefined = undefined;
  /** The client (`gen<pid>@host`) that sent it, from `task-sent`. */
  client: string | undefined = undefined;
  /** Python repr strings (truncated by Celery), as events carry them. */
  args: string | undefined = undefined;
  kwargs: string | undefined = undefined;
  retries: number | undefined = undefined;
  eta: string | null | undefined = undefined;
  expires: string | null | undefined = undefined;
  queue: string | undefined = undefined;
  exchange: string | undefined = undefined;
  routingKey: string | undefined = undefined;
  /** Repr string from `task-succeeded`, or the real JSON value from the result backend. */
  result: unknown = undefined;
  exception: string | undefined = undefined;
  traceback: string | undefined = undefined;
  /** Ids of known child tasks; undefined until there is one. */
  children: string[] | undefined = undefined;
  /** @internal */
  extras: TaskExtras | undefined = undefined;

  constructor(id: string) {
    this.id = id;
  }

  get sent(): number | undefined { return opt(this.times[SENT]); }
  set sent(v: number | undefined) { this.times[SENT] = time(v); }
  get received(): number | undefined { return opt(this.times[RECEIVED]); }
  set received(v: number | undefined) { this.times[RECEIVED] = time(v); }
  get started(): number | undefined { return opt(this.times[STARTED]); }
  set started(v: number | undefined) { this.times[STARTED] = time(v); }
  get succeeded(): number | undefined { return opt(this.times[SUCCEEDED]); }
  set succeeded(v: number | undefined) { this.times[SUCCEEDED] = time(v); }
  get failed(): number | undefined { return opt(this.times[FAILED]); }
  set failed(v: number | undefined) { this.times[FAILED] = time(v); }
  get retried(): number | undefined { return opt(this.times[RETRIED]); }
  set retried(v: number | undefined) { this.times[RETRIED] = time(v); }
  get revoked(): number | undefined { return opt(this.times[REVOKED]); }
  set revoked(v: number | undefined) { this.times[REVOKED] = time(v); }
  get rejected(): number | undefined { return opt(this.times[REJECTED]); }
  set rejected(v: number | undefined) { this.times[REJECTED] = time(v); }
  /** Time of the event that set the current state. */
  get timestamp(): number | undefined { return opt(this.times[TIMESTAMP]); }
  set timestamp(v: number | undefined) { this.times[TIMESTAMP] = time(v); }
  /** Seconds of execution (`task-succeeded`). */
  get runtime(): number | undefined { return opt(this.times[RUNTIME]); }
  set runtime(v: number | undefined) { this.times[RUNTIME] = time(v); }
  /** Our receive time of the last event about this task (epoch seconds). */
  get lastSeen(): number | undefined { return opt(this.times[LAST_SEEN]); }
  set lastSeen(v: number | undefined) { this.times[LAST_SEEN] = time(v); }

  get groupId(): string | null | undefined { return this.extras?.groupId; }
  set groupId(v: string | null | undefined) { this.extrasForWrite(v).groupId = v; }
  /** `task-revoked` details. */
  get terminated(): boolean | undefined { return this.extras?.terminated; }
  set terminated(v: boolean | undefined) { this.extrasForWrite(v).terminated = v; }
  get signum(): unknown { return this.extras?.signum; }
  set signum(v: unknown) { this.extrasForWrite(v).signum = v; }
  get expired(): boolean | undefined { return this.extras?.expired; }
  set expired(v: boolean | undefined) { this.extrasForWrite(v).expired = v; }
  /** `task-rejected` detail. */
  get requeue(): boolean | undefined { return this.extras?.requeue; }
  set requeue(v: boolean | undefined) { this.extrasForWrite(v).requeue = v; }

  /** The event history, oldest first (at most {@link MAX_TASK_HISTORY}); a new array per call. */
  get history(): TaskHistoryEntry[] {
    const t = this.times;
    const count = t[HISTORY_COUNT];
    const entries: TaskHistoryEntry[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const code = t[HISTORY_START + 2 * i + 1];
      entries[i] = { type: historyType(code), timestamp: t[HISTORY_START + 2 * i], hostname: historyHostname(code) };
    }
    return entries;
  }

  /** Events recorded in {@link history}. */
  get historyLength(): number {
    return this.times[HISTORY_COUNT];
  }

  /** Add a child id once. */
  addChild(childId: string): void {
    if (childId === this.id) return;
    if (this.children === undefined) this.children = [childId];
    else if (!this.children.includes(childId)) this.children.push(childId);
  }

  /**
   * Record one history entry, dropping the oldest beyond {@link MAX_TASK_HISTORY}. `type` is the
   * event type or its typeCode (historyCodes.ts).
   */
  pushHistory(type: string | number, timestamp: number, hostname: string): void {
    const t = this.times;
    let count = t[HISTORY_COUNT];
    if (count >= MAX_TASK_HISTORY) {
      t.copyWithin(HISTORY_START, HISTORY_START + 2, HISTORY_START + 2 * count);
      count--;
    }
    const at = HISTORY_START + 2 * count;
    t[at] = time(timestamp);
    t[at + 1] = historyCode(type, hostname);
    t[HISTORY_COUNT] = count + 1;
  }

  private extrasForWrite(value: unknown): TaskExtras {
    if (this.extras === undefined && value === undefined) return new TaskExtras(); // nothing to keep
    return (this.extras ??= new TaskExtras());
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

/** A number for the times array (anything else would make V8 box every slot). */
function time(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
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
