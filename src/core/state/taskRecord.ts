/**
 * One task as the event stream (and, merged in, inspect replies and the result backend) describe
 * it. Built to be small, since 100k of them stay in memory: one class shape, no closure per task,
 * every time and the event history packed in one array of doubles (`NaN` = unknown), and the
 * fields few tasks use (revoke/reject details, group id) in a side object made on first use.
 * The accessors keep the plain-field API (`task.sent`, `task.history`, ...).
 *
 * Times are epoch seconds (the sender's clock, adjusted to our zone).
 */
import { historyCode, historyHostname, historyType } from './historyCodes';
import { PENDING } from './taskStates';
import {
  FAILED, HISTORY_COUNT, HISTORY_START, LAST_SEEN, RECEIVED, REJECTED, RETRIED, REVOKED, RUNTIME, SENT, STARTED, SUCCEEDED, TIMESTAMP,
  toTime as time,
} from './taskTimes';

export { applyTaskEvent, applyTaskEventOfKind, taskEventKind } from './taskEvents';
export type { StringInterner, TaskEventKind } from './taskEvents';

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
  traceparent: string | null | undefined = undefined;
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
  /** Pool process that ran the latest attempt (`task-started`'s `pid`); 0 when unknown. */
  pid = 0;

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

  /**
   * The W3C `traceparent` header of the task's message (as OpenTelemetry's Celery instrumentation
   * injects it): undefined when no message of the task was read (events carry no headers), null
   * when one was read without it. Stored as received (untrusted); parse it with traceparent.ts.
   */
  get traceparent(): string | null | undefined { return this.extras?.traceparent; }
  set traceparent(v: string | null | undefined) { this.extrasForWrite(v).traceparent = v; }

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
