/**
 * Decoding a batch of raw Redis pub/sub event payloads (on the decoding thread, or on the owner's
 * thread when there is none), with the clock and time zone worked out once per batch.
 */
import { type EventClock, localUtcOffsetHours } from '../celery/events';
import type { Undecodable } from '../celery/rawMessage';
import { decodeRedisEventPayload } from '../celery/redisEvents';
import type { CeleryEvent } from '../celery/types';

export interface DecodedBatch {
  events: CeleryEvent[];
  errors: Undecodable[];
  /** The decoder's Lamport clock after the batch (the owner's state keeps the larger). */
  clock: number;
}

/** Decode raw payloads received on `channels` (the same index), in order; never throws. */
export function decodePayloads(
  payloads: readonly Buffer[], channels: readonly string[], localReceived: number, clock: EventClock,
): DecodedBatch {
  const out = { events: [] as CeleryEvent[], errors: [] as Undecodable[] };
  // Our zone once per batch, not a Date per message.
  const options = { clock, localUtcOffset: localUtcOffsetHours() };
  for (let i = 0; i < payloads.length; i++) decodeRedisEventPayload(payloads[i], channels[i], localReceived, options, out);
  return { events: out.events, errors: out.errors, clock: clock.value };
}
