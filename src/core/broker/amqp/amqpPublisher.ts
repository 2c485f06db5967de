/**
 * Publishing with publisher confirms. Publishes are serialised on one confirm channel so a
 * `basic.return` (mandatory message with no queue to go to) can be pinned on the publish it belongs
 * to: RabbitMQ sends the return before the confirm of the same message.
 */
import type { ConfirmChannel, Options } from 'amqplib';
import type { OutgoingMessage } from '../../celery/rawMessage';
import { CeleryLensError, withTimeout } from '../../util/errors';
import { closeQuietly, type AmqpSession } from './amqpSession';
import { describeAmqpError } from './amqpConnect';
import { kombuCompatibleTable } from './amqpTable';

/** amqplib encodes a header table into a fixed 64 KiB buffer and throws a RangeError beyond it. */
const HEADER_TABLE_LIMIT = '64 KiB';

/** The amqplib publish options for a transport-neutral message. */
export function publishOptions(message: OutgoingMessage): Options.Publish {
  const p = message.properties;
  const options: Options.Publish = {
    contentType: message.contentType,
    contentEncoding: message.contentEncoding,
    headers: kombuCompatibleTable(message.headers),
    deliveryMode: p.delivery_mode ?? 2,
    // Without `mandatory` a message routed nowhere is silently dropped and still confirmed.
    mandatory: true,
  };
  if (p.correlation_id !== undefined) options.correlationId = p.correlation_id;
  if (p.reply_to !== undefined) options.replyTo = p.reply_to;
  if (p.priority !== undefined) options.priority = p.priority;
  if (p.expiration !== undefined) options.expiration = p.expiration;
  return options;
}

export class AmqpPublisher {
  private channel?: ConfirmChannel;
  private channelError?: string;
  private returned?: { exchange: string; routingKey: string; replyText: string };
  /** Tail of the publish queue: each publish waits for the previous one. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly session: AmqpSession) {}

  publish(message: OutgoingMessage): Promise<void> {
    const run = this.tail.then(() => this.publishNow(message));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await closeQuietly(channel);
  }

  private async confirmChannel(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const channel = await this.session.openConfirmChannel();
    this.channelError = undefined;
    channel.on('error', (err: Error) => {
      this.channelError = err.message;
    });
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    channel.on('return', (msg) => {
      this.returned = {
        exchange: msg.fields.exchange,
        routingKey: msg.fields.routingKey,
        replyText: String((msg.fields as { replyText?: unknown }).replyText ?? 'NO_ROUTE'),
      };
    });
    this.channel = channel;
    return channel;
  }

  /** The basic.return received for the publish in flight, if any (set by the channel listener). */
  private takeReturned(): { exchange: string; routingKey: string; replyText: string } | undefined {
    const returned = this.returned;
    this.returned = undefined;
    return returned;
  }

  private async publishNow(message: OutgoingMessage): Promise<void> {
    const url = this.session.url;
    const target = `exchange "${message.exchange}" with routing key "${message.routingKey}"`;
    let channel: ConfirmChannel;
    try {
      channel = await withTimeout(this.confirmChannel(), this.session.commandTimeoutMs, 'Opening a publish channel');
    } catch (err) {
      throw describeAmqpError(err, 'Opening a publish channel', url);
    }
    this.returned = undefined;
    const confirmed = new Promise<void>((resolve, reject) => {
      try {
        channel.publish(message.exchange, message.routingKey, message.body, publishOptions(message), (err: unknown) => {
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve();
        });
      } catch (err) {
        if (err instanceof RangeError) {
          reject(new CeleryLensError(
            `The message headers are too large to publish: AMQP header tables are limited to ${HEADER_TABLE_LIMIT} by the client library. Move large values into the message body.`,
            'HEADERS_TOO_LARGE',
          ));
        } else {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    try {
      await withTimeout(confirmed, this.session.commandTimeoutMs, `Publishing to ${target}`);
    } catch (err) {
      if (err instanceof CeleryLensError) throw err;
      // The channel-level reason (e.g. "NOT_FOUND - no exchange") is more useful than "channel closed".
      const reason = this.channelError ?? (err instanceof Error ? err.message : String(err));
      throw describeAmqpError(new Error(reason), `Publishing to ${target}`, url);
    }
    const returned = this.takeReturned();
    if (returned) {
      throw new CeleryLensError(
        `RabbitMQ could not route the message (${returned.replyText}): no queue is bound to exchange "${returned.exchange}" with routing key "${returned.routingKey}". Nothing was queued.`,
        'UNROUTABLE',
      );
    }
  }
}
