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
 * - task memory is bounded by `maxTasks` (oldest first out, by first appearance).
 */
import type { CeleryEvent, TaskMessage } from '../celery/types';
import { EventClock, isKnownEventType } from '../celery/events';
import { applyTaskEvent, TaskRecord } from './taskRecord';
import { applyWorkerEvent, WorkerRecord } from './workerRecord';
import * as merges from './merges';

export interface ClusterStateOptions {
  /** Current time in epoch seconds (injectable for tests). */
  now?: () => number;
  /** Most tasks kept; the oldest are dropped beyond it (default 100 000). */
  maxTasks?: number;
}

export class ClusterState {
  readonly workers = new Map<string, WorkerRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  /** The receiver's Lamport clock: pass it to decodeEventMessage({ clock }). */
  readonly clock = new EventClock();
  /** Events applied. */
  eventCount = 0;
  /** Events per type, unknown types included. */
  readonly eventTypeCounts = new Map<string, number>();
  /** Events whose type is not one Celery 5 sends. */
  unknownEventCount = 0;
  readonly now: () => number;
  readonly maxTasks: number;
  /** Children seen before their parent: parent id -> child ids. */
  private readonly orphans = new Map<string, string[]>();

  constructor(options: ClusterStateOptions = {}) {
    this.now = options.now ?? (() => Date.now() / 1000);
    this.maxTasks = options.maxTasks ?? 100_000;
  }

  /** Apply one decoded event. Returns the task or worker it touched, if any. */
  apply(event: CeleryEvent): TaskRecord | WorkerRecord | undefined {
    this.eventCount++;
    const type = event.type;
    this.eventTypeCounts.set(type, (this.eventTypeCounts.get(type) ?? 0) + 1);
    if (!isKnownEventType(type)) this.unknownEventCount++;
    const dash = type.indexOf('-');
    if (dash < 0) return undefined;
    const group = type.slice(0, dash);
    const subject = type.slice(dash + 1);
    if (group === 'task') return this.applyTask(subject, event);
    if (group === 'worker') {
      if (!event.hostname) return undefined;
      const worker = this.getOrCreateWorker(event.hostname);
      applyWorkerEvent(worker, subject, event);
      return worker;
    }
    return undefined;
  }

  private applyTask(subject: string, event: CeleryEvent): TaskRecord | undefined {
    const id = event.uuid;
    if (typeof id !== 'string' || id === '') return undefined;
    const task = this.getOrCreateTask(id);
    if (subject !== 'sent' && event.hostname) {
      this.getOrCreateWorker(event.hostname).heartbeat(event.local_received, event.timestamp);
    }
    const parentBefore = task.parentId;
    applyTaskEvent(task, subject, event);
    if (task.parentId !== parentBefore) this.linkParent(task);
    return task;
  }

  /** Register `task` as a child of its parent (now, or when the parent shows up). */
  linkParent(task: TaskRecord): void {
    const parentId = task.parentId;
    if (!parentId || parentId === task.id) return;
    const parent = this.tasks.get(parentId);
    if (parent) {
      parent.addChild(task.id);
      return;
    }
    const waiting = this.orphans.get(parentId);
    if (!waiting) this.orphans.set(parentId, [task.id]);
    else if (!waiting.includes(task.id)) waiting.push(task.id);
  }

  getOrCreateTask(id: string): TaskRecord {
    let task = this.tasks.get(id);
    if (task) return task;
    task = new TaskRecord(id);
    this.tasks.set(id, task);
    const waiting = this.orphans.get(id);
    if (waiting) {
      this.orphans.delete(id);
      for (const child of waiting) task.addChild(child);
    }
    if (this.tasks.size > this.maxTasks) this.evictOldestTask();
    return task;
  }

  private evictOldestTask(): void {
    const oldest = this.tasks.keys().next();
    if (!oldest.done) {
      this.tasks.delete(oldest.value);
      this.orphans.delete(oldest.value);
    }
  }

  getOrCreateWorker(hostname: string): WorkerRecord {
    let worker = this.workers.get(hostname);
    if (!worker) {
      worker = new WorkerRecord(hostname);
      this.workers.set(hostname, worker);
    }
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

  /** Forget everything (workers, tasks, counters); the clock keeps running. */
  clear(): void {
    this.workers.clear();
    this.tasks.clear();
    this.orphans.clear();
    this.eventTypeCounts.clear();
    this.eventCount = 0;
    this.unknownEventCount = 0;
  }
}
