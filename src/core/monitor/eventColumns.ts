/**
 * Decoded events in columns, for the trip from the decoding thread to the thread that owns the
 * model. Posting the event objects themselves made the receiving thread re-create every property
 * name of every event (a structured clone), which cost about as much as the JSON parse the thread
 * was meant to save. Here the names travel once, as the column layout; values travel as numbers in
 * one Float64Array and as references into one table of the batch's distinct strings (a task's id,
 * its worker and its name repeat across its events).
 *
 * Only events that fit the layout exactly go into columns: a known type, no field outside the
 * columns, each field of its column's type. Any other event (worker events with their lists, an
 * unknown type, an odd value) travels as itself, at its position, so unpacking gives back events
 * equal to the ones packed, field for field, except that every column is present (undefined when
 * the event did not have it).
 */
import { KNOWN_EVENT_TYPES } from '../celery/events';
import type { CeleryEvent } from '../celery/types';

/** String fields of task events (a value may also be null, as root_id, parent_id, eta and expires are). */
const STRING_FIELDS = [
  'uuid', 'hostname', 'name', 'args', 'kwargs', 'root_id', 'parent_id', 'eta', 'expires',
  'queue', 'exchange', 'routing_key', 'result', 'exception', 'traceback',
] as const;
/** Number fields; the first five are on every decoded event (events.ts sets them). */
const NUMBER_FIELDS = ['timestamp', 'clock', 'utcoffset', 'pid', 'local_received', 'runtime', 'retries'] as const;
const ALWAYS_NUMBERS = 5;
const STRINGS = STRING_FIELDS.length;
const NUMBERS = NUMBER_FIELDS.length;
const ABSENT = -1;
const NULL = -2;
/** Type code of an event that travels as itself. */
const AS_IS = 255;

/** Only task events are laid out in columns; worker events carry lists and dicts. */
const COLUMN_TYPES = KNOWN_EVENT_TYPES.filter((type) => type.startsWith('task-'));
const TYPE_CODE = new Map(COLUMN_TYPES.map((type, i) => [type, i]));

export interface PackedEvents {
  count: number;
  /** Per event: index into the known task event types, or AS_IS. */
  types: Uint8Array<ArrayBuffer>;
  /** Per event, NUMBERS values (NaN: absent). */
  numbers: Float64Array<ArrayBuffer>;
  /** Per event, STRINGS references into `strings` (ABSENT, NULL, or an index). */
  refs: Int32Array<ArrayBuffer>;
  strings: string[];
  /** The events that travel as themselves, in order, for the positions typed AS_IS. */
  asIs: CeleryEvent[];
}

/** Strings this long or longer go into the table as they are: hashing them to share costs more than it saves. */
const SHARED_STRING_MAX_LENGTH = 64;
/** A value of the wrong type for its column. */
const MISFIT = -3;

/** The batch's string table while packing. */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** The reference for a string column's value, or MISFIT. */
  ref(value: unknown): number {
    if (value === undefined) return ABSENT;
    if (value === null) return NULL;
    if (typeof value !== 'string') return MISFIT;
    if (value.length >= SHARED_STRING_MAX_LENGTH) return this.strings.push(value) - 1;
    const known = this.index.get(value);
    if (known !== undefined) return known;
    const ref = this.strings.push(value) - 1;
    this.index.set(value, ref);
    return ref;
  }
}

/** Lay out `events` in columns (on the decoding thread). */
export function packEvents(events: readonly CeleryEvent[]): PackedEvents {
  const count = events.length;
  const types = new Uint8Array(count);
  const numbers = new Float64Array(count * NUMBERS);
  const refs = new Int32Array(count * STRINGS);
  const table = new StringTable();
  const asIs: CeleryEvent[] = [];
  for (let i = 0; i < count; i++) {
    const event = events[i];
    const code = TYPE_CODE.get(event.type);
    if (code === undefined || !fillColumns(event, i, numbers, refs, table)) {
      types[i] = AS_IS;
      asIs.push(event);
    } else {
      types[i] = code;
    }
  }
  return { count, types, numbers, refs, strings: table.strings, asIs };
}

