/**
 * Doubly-linked lists of task slots, one list per key (a state, a task name, a worker...), kept
 * in typed arrays indexed by slot: linking, unlinking and moving a task are O(1), and walking a
 * list reads only integers (no task object), so even a 100k-entry walk takes about a millisecond.
 * The arrays hold no pointers, so they also cost the garbage collector nothing.
 *
 * Buckets (one per key) are numbered; a bucket whose list empties is freed and its number reused,
 * unless its key is pinned (the known states, which views always show).
 */

/** "No slot" / "no bucket". */
export const NONE = -1;

export class SlotLists {
  /** Per slot: previous and next slot in its list (towards the head / the tail). */
  prev: Int32Array;
  next: Int32Array;
  /** Per slot: the bucket its list belongs to, or NONE. */
  bucketOf: Int32Array;
  /** Per bucket: first and last slot, entry count, key. */
  readonly head: number[] = [];
  readonly tail: number[] = [];
  readonly size: number[] = [];
  readonly keys: Array<string | undefined> = [];
  private readonly ids = new Map<string, number>();
  private readonly pinned = new Set<string>();
  private readonly freeBuckets: number[] = [];

  constructor(capacity: number, pinnedKeys: readonly string[] = []) {
    this.prev = new Int32Array(capacity).fill(NONE);
    this.next = new Int32Array(capacity).fill(NONE);
    this.bucketOf = new Int32Array(capacity).fill(NONE);
    for (const key of pinnedKeys) {
      this.pinned.add(key);
      this.bucket(key);
    }
  }

  /** Make room for slots up to `capacity` - 1. */
  grow(capacity: number): void {
    this.prev = grown(this.prev, capacity);
    this.next = grown(this.next, capacity);
    this.bucketOf = grown(this.bucketOf, capacity);
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
    const first = this.head[bucket];
    this.prev[slot] = NONE;
    this.next[slot] = first;
    if (first === NONE) this.tail[bucket] = slot;
    else this.prev[first] = slot;
    this.head[bucket] = slot;
    this.bucketOf[slot] = bucket;
    this.size[bucket]++;
  }

  /** Link `slot` (not in any list) at the tail of `bucket`. */
  linkTail(slot: number, bucket: number): void {
    const last = this.tail[bucket];
    this.next[slot] = NONE;
    this.prev[slot] = last;
    if (last === NONE) this.head[bucket] = slot;
    else this.next[last] = slot;
    this.tail[bucket] = slot;
    this.bucketOf[slot] = bucket;
    this.size[bucket]++;
  }

  /** Take `slot` out of its list (no-op when it is in none); frees an emptied unpinned bucket. */
  unlink(slot: number): void {
    const bucket = this.bucketOf[slot];
    if (bucket === NONE) return;
    const before = this.prev[slot];
    const after = this.next[slot];
    if (before === NONE) this.head[bucket] = after;
    else this.next[before] = after;
    if (after === NONE) this.tail[bucket] = before;
    else this.prev[after] = before;
    this.prev[slot] = NONE;
    this.next[slot] = NONE;
    this.bucketOf[slot] = NONE;
    if (--this.size[bucket] === 0) this.release(bucket);
  }

  /** Put `slot` at the head of `bucket` (or of no list when `bucket` is NONE). */
  moveToHead(slot: number, bucket: number): void {
    if (this.bucketOf[slot] === bucket && this.head[bucket] === slot) return;
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

function grown(array: Int32Array, capacity: number): Int32Array {
  if (capacity <= array.length) return array;
  const bigger = new Int32Array(capacity).fill(NONE);
  bigger.set(array);
  return bigger;
}
