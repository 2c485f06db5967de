/**
 * Doubly-linked lists of task slots, one list per key (a state, a task name, a worker...): linking,
 * unlinking and moving a task are O(1), and walking a list reads only integers (no task object).
 *
 * Links live in dense typed arrays, one per field (prev, next, bucket), indexed by slot: at 100k
 * slots each is 400 KB, small enough to stay in cache, so a walk over 100k entries takes about a
 * millisecond (one interleaved row per slot was tried: events got slightly cheaper, but a walk
 * touched a cache line per slot and got ten times slower). The arrays hold no pointers, so they
 * cost the garbage collector nothing.
 *
 * Buckets (one per key) are numbered; a bucket whose list empties is freed and its number reused,
 * unless its key is pinned (the known states, which views always show).
 */

/** "No slot" / "no bucket". */
export const NONE = -1;

/** A dense Int32Array of `capacity` entries filled with NONE, keeping `from`'s entries. */
export function grownInts(from: Int32Array | undefined, capacity: number): Int32Array {
  const array = new Int32Array(capacity).fill(NONE);
  if (from) array.set(from.subarray(0, Math.min(from.length, capacity)));
  return array;
}

export class SlotLists {
  /** Per slot: previous and next slot in its list (towards the head / the tail), and its bucket. */
  private prevs: Int32Array;
  private nexts: Int32Array;
  private buckets: Int32Array;
  /** Per bucket: first and last slot, entry count, key. */
  readonly head: number[] = [];
  readonly tail: number[] = [];
  readonly size: number[] = [];
  readonly keys: Array<string | undefined> = [];
  private readonly ids = new Map<string, number>();
  private readonly pinned = new Set<string>();
  private readonly freeBuckets: number[] = [];

  constructor(capacity: number, pinnedKeys: readonly string[] = []) {
    this.prevs = grownInts(undefined, capacity);
    this.nexts = grownInts(undefined, capacity);
    this.buckets = grownInts(undefined, capacity);
    for (const key of pinnedKeys) {
      this.pinned.add(key);
      this.bucket(key);
    }
  }

  /** Make room for slots up to `capacity` - 1. */
  grow(capacity: number): void {
    this.prevs = grownInts(this.prevs, capacity);
    this.nexts = grownInts(this.nexts, capacity);
    this.buckets = grownInts(this.buckets, capacity);
  }

  /** The slot before `slot` in its list (towards the head), or NONE. */
  prev(slot: number): number {
    return this.prevs[slot];
  }

  /** The slot after `slot` in its list (towards the tail), or NONE. */
  next(slot: number): number {
    return this.nexts[slot];
  }

  /** The bucket of the list `slot` is in, or NONE. */
  bucketOf(slot: number): number {
    return this.buckets[slot];
  }

  /** The key of the list `slot` is in, or undefined. */
  keyOf(slot: number): string | undefined {
    const bucket = this.buckets[slot];
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
    const first = this.head[bucket];
    this.prevs[slot] = NONE;
    this.nexts[slot] = first;
    this.buckets[slot] = bucket;
    if (first === NONE) this.tail[bucket] = slot;
    else this.prevs[first] = slot;
    this.head[bucket] = slot;
    this.size[bucket]++;
  }

  /** Link `slot` (not in any list) at the tail of `bucket`. */
  linkTail(slot: number, bucket: number): void {
    const last = this.tail[bucket];
    this.nexts[slot] = NONE;
    this.prevs[slot] = last;
    this.buckets[slot] = bucket;
    if (last === NONE) this.head[bucket] = slot;
    else this.nexts[last] = slot;
    this.tail[bucket] = slot;
    this.size[bucket]++;
  }

  /** Take `slot` out of its list (no-op when it is in none); frees an emptied unpinned bucket. */
  unlink(slot: number): void {
    const bucket = this.buckets[slot];
    if (bucket === NONE) return;
    const before = this.prevs[slot];
    const after = this.nexts[slot];
    if (before === NONE) this.head[bucket] = after;
    else this.nexts[before] = after;
    if (after === NONE) this.tail[bucket] = before;
    else this.prevs[after] = before;
    this.prevs[slot] = NONE;
    this.nexts[slot] = NONE;
    this.buckets[slot] = NONE;
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
