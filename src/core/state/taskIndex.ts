/**
 * The task indexes behind every tree level: each task has a slot, and lists of slots by state,
 * by task name, by worker and by root id (workflow), plus one list of all tasks. Newest first:
 * - a state's list by when the task entered that state (the one move per state change);
 * - the other lists by when the task joined them: when it was first seen (or, rarely, when its
 *   name/worker/root changed). They are not reordered on state changes, which keeps an event
 *   cheap, and a refresh that changes nothing (an inspect poll) reorders nothing.
 * Several lists of one kind merge by `stateSeq` (states) or `createdSeq` (the others).
 *
 * Separately, every task sits in one of two eviction queues: finished tasks in the order they
 * finished, and the others in the order they were created. Eviction takes the oldest finished
 * task, and an unfinished one only when none is finished; both are O(1).
 */
import { NONE, SlotLists } from './slotLists';
import { idHead, textPrint } from './textPrints';
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
  /** Per slot: when (a change counter) the task entered its current state / was first seen. */
  private stateSeqs: Float64Array;
  private createdSeqs: Float64Array;
  /** Per slot: text print of args + kwargs + exception, and the id's first characters (textPrints.ts). */
  textPrints: Int32Array;
  idHeads: Int32Array;
  /** Per slot: the strings the text print was made of (compared by reference to spot a change). */
  private readonly printed: Array<string | undefined> = [];
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
    this.stateSeqs = new Float64Array(capacity);
    this.createdSeqs = new Float64Array(capacity);
    this.textPrints = new Int32Array(capacity);
    this.idHeads = new Int32Array(capacity);
    this.all = new SlotLists(capacity, ['']);
    this.byState = new SlotLists(capacity, TASK_STATES);
    this.byName = new SlotLists(capacity);
    this.byWorker = new SlotLists(capacity);
    this.byRoot = new SlotLists(capacity);
    this.lifecycle = new SlotLists(capacity, ['finished', 'unfinished']);
    this.allBucket = this.all.bucket('');
  }

  /** When (a change counter) the task in `slot` entered its current state; larger = newer. */
  stateSeq(slot: number): number {
    return this.stateSeqs[slot];
  }

  /** When (same counter) the task in `slot` was first seen. */
  createdSeq(slot: number): number {
    return this.createdSeqs[slot];
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
    const seq = ++this.seq;
    this.stateSeqs[slot] = seq;
    this.createdSeqs[slot] = seq;
    this.idHeads[slot] = idHead(task.id);
    this.printed[3 * slot] = this.printed[3 * slot + 1] = this.printed[3 * slot + 2] = undefined;
    this.textPrints[slot] = 0;
    this.updatePrint(slot, task);
    this.all.linkHead(slot, this.allBucket);
    this.placeState(slot, task);
    this.placeKeys(slot, task);
    this.lifecycle.linkTail(slot, FINISHED_STATES.has(task.state) ? FINISHED : UNFINISHED);
  }

  /**
   * Bring the task's index entries in line with its fields. Returns the state it was indexed
   * under when that changed (the task's previous state), else undefined.
   */
  sync(task: TaskRecord): string | undefined {
    const slot = task.slot;
    if (slot < 0 || this.records[slot] !== task) return undefined;
    this.updatePrint(slot, task);
    this.placeKeys(slot, task);
    const previous = this.byState.keyOf(slot);
    if (previous === task.state) return undefined;
    this.stateSeqs[slot] = ++this.seq;
    this.placeState(slot, task);
    const finished = FINISHED_STATES.has(task.state) ? FINISHED : UNFINISHED;
    if (this.lifecycle.bucketOf(slot) !== finished) {
      this.lifecycle.unlink(slot);
      this.lifecycle.linkTail(slot, finished);
    }
    return previous;
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
    this.printed[3 * slot] = this.printed[3 * slot + 1] = this.printed[3 * slot + 2] = undefined;
    this.freeSlots.push(slot);
    task.slot = -1;
  }

  /** Remake the slot's text print when args, kwargs or exception changed (a reference compare each). */
  private updatePrint(slot: number, task: TaskRecord): void {
    const at = 3 * slot;
    const printed = this.printed;
    const { args, kwargs, exception } = task;
    if (printed[at] === args && printed[at + 1] === kwargs && printed[at + 2] === exception) return;
    printed[at] = args;
    printed[at + 1] = kwargs;
    printed[at + 2] = exception;
    this.textPrints[slot] = textPrint(args) | textPrint(kwargs) | textPrint(exception);
  }

  /** Forget every task. */
  clear(): void {
    for (const task of this.records) if (task) this.remove(task);
  }

  /** Put the slot at the head of its state's list, taking the canonical state string. */
  private placeState(slot: number, task: TaskRecord): void {
    const state = this.byState.bucket(task.state);
    this.byState.moveToHead(slot, state);
    task.state = this.byState.keys[state] as string;
  }

  /** Move the slot to the name/worker/root lists of its keys, where a key changed. */
  private placeKeys(slot: number, task: TaskRecord): void {
    moveIfChanged(this.byName, slot, task.name);
    moveIfChanged(this.byWorker, slot, task.worker);
    const root = moveIfChanged(this.byRoot, slot, rootKey(task));
    // Every member of a workflow shares one copy of the root id.
    if (root !== NONE) task.rootId = this.byRoot.keys[root];
  }

  private takeSlot(): number {
    if (this.freeSlots.length) return this.freeSlots.pop() as number;
    if (this.used === this.capacity) this.grow();
    return this.used++;
  }

  private grow(): void {
    const capacity = Math.max(this.capacity + 1, Math.min(this.capacity * 2, this.maxSlots));
    for (const lists of [this.all, this.byState, this.byName, this.byWorker, this.byRoot, this.lifecycle]) lists.grow(capacity);
    this.stateSeqs = grownFloats(this.stateSeqs, capacity);
    this.createdSeqs = grownFloats(this.createdSeqs, capacity);
    const prints = new Int32Array(capacity);
    prints.set(this.textPrints);
    this.textPrints = prints;
    const heads = new Int32Array(capacity);
    heads.set(this.idHeads);
    this.idHeads = heads;
    this.capacity = capacity;
  }
}

function grownFloats(from: Float64Array, capacity: number): Float64Array {
  const array = new Float64Array(capacity);
  array.set(from);
  return array;
}

/** Link the slot under `key` (no list when undefined) unless it is there already; returns its bucket. */
function moveIfChanged(lists: SlotLists, slot: number, key: string | undefined): number {
  const current = lists.bucketOf(slot);
  if (current === NONE ? key === undefined : lists.keys[current] === key) return current;
  const bucket = key === undefined ? NONE : lists.bucket(key);
  lists.moveToHead(slot, bucket);
  return bucket;
}

/** The workflow a task belongs to as a member: its root id when that is another task. */
export function rootKey(task: TaskRecord): string | undefined {
  const root = task.rootId;
  return root && root !== task.id ? root : undefined;
}
