/**
 * One Redis pub/sub pattern subscription on its own connection (a subscribed connection cannot
 * run other commands), for the broker's events and the result backend's result records.
 */
import type { Redis } from 'ioredis';
import type { Subscription } from '../broker';
import { SubscriberProbe } from './subscriberProbe';
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
  onInterruption?(lostAt: number, resumedAt: number, reason?: string): void;
  /**
   * Watch the connection for silence (see subscriberProbe.ts): after `idleMs` without a byte, PING;
   * no answer within `timeoutMs` drops it, and the client's reconnect subscribes again on a fresh one
   * (reported through onInterruption with the probe's reason). Omitted: never probed.
   */
  liveness?: { idleMs: number; timeoutMs: number };
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
  let lostReason: string | undefined;
  let done = false;
  let paused = false;
  // Bytes read by the connections the client closed (a reconnect starts a new socket from 0).
  let bytesBefore = 0;
  sub.on('close', () => {
    bytesBefore += sub.stream?.bytesRead ?? 0;
    if (!done) lostAt ??= Date.now();
  });
  // ioredis sends the PSUBSCRIBE again just before 'ready' (autoResubscribe).
  sub.on('ready', () => {
    if (lostAt === undefined || done) return;
    const from = lostAt;
    const reason = lostReason;
    lostAt = undefined;
    lostReason = undefined;
    try {
      request.onInterruption?.(from, Date.now(), reason);
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
  const liveness = request.liveness;
  const probe = liveness && new SubscriberProbe({
    bytesRead: () => bytesBefore + (sub.stream?.bytesRead ?? 0),
    isReading: () => !paused && !done && sub.status === 'ready',
    ping: () => sub.ping(),
    dead: (silentSince, reason) => {
      logger.debug(`redis subscriber (${request.what}): ${reason}`);
      lostAt = silentSince;
      lostReason = reason;
      // end() would wait for the peer's FIN, which a wedged link never sends: destroy the socket,
      // and the client reconnects with its backoff and subscribes again.
      sub.stream?.destroy();
    },
  }, liveness.idleMs, liveness.timeoutMs);
  const subscription: Subscription = {
    close: async () => {
      if (done) return;
      done = true;
      probe?.stop();
      onClose(subscription);
      sub.removeAllListeners('pmessageBuffer');
      sub.removeAllListeners('ready');
      await closeRedis(sub);
    },
    setPaused: (pause) => {
      paused = pause;
      // The socket of the current connection; a reconnect makes a new, flowing one.
      if (pause) sub.stream?.pause();
      else sub.stream?.resume();
    },
    probe: () => (probe ? probe.verify() : Promise.resolve('unknown')),
  };
  return subscription;
}
