/**
 * The wire format between the event-decoding worker thread and its owner: raw Redis pub/sub
 * payloads of one macrotask packed into one byte array (`ends[i]` = end of message i), with their
 * channels as references into a table of the few distinct channel names, and the decoded events
 * and errors coming back (laid out in columns by the thread, eventColumns.ts). Packing keeps each
 * post cheap: one copy of the bytes (moved to the thread, not cloned), no structured clone per
 * message or per event.
 */
import { type EventClock, localUtcOffsetHours } from '../celery/events';
import type { Undecodable } from '../celery/rawMessage';
import { decodeRedisEventPayload } from '../celery/redisEvents';
import type { CeleryEvent } from '../celery/types';
import type { PackedEvents } from './eventColumns';

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
  /** Per message, its channel's index in `channelNames`. */
  channels: Uint16Array<ArrayBuffer>;
  channelNames: string[];
  /** Our receive time of the batch, epoch seconds. */
  localReceived: number;
}

export interface DecodeReply {
  id: number;
  events: CeleryEvent[];
  errors: Undecodable[];
  /** The decoder's Lamport clock after the batch (the owner's state keeps the larger). */
  clock: number;
}

/** What the decoding thread posts back for a {@link DecodeRequest}: the events in columns. */
export interface ThreadReply {
  id: number;
  packed: PackedEvents;
  errors: Undecodable[];
  clock: number;
  /** The request's byte buffer, handed back for the next request (nothing on the thread refers to it). */
  bytes?: ArrayBuffer;
  /** Set when decoding threw on the thread: the owner decodes the batch itself. */
  failed?: string;
}

/** Decode a packed batch (on whichever thread). */
export function decodeBatch(request: DecodeRequest, clock: EventClock): DecodeReply {
  const { bytes, ends, channels, channelNames } = request;
  const whole = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payloads: Buffer[] = new Array<Buffer>(ends.length);
  const names: string[] = new Array<string>(ends.length);
  for (let i = 0, start = 0; i < ends.length; start = ends[i++]) {
    payloads[i] = whole.subarray(start, ends[i]);
    names[i] = channelNames[channels[i]];
  }
  return { id: request.id, ...decodePayloads(payloads, names, request.localReceived, clock) };
}

/** Decode raw payloads received on `channels` (the same index), in order. */
export function decodePayloads(
  payloads: readonly Buffer[], channels: readonly string[], localReceived: number, clock: EventClock,
): Omit<DecodeReply, 'id'> {
  const events: CeleryEvent[] = [];
  const errors: Undecodable[] = [];
  // Our zone once per batch, not a Date per message.
  const options = { clock, localUtcOffset: localUtcOffsetHours() };
  for (let i = 0; i < payloads.length; i++) {
    const decoded = decodeRedisEventPayload(payloads[i], channels[i], localReceived, options);
    for (let k = 0; k < decoded.events.length; k++) events.push(decoded.events[k]);
    for (let k = 0; k < decoded.errors.length; k++) errors.push(decoded.errors[k]);
  }
  return { events, errors, clock: clock.value };
}
