/**
 * The `celeryev` stream over AMQP, received the way Celery's own EventReceiver does it: an
 * exclusive, auto-delete queue `celeryev.<uuid>` with a short message TTL and an expiry (so a dead
 * client cannot pile events up), bound to the topic exchange `celeryev` with `#`.
 *
 * The subscription outlives trouble: if the server cancels the consumer (the queue was deleted) or
 * the connection drops, it re-declares a fresh queue with backoff until closed, and then reports the
 * interruption (`onInterruption`): events sent while we had no queue went nowhere.
 *
 * Falling behind: the consumer is noAck, as Celery's; RabbitMQ pushes events as fast as the socket
 * takes them and basic.qos (prefetch) does not apply to a noAck consumer, so there is no prefetch
 * to size: TCP back-pressure is the only flow control. What does not fit waits in the queue, where
 * the 5 s message TTL drops it. So the loss is not silent, the event queue dead-letters what it
 * drops (through the default exchange) into a side queue `celery-lens.lost-events.<uuid>`, which
 * is purged every second and the count reported (`onLost`). A server that refuses the extra
 * arguments (no write permission on the default exchange) gets Celery's plain queue instead.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Subscription } from '../broker';
import { rawFromAmqp, type RawMessage, type Undecodable } from '../../celery/rawMessage';
import { withTimeout } from '../../util/errors';
import type { Disposable } from '../../util/disposable';
import { closeQuietly, withChannel, type AmqpSession } from './amqpSession';
import { describeAmqpError } from './amqpConnect';

export const EVENT_EXCHANGE = 'celeryev';
/** Celery's receiver queue arguments (ms). */
export const EVENT_QUEUE_ARGUMENTS = { 'x-message-ttl': 5000, 'x-expires': 60000 };
const RETRY_DELAYS_MS = [1000, 2000, 5000, 10000, 30000];
/** How often the dead-letter side queue is purged and counted, ms. */
export const LOST_EVENTS_CHECK_MS = 1000;
const LOST_PREFIX = 'celery-lens.lost-events';

/** Told how many events the broker dropped from our queue since the last report. */
export type LostEventsListener = (count: number, reason: string) => void;
/** Told, once resubscribed, that no queue of ours received events from `lostAt` to `resumedAt` (epoch ms). */
export type InterruptionListener = (lostAt: number, resumedAt: number, reason: string) => void;

/** undefined for a server refusing the dead-letter arguments (permissions, policy); any other error is rethrown. */
function refusedOrThrow(err: unknown): undefined {
  const code = (err as { code?: unknown }).code;
  if (code === 403 || code === 405 || code === 406 || /ACCESS_REFUSED|PRECONDITION_FAILED|RESOURCE_LOCKED/.test(String((err as Error).message))) return undefined;
  throw err;
}

class AmqpEventSubscription implements Subscription {
  private channel?: Channel;
  private queue?: string;
  private consumerTag?: string;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private retries = 0;
  private readonly lostListener: Disposable;
  private lostQueue?: string;
  private lostTimer?: NodeJS.Timeout;
  private deadLettering = true;
  /** Epoch ms of the last delivery and of the last probe (see probe()). */
  private lastDeliveryAt = 0;
  private lastProbeAt = Date.now();
  private silentProbes = 0;
  /** Since when (epoch ms) and why we have had no working event queue, while resubscribing. */
  private interruption?: { since: number; reason: string };

  constructor(
    private readonly session: AmqpSession,
    private readonly onMessage: (message: RawMessage | Undecodable) => void,
    private readonly onLost: LostEventsListener = () => undefined,
    private readonly onInterruption: InterruptionListener = () => undefined,
  ) {
    this.lostListener = session.onConnectionLost((reason) => this.restartLater(`connection lost (${reason})`));
  }

  /** The name of the current event queue (for tests and diagnostics). */
  get queueName(): string | undefined {
    return this.queue;
  }

  /** The side queue counting dropped events (undefined when the server refused dead-lettering). */
  get lostQueueName(): string | undefined {
    return this.lostQueue;
  }

