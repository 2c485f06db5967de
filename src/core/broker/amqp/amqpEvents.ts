/**
 * The `celeryev` stream over AMQP, received the way Celery's own EventReceiver does it: an
 * exclusive, auto-delete queue `celeryev.<uuid>` with a short message TTL and an expiry (so a dead
 * client cannot pile events up), bound to the topic exchange `celeryev` with `#`.
 *
 * The subscription outlives trouble: if the server cancels the consumer (the queue was deleted) or
 * the connection drops, it re-declares a fresh queue with backoff until closed.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Subscription } from '../broker';
import { rawFromAmqp, type RawMessage, type Undecodable } from '../../celery/rawMessage';
import { withTimeout } from '../../util/errors';
import type { Disposable } from '../../util/disposable';
import { closeQuietly, type AmqpSession } from './amqpSession';
import { describeAmqpError } from './amqpConnect';

export const EVENT_EXCHANGE = 'celeryev';
/** Celery's receiver queue arguments (ms). */
export const EVENT_QUEUE_ARGUMENTS = { 'x-message-ttl': 5000, 'x-expires': 60000 };
const RETRY_DELAYS_MS = [1000, 2000, 5000, 10000, 30000];

class AmqpEventSubscription implements Subscription {
  private channel?: Channel;
  private queue?: string;
  private consumerTag?: string;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private retries = 0;
  private readonly lostListener: Disposable;

  constructor(
    private readonly session: AmqpSession,
    private readonly onMessage: (message: RawMessage | Undecodable) => void,
  ) {
    this.lostListener = session.onConnectionLost((reason) => this.restartLater(`connection lost (${reason})`));
  }

  /** The name of the current event queue (for tests and diagnostics). */
  get queueName(): string | undefined {
    return this.queue;
  }

  async start(): Promise<void> {
    const t = this.session.commandTimeoutMs;
    const channel = await withTimeout(this.session.openChannel(), t, 'Opening the events channel');
    this.channel = channel;
    const queue = `${EVENT_EXCHANGE}.${randomUUID()}`;
    try {
      // Declared exactly as Celery does; other flags would get 406 PRECONDITION_FAILED.
      await withTimeout(channel.assertExchange(EVENT_EXCHANGE, 'topic', { durable: true, autoDelete: false }), t, 'Declaring the celeryev exchange');
      await withTimeout(channel.assertQueue(queue, {
        exclusive: true, autoDelete: true, durable: false, arguments: EVENT_QUEUE_ARGUMENTS,
      }), t, 'Declaring the event queue');
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
    channel.on('close', () => {
      if (this.channel === channel) this.restartLater('the events channel closed');
    });
    this.retries = 0;
  }

  private deliver(msg: ConsumeMessage | null): void {
    if (msg === null) {
      this.restartLater('the server cancelled the event consumer (was the queue deleted?)');
      return;
    }
    try {
      this.onMessage(rawFromAmqp(msg));
    } catch (err) {
      // A throwing listener must not kill the channel (amqplib would close it).
      this.session.logger.error(`event listener failed: ${(err as Error).message}`);
    }
  }

  private restartLater(reason: string): void {
    if (this.closed || this.retryTimer) return;
    const old = this.channel;
    this.channel = undefined;
    this.consumerTag = undefined;
    void closeQuietly(old);
    const delay = RETRY_DELAYS_MS[Math.min(this.retries, RETRY_DELAYS_MS.length - 1)];
    this.retries++;
    this.session.logger.warn(`Celery events: ${reason}; resubscribing in ${delay / 1000} s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed) return;
      this.start().then(
        () => this.session.logger.info('Celery events: resubscribed'),
        (err) => this.restartLater(describeAmqpError(err, 'Resubscribing to events', this.session.url).message),
      );
    }, delay);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.lostListener.dispose();
    const channel = this.channel;
    this.channel = undefined;
    if (!channel) return;
    const t = this.session.commandTimeoutMs;
    try {
      if (this.consumerTag) await withTimeout(channel.cancel(this.consumerTag), t, 'Cancelling the event consumer');
      if (this.queue) await withTimeout(channel.deleteQueue(this.queue), t, 'Deleting the event queue');
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
): Promise<Subscription & { readonly queueName: string | undefined }> {
  const subscription = new AmqpEventSubscription(session, onMessage);
  try {
    await subscription.start();
  } catch (err) {
    await subscription.close();
    throw describeAmqpError(err, 'Subscribing to Celery events', session.url);
  }
  return subscription;
}
