/**
 * Things a broker can tell us beyond a lost connection, which the generic Broker interface does
 * not carry: RabbitMQ blocking the connection (a memory or disk alarm) and events it dropped from
 * our event queue before we read them, an event subscription cut and restored. The brokers report
 * them; a monitor shows them in its health.
 */
import type { Disposable } from '../util/disposable';

export type BrokerNotice =
  /** The server stopped accepting publishes on this connection (RabbitMQ resource alarm); `reason` from the server. */
  | { kind: 'blocked'; reason: string }
  | { kind: 'unblocked' }
  /** `count` events were dropped by the broker before we received them (expired in the event queue). */
  | { kind: 'events-lost'; count: number; reason: string }
  /**
   * The event subscription was cut at `lostAt` and restored at `resumedAt` (epoch ms) without us
   * reconnecting (Redis: the client re-subscribed); events sent in between are gone, uncounted.
   */
  | { kind: 'events-interrupted'; lostAt: number; resumedAt: number; reason: string };

/** A broker that reports {@link BrokerNotice}s. */
export interface BrokerNoticeSource {
  onNotice(listener: (notice: BrokerNotice) => void): Disposable;
}

export function reportsNotices(broker: object): broker is BrokerNoticeSource {
  return typeof (broker as Partial<BrokerNoticeSource>).onNotice === 'function';
}
