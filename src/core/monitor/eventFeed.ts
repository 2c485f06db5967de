/** The `celeryev` stream into the ClusterState: decode each broker message, apply its events. */
import { decodeEventMessage } from '../celery/events';
import { isUndecodable, type RawMessage, type Undecodable } from '../celery/rawMessage';
import { decodeRedisEventPayload } from '../celery/redisEvents';
import type { CeleryEvent } from '../celery/types';
import type { ClusterState } from '../state/index';
import type { EventGapTracker } from './eventGaps';
import type { HealthRecorder } from './healthRecorder';

/** Where decoded events go: the state, the health counts, the gap tracker. */
export interface EventSink {
  state: ClusterState;
  health: HealthRecorder;
  changed(): void;
  gaps?: EventGapTracker;
}

/** Apply decoded events (from here or from the decoding thread); never throws. */
export function applyDecoded(sink: EventSink, events: readonly CeleryEvent[], errors: readonly Undecodable[]): void {
  for (const error of errors) sink.health.undecodable(error);
  if (!events.length) return;
  sink.gaps?.received(events, Date.now());
  let i = 0;
  while (i < events.length) {
    try {
      for (; i < events.length; i++) sink.state.apply(events[i]);
    } catch (err) {
      // A bug in a merge must not kill the subscription (it would stop every later event).
      sink.health.problem('events', `could not apply an event: ${(err as Error)?.message ?? String(err)}`, 'error');
      i++;
    }
  }
  sink.health.health.events += events.length;
  sink.changed();
}

/** A handler for Broker.subscribeEvents that decodes on this thread and never throws. */
export function eventFeed(sink: EventSink): (message: RawMessage | Undecodable) => void {
  const { state, health } = sink;
  return (message) => {
    try {
      if (isUndecodable(message)) {
        health.undecodable(message);
        return;
      }
      const where = message.deliveryInfo.routingKey ?? 'celeryev';
      const { events, errors } = decodeEventMessage(message, where, state.now(), { clock: state.clock });
      applyDecoded(sink, events, errors);
    } catch (err) {
      health.problem('events', `could not decode an event message: ${(err as Error)?.message ?? String(err)}`, 'error');
    }
  };
}

/**
 * A handler for raw Redis pub/sub payloads (Broker.subscribeRawEvents) that decodes them on this
 * thread with the Redis event decoder, as the decoding thread would; never throws.
 */
export function rawEventFeed(sink: EventSink): (channel: string, payload: Buffer) => void {
  const { state, health } = sink;
  return (channel, payload) => {
    try {
      const { events, errors } = decodeRedisEventPayload(payload, channel, state.now(), { clock: state.clock });
      applyDecoded(sink, events, errors);
    } catch (err) {
      health.problem('events', `could not decode an event message: ${(err as Error)?.message ?? String(err)}`, 'error');
    }
  };
}
