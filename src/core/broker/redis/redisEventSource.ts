/**
 * The broker's `celeryev` pub/sub subscription described as plain data (structured-clonable), so
 * that the decoding thread can open it itself and the owner's thread never handles the raw stream.
 * The broker's own subscribeRawEvents opens the same subscription from the same description.
 */
import type { Subscription } from '../broker';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import type { Logger } from '../../util/logger';
import { EVENT_EXCHANGE, fanoutChannel } from './kombuKeys';
import { type PatternSubscriptionRequest, subscribePattern } from './patternSubscription';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './redisClient';

const SUBSCRIPTION_CUT = 'Redis closed the event subscription (it cuts a subscriber that falls more than ' +
  '`client-output-buffer-limit pubsub` behind, dropping what it buffered; a restart or a network drop does the same)';

export interface RedisEventSource {
  url: RedisConnectionUrl;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export interface RedisEventHandlers {
  onMessage(channel: string, payload: Buffer): void;
  /** The subscription was cut and made again (patternSubscription.ts); `reason` is safe to show. */
  onInterruption(lostAt: number, resumedAt: number, reason: string): void;
}

/** The PSUBSCRIBE of the `celeryev` fanout on a connection of its own. */
export function eventSubscriptionRequest(source: RedisEventSource, handlers: RedisEventHandlers): PatternSubscriptionRequest {
  const commandTimeoutMs = source.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return {
    role: 'event subscriber',
    connectTimeoutMs: source.connectTimeoutMs,
    pattern: `${fanoutChannel(source.url.db, EVENT_EXCHANGE)}/*`,
    what: 'Subscribing to events',
    handlerName: 'event handler',
    onMessage: (channel, payload) => handlers.onMessage(channel, payload),
    onInterruption: (lostAt, resumedAt, reason) => handlers.onInterruption(lostAt, resumedAt, reason ?? SUBSCRIPTION_CUT),
    // A wedged subscriber is given as long as any command to answer, after as long a silence.
    liveness: { idleMs: commandTimeoutMs, timeoutMs: commandTimeoutMs },
  };
}

/** Open the subscription outside a broker (on the decoding thread). */
export function subscribeEventSource(source: RedisEventSource, logger: Logger, handlers: RedisEventHandlers): Promise<Subscription> {
  return subscribePattern(source.url, logger, eventSubscriptionRequest(source, handlers), () => undefined);
}
