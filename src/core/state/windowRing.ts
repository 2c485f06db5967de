/**
 * A ring of time buckets, each a row of counters (and one float, e.g. a runtime sum), for rolling
 * windows with O(1) updates and fixed memory: bucket `floor(t / width)` lives in row
 * `bucket % length`, and a row still holding an older bucket is reclaimed when a newer one needs
 * it. Times are epoch seconds.
 *
 * Rings cascade: a reclaimed row is first added into the `coarser` ring (e.g. 10 s buckets into
 * 2 minute ones), so a value is written once, into the finest ring, and every value lives in
 * exactly one ring at a time. A query therefore sums all rings of the cascade over the window,
 * each at its own resolution. A value older than every ring reaches is dropped.
 */
export class WindowRing {
  /** Bucket number held by each row (-1: empty). */
  private readonly epochs: Float64Array;
  /** `length` rows of `stride` counters. */
  readonly counts: Uint32Array;
  /** One float per row (e.g. a sum of runtimes). */
  readonly sums: Float64Array;

  constructor(readonly width: number, readonly length: number, readonly stride: number, readonly coarser?: WindowRing) {
    this.epochs = new Float64Array(length).fill(-1);
    this.counts = new Uint32Array(length * stride);
    this.sums = new Float64Array(length);
  }

  /** Seconds the ring spans. */
  get span(): number {
    return this.width * this.length;
  }

  /** The row for time `at`, reclaimed if it held an older bucket; -1 when `at` is too old. */
  row(at: number): number {
    const bucket = Math.floor(at / this.width);
    if (!(bucket >= 0)) return -1; // NaN, negative
    const row = bucket % this.length;
    const held = this.epochs[row];
    if (held === bucket) return row;
    if (held > bucket) return this.coarser ? -2 : -1; // older than this ring reaches: maybe a coarser one
    if (held >= 0 && this.coarser) this.coarser.absorb(held * this.width, this, row);
    this.epochs[row] = bucket;
    this.counts.fill(0, row * this.stride, (row + 1) * this.stride);
    this.sums[row] = 0;
    return row;
  }

  /** Add `amount` to counter `field` at time `at` (in this ring, or a coarser one for old times). */
  add(at: number, field: number, amount = 1): void {
    const row = this.row(at);
    if (row >= 0) this.counts[row * this.stride + field] += amount;
    else if (row === -2) this.coarser?.add(at, field, amount);
  }

  /** The ring (this or a coarser one) and row that take a value for time `at`, or undefined. */
  target(at: number): { ring: WindowRing; row: number } | undefined {
    const row = this.row(at);
    if (row >= 0) return { ring: this, row };
    return row === -2 ? this.coarser?.target(at) : undefined;
  }

  /** Add a row of `from` (same stride) into the bucket holding time `at`. */
  private absorb(at: number, from: WindowRing, fromRow: number): void {
    const target = this.target(at);
    if (!target) return;
    const { ring, row } = target;
    const src = fromRow * from.stride;
    const dst = row * ring.stride;
    for (let i = 0; i < ring.stride; i++) ring.counts[dst + i] += from.counts[src + i];
    ring.sums[row] += from.sums[fromRow];
  }

  /**
   * Visit every row, in this ring and the coarser ones, holding a bucket that lies in the window
   * from `from` (rounded down to this ring's bucket) to `to`; `visit` gets the ring, the row and
   * the bucket's start time. Coarser buckets count only when they start inside that window, so a
   * window is never widened by a coarse bucket (its edge may miss part of one). Rows come in no
   * particular order.
   */
  forEachRow(from: number, to: number, visit: (ring: WindowRing, row: number, start: number) => void): void {
    this.visitRows(Math.floor(from / this.width) * this.width, to, visit);
  }

  private visitRows(edge: number, to: number, visit: (ring: WindowRing, row: number, start: number) => void): void {
    for (let row = 0; row < this.length; row++) {
      const bucket = this.epochs[row];
      if (bucket < 0) continue;
      const start = bucket * this.width;
      if (start >= edge && start <= to) visit(this, row, start);
    }
    this.coarser?.visitRows(edge, to, visit);
  }

  /** Sum counter `field` over the window [from, to], all rings of the cascade. */
  total(from: number, to: number, field: number): number {
    let sum = 0;
    this.forEachRow(from, to, (ring, row) => {
      sum += ring.counts[row * ring.stride + field];
    });
    return sum;
  }

  clear(): void {
    this.epochs.fill(-1);
    this.counts.fill(0);
    this.sums.fill(0);
    this.coarser?.clear();
  }
}

/** A cascade of rings, finest first, from [width, length] shapes; returns the finest. */
export function ringCascade(shapes: ReadonlyArray<readonly [number, number]>, stride: number): WindowRing {
  let ring: WindowRing | undefined;
  for (let i = shapes.length - 1; i >= 0; i--) ring = new WindowRing(shapes[i][0], shapes[i][1], stride, ring);
  return ring as WindowRing;
}