  async start(): Promise<void> {
    const t = this.session.commandTimeoutMs;
    let channel = await withTimeout(this.session.openChannel(), t, 'Opening the events channel');
    this.channel = channel;
    const id = randomUUID();
    const queue = `${EVENT_EXCHANGE}.${id}`;
    try {
      // Declared exactly as Celery does; other flags would get 406 PRECONDITION_FAILED.
      await withTimeout(channel.assertExchange(EVENT_EXCHANGE, 'topic', { durable: true, autoDelete: false }), t, 'Declaring the celeryev exchange');
      const lostQueue = this.deadLettering ? await this.declareLostQueue(channel, `${LOST_PREFIX}.${id}`, queue).catch(refusedOrThrow) : undefined;
      if (!lostQueue) {
        // A refused declare closed the channel: carry on without the count, on a fresh one.
        this.deadLettering = false;
        await closeQuietly(channel);
        channel = await withTimeout(this.session.openChannel(), t, 'Opening the events channel');
        this.channel = channel;
        await withTimeout(channel.assertQueue(queue, {
          exclusive: true, autoDelete: true, durable: false, arguments: EVENT_QUEUE_ARGUMENTS,
        }), t, 'Declaring the event queue');
      }
      this.lostQueue = lostQueue;
      await withTimeout(channel.bindQueue(queue, EVENT_EXCHANGE, '#'), t, 'Binding the event queue');
      this.queue = queue;
      // noAck like Celery's receiver: basic.qos does not apply to such a consumer, and the queue's
      // message TTL is what bounds the backlog if we fall behind.
      const { consumerTag } = await withTimeout(channel.consume(queue, (msg) => this.deliver(msg), { noAck: true }), t, 'Consuming events');
      this.consumerTag = consumerTag;
    } catch (err) {
      this.channel = undefined;
      await closeQuietly(channel);
      throw err;
    }
    const current = channel;
    channel.on('close', () => {
      if (this.channel === current) this.restartLater('the events channel closed');
    });
    this.retries = 0;
    if (this.lostQueue) this.scheduleLostCheck();
  }

  /** The side queue, then the event queue dead-lettering into it; resolves the side queue's name. */
  private async declareLostQueue(channel: Channel, lostQueue: string, queue: string): Promise<string> {
    const t = this.session.commandTimeoutMs;
    await withTimeout(channel.assertQueue(lostQueue, {
      exclusive: true, autoDelete: false, durable: false, arguments: { 'x-expires': EVENT_QUEUE_ARGUMENTS['x-expires'] },
    }), t, 'Declaring the lost-events queue');
    await withTimeout(channel.assertQueue(queue, {
      exclusive: true, autoDelete: true, durable: false,
      arguments: { ...EVENT_QUEUE_ARGUMENTS, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': lostQueue },
    }), t, 'Declaring the event queue');
    return lostQueue;
  }

  private scheduleLostCheck(): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = setTimeout(() => void this.countLost(), LOST_EVENTS_CHECK_MS);
    this.lostTimer.unref?.();
  }

  /** Purge the side queue: what it held is what the broker dropped. */
  private async countLost(): Promise<void> {
    const channel = this.channel;
    const lostQueue = this.lostQueue;
    if (this.closed || !channel || !lostQueue) return;
    try {
      const { messageCount } = await withTimeout(channel.purgeQueue(lostQueue), this.session.commandTimeoutMs, 'Counting lost events');
      if (messageCount > 0) {
        this.onLost(messageCount, `RabbitMQ dropped ${messageCount} event(s) that waited in the event queue longer than its ${EVENT_QUEUE_ARGUMENTS['x-message-ttl'] / 1000} s TTL (we fell behind)`);
      }
    } catch (err) {
      this.session.logger.debug(`lost-events count: ${describeAmqpError(err, 'purge', this.session.url).message}`);
    }
    if (this.channel === channel && !this.closed) this.scheduleLostCheck();
  }

