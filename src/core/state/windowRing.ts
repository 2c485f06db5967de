/**
 * A ring of time buckets, each a row of counters, for rolling windows with O(1) updates and
 * fixed memory: bucket `floor(t / width)` lives in row `bucket % length`, and a row still
 * holding an older bucket is reset when a newer one claims it. A value older than the ring
 * reaches is dropped. Times are epoch seconds.
 */
export class WindowRing {
  /** Bucket number held by each row (-1: empty). */
  private readonly epochs: Float64Array;
  /** `length` rows of `stride` counters. */
  readonly counts: Uint32Array;
  /** One float per row (e.g. a sum of runtimes). */
  readonly sums: Float64Array;

  constructor(readonly width: number, readonly length: number, readonly stride: number) {
    this.epochs = new Float64Array(length).fill(-1);
    this.counts = new Uint32Array(length * stride);
    this.sums = new Float64Array(length);
  }

  /** Seconds the ring spans. */
  get span(): number {
    return this.width * this.length;
  }

  /** The row for time `at`, claimed (reset) if it held an older bucket; -1 when `at` is too old. */
  row(at: number): number {
    const bucket = Math.floor(at / this.width);
    if (!(bucket >= 0)) return -1; // NaN, negative
    const row = bucket % this.length;
    const held = this.epochs[row];
    if (held === bucket) return row;
    if (held > bucket) return -1;
    this.epochs[row] = bucket;
    this.counts.fill(0, row * this.stride, (row + 1) * this.stride);
    this.sums[row] = 0;
    return row;
  }

  /** Add `amount` to counter `field` at time `at`. */
  add(at: number, field: number, amount = 1): void {
    const row = this.row(at);
    if (row >= 0) this.counts[row * this.stride + field] += amount;
  }

  /**
   * Visit the rows of the buckets from the one holding `from` through the one holding `to`
   * (inclusive), oldest first; `visit` gets the row (or -1 for a bucket with no data) and the
   * bucket's start time. Buckets older than the ring reaches from `to` are skipped.
   */
  forEachBucket(from: number, to: number, visit: (row: number, start: number) => void): void {
    const last = Math.floor(to / this.width);
    const first = Math.max(Math.floor(from / this.width), last - this.length + 1);
    for (let bucket = first; bucket <= last; bucket++) {
      const row = bucket % this.length;
      visit(row >= 0 && this.epochs[row] === bucket ? row : -1, bucket * this.width);
    }
  }

  /** Sum counter `field` over the buckets from `from` through `to`. */
  total(from: number, to: number, field: number): number {
    let sum = 0;
    this.forEachBucket(from, to, (row) => {
      if (row >= 0) sum += this.counts[row * this.stride + field];
    });
    return sum;
  }

  clear(): void {
    this.epochs.fill(-1);
    this.counts.fill(0);
    this.sums.fill(0);
  }
}