/**
 * Write one event's columns; false (columns left half-written, unused) when it does not fit.
 * Written out field by field: named property reads are several times faster here than reads
 * through a list of names, and this runs for every event.
 */
function fillColumns(e: CeleryEvent, at: number, numbers: Float64Array, refs: Int32Array, table: StringTable): boolean {
  let fields = 1; // type
  const s = at * STRINGS;
  const strings = [
    e.uuid, e.hostname, e.name, e.args, e.kwargs, e.root_id, e.parent_id, e.eta, e.expires,
    e.queue, e.exchange, e.routing_key, e.result, e.exception, e.traceback,
  ];
  for (let f = 0; f < STRINGS; f++) {
    const ref = table.ref(strings[f]);
    if (ref === MISFIT) return false;
    if (ref !== ABSENT) fields++;
    refs[s + f] = ref;
  }
  const n = at * NUMBERS;
  // Always there (events.ts sets them) and numbers.
  const { timestamp, clock, utcoffset, pid, local_received: received } = e;
  if (!isNumber(timestamp) || !isNumber(clock) || !isNumber(utcoffset) || !isNumber(pid) || !isNumber(received)) return false;
  numbers[n] = timestamp;
  numbers[n + 1] = clock;
  numbers[n + 2] = utcoffset;
  numbers[n + 3] = pid;
  numbers[n + 4] = received;
  fields += ALWAYS_NUMBERS;
  // Optional, and NaN marks "absent", so they only carry numbers that are not NaN.
  const { runtime, retries } = e;
  if (runtime === undefined) numbers[n + 5] = NaN;
  else if (!isNumber(runtime)) return false;
  else {
    numbers[n + 5] = runtime;
    fields++;
  }
  if (retries === undefined) numbers[n + 6] = NaN;
  else if (!isNumber(retries)) return false;
  else {
    numbers[n + 6] = retries;
    fields++;
  }
  // Every field the event has went into a column: nothing is left out.
  let own = 0;
  for (const key in e) if (Object.prototype.hasOwnProperty.call(e, key)) own++;
  return own === fields;
}

/** A number a Float64Array column can carry without it reading back as "absent" (NaN). */
function isNumber(value: unknown): value is number {
  return typeof value === 'number' && value === value;
}

/** Rebuild events [from, to) of a packed batch; `cursor.asIs` counts the as-is events passed so far. */
export function unpackEvents(packed: PackedEvents, from: number, to: number, cursor: { asIs: number }): CeleryEvent[] {
  const { types, numbers, refs, strings } = packed;
  const out: CeleryEvent[] = new Array<CeleryEvent>(to - from);
  const text = (ref: number): string | null | undefined => (ref >= 0 ? strings[ref] : ref === NULL ? null : undefined);
  const optional = (value: number): number | undefined => (value === value ? value : undefined);
  for (let i = from; i < to; i++) {
    const code = types[i];
    if (code === AS_IS) {
      out[i - from] = packed.asIs[cursor.asIs++];
      continue;
    }
    const s = i * STRINGS;
    const n = i * NUMBERS;
    // One literal with every column, in one order, so every rebuilt event shares one shape.
    out[i - from] = {
      type: COLUMN_TYPES[code],
      uuid: text(refs[s]) as string,
      hostname: text(refs[s + 1]) as string,
      name: text(refs[s + 2]),
      args: text(refs[s + 3]),
      kwargs: text(refs[s + 4]),
      root_id: text(refs[s + 5]),
      parent_id: text(refs[s + 6]),
      eta: text(refs[s + 7]),
      expires: text(refs[s + 8]),
      queue: text(refs[s + 9]),
      exchange: text(refs[s + 10]),
      routing_key: text(refs[s + 11]),
      result: text(refs[s + 12]),
      exception: text(refs[s + 13]),
      traceback: text(refs[s + 14]),
      timestamp: numbers[n],
      clock: numbers[n + 1],
      utcoffset: numbers[n + 2],
      pid: numbers[n + 3],
      local_received: numbers[n + 4],
      runtime: optional(numbers[n + 5]),
      retries: optional(numbers[n + 6]),
    };
  }
  return out;
}