  /**
   * Someone suspects events do not reach us (workers answer remote control, their heartbeats do not
   * arrive). Anything delivered after `since` (epoch ms; default: the last probe) proves the
   * subscription works: its binding is `#`, all or nothing. Otherwise check that our queue still
   * has our consumer and re-assert the binding, which silently goes with a deleted `celeryev`
   * exchange (declared again, by an operator or a worker's publish, it is bound to nothing). The
   * first silent probe says 'unknown', so a re-made binding gets a round to bring events back
   * before the silence is blamed on the workers.
   */
  async probe(since = this.lastProbeAt): Promise<'alive' | 'dead' | 'unknown'> {
    const channel = this.channel;
    const queue = this.queue;
    if (this.closed || !channel || !queue || this.retryTimer) return 'unknown';
    this.lastProbeAt = Date.now();
    if (this.lastDeliveryAt > since) {
      this.silentProbes = 0;
      return 'alive';
    }
    const t = this.session.commandTimeoutMs;
    try {
      // A passive declare of a missing queue closes its channel: a throwaway one.
      const { consumerCount } = await withChannel(this.session, (c) => withTimeout(c.checkQueue(queue), t, 'Checking the event queue'));
      if (consumerCount < 1) {
        this.restartLater('our event queue had lost its consumer');
        return 'dead';
      }
      await withTimeout(channel.bindQueue(queue, EVENT_EXCHANGE, '#'), t, 'Binding the event queue');
    } catch (err) {
      this.restartLater(`checking the event queue failed: ${describeAmqpError(err, 'Checking the event queue', this.session.url).message}`);
      return 'dead';
    }
    this.session.logger.debug(`Celery events: nothing delivered since ${new Date(since).toISOString()}; the event queue ${queue} has its consumer, binding re-asserted`);
    return this.silentProbes++ === 0 ? 'unknown' : 'alive';
  }

  private deliver(msg: ConsumeMessage | null): void {
    if (msg === null) {
      this.restartLater('the server cancelled the event consumer (was the queue deleted?)');
      return;
    }
    this.lastDeliveryAt = Date.now();
    try {
      this.onMessage(rawFromAmqp(msg));
    } catch (err) {
      // A throwing listener must not kill the channel (amqplib would close it).
      this.session.logger.error(`event listener failed: ${(err as Error).message}`);
    }
  }

  private restartLater(reason: string): void {
    if (this.closed || this.retryTimer) return;
    clearTimeout(this.lostTimer);
    const old = this.channel;
    this.channel = undefined;
    this.consumerTag = undefined;
    void closeQuietly(old);
    const delay = RETRY_DELAYS_MS[Math.min(this.retries, RETRY_DELAYS_MS.length - 1)];
    this.retries++;
    // The first failure is when events stopped reaching us; later retries only prolong it.
    this.interruption ??= { since: Date.now(), reason };
    this.session.logger.warn(`Celery events: ${reason}; resubscribing in ${delay / 1000} s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed) return;
      this.start().then(
        () => this.resubscribed(),
        (err) => this.restartLater(describeAmqpError(err, 'Resubscribing to events', this.session.url).message),
      );
    }, delay);
  }

  private resubscribed(): void {
    this.session.logger.info('Celery events: resubscribed');
    const interruption = this.interruption;
    this.interruption = undefined;
    if (!interruption || this.closed) return;
    try {
      this.onInterruption(interruption.since, Date.now(), interruption.reason);
    } catch (err) {
      this.session.logger.error(`event interruption listener failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.lostTimer);
    this.retryTimer = undefined;
    this.lostListener.dispose();
    const channel = this.channel;
    this.channel = undefined;
    if (!channel) return;
    const t = this.session.commandTimeoutMs;
    try {
      if (this.consumerTag) await withTimeout(channel.cancel(this.consumerTag), t, 'Cancelling the event consumer');
      if (this.queue) await withTimeout(channel.deleteQueue(this.queue), t, 'Deleting the event queue');
      if (this.lostQueue) await withTimeout(channel.deleteQueue(this.lostQueue), t, 'Deleting the lost-events queue');
    } catch (err) {
      // The queue is exclusive and auto-delete: it goes with the consumer or the connection anyway.
      this.session.logger.debug(`events cleanup: ${describeAmqpError(err, 'cleanup', this.session.url).message}`);
    }
    await closeQuietly(channel);
  }
}

/** Subscribe to every Celery event; resolves once the queue is bound and consuming. */
export async function amqpSubscribeEvents(
  session: AmqpSession,
  onMessage: (message: RawMessage | Undecodable) => void,
  onLost?: LostEventsListener,
  onInterruption?: InterruptionListener,
): Promise<Subscription & { readonly queueName: string | undefined; readonly lostQueueName: string | undefined }> {
  const subscription = new AmqpEventSubscription(session, onMessage, onLost, onInterruption);
  try {
    await subscription.start();
  } catch (err) {
    await subscription.close();
    throw describeAmqpError(err, 'Subscribing to Celery events', session.url);
  }
  return subscription;
}
