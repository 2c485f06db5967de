/**
 * One Redis pub/sub pattern subscription on its own connection (a subscribed connection cannot
 * run other commands), for the broker's events and the result backend's result records.
 *
 * The connection is ours (subscriberConnection.ts), and so is its reconnect: the first connect's
 * failure goes to the caller; a connection lost after that is made again with backoff (250 ms more
 * per attempt, at most 3 s), for as long as the subscription is open, and reported as an
 * interruption once it delivers again.
 */
import type { Subscription } from '../broker';
import { SubscriberProbe } from './subscriberProbe';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import type { Logger } from '../../util/logger';
import { describeServer } from './redisClient';
import { SubscriberConnection, type SubscriberListener } from './subscriberConnection';

/** One PSUBSCRIBE: where to connect, what to listen to and who hears it. */
export interface PatternSubscriptionRequest {
  /** What the connection is for, in errors and logs ("event subscriber", ...). */
  role: string;
  connectTimeoutMs?: number;
  /** The glob given to PSUBSCRIBE. */
  pattern: string;
  /** Names the operation in errors, e.g. "Subscribing to events". */
  what: string;
  /** Names the handler in the warning logged when it throws, e.g. "event handler". */
  handlerName: string;
  /** Called with the channel name and the raw payload of every message. */
  onMessage(channel: string, payload: Buffer): void;
  /**
   * The connection dropped at `lostAt` and was subscribed again at `resumedAt` (epoch ms):
   * whatever was published in between, or still sat in Redis's output buffer for us when it cut
   * the connection, never arrives. `reason` is given when it is known better than "it closed".
   */
  onInterruption?(lostAt: number, resumedAt: number, reason?: string): void;
  /**
   * Watch the connection for silence (see subscriberProbe.ts): after `idleMs` without a byte, PING;
   * no answer within `timeoutMs` drops it, and it is made again on a fresh connection (reported
   * through onInterruption with the probe's reason). Omitted: never probed.
   */
  liveness?: { idleMs: number; timeoutMs: number };
}

const RETRY_STEP_MS = 250;
const RETRY_MAX_MS = 3000;

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
  let lostAt: number | undefined;
  let lostReason: string | undefined;
  let done = false;
  let paused = false;
  let retryTimer: NodeJS.Timeout | undefined;
  // Bytes read by the connections before the current one.
  let bytesBefore = 0;

  const listener: SubscriberListener = {
    onMessage: (channel, payload) => {
      try {
        request.onMessage(channel, payload);
      } catch (err) {
        logger.warn(`${request.handlerName} failed: ${(err as Error).message}`);
      }
    },
    onEnd: (reason, byUs) => {
      if (done) return;
      logger.debug(`redis ${request.role} (${describeServer(url)}): ${reason}; subscribing again`);
      lostAt ??= Date.now();
      if (byUs) lostReason ??= `${reason}; dropped the connection and subscribed again`;
      reconnect(1);
    },
  };
  const open = (): Promise<SubscriberConnection> =>
    SubscriberConnection.open(url, request.pattern, { role: request.role, what: request.what, connectTimeoutMs: request.connectTimeoutMs, logger }, listener);

  // Assigned before anything can end it: open() resolves in the same turn as the confirmation.
  let connection = await open();

  function reconnect(attempt: number): void {
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (done) return;
      open().then(
        (next) => {
          if (done) {
            void next.close();
            return;
          }
          bytesBefore += connection.bytesRead;
          connection = next;
          if (paused) next.setPaused(true);
          const from = lostAt ?? Date.now();
          const reason = lostReason;
          lostAt = undefined;
          lostReason = undefined;
          try {
            request.onInterruption?.(from, Date.now(), reason);
          } catch (err) {
            logger.warn(`${request.handlerName} failed: ${(err as Error).message}`);
          }
        },
        (err: Error) => {
          logger.debug(`redis ${request.role}: ${err.message}`);
          if (!done) reconnect(attempt + 1);
        },
      );
    }, Math.min(attempt * RETRY_STEP_MS, RETRY_MAX_MS));
  }

  const liveness = request.liveness;
  const probe = liveness && new SubscriberProbe({
    bytesRead: () => bytesBefore + connection.bytesRead,
    isReading: () => !paused && !done && connection.isOpen,
    ping: () => connection.ping(),
    dead: (silentSince, reason) => {
      logger.debug(`redis subscriber (${request.what}): ${reason}`);
      lostAt = silentSince;
      lostReason = reason;
      // A wedged link never sends FIN: drop the socket, and onEnd subscribes again.
      connection.destroy();
    },
  }, liveness.idleMs, liveness.timeoutMs);

  const subscription: Subscription = {
    close: async () => {
      if (done) return;
      done = true;
      probe?.stop();
      clearTimeout(retryTimer);
      onClose(subscription);
      await connection.close();
    },
    setPaused: (pause) => {
      paused = pause;
      connection.setPaused(pause);
    },
    probe: () => (probe ? probe.verify() : Promise.resolve('unknown')),
  };
  return subscription;
}
