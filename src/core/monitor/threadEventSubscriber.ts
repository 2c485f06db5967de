/**
 * The Redis event subscription held by the decoding thread itself: the thread reads the socket,
 * decodes what arrived in one go into a batch of columns (eventColumns.ts) and posts it, so the
 * owner's thread never parses RESP, copies a payload or posts raw bytes (about a fifth of its time
 * when it received the stream itself).
 *
 * Flow control: at most MAX_BATCHES_AHEAD batches are posted and not yet applied by the owner
 * (it says `applied` for each); raw messages wait here meanwhile, and past MAX_IN_FLIGHT_BYTES of
 * them the socket is paused until half is decoded, so Redis buffers for us. If it cuts us for
 * that, the subscription's reconnect subscribes again and the cut is reported (`interrupted`) as a gap.
 *
 * A cut is posted in order, behind the batches of what arrived before it: the owner must apply those
 * first, or the gap's Lamport-clock estimate would count from before them.
 *
 * One subscription at a time, each with the owner's id; subscribe and unsubscribe run in order.
 */
import type { Subscription } from '../broker/broker';
import { type RedisEventHandlers, type RedisEventSource, subscribeEventSource } from '../broker/redis/redisEventSource';
import { safeMessage } from '../broker/redis/redisClient';
import type { EventClock } from '../celery/events';
import { CeleryLensError } from '../util/errors';
import type { Logger } from '../util/logger';
import { MAX_BATCH_MESSAGES, MAX_BATCHES_AHEAD, MAX_IN_FLIGHT_BYTES } from './decoderLimits';
import { packEvents } from './eventColumns';
import { decodePayloads } from './eventDecodeBatch';
import type { FromSubscriber, ToSubscriber } from './threadSubscriptionProtocol';

export type PostToOwner = (message: FromSubscriber, transfer?: ArrayBuffer[]) => void;
/** Opens the subscription (subscribeEventSource; tests give a fake one). */
export type OpenEventSubscription = (source: RedisEventSource, logger: Logger, handlers: RedisEventHandlers) => Promise<Subscription>;

export class ThreadEventSubscriber {
  private current: { id: number; subscription?: Subscription } | undefined;
  /** Subscribe and unsubscribe, one after the other. */
  private queue: Promise<void> = Promise.resolve();
  private payloads: Buffer[] = [];
  private channels: string[] = [];
  private queuedBytes = 0;
  /** Cuts waiting behind the messages received before them (`at`: their position in the queue). */
  private interruptions: Array<{ at: number; message: FromSubscriber }> = [];
  /** Batches posted and not yet applied by the owner. */
  private ahead = 0;
  private paused = false;
  private flushScheduled = false;
  private readonly logger: Logger;

  constructor(
    private readonly post: PostToOwner,
    private readonly clock: EventClock,
    private readonly open: OpenEventSubscription = subscribeEventSource,
  ) {
    const log = (level: 'debug' | 'warn') => (message: string) => post({ kind: 'log', level, message });
    this.logger = { trace: () => undefined, debug: log('debug'), info: log('debug'), warn: log('warn'), error: log('warn') };
  }

  handle(message: ToSubscriber): void {
    switch (message.kind) {
      case 'subscribe':
        this.inOrder(() => this.subscribe(message.id, message.source));
        break;
      case 'unsubscribe':
        this.inOrder(() => this.unsubscribe(message.id));
        break;
      case 'applied':
        if (this.ahead > 0) this.ahead--;
        this.scheduleFlush();
        break;
      case 'probe':
        void this.probe(message.id);
        break;
    }
  }

  private inOrder(step: () => Promise<void>): void {
    this.queue = this.queue.then(step, step);
  }

  private async subscribe(id: number, source: RedisEventSource): Promise<void> {
    if (this.current) await this.unsubscribe(this.current.id);
    const current: { id: number; subscription?: Subscription } = { id };
    this.current = current;
    try {
      current.subscription = await this.open(source, this.logger, {
        onMessage: (channel, payload) => {
          if (this.current === current) this.receive(channel, payload);
        },
        onInterruption: (lostAt, resumedAt, reason) => {
          if (this.current !== current) return;
          this.interruptions.push({ at: this.payloads.length, message: { kind: 'interrupted', id, lostAt, resumedAt, reason } });
          this.scheduleFlush();
        },
      });
      if (this.paused) current.subscription.setPaused?.(true);
      this.post({ kind: 'subscribed', id });
    } catch (err) {
      if (this.current === current) this.current = undefined;
      const code = err instanceof CeleryLensError ? err.code : 'REDIS_UNAVAILABLE';
      this.post({ kind: 'subscribe-failed', id, message: safeMessage(err, source.url), code });
    }
  }

  private async unsubscribe(id: number): Promise<void> {
    const current = this.current;
    if (current?.id === id) {
      this.current = undefined;
      // What the closed subscription delivered and nobody decoded yet goes with it.
      this.payloads = [];
      this.channels = [];
      this.queuedBytes = 0;
      this.interruptions = [];
      this.paused = false;
      await current.subscription?.close().catch(() => undefined);
    }
    this.post({ kind: 'unsubscribed', id });
  }

  private async probe(id: number): Promise<void> {
    const subscription = this.current?.subscription;
    const verdict = subscription?.probe ? await subscription.probe().catch(() => 'unknown' as const) : 'unknown';
    this.post({ kind: 'probed', id, verdict });
  }

  private receive(channel: string, payload: Buffer): void {
    this.payloads.push(payload);
    this.channels.push(channel);
    this.queuedBytes += payload.length;
    if (!this.paused && this.queuedBytes > MAX_IN_FLIGHT_BYTES) {
      this.paused = true;
      this.current?.subscription?.setPaused?.(true);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || (!this.payloads.length && !this.interruptions.length)) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Decode and post what waits, as far ahead of the owner as allowed. */
  private flush(): void {
    this.flushScheduled = false;
    const localReceived = Date.now() / 1000;
    for (;;) {
      const cut = this.interruptions[0];
      if (cut?.at === 0) {
        this.interruptions.shift();
        this.post(cut.message);
        continue;
      }
      if (!this.payloads.length || this.ahead >= MAX_BATCHES_AHEAD) break;
      const payloads = this.payloads.splice(0, Math.min(MAX_BATCH_MESSAGES, cut ? cut.at : MAX_BATCH_MESSAGES));
      const channels = this.channels.splice(0, payloads.length);
      for (const waiting of this.interruptions) waiting.at -= payloads.length;
      let bytes = 0;
      for (let i = 0; i < payloads.length; i++) bytes += payloads[i].length;
      this.queuedBytes -= bytes;
      // decodePayloads never throws by design: any bad payload comes back as an error entry.
      const { events, errors, clock } = decodePayloads(payloads, channels, localReceived, this.clock);
      const packed = packEvents(events);
      this.ahead++;
      this.post({ kind: 'events', packed, errors, clock, bytes }, [packed.types.buffer, packed.numbers.buffer, packed.refs.buffer]);
    }
    if (this.paused && this.queuedBytes <= MAX_IN_FLIGHT_BYTES / 2) {
      this.paused = false;
      this.current?.subscription?.setPaused?.(false);
    }
  }
}
