/**
 * Decoding the Redis event stream on a worker thread, so the thread that owns the model (the
 * extension host) spends its time applying events, not parsing JSON. Two ways:
 * - `subscribe`: the thread holds the event subscription itself (threadEventSubscriber.ts) and
 *   posts decoded batches; this thread never sees a raw message. If the thread fails, the live
 *   subscription hears onLost and its owner subscribes again here (a gap, reported as one);
 * - `push`: this thread received the payloads (the thread was not there when it subscribed).
 *   Raw payloads are queued, packed
 * (eventDecodeBatch.ts) into requests of at most MAX_BATCH_MESSAGES and posted; replies come back in
 * order and are handed to `onDecoded`.
 *
 * Never loses a message silently: a request is kept until its reply, and if the thread fails (or its
 * script is missing) the kept requests and everything after are decoded on this thread instead.
 *
 * Two limits keep the host responsive:
 * - at most MAX_BATCHES_AHEAD requests are with the thread or decoded and waiting to be applied;
 *   the rest waits here as raw bytes. Node hands a thread every reply waiting on the port in one
 *   go, and receiving a backlog of them at once stalled the host for tens of milliseconds;
 * - replies are applied in slices of at most APPLY_SLICE_MS, one slice per macrotask, in chunks of
 *   APPLY_CHUNK events rebuilt from the thread's columns (eventColumns.ts) only then.
 * Back-pressure: with more than MAX_IN_FLIGHT_BYTES received and not yet applied, `push` tells the
 * caller to pause reading (`onBackPressure(true)`) until the host has caught up.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import type { Undecodable } from '../celery/rawMessage';
import type { CeleryEvent } from '../celery/types';
import { type DecodeRequest, decodePayloads, type ThreadReply } from './eventDecodeBatch';
import { type PackedEvents, unpackEvents } from './eventColumns';
import { MAX_BATCH_MESSAGES, MAX_BATCHES_AHEAD, MAX_IN_FLIGHT_BYTES } from './decoderLimits';
import { RequestBufferPool } from './requestBufferPool';
import type { Subscription } from '../broker/broker';
import type { RedisEventSource } from '../broker/redis/redisEventSource';
import { type FromSubscriber, isSubscriberMessage } from './threadSubscriptionProtocol';
import { type ThreadSubscriptionHandlers, ThreadSubscriptions } from './threadSubscriptions';

export { MAX_BATCHES_AHEAD, MAX_IN_FLIGHT_BYTES };

/** Longest a burst of decoded batches may hold the thread before it yields. */
export const APPLY_SLICE_MS = 8;
/** Events applied between two looks at the clock. */
const APPLY_CHUNK = 256;

/** Messages posted to the thread, kept (by reference, not copied) until its reply, to decode here if it fails. */
interface PostedBatch {
  payloads: Buffer[];
  channels: string[];
  localReceived: number;
  bytes: number;
}

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
  /** Decoded by the thread from a request: applying it lets the next request go. */
  fromThread: boolean;
  /** Decoded by the thread from its own subscription: applying it is told to the thread. */
  fromSubscription?: boolean;
  /** No events: a notice from the thread, handled once everything before it is applied. */
  notice?: () => void;
  next: number;
  cursor: { asIs: number };
}

export interface DecoderThreadHooks {
  onDecoded(events: CeleryEvent[], errors: Undecodable[], clock: number): void;
  /** The thread could not be used (safe to show); decoding goes on on this thread. */
  onFailure(reason: string): void;
  /** true: stop reading the socket for now; false: go on. */
  onBackPressure?(paused: boolean): void;
  /** What the thread's own event subscription logs (safe to show). */
  onLog?(level: 'debug' | 'warn', message: string): void;
}

