/**
 * Decoded Celery protocol objects. Field names follow Celery's where a user will recognise them;
 * values are exactly what the wire carried (nothing is invented), with `undefined` for absent.
 */

/** The canvas part of a protocol-2 body (`[args, kwargs, embed]`). */
export interface TaskEmbed {
  callbacks: unknown[] | null;
  errbacks: unknown[] | null;
  /** Remaining chain steps in Celery's order: reversed, the next step is the last element. */
  chain: unknown[] | null;
  chord: unknown | null;
}

/** A decoded task message (Celery message protocol 1 or 2). */
export interface TaskMessage {
  kind: 'task';
  protocol: 1 | 2;
  id: string;
  /** Registered task name (`headers.task`). */
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  embed: TaskEmbed;
  rootId?: string | null;
  parentId?: string | null;
  group?: string | null;
  groupIndex?: number | null;
  retries: number;
  /** ISO-8601 with offset, as sent. */
  eta?: string | null;
  expires?: string | null;
  argsrepr?: string;
  kwargsrepr?: string;
  origin?: string;
  shadow?: string | null;
  /** `[hard, soft]` seconds, as Celery's `as_task_v2` writes `[time_limit, soft_time_limit]`. */
  timelimit?: [number | null, number | null];
  ignoreResult?: boolean;
  /** Every header as received, including unknown ones (stamps, traceparent, custom ones). */
  headers: Record<string, unknown>;
  contentType: string;
  contentEncoding: string;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  exchange?: string;
  routingKey?: string;
  redelivered?: boolean | null;
  /** Bytes on the wire. */
  size: number;
}

/**
 * One Celery event as the worker (or client) sent it, plus `local_received` (epoch seconds when we
 * received it). Unknown event types are kept, with `known: false` set by the decoder.
 */
export interface CeleryEvent {
  type: string;
  hostname: string;
  timestamp: number;
  clock: number;
  utcoffset: number;
  pid: number;
  local_received: number;
  uuid?: string;
  /** Set (to false) only on event types outside KNOWN_EVENT_TYPES; absent on known ones. */
  known?: false;
  [field: string]: unknown;
}
