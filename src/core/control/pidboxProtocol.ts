/**
 * kombu's pidbox (remote control) protocol, independent of the transport: the exchange names, the
 * reply queue a caller owns, the request body and headers `app.control` sends, and how one reply
 * message unfolds into {@link ControlReply} entries. The Redis and AMQP brokers only move the bytes.
 */
import type { ControlReply, ControlRequestOptions } from '../broker/broker';
import { decodeJsonBody } from '../celery/events';
import { isUndecodable, previewOf, undecodable, type RawMessage, type Undecodable } from '../celery/rawMessage';

/** The fanout exchange workers listen on for control requests. */
export const PIDBOX_EXCHANGE = 'celery.pidbox';

/** The direct exchange workers answer on, routed by the caller's oid. */
export const REPLY_EXCHANGE = 'reply.celery.pidbox';

/** Who should answer and where: a cast (no reply) carries neither ticket nor reply_to. */
export interface PidboxReplyTo {
  /** Matches replies to this call. */
  ticket: string;
  /** The caller's id, routing key of its reply queue. */
  oid: string;
}

/** What a broadcast collected: replies whose ticket matched, and reply messages we could not read. */
export interface BroadcastResult {
  replies: ControlReply[];
  errors: Undecodable[];
}

/** The reply queue kombu names for a caller's oid. */
export function replyQueueName(oid: string): string {
  return `${oid}.${REPLY_EXCHANGE}`;
}

/** The request body exactly as kombu's Mailbox._publish builds it (same keys, same order). */
export function pidboxRequestBody(
  method: string,
  args: Record<string, unknown>,
  destination: string[] | undefined,
  reply: PidboxReplyTo | undefined,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    method,
    arguments: args,
    destination: destination && destination.length > 0 ? destination : null,
    pattern: null,
    matcher: null,
  };
  if (reply) {
    body.ticket = reply.ticket;
    body.reply_to = { exchange: REPLY_EXCHANGE, routing_key: reply.oid };
  }
  return body;
}

/** How many replies end the wait early: the explicit limit, else one per named destination, else none. */
export function expectedReplyCount(options: ControlRequestOptions): number | undefined {
  return options.limit ?? (options.destination && options.destination.length > 0 ? options.destination.length : undefined);
}

/** The request headers: a Lamport clock and the expiry (epoch seconds) after which workers drop it. */
export function pidboxRequestHeaders(clock: number, timeoutMs: number, now: number = Date.now()): { clock: number; expires: number } {
  return { clock, expires: (now + timeoutMs) / 1000 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One reply message, `{nodename: payload}` (one entry per node, normally one), as replies. Undefined
 * when the ticket is not ours (the message belongs to another call); never throws.
 */
export function parsePidboxReply(raw: RawMessage, ticket: string, where: string, elapsedMs: number): ControlReply[] | Undecodable | undefined {
  if (raw.headers.ticket !== ticket) return undefined;
  const decoded = decodeJsonBody(raw, 'control', where);
  if (isUndecodable(decoded)) return decoded;
  if (!isRecord(decoded.value)) {
    return undecodable('control', where, 'control reply is not a {"worker": reply} object keyed by node name', {
      size: raw.size, contentType: raw.contentType, contentEncoding: raw.contentEncoding, preview: previewOf(raw.body),
    });
  }
  return Object.entries(decoded.value).map(([hostname, reply]) => ({ hostname, reply, elapsedMs }));
}
