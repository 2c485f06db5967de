/**
 * Decode Celery event messages (the `celeryev` stream) into {@link CeleryEvent}s, the way Celery's
 * own EventReceiver prepares them for its State:
 * - the body is one event object, or an array of them (`task.multi` batches; a batch can hold one);
 *   a bad element becomes an error without losing the rest of the batch;
 * - `local_received` (our receive time, epoch seconds) is added;
 * - `timestamp` is moved into our time zone: `timestamp - (utcoffset - ours) * 3600`, where
 *   `utcoffset` is in hours with POSIX sign (west positive), as Celery sends it;
 * - with an {@link EventClock}, the Lamport clock is kept like Celery's receiver keeps it:
 *   `task-sent` comes from clients that never sync their clock, so its `clock` is replaced by
 *   ours − 1; other events advance ours; an event without a clock gets the next tick.
 *
 * Events are mutated in place (no copy per event: this path must sustain ~200k events/s).
 * Defaults for missing common fields, so the {@link CeleryEvent} type holds: `hostname` '',
 * `pid` 0, `utcoffset` 0, `timestamp` = `local_received`, `clock` 0 (or the next tick).
 * Types not in {@link KNOWN_EVENT_TYPES} are kept with `known: false`. A `task-*` event without
 * a string `uuid` is reported as an error (nothing could use it).
 */
import { isUndecodable, RawMessage, Undecodable, undecodable } from './rawMessage';
import { parseJsonBody } from './jsonBody';
import type { CeleryEvent } from './types';

export { decodeJsonBody, MAX_DECODE_BYTES } from './jsonBody';

/** Every event type Celery 5 sends. */
export const KNOWN_EVENT_TYPES: readonly string[] = Object.freeze([
  'task-sent',
  'task-received',
  'task-started',
  'task-succeeded',
  'task-failed',
  'task-retried',
  'task-revoked',
  'task-rejected',
  'worker-online',
  'worker-heartbeat',
  'worker-offline',
]);

const KNOWN = new Set(KNOWN_EVENT_TYPES);

export function isKnownEventType(type: string): boolean {
  return KNOWN.has(type);
}

/** Celery's (kombu's) Lamport clock, as the event receiver keeps it. */
export class EventClock {
  constructor(public value = 0) {}

  /** Merge a clock value seen on the wire: ours becomes max(ours, theirs) + 1. */
  adjust(other: number): number {
    this.value = (other > this.value ? other : this.value) + 1;
    return this.value;
  }

  /** Tick for a local event. */
  forward(): number {
    return ++this.value;
  }
}

/** Our UTC offset in Celery's convention: whole hours, POSIX sign (west of UTC is positive). */
export function localUtcOffsetHours(at: Date = new Date()): number {
  return Math.floor(at.getTimezoneOffset() / 60);
}

export interface EventDecodeOptions {
  /** The receiver's Lamport clock; without one, `clock` values are kept as sent. */
  clock?: EventClock;
  /** Our UTC offset in hours (POSIX sign); default: this machine's at the time of the call. */
  localUtcOffset?: number;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Validate and normalise one parsed event in place. Returns the reason it is unusable, or
 * undefined when it is now a valid {@link CeleryEvent}.
 */
function normalise(value: unknown, localReceived: number, offset: number, clock: EventClock | undefined): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `event is ${describe(value)}, not an object`;
  const event = value as Record<string, unknown>;
  const type = event.type;
  if (typeof type !== 'string' || type === '') return `event has no string "type" (got ${describe(type)})`;
  if (type.charCodeAt(0) === 116 /* t */ && type.startsWith('task-') && typeof event.uuid !== 'string') {
    return `${type} event has no task uuid`;
  }
  if (!KNOWN.has(type)) event.known = false;
  if (typeof event.hostname !== 'string') event.hostname = '';
  if (typeof event.pid !== 'number') event.pid = 0;
  if (typeof event.utcoffset !== 'number') event.utcoffset = 0;
  const timestamp = event.timestamp;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) event.timestamp = localReceived;
  else if (event.utcoffset !== offset) event.timestamp = timestamp - ((event.utcoffset as number) - offset) * 3600;
  const sent = event.clock;
  if (clock) {
    if (type === 'task-sent') {
      const c = (clock.value || 1) - 1;
      event.clock = c;
      clock.adjust(c);
    } else if (typeof sent === 'number' && Number.isFinite(sent)) {
      clock.adjust(sent);
    } else {
      event.clock = clock.forward();
    }
  } else if (typeof sent !== 'number' || !Number.isFinite(sent)) {
    event.clock = 0;
  }
  event.local_received = localReceived;
  return undefined;
}

/** What a decoder says about a message's events: those it could use, and one error per bad part. */
export interface DecodedEvents {
  events: CeleryEvent[];
  errors: Undecodable[];
}

/** The parts of a message an event error reports. */
export type EventMessageFacts = Pick<Undecodable, 'size' | 'contentType' | 'contentEncoding'>;

/**
 * Normalise a parsed event body (one event or a `task.multi` list) into `out`: every good event
 * goes to `out.events`, every bad one becomes an error. Never throws on any JSON value.
 */
export function collectEvents(
  body: unknown, where: string, facts: EventMessageFacts, localReceived: number, options: EventDecodeOptions | undefined, out: DecodedEvents,
): void {
  const offset = options?.localUtcOffset ?? localUtcOffsetHours();
  const clock = options?.clock;
  if (Array.isArray(body)) {
    for (let i = 0; i < body.length; i++) {
      const reason = normalise(body[i], localReceived, offset, clock);
      if (reason === undefined) out.events.push(body[i] as CeleryEvent);
      else out.errors.push(eventError(where, facts, `${reason} (element ${i} of a batch of ${body.length})`));
    }
    return;
  }
  const reason = normalise(body, localReceived, offset, clock);
  if (reason === undefined) out.events.push(body as CeleryEvent);
  else out.errors.push(eventError(where, facts, typeof body === 'object' && body !== null ? reason : `event body is ${describe(body)}, not an object or a list`));
}

function eventError(where: string, facts: EventMessageFacts, reason: string): Undecodable {
  return undecodable('event', where, reason, { size: facts.size, contentType: facts.contentType, contentEncoding: facts.contentEncoding });
}

/**
 * Decode one `celeryev` message into events. Never throws: an unreadable body yields one error;
 * bad elements of a batch yield one error each while the good ones are kept.
 * `where` names the channel/routing key, `localReceived` is our receive time (epoch seconds).
 */
export function decodeEventMessage(
  raw: RawMessage,
  where: string,
  localReceived: number = Date.now() / 1000,
  options?: EventDecodeOptions,
): DecodedEvents {
  const out: DecodedEvents = { events: [], errors: [] };
  try {
    const parsed = parseJsonBody(raw, 'event', where);
    if (isUndecodable(parsed)) out.errors.push(parsed);
    else collectEvents(parsed.value, where, raw, localReceived, options, out);
  } catch (err) {
    out.errors.push(undecodable('event', where, `could not decode event message (${String((err as Error)?.message ?? err)})`, { size: raw?.size ?? 0 }));
  }
  return out;
}
