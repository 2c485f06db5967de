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
 * extension host for hundreds of milliseconds.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import type { Undecodable } from '../celery/rawMessage';
import type { CeleryEvent } from '../celery/types';
import { decodeBatch, type DecodeReply, type DecodeRequest } from './eventDecodeBatch';

/** Bytes posted but not yet decoded before reading pauses. */
export const MAX_IN_FLIGHT_BYTES = 16 * 2 ** 20;
/** Longest a burst of decoded batches may hold the thread before it yields. */
export const APPLY_SLICE_MS = 8;

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
  private channels: string[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Decoded batches in arrival order, waiting for their slice, with the bytes they stood for. */
  private ready: Array<{ reply: DecodeReply; bytes: number }> = [];
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
    worker.on('message', (reply: DecodeReply & { failed?: string }) => this.onReply(reply));
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
    this.payloads.push(payload);
    this.channels.push(channel);
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
    if (worker) {
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || !this.payloads.length) return;
    const payloads = this.payloads;
    let total = 0;
    for (const p of payloads) total += p.length;
    // Its own ArrayBuffer (not a slice of Node's pool), so the copy posted is exactly this batch.
    const bytes = new Uint8Array(total);
    const ends = new Uint32Array(payloads.length);
    let at = 0;
    for (let i = 0; i < payloads.length; i++) {
      bytes.set(payloads[i], at);
      at += payloads[i].length;
      ends[i] = at;
    }
    const request: DecodeRequest = { id: this.nextId++, bytes, ends, channels: this.channels, localReceived: this.now() };
    this.payloads = [];
    this.channels = [];
    this.inFlightBytes += total;
    if (!this.worker) {
      this.enqueue(decodeBatch(request, this.fallbackClock), total);
      return;
    }
    this.pending.set(request.id, request);
    this.worker.postMessage(request);
    if (!this.paused && this.inFlightBytes > MAX_IN_FLIGHT_BYTES) {
      this.paused = true;
      this.hooks.onBackPressure?.(true);
    }
  }

  private onReply(reply: DecodeReply & { failed?: string }): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    this.enqueue(reply.failed !== undefined ? decodeBatch(request, this.fallbackClock) : reply, request.bytes.length);
  }

  private enqueue(reply: DecodeReply, bytes: number): void {
    this.ready.push({ reply, bytes });
    if (this.applyScheduled) return;
    this.applyScheduled = true;
    setImmediate(() => this.applySlice());
  }

  private applySlice(): void {
    this.applyScheduled = false;
    const deadline = performance.now() + APPLY_SLICE_MS;
    let next = 0;
    while (next < this.ready.length && !this.closed) {
      const { reply, bytes } = this.ready[next++];
      this.inFlightBytes -= bytes;
      if (reply.clock > this.fallbackClock.value) this.fallbackClock.value = reply.clock;
      this.hooks.onDecoded(reply.events, reply.errors, reply.clock);
      if (performance.now() >= deadline) break;
    }
    this.ready = this.ready.slice(next);
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
    for (const request of kept) this.enqueue(decodeBatch(request, this.fallbackClock), request.bytes.length);
  }
}
