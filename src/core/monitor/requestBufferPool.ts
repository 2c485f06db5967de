/**
 * Byte buffers for the requests to the event decoding thread, handed back by the thread with its
 * reply and used again. A fresh buffer per request cost the host thread about 0.8 µs per event in
 * the end-to-end bench: every request's megabyte came straight from the system and each of its pages
 * faulted in on the first copy. Reused buffers are already mapped.
 */

/** Smallest buffer made, so batches of slightly different sizes fit the same buffers. */
const MIN_BYTES = 256 * 2 ** 10;
/** Buffers larger than this are not kept: one burst of huge payloads must not stay resident. */
const MAX_KEPT_BYTES = 8 * 2 ** 20;

export class RequestBufferPool {
  private readonly spare: ArrayBuffer[] = [];

  /** @param maxKept buffers kept for reuse (the requests that can be out at once, plus one). */
  constructor(private readonly maxKept: number) {}

  /** Buffers waiting to be used again. */
  get size(): number {
    return this.spare.length;
  }

  /** A buffer of at least `bytes` bytes, not zero-filled, the caller's to move to another thread. */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const length = this.spare[i].byteLength;
      if (length >= bytes && (best < 0 || length < this.spare[best].byteLength)) best = i;
    }
    if (best >= 0) return this.spare.splice(best, 1)[0];
    // Powers of two, so a handful of sizes serve every batch.
    const size = Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
    return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
  }

  /** A buffer back from the thread; the smallest is dropped when the pool is full. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || buffer.byteLength > MAX_KEPT_BYTES) return;
    this.spare.push(buffer);
    if (this.spare.length > this.maxKept) {
      let smallest = 0;
      for (let i = 1; i < this.spare.length; i++) if (this.spare[i].byteLength < this.spare[smallest].byteLength) smallest = i;
      this.spare.splice(smallest, 1);
    }
  }

  clear(): void {
    this.spare.length = 0;
  }
}