export class EventDecoderThread {
  private worker: Worker | undefined;
  private readonly fallbackClock = new EventClock();
  private readonly pending = new Map<number, PostedBatch>();
  private nextId = 1;
  /** Raw bytes received and not yet applied (queued here, with the thread, or decoded). */
  private inFlightBytes = 0;
  private paused = false;
  /** Raw payloads not yet posted, with their channels. */
  private payloads: Buffer[] = [];
  private channels: string[] = [];
  private aheadOfModel = 0;
  private flushScheduled = false;
  private closed = false;
  /** Decoded batches in arrival order, waiting for their slice. */
  private ready: ReadyBatch[] = [];
  private applyScheduled = false;
  /** The requests' byte buffers, back from the thread for the next requests. */
  private readonly buffers = new RequestBufferPool(MAX_BATCHES_AHEAD + 1);
  private readonly subscriptions = new ThreadSubscriptions((message) => this.worker?.postMessage(message));

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
    worker.on('message', (reply: ThreadReply | FromSubscriber) => (isSubscriberMessage(reply) ? this.onSubscriberMessage(reply) : this.onReply(reply)));
    worker.on('error', (err) => this.fail(`the event decoding thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(`the event decoding thread exited (code ${code})`));
    this.worker = worker;
  }

  /** Requests with the thread, or decoded and not yet applied (at most MAX_BATCHES_AHEAD). */
  get batchesAhead(): number {
    return this.aheadOfModel;
  }

  /** Whether decoding still happens on the worker thread. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Have the thread hold the Redis event subscription itself: its batches arrive decoded, and
   * nothing is pushed. Undefined when there is no thread (then subscribe here and push).
   */
  subscribe(source: RedisEventSource, handlers: ThreadSubscriptionHandlers): Promise<Subscription> | undefined {
    if (!this.worker || this.closed) return undefined;
    return this.subscriptions.subscribe(source, handlers);
  }

  /** One raw pub/sub message. */
  push(channel: string, payload: Buffer): void {
    if (this.closed) return;
    this.payloads.push(payload);
    this.channels.push(channel);
    this.inFlightBytes += payload.length;
    if (!this.paused && this.inFlightBytes > MAX_IN_FLIGHT_BYTES) {
      this.paused = true;
      this.hooks.onBackPressure?.(true);
    }
    this.scheduleFlush();
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
    this.buffers.clear();
    this.subscriptions.threadGone('the event decoding thread was stopped', false);
    if (worker) {
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Post what is queued, as far as the thread may run ahead (decode here when there is no thread). */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    const localReceived = this.now();
    let from = 0;
    while (from < this.payloads.length && (!this.worker || this.aheadOfModel < MAX_BATCHES_AHEAD)) {
      const to = Math.min(this.payloads.length, from + MAX_BATCH_MESSAGES);
      const payloads = this.payloads.slice(from, to);
      let bytes = 0;
      for (let i = 0; i < payloads.length; i++) bytes += payloads[i].length;
      this.post({ payloads, channels: this.channels.slice(from, to), localReceived, bytes });
      from = to;
    }
    if (from > 0) {
      this.payloads = this.payloads.slice(from);
      this.channels = this.channels.slice(from);
    }
  }

  private post(batch: PostedBatch): void {
    if (!this.worker) {
      this.enqueueDecodedHere(batch);
      return;
    }
    const id = this.nextId++;
    const request = packRequest(id, batch, this.buffers.take(batch.bytes));
    this.pending.set(id, batch);
    this.aheadOfModel++;
    // Moved, not copied: the packed bytes are this request's own, and the batch keeps the payloads.
    this.worker.postMessage(request, [request.bytes.buffer, request.ends.buffer, request.channels.buffer]);
  }

  private onReply(reply: ThreadReply): void {
    const batch = this.pending.get(reply.id);
    if (reply.bytes) this.buffers.give(reply.bytes);
    if (!batch) return;
    this.pending.delete(reply.id);
    if (reply.failed !== undefined) {
      this.enqueueDecodedHere(batch, true);
      return;
    }
    const { packed, errors, clock } = reply;
    this.enqueue({ packed, count: packed.count, errors, clock, bytes: batch.bytes, fromThread: true, next: 0, cursor: { asIs: 0 } });
  }

  private onSubscriberMessage(message: FromSubscriber): void {
    if (message.kind === 'events') {
      const { packed, errors, clock } = message;
      // The thread accounts for its own bytes (it pauses its socket): none count here.
      this.enqueue({ packed, count: packed.count, errors, clock, bytes: 0, fromThread: false, fromSubscription: true, next: 0, cursor: { asIs: 0 } });
    } else if (message.kind === 'interrupted') {
      // Behind the batches of what arrived before the cut (the gap's clock estimate needs them applied).
      this.enqueue({ count: 0, errors: [], clock: 0, bytes: 0, fromThread: false, next: 0, cursor: { asIs: 0 }, notice: () => this.subscriptions.handle(message) });
    } else if (message.kind === 'log') {
      this.hooks.onLog?.(message.level, message.message);
    } else {
      this.subscriptions.handle(message);
    }
  }

  private enqueueDecodedHere(batch: PostedBatch, fromThread = false): void {
    const { events, errors, clock } = decodePayloads(batch.payloads, batch.channels, batch.localReceived, this.fallbackClock);
    this.enqueue({ events, count: events.length, errors, clock, bytes: batch.bytes, fromThread, next: 0, cursor: { asIs: 0 } });
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
      if (batch.notice) {
        batch.notice();
        done++;
        continue;
      }
      if (batch.clock > this.fallbackClock.value) this.fallbackClock.value = batch.clock;
      const from = batch.next;
      const to = Math.min(batch.count, from + APPLY_CHUNK);
      const events = batch.packed ? unpackEvents(batch.packed, from, to, batch.cursor) : (batch.events as CeleryEvent[]).slice(from, to);
      batch.next = to;
      // A batch's errors go with its first chunk (a batch may hold errors and no event).
      this.hooks.onDecoded(events, from === 0 ? batch.errors : [], batch.clock);
      if (to >= batch.count) {
        this.applied(batch);
        done++;
      }
      if (performance.now() >= deadline) break;
    }
    this.ready = done ? this.ready.slice(done) : this.ready;
    if (this.ready.length && !this.closed) {
      this.applyScheduled = true;
      setImmediate(() => this.applySlice());
    }
  }

  /** A batch is in the model: its bytes no longer count, and a thread batch makes room for the next. */
  private applied(batch: ReadyBatch): void {
    this.inFlightBytes -= batch.bytes;
    if (batch.fromSubscription) this.worker?.postMessage({ kind: 'applied' });
    if (batch.fromThread && this.aheadOfModel > 0) {
      this.aheadOfModel--;
      if (this.payloads.length) this.scheduleFlush();
    }
    if (this.paused && this.inFlightBytes <= MAX_IN_FLIGHT_BYTES / 2) {
      this.paused = false;
      this.hooks.onBackPressure?.(false);
    }
  }

  /** Switch to decoding here: the requests the thread did not answer first, in order, then the queue. */
  private fail(reason: string): void {
    if (!this.worker || this.closed) return;
    const worker = this.worker;
    this.worker = undefined;
    worker.removeAllListeners();
    worker.on('error', () => undefined);
    void worker.terminate();
    this.hooks.onFailure(reason);
    this.subscriptions.threadGone(reason, true);
    // Behind what is already decoded and waiting, so the order holds.
    const kept = [...this.pending.entries()].sort((a, b) => a[0] - b[0]);
    this.pending.clear();
    for (const [, batch] of kept) this.enqueueDecodedHere(batch, true);
    if (this.payloads.length) this.scheduleFlush();
  }
}

/**
 * A batch as one request: its payloads copied into `buffer` (whole, so it can be moved to the
 * thread; at least batch.bytes long), their channels by reference.
 */
function packRequest(id: number, batch: PostedBatch, buffer: ArrayBuffer): DecodeRequest {
  const { payloads } = batch;
  const bytes = Buffer.from(buffer, 0, batch.bytes);
  const ends = new Uint32Array(payloads.length);
  let at = 0;
  for (let i = 0; i < payloads.length; i++) {
    at += payloads[i].copy(bytes, at);
    ends[i] = at;
  }
  // Channel names once per request: a handful of distinct ones, each referenced by index.
  const channelNames: string[] = [];
  const channelIndex = new Map<string, number>();
  const channels = new Uint16Array(payloads.length);
  for (let i = 0; i < payloads.length; i++) {
    const name = batch.channels[i];
    let ref = channelIndex.get(name);
    if (ref === undefined) {
      ref = channelNames.push(name) - 1;
      channelIndex.set(name, ref);
    }
    channels[i] = ref;
  }
  return { id, bytes, ends, channels, channelNames, localReceived: batch.localReceived };
}
