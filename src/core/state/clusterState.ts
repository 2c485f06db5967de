/**
 * The cluster as the event stream tells it, following Celery's `celery/events/state.py`:
 * workers with heartbeat liveness, tasks with PRECEDENCE merging, parent/child links, counters.
 * Inspect replies and result-backend metadata can be merged in (merges.ts), and snapshot.ts turns
 * it into the CLI/UI snapshot shape.
 *
 * Deliberate differences from Celery's State:
 * - a worker that sends `worker-offline` is kept, marked offline with no heartbeats, so a UI can
 *   show it left (Celery's State also keeps it, unless an `on_node_leave` callback is set);
 * - a task event from a worker counts as a heartbeat at OUR receive time (Celery passes the two
 *   times swapped there, so it records the sender's time);
 * - a `parent_id` equal to the task's own id (what a retried message carries) is ignored, so the
 *   task tree has no self-loops;
 * - task memory is bounded by `maxTasks`: the oldest finished task goes first (by finish order),
 *   an unfinished one only when no task is finished (see taskIndex.ts).
 *
 * Every change to a task goes through {@link ClusterState.touch}, which keeps the indexes
 * (taskIndex.ts, read by selectors.ts) and the rolling statistics (taskStats.ts) in step.
 */
import type { CeleryEvent, TaskMessage } from '../celery/types';
import { EventClock } from '../celery/events';
import { EventKinds, WORKER_GROUP } from './eventKinds';
import { applyTaskEventOfKind, TaskEventKind } from './taskEvents';
import { TaskRecord } from './taskRecord';
import { applyWorkerEvent, WorkerRecord } from './workerRecord';
import { StringPool } from './stringPool';
import { TaskIndex } from './taskIndex';
import { TaskStats } from './taskStats';
import * as merges from './merges';

export { MAX_EVENT_TYPES } from './eventKinds';

export interface ClusterStateOptions {
  /** Current time in epoch seconds (injectable for tests). */
  now?: () => number;
  /** Most tasks kept; beyond it the oldest finished task is dropped (default 100 000). */
  maxTasks?: number;
}

export class ClusterState {
  /** Workers by hostname. Deleting one (forgetting an offline worker) is fine. */
  readonly workers: Map<string, WorkerRecord> = new WorkerMap(() => {
    this.lastWorker = undefined;
  });
  /** Every task kept, by id, in order of first appearance. Read-only: change tasks through the state. */
  readonly tasks: ReadonlyMap<string, TaskRecord>;
  /** Indexes by state, name, worker and root id (read them through selectors.ts). */
  readonly index: TaskIndex;
  /** Rolling counters per task name and worker. */
  readonly stats: TaskStats;
  /** One copy of strings many tasks share (names, hostnames, reprs, tracebacks). */
  readonly strings = new StringPool();
  /** Tasks dropped to stay within `maxTasks`. */
  evictedCount = 0;
  /** The receiver's Lamport clock: pass it to decodeEventMessage({ clock }). */
  readonly clock = new EventClock();
  /** Events applied. */
  eventCount = 0;
  /** Events whose type is not one Celery 5 sends. */
  unknownEventCount = 0;
  readonly now: () => number;
  readonly maxTasks: number;
  /** Children seen before their parent: parent id -> child ids. */
  private readonly orphans = new Map<string, string[]>();
  private readonly taskMap = new Map<string, TaskRecord>();
  private readonly kinds = new EventKinds();
  /** The worker of the last event (events come in batches from one worker). */
  private lastWorker: WorkerRecord | undefined = undefined;

  constructor(options: ClusterStateOptions = {}) {
    this.now = options.now ?? (() => Date.now() / 1000);
    this.maxTasks = Math.max(1, Math.floor(options.maxTasks ?? 100_000));
    this.tasks = this.taskMap;
    this.index = new TaskIndex(this.maxTasks);
    this.stats = new TaskStats(this.now);
  }

  /** Apply one decoded event. Returns the task or worker it touched, if any. */
  apply(event: CeleryEvent): TaskRecord | WorkerRecord | undefined {
    this.eventCount++;
    const kind = this.kinds.of(event.type);
    kind.count++;
    if (!kind.known) this.unknownEventCount++;
    if (kind.task !== undefined) return this.applyTask(kind.task, event);
    if (kind.group === WORKER_GROUP) {
      if (!event.hostname) return undefined;
      const worker = this.getOrCreateWorker(event.hostname);
      applyWorkerEvent(worker, kind.subject, event);
      return worker;
    }
    return undefined;
  }

  /** Events per type, unknown types included (the first MAX_EVENT_TYPES types seen, see eventKinds.ts). */
  get eventTypeCounts(): Map<string, number> {
    return this.kinds.counts();
  }

  private applyTask(kind: TaskEventKind, event: CeleryEvent): TaskRecord | undefined {
    const id = event.uuid;
    if (typeof id !== 'string' || id === '') return undefined;
    const task = this.getOrCreateTask(id);
    let worker: WorkerRecord | undefined;
    if (!kind.isSent && event.hostname) {
      worker = this.getOrCreateWorker(event.hostname);
      worker.heartbeat(event.local_received, event.timestamp);
    }
    const parentBefore = task.parentId;
    applyTaskEventOfKind(task, kind, event, this.strings, worker?.hostname);
    if (task.parentId !== parentBefore) this.linkParent(task);
    this.touch(task, event.local_received);
    return task;
  }

