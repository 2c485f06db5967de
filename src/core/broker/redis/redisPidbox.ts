/**
 * Remote control over kombu's Redis pidbox, the way `app.control` does it: register a reply queue
 * in the reply exchange's binding set, PUBLISH the request on the pidbox fanout channel, BRPOP the
 * replies until the timeout or the expected count, then remove the binding and the reply lists.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ControlReply, ControlRequestOptions } from '../broker';
import { buildRedisEnvelope, isUndecodable, parseRedisEnvelope, type Undecodable } from '../../celery/rawMessage';
import {
  type BroadcastResult, expectedReplyCount, parsePidboxReply, PIDBOX_EXCHANGE, pidboxRequestBody, pidboxRequestHeaders,
  REPLY_EXCHANGE, replyQueueName,
} from '../../control/pidboxProtocol';
import { bindingKey, bindingMember, fanoutChannel, queueKeys } from './kombuKeys';

/** What a broadcast needs from the broker that owns it. */
export interface PidboxContext {
  db: number;
  /** The command connection (SADD, PUBLISH, SREM, DEL). */
  client: Redis;
  /** Borrow a connection that may block on BRPOP; the callback's end gives it back. */
  withBlockingClient<T>(use: (client: Redis) => Promise<T>): Promise<T>;
  /** Next Lamport clock value for the request header. */
  nextClock(): number;
}

function requestEnvelope(body: Record<string, unknown>, clock: number, timeoutMs: number): string {
  return buildRedisEnvelope({
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    headers: pidboxRequestHeaders(clock, timeoutMs),
    properties: { delivery_mode: 2 },
    exchange: PIDBOX_EXCHANGE,
    routingKey: '',
  }, randomUUID());
}

/**
 * Turn one reply list item (a kombu envelope) into replies. Undefined when the reply answers another
 * ticket (the caller ignores it), an Undecodable when it cannot be read; never throws.
 */
export function decodePidboxReply(data: Buffer, ticket: string, where: string, elapsedMs: number): ControlReply[] | Undecodable | undefined {
  const raw = parseRedisEnvelope(data, 'control', where);
  return isUndecodable(raw) ? raw : parsePidboxReply(raw, ticket, where, elapsedMs);
}

/** How long after collecting a straggling worker's reply may still land in the reply list. */
const LATE_REPLY_SWEEP_MS = 2000;

/** Broadcast a pidbox request and collect the replies (see the module comment). */
export async function pidboxBroadcast(
  context: PidboxContext,
  method: string,
  args: Record<string, unknown>,
  options: ControlRequestOptions,
): Promise<BroadcastResult> {
  const channel = fanoutChannel(context.db, PIDBOX_EXCHANGE);
  if (!options.reply) {
    await context.client.publish(channel, requestEnvelope(pidboxRequestBody(method, args, options.destination, undefined), context.nextClock(), options.timeoutMs));
    return { replies: [], errors: [] };
  }
  const oid = randomUUID();
  const ticket = randomUUID();
  const replyQueue = replyQueueName(oid);
  const replyKeys = queueKeys(replyQueue);
  const member = bindingMember(oid, '', replyQueue);
  const limit = expectedReplyCount(options);
  const replies: ControlReply[] = [];
  const errors: Undecodable[] = [];
  const repliedNodes = (): number => replies.length;
  try {
    // Workers SMEMBERS this set to find where to LPUSH their reply; without it the reply is dropped.
    await context.client.sadd(bindingKey(REPLY_EXCHANGE), member);
    const body = pidboxRequestBody(method, args, options.destination, { ticket, oid });
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    await context.client.publish(channel, requestEnvelope(body, context.nextClock(), options.timeoutMs));
    await context.withBlockingClient(async (blocking) => {
      while (limit === undefined || repliedNodes() < limit) {
        const remainingMs = deadline - Date.now();
        if (remainingMs <= 0) break;
        // Redis ≥ 6 takes fractional BRPOP timeouts; never 0, which would block forever.
        const seconds = Math.max(remainingMs, 10) / 1000;
        const popped = await blocking.brpopBuffer(...replyKeys, seconds.toFixed(3));
        if (!popped) continue;
        const [key, data] = popped;
        const decoded = decodePidboxReply(data, ticket, key.toString('utf8'), Date.now() - started);
        if (decoded === undefined) continue;
        if (isUndecodable(decoded)) errors.push(decoded);
        else replies.push(...decoded);
      }
    });
  } finally {
    // kombu's after_reply_message_received: always unregister and drop the reply lists, so a late
    // worker finds no binding and nothing is left behind even when collecting failed.
    await context.client.multi().srem(bindingKey(REPLY_EXCHANGE), member).del(...replyKeys).exec().catch(() => undefined);
    // A worker that read the binding just before the SREM still LPUSHes its reply afterwards, which
    // would leave a list nobody reads in the user's Redis: sweep once more when replies were missing.
    if (limit === undefined || repliedNodes() < limit) {
      setTimeout(() => void context.client.del(...replyKeys).catch(() => undefined), LATE_REPLY_SWEEP_MS).unref();
    }
  }
  return { replies, errors };
}
