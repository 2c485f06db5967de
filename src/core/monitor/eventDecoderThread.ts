/**
 * Decoding the Redis event stream on a worker thread, so the thread that owns the model (the
 * extension host) spends its time applying events, not parsing JSON. Raw payloads are collected
 * for one macrotask, packed (eventDecodeBatch.ts) and posted; replies come back in order and are
 * handed to `onDecoded`.
 *
 * Never loses a message silently: a batch is kept until its reply, and if the thread fails (or its
 * script is missing) the kept batches and everything after are decoded on this thread instead.
 * Back-pressure: with more than MAX_IN_FLIGHT_BYTES posted and not yet applied, `push` tells the
 * caller to pause reading (`onBackPressure(true)`) until the thread has caught up.
 *
 * Replies are applied in slices of at most APPLY_SLICE_MS, one slice per macrotask: when the host
 * falls behind, Node hands it every queued reply at once, and applying them in one go stalled the
 * extension host for hundreds of milliseconds. A slice takes events in chunks, not whole batches,
 * and rebuilds each chunk's event objects from the thread's columns (eventColumns.ts) only then, so
 * neither a big batch nor its unpacking holds the thread past the slice.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import type { Undecodable } from '../celery/rawMessage';
import type { CeleryEvent } from '../celery/types';
import { decodeBatch, type DecodeRequest, type ThreadReply } from './eventDecodeBatch';
import { type PackedEvents, unpackEvents } from './eventColumns';

/** Bytes posted but not yet decoded before reading pauses. */
export const MAX_IN_FLIGHT_BYTES = 16 * 2 ** 20;
/** Longest a burst of decoded batches may hold the thread before it yields. */
export const APPLY_SLICE_MS = 8;
/** Events applied between two looks at the clock. */
const APPLY_CHUNK = 256;
/** Most messages in one post, so one reply never takes long to receive. */
const MAX_BATCH_MESSAGES = 1024;
/** Channel references are 16-bit; a batch with more distinct channels than this is posted early. */
const MAX_BATCH_CHANNELS = 0xffff;

/** A decoded batch waiting to be applied, with how far applying it got. */
interface ReadyBatch {
  /** Events decoded on this thread, or columns from the decoding thread. */
  events?: CeleryEvent[];
  packed?: PackedEvents;
  count: number;
  errors: Undecodable[];
  clock: number;
  /** Bytes of raw payload it stands for (back-pressure accounting). */
  bytes: number;
  next: number;
  cursor: { asIs: number };
}

export interface DecoderThreadHooks {
  onDecoded(events: CeleryEvent[], errors: Undecodable[], clock: number): void;
  /** The thread could not be used (safe to show); decoding goes on on this thread. */
  onFailure(reason: string): void;
  /** true: stop reading the socket for now; false: go on. */
  onBackPressure?(paused: boolean): void;
}

export class EventDecoderThread {
  private worker: Worker | undefined;
  private readonly fallbackClock = new EventClock();
  private readonly pending = new Map<number, DecodeRequest>();
  private nextId = 1;
  private inFlightBytes = 0;
  private paused = false;
  private payloads: Buffer[] = [];
  private channels: number[] = [];
  private channelNames: string[] = [];
  private channelIndex = new Map<string, number>();
  private flushScheduled = false;
  private closed = false;
  /** Decoded batches in arrival order, waiting for their slice. */
  private ready: ReadyBatch[] = [];
  private applyScheduled = false;

