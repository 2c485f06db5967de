/**
 * kombu's pidbox over AMQP (celery-wire README §6 "AMQP procedure"): the request goes to the fanout
 * exchange `celery.pidbox`; each worker answers on the direct exchange `reply.celery.pidbox` with
 * our oid as routing key, into a short-lived reply queue that only this call uses.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { ControlReply, ControlRequestOptions } from '../broker';
import { isUndecodable, rawFromAmqp, type Undecodable } from '../../celery/rawMessage';
import {
  type BroadcastResult, expectedReplyCount, parsePidboxReply, PIDBOX_EXCHANGE, pidboxRequestBody, pidboxRequestHeaders,
  type PidboxReplyTo, REPLY_EXCHANGE, replyQueueName,
} from '../../control/pidboxProtocol';
import { withTimeout } from '../../util/errors';
import { closeQuietly, type AmqpSession } from './amqpSession';
import { describeAmqpError } from './amqpConnect';
import { kombuCompatibleTable } from './amqpTable';

/** Lamport-ish clock for request headers; workers only take the max, so any increasing value is fine. */
let clock = 0;

/** Broadcast a pidbox request and collect ticket-matched replies until the timeout or the limit. */
export async function amqpBroadcast(
  session: AmqpSession,
  method: string,
  args: Record<string, unknown>,
  options: ControlRequestOptions,
): Promise<BroadcastResult> {
  const url = session.url;
  const what = `Remote control "${method}"`;
  let channel: Channel | undefined;
  try {
    channel = await withTimeout(session.openChannel(), session.commandTimeoutMs, `${what}: opening a channel`);
    if (!options.reply) {
      await withTimeout(publishRequest(channel, method, args, options, undefined), session.commandTimeoutMs, what);
      return { replies: [], errors: [] };
    }
    return await collect(session, channel, method, args, options);
  } catch (err) {
    throw describeAmqpError(err, what, url);
  } finally {
    await closeQuietly(channel);
  }
}

async function publishRequest(
  channel: Channel,
  method: string,
  args: Record<string, unknown>,
  options: ControlRequestOptions,
  reply: PidboxReplyTo | undefined,
): Promise<void> {
  // Declared exactly as kombu does; other flags would get 406 PRECONDITION_FAILED.
  await channel.assertExchange(PIDBOX_EXCHANGE, 'fanout', { durable: false, autoDelete: false });
  const body = Buffer.from(JSON.stringify(pidboxRequestBody(method, args, options.destination, reply)), 'utf8');
  channel.publish(PIDBOX_EXCHANGE, '', body, {
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    deliveryMode: 2,
    headers: kombuCompatibleTable(pidboxRequestHeaders(++clock, options.timeoutMs)),
  });
}

async function collect(
  session: AmqpSession,
  channel: Channel,
  method: string,
  args: Record<string, unknown>,
  options: ControlRequestOptions,
): Promise<BroadcastResult> {
  const oid = randomUUID();
  const ticket = randomUUID();
  const queue = replyQueueName(oid);
  const limit = expectedReplyCount(options);
  const replies: ControlReply[] = [];
  const errors: Undecodable[] = [];
  const t = session.commandTimeoutMs;

  await withTimeout(channel.assertExchange(REPLY_EXCHANGE, 'direct', { durable: false, autoDelete: false }), t, 'declaring the reply exchange');
  await withTimeout(channel.assertQueue(queue, {
    durable: false,
    autoDelete: true,
    arguments: { 'x-expires': 10000, 'x-message-ttl': 300000 },
  }), t, 'declaring the reply queue');
  await withTimeout(channel.bindQueue(queue, REPLY_EXCHANGE, oid), t, 'binding the reply queue');

  let started = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const onMessage = (msg: ConsumeMessage | null): void => {
    // null: the server cancelled our consumer (queue deleted by someone else); nothing more will come.
    if (msg === null) return finish();
    const parsed = parsePidboxReply(rawFromAmqp(msg), ticket, queue, Date.now() - started);
    if (parsed === undefined) return;
    if (isUndecodable(parsed)) errors.push(parsed);
    else replies.push(...parsed);
    if (limit !== undefined && replies.length >= limit) finish();
  };
  const { consumerTag } = await withTimeout(channel.consume(queue, onMessage, { noAck: true }), t, 'consuming the reply queue');

  started = Date.now();
  await withTimeout(publishRequest(channel, method, args, options, { ticket, oid }), t, 'publishing the request');
  const timer = setTimeout(finish, Math.max(0, options.timeoutMs));
  if (limit !== undefined && limit <= 0) finish();
  await done;
  clearTimeout(timer);

  // Cancel first: deleting a queue under a live consumer makes the server cancel it, and the
  // queue (auto-delete) usually goes with the consumer anyway.
  try {
    await withTimeout(channel.cancel(consumerTag), t, 'cancelling the reply consumer');
    await withTimeout(channel.deleteQueue(queue), t, 'deleting the reply queue');
  } catch (err) {
    session.logger.debug(`pidbox reply queue cleanup: ${describeAmqpError(err, 'cleanup', session.url).message}`);
  }
  return { replies, errors };
}
