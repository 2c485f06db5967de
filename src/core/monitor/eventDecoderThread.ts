/**
 * Decoding the Redis event stream off the thread that owns the model (the extension host), so it
 * spends its time applying events. The worker thread holds the event subscription itself
 * (`subscribe`, threadEventSubscriber.ts) and posts decoded batches in columns (eventColumns.ts);
 * this thread never sees a raw message. If the thread fails, the live subscription hears onLost
 * and its owner subscribes again on this thread and `push`es the raw payloads here, to be decoded
 * here (a gap, reported as one).
 *
 * Either way batches are applied in slices of at most APPLY_SLICE_MS, one slice per macrotask, in
 * chunks of APPLY_CHUNK events (rebuilt from the thread's columns only then), so a backlog never
 * holds this thread in one go. Back-pressure on `push`: with more than MAX_IN_FLIGHT_BYTES received
 * and not yet applied, it asks the caller to pause reading (`onBackPressure(true)`) until this
 * thread has caught up. The worker thread does the same with its own socket.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Subscription } from '../broker/broker';
import type { RedisEventSource } from '../broker/redis/redisEventSource';
import { EventClock } from '../celery/events';
import type { Undecodable } from '../celery/rawMessage';
import type { CeleryEvent } from '../celery/types';
import { MAX_BATCH_MESSAGES, MAX_IN_FLIGHT_BYTES } from './decoderLimits';
import { type PackedEvents, unpackEvents } from './eventColumns';
import { decodePayloads } from './eventDecodeBatch';
import type { FromSubscriber } from './threadSubscriptionProtocol';
import { type ThreadSubscriptionHandlers, ThreadSubscriptions } from './threadSubscriptions';

/** Longest a burst of decoded batches may hold the thread before it yields. */
export const APPLY_SLICE_MS = 8;
/** Events applied between two looks at the clock. */
const APPLY_CHUNK = 256;

/** A decoded batch waiting to be applied, with how far applying it got. */
interface ReadyBatch {
  /** Events decoded on this thread, or columns from the worker thread. */
  events?: CeleryEvent[];
  packed?: PackedEvents;
  count: number;
  errors: Undecodable[];
  clock: number;
  /** Bytes of raw payload it stands for (back-pressure of `push`; 0 for the thread's batches). */
  bytes: number;
  /** From the thread's subscription: applying it is told to the thread. */
  fromThread?: boolean;
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
  /** Raw bytes pushed and not yet applied. */
  private inFlightBytes = 0;
  private paused = false;
  /** Raw payloads pushed and not yet decoded, with their channels. */
  private payloads: Buffer[] = [];
  private channels: string[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Decoded batches in arrival order, waiting for their slice. */
  private ready: ReadyBatch[] = [];
  private applyScheduled = false;
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
    worker.on('message', (message: FromSubscriber) => this.onThreadMessage(message));
    worker.on('error', (err) => this.fail(`the event decoding thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(`the event decoding thread exited (code ${code})`));
    this.worker = worker;
  }

  /** Whether the worker thread is there to hold the subscription. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Have the thread hold the Redis event subscription: its batches arrive decoded. Undefined when
   * there is no thread (then subscribe on this thread and push).
   */
  subscribe(source: RedisEventSource, handlers: ThreadSubscriptionHandlers): Promise<Subscription> | undefined {
    if (!this.worker || this.closed) return undefined;
    return this.subscriptions.subscribe(source, handlers);
  }

  /** One raw pub/sub message received on this thread: decoded here, applied in slices. */
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
    this.payloads = [];
    this.channels = [];
    this.ready = [];
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

  /** Decode what was pushed in this turn, in batches of at most MAX_BATCH_MESSAGES. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    const localReceived = this.now();
    for (let from = 0; from < this.payloads.length; from += MAX_BATCH_MESSAGES) {
      const payloads = this.payloads.slice(from, from + MAX_BATCH_MESSAGES);
      let bytes = 0;
      for (let i = 0; i < payloads.length; i++) bytes += payloads[i].length;
      const { events, errors, clock } = decodePayloads(payloads, this.channels.slice(from, from + MAX_BATCH_MESSAGES), localReceived, this.fallbackClock);
      this.enqueue({ events, count: events.length, errors, clock, bytes, next: 0, cursor: { asIs: 0 } });
    }
    this.payloads = [];
    this.channels = [];
  }

  private onThreadMessage(message: FromSubscriber): void {
    if (message.kind === 'events') {
      const { packed, errors, clock } = message;
      // The thread accounts for its own bytes (it pauses its socket): none count here.
      this.enqueue({ packed, count: packed.count, errors, clock, bytes: 0, fromThread: true, next: 0, cursor: { asIs: 0 } });
    } else if (message.kind === 'interrupted') {
      // Behind the batches of what arrived before the cut (the gap's clock estimate needs them applied).
      this.enqueue({ count: 0, errors: [], clock: 0, bytes: 0, next: 0, cursor: { asIs: 0 }, notice: () => this.subscriptions.handle(message) });
    } else if (message.kind === 'log') {
      this.hooks.onLog?.(message.level, message.message);
    } else {
      this.subscriptions.handle(message);
    }
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

  /** A batch is in the model: the thread may post another, and pushed bytes no longer count. */
  private applied(batch: ReadyBatch): void {
    if (batch.fromThread) this.worker?.postMessage({ kind: 'applied' });
    this.inFlightBytes -= batch.bytes;
    if (this.paused && this.inFlightBytes <= MAX_IN_FLIGHT_BYTES / 2) {
      this.paused = false;
      this.hooks.onBackPressure?.(false);
    }
  }

  /** The thread is gone: what it already posted is still applied; its subscription is lost. */
  private fail(reason: string): void {
    if (!this.worker || this.closed) return;
    const worker = this.worker;
    this.worker = undefined;
    worker.removeAllListeners();
    worker.on('error', () => undefined);
    void worker.terminate();
    this.hooks.onFailure(reason);
    this.subscriptions.threadGone(reason, true);
  }
}
