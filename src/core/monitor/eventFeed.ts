/** The `celeryev` stream into the ClusterState: decode each broker message, apply its events. */
import { decodeEventMessage } from '../celery/events';
import { isUndecodable, type RawMessage, type Undecodable } from '../celery/rawMessage';
import type { ClusterState } from '../state/index';
import type { HealthRecorder } from './healthRecorder';

/** A handler for Broker.subscribeEvents that never throws. */
export function eventFeed(state: ClusterState, health: HealthRecorder, changed: () => void): (message: RawMessage | Undecodable) => void {
  return (message) => {
    try {
      if (isUndecodable(message)) {
        health.undecodable(message);
        return;
      }
      const where = message.deliveryInfo.routingKey ?? 'celeryev';
      const { events, errors } = decodeEventMessage(message, where, state.now(), { clock: state.clock });
      for (const error of errors) health.undecodable(error);
      for (const event of events) state.apply(event);
      health.health.events += events.length;
      if (events.length) changed();
    } catch (err) {
      // A bug in a merge must not kill the subscription (it would stop every later event).
      health.problem('events', `could not apply an event: ${(err as Error)?.message ?? String(err)}`, 'error');
    }
  };
}
