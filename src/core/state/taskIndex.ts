/**
 * The task indexes behind every tree level: each task has a slot, and lists of slots by state,
 * by task name, by worker and by root id (workflow), plus one list of all tasks. All lists are
 * ordered the same way, newest first by the task's last *change* (a new task, or a change of its
 * state, name, worker or root): any list can be walked, or several merged, in one consistent
 * order, and a refresh that changes nothing (an inspect poll) does not reorder anything.
 *
 * Separately, every task sits in one of two eviction queues: finished tasks in the order they
 * finished, and the others in the order they were created. Eviction takes the oldest finished
 * task, and an unfinished one only when none is finished; both are O(1).
 */
import { NONE, SlotLists } from './slotLists';
import type { TaskRecord } from './taskRecord';
import { FAILURE, PENDING, RECEIVED, REJECTED, RETRY, REVOKED, STARTED, SUCCESS } from './taskStates';

/** Celery's eight states, in the order views list them. */
export const TASK_STATES: readonly string[] = Object.freeze([PENDING, RECEIVED, STARTED, RETRY, SUCCESS, FAILURE, REVOKED, REJECTED]);

/** States in which a task is done (and may be evicted first). */
export const FINISHED_STATES: ReadonlySet<string> = new Set([SUCCESS, FAILURE, REVOKED, REJECTED]);

const FINISHED = 0;
const UNFINISHED = 1;
const INITIAL_CAPACITY = 1024;

export class TaskIndex {
  /** Task per slot. */
  records: Array<TaskRecord | undefined> = [];
  /** Per slot: the change number that placed it in its lists (larger = newer). */
  changeSeq: Float64Array;
  readonly all: SlotLists;
  readonly byState: SlotLists;
  readonly byName: SlotLists;
  readonly byWorker: SlotLists;
  /** Only tasks whose root is another task; a root itself is found by its id. */
  readonly byRoot: SlotLists;
  /** The eviction queues (FINISHED, UNFINISHED). */
  private readonly lifecycle: SlotLists;
  private readonly allBucket: number;
  private capacity = INITIAL_CAPACITY;
  private used = 0;
  private readonly freeSlots: number[] = [];
  private seq = 0;

  constructor(private readonly maxSlots: number) {
    const capacity = Math.min(INITIAL_CAPACITY, maxSlots);
    this.capacity = capacity;
    this.changeSeq = new Float64Array(capacity);
    this.all = new SlotLists(capacity, ['']);
    this.byState = new SlotLists(capacity, TASK_STATES);
    this.byName = new SlotLists(capacity);
    this.byWorker = new SlotLists(capacity);
    this.byRoot = new SlotLists(capacity);
    this.lifecycle = new SlotLists(capacity, ['finished', 'unfinished']);
    this.allBucket = this.all.bucket('');
  }

  /** Tasks indexed. */
  get size(): number {
    return this.all.size[this.allBucket];
  }

  /** Head slot of the list of all tasks (newest first). */
  get newest(): number {
    return this.all.head[this.allBucket];
  }

  /** Index a new task (newest of all). */
  add(task: TaskRecord): void {
    const slot = this.takeSlot();
    this.records[slot] = task;
    task.slot = slot;
    this.changeSeq[slot] = ++this.seq;
    this.all.linkHead(slot, this.allBucket);
    this.placeByKeys(slot, task);
    this.lifecycle.linkTail(slot, FINISHED_STATES.has(task.state) ? FINISHED : UNFINISHED);
  }

  /**
   * Bring the task's index entries in line with its fields. Returns the state it was indexed
   * under when that changed (the task's previous state), else undefined.
   */
  sync(task: TaskRecord): string | undefined {
    const slot = task.slot;
    if (slot < 0 || this.records[slot] !== task) return undefined;
    const stateBucket = this.byState.bucketOf[slot];
    const previous = this.byState.keys[stateBucket];
    const stateChanged = previous !== task.state;
    if (!stateChanged && keyOf(this.byName, slot) === task.name && keyOf(this.byWorker, slot) === task.worker &&
        keyOf(this.byRoot, slot) === rootKey(task)) {
      return undefined;
    }
    this.changeSeq[slot] = ++this.seq;
    this.all.moveToHead(slot, this.allBucket);
    this.placeByKeys(slot, task);
    if (stateChanged) {
      const finished = FINISHED_STATES.has(task.state) ? FINISHED : UNFINISHED;
      if (this.lifecycle.bucketOf[slot] !== finished) {
        this.lifecycle.unlink(slot);
        this.lifecycle.linkTail(slot, finished);
      }
      return previous;
    }
    return undefined;
  }

  /** The task to evict next: the oldest finished one, else the oldest unfinished one. */
  evictionCandidate(): TaskRecord | undefined {
    let slot = this.lifecycle.head[FINISHED];
    if (slot === NONE) slot = this.lifecycle.head[UNFINISHED];
    return slot === NONE ? undefined : this.records[slot];
  }

  /** Drop the task from every list and free its slot. */
  remove(task: TaskRecord): void {
    const slot = task.slot;
    if (slot < 0 || this.records[slot] !== task) return;
    this.all.unlink(slot);
    this.byState.unlink(slot);
    this.byName.unlink(slot);
    this.byWorker.unlink(slot);
    this.byRoot.unlink(slot);
    this.lifecycle.unlink(slot);
    this.records[slot] = undefined;
    this.freeSlots.push(slot);
    task.slot = -1;
  }

  /** Forget every task. */
  clear(): void {
    for (const task of this.records) if (task) this.remove(task);
  }

  /** Link the slot at the head of its state/name/worker/root lists, taking canonical key strings. */
  private placeByKeys(slot: number, task: TaskRecord): void {
    const state = this.byState.bucket(task.state);
    this.byState.moveToHead(slot, state);
    task.state = this.byState.keys[state] as string;
    this.byName.moveToHead(slot, task.name === undefined ? NONE : this.byName.bucket(task.name));
    this.byWorker.moveToHead(slot, task.worker === undefined ? NONE : this.byWorker.bucket(task.worker));
    const root = rootKey(task);
    this.byRoot.moveToHead(slot, root === undefined ? NONE : this.byRoot.bucket(root));
  }

  private takeSlot(): number {
    if (this.freeSlots.length) return this.freeSlots.pop() as number;
    if (this.used === this.capacity) this.grow();
    return this.used++;
  }

  private grow(): void {
    const capacity = Math.max(this.capacity + 1, Math.min(this.capacity * 2, this.maxSlots));
    for (const lists of [this.all, this.byState, this.byName, this.byWorker, this.byRoot, this.lifecycle]) lists.grow(capacity);
    const seq = new Float64Array(capacity);
    seq.set(this.changeSeq);
    this.changeSeq = seq;
    this.capacity = capacity;
  }
}

function keyOf(lists: SlotLists, slot: number): string | undefined {
  const bucket = lists.bucketOf[slot];
  return bucket === NONE ? undefined : lists.keys[bucket];
}

/** The workflow a task belongs to as a member: its root id when that is another task. */
export function rootKey(task: TaskRecord): string | undefined {
  const root = task.rootId;
  return root && root !== task.id ? root : undefined;
}