  /**
   * Re-sync the indexes and statistics with a task whose fields were just changed (apply and the
   * merges call it; call it after changing a task any other way). A state change is counted in
   * the statistics at time `at` (default: now). Cheap when nothing indexed changed.
   */
  touch(task: TaskRecord, at?: number): void {
    const previous = this.index.sync(task);
    if (previous !== undefined) this.stats.record(task, at !== undefined && at === at ? at : this.now());
  }

  /** Register `task` as a child of its parent (now, or when the parent shows up). */
  linkParent(task: TaskRecord): void {
    const parentId = task.parentId;
    if (!parentId || parentId === task.id) return;
    const parent = this.taskMap.get(parentId);
    if (parent) {
      task.parentId = parent.id; // one copy of the id string
      parent.addChild(task.id);
      return;
    }
    const waiting = this.orphans.get(parentId);
    if (!waiting) this.orphans.set(parentId, [task.id]);
    else if (!waiting.includes(task.id)) waiting.push(task.id);
  }

  /** The task with this id, created (PENDING, indexed) when unknown; may evict another to make room. */
  getOrCreateTask(id: string): TaskRecord {
    let task = this.taskMap.get(id);
    if (task) return task;
    while (this.taskMap.size >= this.maxTasks && this.evictOne());
    task = new TaskRecord(id);
    this.taskMap.set(id, task);
    this.index.add(task);
    const waiting = this.orphans.size ? this.orphans.get(id) : undefined;
    if (waiting) {
      this.orphans.delete(id);
      for (const child of waiting) task.addChild(child);
    }
    return task;
  }

  /** Drop one task: the oldest finished, else the oldest unfinished. False when there is none. */
  private evictOne(): boolean {
    const task = this.index.evictionCandidate();
    if (!task) return false;
    this.forgetTask(task);
    this.evictedCount++;
    return true;
  }

  /** Take a task out of the state (the record itself stays valid for whoever still holds it). */
  private forgetTask(task: TaskRecord): void {
    this.index.remove(task);
    this.taskMap.delete(task.id);
    this.orphans.delete(task.id);
    // A child still waiting for this parent would otherwise keep an orphan entry forever.
    const parentId = task.parentId;
    if (parentId && !this.taskMap.has(parentId)) {
      const waiting = this.orphans.get(parentId);
      const at = waiting ? waiting.indexOf(task.id) : -1;
      if (waiting && at >= 0) {
        waiting.splice(at, 1);
        if (waiting.length === 0) this.orphans.delete(parentId);
      }
    }
  }

  getOrCreateWorker(hostname: string): WorkerRecord {
    const last = this.lastWorker;
    if (last !== undefined && last.hostname === hostname) return last;
    let worker = this.workers.get(hostname);
    if (!worker) {
      worker = new WorkerRecord(hostname);
      this.workers.set(hostname, worker);
    }
    this.lastWorker = worker;
    return worker;
  }

  /** Alive by Celery's rule, at `now` (default: the state's clock). */
  isAlive(worker: WorkerRecord, now: number = this.now()): boolean {
    return worker.isAlive(now);
  }

  /** Workers alive now. */
  aliveWorkers(now: number = this.now()): WorkerRecord[] {
    const alive: WorkerRecord[] = [];
    for (const worker of this.workers.values()) if (worker.isAlive(now)) alive.push(worker);
    return alive;
  }

  /**
   * Merge a result-backend record: Celery's `celery-task-meta-<id>` JSON, or the backend's parsed
   * TaskMeta. Returns the task, or undefined if `meta` is neither.
   */
  mergeTaskFromResult(meta: unknown): TaskRecord | undefined {
    return merges.mergeTaskFromResult(this, meta);
  }

  /** Merge what a task message (e.g. peeked from a queue) says about its task. */
  mergeTaskFromMessage(message: TaskMessage): TaskRecord {
    return merges.mergeTaskFromMessage(this, message);
  }

  /** Merge one worker's `inspect stats` reply. */
  mergeWorkerStats(hostname: string, stats: unknown): WorkerRecord {
    return merges.mergeWorkerStats(this, hostname, stats);
  }

  /** Merge one worker's `inspect active` reply (request dicts). */
  mergeActive(hostname: string, requests: unknown): WorkerRecord {
    return merges.mergeRequests(this, hostname, requests, 'active');
  }

  /** Merge one worker's `inspect reserved` reply (request dicts). */
  mergeReserved(hostname: string, requests: unknown): WorkerRecord {
    return merges.mergeRequests(this, hostname, requests, 'reserved');
  }

  /** Merge one worker's `inspect registered` reply (task names, maybe with ` [attr=...]`). */
  mergeRegistered(hostname: string, names: unknown): WorkerRecord {
    return merges.mergeRegistered(this, hostname, names);
  }

  /** Merge one worker's `inspect active_queues` reply (kombu Queue dicts). */
  mergeActiveQueues(hostname: string, queues: unknown): WorkerRecord {
    return merges.mergeActiveQueues(this, hostname, queues);
  }

  /** Forget everything (workers, tasks, counters, statistics); the clock keeps running. */
  clear(): void {
    this.workers.clear();
    this.index.clear();
    this.taskMap.clear();
    this.orphans.clear();
    this.stats.clear();
    this.strings.clear();
    this.evictedCount = 0;
    this.kinds.clear();
    this.eventCount = 0;
    this.unknownEventCount = 0;
  }
}

/** A Map that tells its owner when entries go, so a cached entry is never stale. */
class WorkerMap extends Map<string, WorkerRecord> {
  constructor(private readonly onRemove: () => void) {
    super();
  }

  override delete(key: string): boolean {
    this.onRemove();
    return super.delete(key);
  }

  override clear(): void {
    this.onRemove();
    super.clear();
  }
}
