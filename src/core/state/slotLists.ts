/**
 * Doubly-linked lists of task slots, one list per key (a state, a task name, a worker...): linking,
 * unlinking and moving a task are O(1), and walking a list reads only integers (no task object),
 * so even a 100k-entry walk takes about a millisecond.
 *
 * Every list of every kind lives in one {@link SlotTable}: a typed array with a fixed row of
 * integers per slot, so what one event touches about a task (its place in the state, name, worker
 * and root lists) shares a cache line instead of being spread over a dozen arrays. The table
 * holds no pointers, so it also costs the garbage collector nothing.
 *
 * Buckets (one per key) are numbered; a bucket whose list empties is freed and its number reused,
 * unless its key is pinned (the known states, which views always show).
 */

/** "No slot" / "no bucket". */
export const NONE = -1;

/** Integers per slot: two cache lines, the first holding what every event reads. */
export const SLOT_STRIDE = 32;

/** The per-slot integer rows, shared by every list kind (and the index's own fields). */
export class SlotTable {
  data: Int32Array;

  constructor(public capacity: number) {
    this.data = new Int32Array(capacity * SLOT_STRIDE).fill(NONE);
  }

  /** Make room for slots up to `capacity` - 1. */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const bigger = new Int32Array(capacity * SLOT_STRIDE).fill(NONE);
    bigger.set(this.data);
    this.data = bigger;
    this.capacity = capacity;
  }
}

export class SlotLists {
  /** Per bucket: first and last slot, entry count, key. */
  readonly head: number[] = [];
  readonly tail: number[] = [];
  readonly size: number[] = [];
  readonly keys: Array<string | undefined> = [];
  private readonly ids = new Map<string, number>();
  private readonly pinned = new Set<string>();
  private readonly freeBuckets: number[] = [];

  /** The lists keep (prev, next, bucket) at `base`, `base + 1`, `base + 2` of each slot's row. */
  constructor(private readonly table: SlotTable, private readonly base: number, pinnedKeys: readonly string[] = []) {
    for (const key of pinnedKeys) {
      this.pinned.add(key);
      this.bucket(key);
    }
  }

  /** The slot before `slot` in its list (towards the head), or NONE. */
  prev(slot: number): number {
    return this.table.data[slot * SLOT_STRIDE + this.base];
  }

  /** The slot after `slot` in its list (towards the tail), or NONE. */
  next(slot: number): number {
    return this.table.data[slot * SLOT_STRIDE + this.base + 1];
  }

  /** The bucket of the list `slot` is in, or NONE. */
  bucketOf(slot: number): number {
    return this.table.data[slot * SLOT_STRIDE + this.base + 2];
  }

  /** The key of the list `slot` is in, or undefined. */
  keyOf(slot: number): string | undefined {
    const bucket = this.table.data[slot * SLOT_STRIDE + this.base + 2];
    return bucket === NONE ? undefined : this.keys[bucket];
  }

  /** The bucket of `key`, created when missing. */
  bucket(key: string): number {
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    id = this.freeBuckets.length ? (this.freeBuckets.pop() as number) : this.keys.length;
    this.ids.set(key, id);
    this.keys[id] = key;
    this.head[id] = NONE;
    this.tail[id] = NONE;
    this.size[id] = 0;
    return id;
  }

  /** The bucket of `key`, or NONE when no task has that key. */
  find(key: string): number {
    return this.ids.get(key) ?? NONE;
  }

  /** Entries under `key` (0 when none). */
  count(key: string): number {
    const id = this.ids.get(key);
    return id === undefined ? 0 : this.size[id];
  }

  /** The keys that have a bucket now (pinned ones even when empty). */
  keyList(): string[] {
    return [...this.ids.keys()];
  }

  /** Link `slot` (not in any list) at the head of `bucket`. */
  linkHead(slot: number, bucket: number): void {
    const data = this.table.data;
    const at = slot * SLOT_STRIDE + this.base;
    const first = this.head[bucket];
    data[at] = NONE;
    data[at + 1] = first;
    data[at + 2] = bucket;
    if (first === NONE) this.tail[bucket] = slot;
    else data[first * SLOT_STRIDE + this.base] = slot;
    this.head[bucket] = slot;
    this.size[bucket]++;
  }

  /** Link `slot` (not in any list) at the tail of `bucket`. */
  linkTail(slot: number, bucket: number): void {
    const data = this.table.data;
    const at = slot * SLOT_STRIDE + this.base;
    const last = this.tail[bucket];
    data[at] = last;
    data[at + 1] = NONE;
    data[at + 2] = bucket;
    if (last === NONE) this.head[bucket] = slot;
    else data[last * SLOT_STRIDE + this.base + 1] = slot;
    this.tail[bucket] = slot;
    this.size[bucket]++;
  }

  /** Take `slot` out of its list (no-op when it is in none); frees an emptied unpinned bucket. */
  unlink(slot: number): void {
    const data = this.table.data;
    const base = this.base;
    const at = slot * SLOT_STRIDE + base;
    const bucket = data[at + 2];
    if (bucket === NONE) return;
    const before = data[at];
    const after = data[at + 1];
    if (before === NONE) this.head[bucket] = after;
    else data[before * SLOT_STRIDE + base + 1] = after;
    if (after === NONE) this.tail[bucket] = before;
    else data[after * SLOT_STRIDE + base] = before;
    data[at] = NONE;
    data[at + 1] = NONE;
    data[at + 2] = NONE;
    if (--this.size[bucket] === 0) this.release(bucket);
  }

  /** Put `slot` at the head of `bucket` (or of no list when `bucket` is NONE). */
  moveToHead(slot: number, bucket: number): void {
    if (bucket !== NONE && this.head[bucket] === slot) return;
    this.unlink(slot);
    if (bucket !== NONE) this.linkHead(slot, bucket);
  }

  private release(bucket: number): void {
    const key = this.keys[bucket] as string;
    if (this.pinned.has(key)) return;
    this.ids.delete(key);
    this.keys[bucket] = undefined;
    this.freeBuckets.push(bucket);
  }
}