  constructor(
    scriptPath: string,
    private readonly hooks: DecoderThreadHooks,
    private readonly now: () => number,
  ) {
    if (!existsSync(scriptPath)) {
      hooks.onFailure(`event decoding stays on this thread: ${scriptPath} is missing`);
      return;
    }
    const worker = new Worker(scriptPath);
    worker.unref();
    worker.on('message', (reply: ThreadReply) => this.onReply(reply));
    worker.on('error', (err) => this.fail(`the event decoding thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(`the event decoding thread exited (code ${code})`));
    this.worker = worker;
  }

  /** Whether decoding still happens on the worker thread. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /** One raw pub/sub message. */
  push(channel: string, payload: Buffer): void {
    if (this.closed) return;
    let ref = this.channelIndex.get(channel);
    if (ref === undefined) {
      if (this.channelNames.length === MAX_BATCH_CHANNELS) this.flush();
      ref = this.channelNames.length;
      this.channelNames.push(channel);
      this.channelIndex.set(channel, ref);
    }
    this.payloads.push(payload);
    this.channels.push(ref);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Stop the thread; what is pending is dropped (the session is over). */
  close(): void {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.pending.clear();
    this.payloads = [];
    this.channels = [];
    this.ready = [];
    this.resetChannels();
    if (worker) {
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
    }
  }

  private resetChannels(): void {
    this.channelNames = [];
    this.channelIndex = new Map();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || !this.payloads.length) return;
    const { payloads, channels, channelNames } = this;
    this.payloads = [];
    this.channels = [];
    this.resetChannels();
    const localReceived = this.now();
    for (let from = 0; from < payloads.length; from += MAX_BATCH_MESSAGES) {
      const to = Math.min(payloads.length, from + MAX_BATCH_MESSAGES);
      this.post(this.pack(payloads, channels, channelNames, from, to, localReceived));
    }
  }

  /** Messages [from, to) as one request. */
  private pack(payloads: Buffer[], channels: number[], channelNames: string[], from: number, to: number, localReceived: number): DecodeRequest {
    let total = 0;
    for (let i = from; i < to; i++) total += payloads[i].length;
    // Its own ArrayBuffer (not a slice of Node's pool), so the copy posted is exactly this batch.
    const bytes = new Uint8Array(total);
    const ends = new Uint32Array(to - from);
    let at = 0;
    for (let i = from; i < to; i++) {
      bytes.set(payloads[i], at);
      at += payloads[i].length;
      ends[i - from] = at;
    }
    return { id: this.nextId++, bytes, ends, channels: Uint16Array.from(channels.slice(from, to)), channelNames, localReceived };
  }

  private post(request: DecodeRequest): void {
    const total = request.bytes.length;
    this.inFlightBytes += total;
    if (!this.worker) {
      this.enqueueDecodedHere(request);
      return;
    }
    // The bytes are copied, not transferred: the request is kept to decode here if the thread fails.
    this.pending.set(request.id, request);
    this.worker.postMessage(request);
    if (!this.paused && this.inFlightBytes > MAX_IN_FLIGHT_BYTES) {
      this.paused = true;
      this.hooks.onBackPressure?.(true);
    }
  }

  private onReply(reply: ThreadReply): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    if (reply.failed !== undefined) {
      this.enqueueDecodedHere(request);
      return;
    }
    const { packed, errors, clock } = reply;
    this.enqueue({ packed, count: packed.count, errors, clock, bytes: request.bytes.length, next: 0, cursor: { asIs: 0 } });
  }

  private enqueueDecodedHere(request: DecodeRequest): void {
    const { events, errors, clock } = decodeBatch(request, this.fallbackClock);
    this.enqueue({ events, count: events.length, errors, clock, bytes: request.bytes.length, next: 0, cursor: { asIs: 0 } });
  }

  private enqueue(batch: ReadyBatch): void {
    this.ready.push(batch);
    if (this.applyScheduled) return;
    this.applyScheduled = true;
    setImmediate(() => this.applySlice());
  }

  private applySlice(): void {
    this.applyScheduled = false;
    const deadline = performance.now() + APPLY_SLICE_MS;
    let done = 0;
    while (done < this.ready.length && !this.closed) {
      const batch = this.ready[done];
      if (batch.clock > this.fallbackClock.value) this.fallbackClock.value = batch.clock;
      const from = batch.next;
      const to = Math.min(batch.count, from + APPLY_CHUNK);
      const events = batch.packed ? unpackEvents(batch.packed, from, to, batch.cursor) : (batch.events as CeleryEvent[]).slice(from, to);
      batch.next = to;
      // A batch's errors go with its first chunk (a batch may hold errors and no event).
      this.hooks.onDecoded(events, from === 0 ? batch.errors : [], batch.clock);
      if (to >= batch.count) {
        this.inFlightBytes -= batch.bytes;
        done++;
      }
      if (performance.now() >= deadline) break;
    }
    this.ready = done ? this.ready.slice(done) : this.ready;
    if (this.ready.length && !this.closed) {
      this.applyScheduled = true;
      setImmediate(() => this.applySlice());
    }
    if (this.paused && this.inFlightBytes <= MAX_IN_FLIGHT_BYTES / 2) {
      this.paused = false;
      this.hooks.onBackPressure?.(false);
    }
  }

  /** Switch to decoding here: the batches the thread did not answer first, in order. */
  private fail(reason: string): void {
    if (!this.worker || this.closed) return;
    const worker = this.worker;
    this.worker = undefined;
    worker.removeAllListeners();
    worker.on('error', () => undefined);
    void worker.terminate();
    this.hooks.onFailure(reason);
    // Behind what is already decoded and waiting, so the order holds.
    const kept = [...this.pending.values()].sort((a, b) => a.id - b.id);
    this.pending.clear();
    for (const request of kept) this.enqueueDecodedHere(request);
  }
}
