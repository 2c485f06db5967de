/**
 * One Redis pub/sub pattern subscription on its own connection (a subscribed connection cannot
 * run other commands), for the broker's events and the result backend's result records.
 */
import type { Redis } from 'ioredis';
import type { Subscription } from '../broker';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import type { Logger } from '../../util/logger';
import { closeRedis, redisFailure } from './redisClient';

/** One PSUBSCRIBE: where to connect, what to listen to and who hears it. */
export interface PatternSubscriptionRequest {
  /** Opens the dedicated connection. */
  connect(): Promise<Redis>;
  /** The glob given to PSUBSCRIBE. */
  pattern: string;
  /** Names the operation in errors, e.g. "Subscribing to events". */
  what: string;
  /** Names the handler in the warning logged when it throws, e.g. "event handler". */
  handlerName: string;
  /** Called with the channel name and the raw payload of every message. */
  onMessage(channel: string, payload: Buffer): void;
  /**
   * The connection dropped at `lostAt` and was re-subscribed at `resumedAt` (epoch ms) by the
   * client's own reconnect: whatever was published in between, or still sat in Redis's output
   * buffer for us when it cut the connection, never arrives.
   */
  onInterruption?(lostAt: number, resumedAt: number): void;
}

/**
 * Connect and PSUBSCRIBE. A handler that throws is logged and does not end the stream. The
 * subscription's close() is idempotent and calls `onClose` once, so its owner can forget it.
 * Rejects with an error safe to show when the connection or the PSUBSCRIBE fails.
 */
export async function subscribePattern(
  url: RedisConnectionUrl,
  logger: Logger,
  request: PatternSubscriptionRequest,
  onClose: (subscription: Subscription) => void,
): Promise<Subscription> {
  const sub = await request.connect();
  sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, payload: Buffer) => {
    try {
      request.onMessage(channel.toString('utf8'), payload);
    } catch (err) {
      logger.warn(`${request.handlerName} failed: ${(err as Error).message}`);
    }
  });
  let lostAt: number | undefined;
  let done = false;
  sub.on('close', () => {
    if (!done) lostAt ??= Date.now();
  });
  // ioredis sends the PSUBSCRIBE again just before 'ready' (autoResubscribe).
  sub.on('ready', () => {
    if (lostAt === undefined || done) return;
    const from = lostAt;
    lostAt = undefined;
    try {
      request.onInterruption?.(from, Date.now());
    } catch (err) {
      logger.warn(`${request.handlerName} failed: ${(err as Error).message}`);
    }
  });
  try {
    await sub.psubscribe(request.pattern);
  } catch (err) {
    sub.disconnect();
    throw redisFailure(err, url, request.what);
  }
  const subscription: Subscription = {
    close: async () => {
      if (done) return;
      done = true;
      onClose(subscription);
      sub.removeAllListeners('pmessageBuffer');
      sub.removeAllListeners('ready');
      await closeRedis(sub);
    },
    setPaused: (paused) => {
      // The socket of the current connection; a reconnect makes a new, flowing one.
      if (paused) sub.stream?.pause();
      else sub.stream?.resume();
    },
  };
  return subscription;
}
